"""SQLAlchemy 2 models of the warehouse; Alembic migrations in warehouse/migrations mirror them.

Natural keys carry uniqueness (activity id, (forge, host, login), (activity, rule)), so every load is
an idempotent upsert and re-mining never duplicates.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator


class UTCDateTime(TypeDecorator):
    """Aware UTC datetimes on both backends (SQLite would hand back naive ones)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: object) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the warehouse; use UTC-aware datetimes")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: object) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    pass


class Repository(Base):
    __tablename__ = "repositories"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    source: Mapped[str] = mapped_column(String(200))
    forge: Mapped[str] = mapped_column(String(20))
    host: Mapped[str] = mapped_column(String(255))
    full_name: Mapped[str] = mapped_column(String(500))
    team: Mapped[str | None] = mapped_column(String(200))
    __table_args__ = (UniqueConstraint("forge", "host", "full_name", name="uq_repositories_natural"),)


class Person(Base):
    __tablename__ = "people"
    id: Mapped[str] = mapped_column(String(200), primary_key=True)
    name: Mapped[str] = mapped_column(String(500))
    team: Mapped[str | None] = mapped_column(String(200))
    level: Mapped[str | None] = mapped_column(String(100))
    start_date: Mapped[date | None] = mapped_column(Date)
    timezone: Mapped[str | None] = mapped_column(String(100))
    region: Mapped[str | None] = mapped_column(String(100))


class Identity(Base):
    __tablename__ = "identities"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    forge: Mapped[str] = mapped_column(String(20))
    host: Mapped[str] = mapped_column(String(255))
    login: Mapped[str] = mapped_column(String(255))  # lower-cased
    person_id: Mapped[str | None] = mapped_column(String(200))  # no FK: the roster, not the db, owns people
    is_bot: Mapped[bool] = mapped_column(Boolean, default=False)
    __table_args__ = (UniqueConstraint("forge", "host", "login", name="uq_identities_natural"),)


class Activity(Base):
    __tablename__ = "activities"
    id: Mapped[str] = mapped_column(String(700), primary_key=True)  # forge:host:kind:native_id
    forge: Mapped[str] = mapped_column(String(20))
    host: Mapped[str] = mapped_column(String(255))
    kind: Mapped[str] = mapped_column(String(30))
    native_id: Mapped[str] = mapped_column(String(400))
    repo: Mapped[str] = mapped_column(String(500))
    actor_login: Mapped[str] = mapped_column(String(255))  # lower-cased
    actor_is_bot: Mapped[bool] = mapped_column(Boolean, default=False)
    person_id: Mapped[str | None] = mapped_column(String(200))  # resolved at load; re-resolved on roster sync
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime)
    actor_utc_offset_minutes: Mapped[int | None] = mapped_column(Integer)
    url: Mapped[str] = mapped_column(Text)
    parent_number: Mapped[int | None] = mapped_column(Integer)
    parent_title: Mapped[str] = mapped_column(Text, default="")
    parent_author: Mapped[str | None] = mapped_column(String(255))
    parent_labels: Mapped[list] = mapped_column(JSON, default=list)
    body: Mapped[str] = mapped_column(Text, default="")
    state: Mapped[str | None] = mapped_column(String(40))
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    review_comment_count: Mapped[int | None] = mapped_column(Integer)
    files: Mapped[int | None] = mapped_column(Integer)
    additions: Mapped[int | None] = mapped_column(Integer)
    deletions: Mapped[int | None] = mapped_column(Integer)
    path_groups: Mapped[list] = mapped_column(JSON, default=list)
    extra: Mapped[dict] = mapped_column(JSON, default=dict)
    content_hash: Mapped[str] = mapped_column(String(64))  # changes when the forge edits the item
    mined_at: Mapped[datetime] = mapped_column(UTCDateTime)
    __table_args__ = (
        Index("ix_activities_kind_occurred", "kind", "occurred_at"),
        Index("ix_activities_person", "person_id"),
        Index("ix_activities_repo", "forge", "host", "repo"),
        Index("ix_activities_thread", "forge", "host", "repo", "parent_number"),  # thread reads (classify, trust)
        Index("ix_activities_mined_at", "mined_at"),
        Index("ix_activities_occurred", "occurred_at"),  # coverage's first day and retention, without a scan
    )


class Signal(Base):
    __tablename__ = "signals"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    activity_id: Mapped[str] = mapped_column(ForeignKey("activities.id", ondelete="CASCADE"))
    rule_id: Mapped[str] = mapped_column(String(200))
    rule_version: Mapped[int] = mapped_column(Integer)
    rule_hash: Mapped[str] = mapped_column(String(64))
    person_id: Mapped[str] = mapped_column(String(200))
    signal_type: Mapped[str] = mapped_column(String(30))  # technical | operational | communication
    indicator: Mapped[str] = mapped_column(String(100))
    impact: Mapped[str] = mapped_column(String(10))  # low | medium | high
    evidence_url: Mapped[str] = mapped_column(Text)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime)
    summary: Mapped[str] = mapped_column(Text, default="")
    why: Mapped[dict] = mapped_column(JSON, default=dict)
    classified_at: Mapped[datetime] = mapped_column(UTCDateTime)
    __table_args__ = (
        UniqueConstraint("activity_id", "rule_id", name="uq_signals_activity_rule"),
        Index("ix_signals_person_occurred", "person_id", "occurred_at"),
        Index("ix_signals_rule", "rule_id"),
    )


class Cursor(Base):
    __tablename__ = "cursors"
    source: Mapped[str] = mapped_column(String(200), primary_key=True)
    repo: Mapped[str] = mapped_column(String(500), primary_key=True)
    stream: Mapped[str] = mapped_column(String(50), primary_key=True)
    watermark: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # commits: "<sha> <branch>", the default branch's head when last read; the next run asks the forge to
    # compare it with the branch, which finds commits that landed late with an old date (merged PRs)
    position: Mapped[str | None] = mapped_column(String(500))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class MiningRun(Base):
    __tablename__ = "mining_runs"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(20))  # running | ok | failed | partial | interrupted
    sources: Mapped[list] = mapped_column(JSON, default=list)
    counts: Mapped[dict] = mapped_column(JSON, default=dict)  # activities by kind, signals by type
    requests: Mapped[int] = mapped_column(Integer, default=0)
    waits: Mapped[list] = mapped_column(JSON, default=list)
    errors: Mapped[dict] = mapped_column(JSON, default=dict)  # repo -> message


class Setting(Base):
    """Per-warehouse values such as the suppression salt (never a token)."""

    __tablename__ = "settings"
    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class Suppression(Base):
    """Salted hashes of a forgotten person's identifiers: later runs store nothing that matches."""

    __tablename__ = "suppressions"
    hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class AccessLog(Base):
    """Who generated or exported what, about whom: the person can see what was viewed about them."""

    __tablename__ = "access_log"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    viewer: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(100))  # report-monthly, report-packet, export, forget, ...
    subject_person_id: Mapped[str | None] = mapped_column(String(200))
    detail: Mapped[dict] = mapped_column(JSON, default=dict)
    __table_args__ = (Index("ix_access_log_subject", "subject_person_id", "at"),)


class Pseudonym(Base):
    """An opted-out person's roster facts under one of their pseudonyms, for classification only (no name)."""

    __tablename__ = "pseudonyms"
    pseudonym: Mapped[str] = mapped_column(String(64), primary_key=True)
    forge: Mapped[str] = mapped_column(String(20))  # github | gitlab | email
    team: Mapped[str | None] = mapped_column(String(200))
    level: Mapped[str | None] = mapped_column(String(100))
    start_date: Mapped[date | None] = mapped_column(Date)
    timezone: Mapped[str | None] = mapped_column(String(100))
    region: Mapped[str | None] = mapped_column(String(100))

