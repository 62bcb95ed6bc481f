"""Tables of development-track progress: each person's track and stage, attestations, mentoring check-ins.

Kept apart from models.py (warehouse/schema.py gathers both for the migrations); so is how erasure and opt-out
reach them, which the trust module calls. Recording attestations and reading them: :mod:`leadsig.warehouse.tracks`.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Connection, Date, Index, Integer, String, Text, UniqueConstraint, delete, update
from sqlalchemy.orm import Mapped, mapped_column

from leadsig.warehouse.models import Base, UTCDateTime


class PersonTrack(Base):
    __tablename__ = "person_tracks"
    person_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    track: Mapped[str] = mapped_column(String(100))
    stage: Mapped[str] = mapped_column(String(100))
    stage_since: Mapped[date | None] = mapped_column(Date)


class Attestation(Base):
    __tablename__ = "attestations"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    person_id: Mapped[str] = mapped_column(String(200))
    track: Mapped[str] = mapped_column(String(100))
    milestone_id: Mapped[str] = mapped_column(String(100))
    evidence_url: Mapped[str] = mapped_column(Text)
    attested_by: Mapped[str] = mapped_column(String(200))
    attested_at: Mapped[datetime] = mapped_column(UTCDateTime)
    note: Mapped[str] = mapped_column(Text, default="")
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    withdrawn_by: Mapped[str | None] = mapped_column(String(200))
    __table_args__ = (Index("ix_attestations_person", "person_id", "milestone_id"),)


class CheckIn(Base):
    __tablename__ = "checkins"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    source: Mapped[str] = mapped_column(Text)  # file path or issue URL: where to read the original
    mentor_id: Mapped[str] = mapped_column(String(200))
    mentee_id: Mapped[str] = mapped_column(String(200))
    month: Mapped[str] = mapped_column(String(7))  # YYYY-MM
    focus_area: Mapped[str] = mapped_column(Text, default="")
    progress: Mapped[str] = mapped_column(Text, default="")
    challenges: Mapped[str] = mapped_column(Text, default="")
    observation: Mapped[str] = mapped_column(Text, default="")
    next_focus: Mapped[str] = mapped_column(Text, default="")
    stored_at: Mapped[datetime] = mapped_column(UTCDateTime)
    __table_args__ = (
        UniqueConstraint("mentor_id", "mentee_id", "month", name="uq_checkins_pair_month"),
        Index("ix_checkins_mentee", "mentee_id", "month"),
    )


def forget_rows(conn: Connection, person_id: str, alias: str) -> dict[str, int]:
    """A forgotten person's attestations, track and check-ins about them go; a check-in they wrote as mentor
    stays the mentee's record, under the mentor's pseudonym."""
    counts = {
        "attestations": conn.execute(delete(Attestation).where(Attestation.person_id == person_id)).rowcount,
        "checkins": conn.execute(delete(CheckIn).where(CheckIn.mentee_id == person_id)).rowcount,
    }
    conn.execute(delete(PersonTrack).where(PersonTrack.person_id == person_id))
    conn.execute(update(CheckIn).where(CheckIn.mentor_id == person_id).values(mentor_id=alias))
    return counts


def drop_opted_out(conn: Connection, person_ids: list[str]) -> int:
    """Opted-out people's check-ins (as mentee) are not kept: nothing is measured about them."""
    if not person_ids:
        return 0
    return conn.execute(delete(CheckIn).where(CheckIn.mentee_id.in_(person_ids))).rowcount
