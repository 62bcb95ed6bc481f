"""ETags of the forge listings a run read, so the next run can ask "changed since?" (``If-None-Match``).

GitHub answers an unchanged listing with ``304 Not Modified``, which its rate limit does not count: with the
ETags stored, a night with nothing new costs no points. One row per (source, repo, listing key); the key is
the listing's URL with its parameters (a moved watermark makes a new key, so a stale ETag is never sent for
a different question). Rows are written only after every batch of the repo was stored, so an ETag never
stands for content the warehouse lacks; ``--full`` and ``forget`` drop them with the cursors.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Engine, String, delete, select
from sqlalchemy.orm import Mapped, mapped_column

from leadsig.warehouse.models import Base, UTCDateTime

KEY_LENGTH = 1000
ETAG_LENGTH = 200


class ListingETag(Base):
    __tablename__ = "listing_etags"
    source: Mapped[str] = mapped_column(String(200), primary_key=True)
    repo: Mapped[str] = mapped_column(String(500), primary_key=True)
    key: Mapped[str] = mapped_column(String(KEY_LENGTH), primary_key=True)
    etag: Mapped[str] = mapped_column(String(ETAG_LENGTH))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


def get_etags(engine: Engine, source: str, repo: str) -> dict[str, str]:
    with engine.connect() as conn:
        rows = conn.execute(select(ListingETag.key, ListingETag.etag)
                            .where(ListingETag.source == source, ListingETag.repo == repo)).all()
    return {key: etag for key, etag in rows}


def save_etags(engine: Engine, source: str, repo: str, etags: dict[str, str]) -> None:
    """Replace the repo's ETags: keys of listings not asked this time (an old watermark) are dropped."""
    now = datetime.now(UTC)
    rows = [{"source": source, "repo": repo, "key": key, "etag": etag, "updated_at": now}
            for key, etag in etags.items() if len(key) <= KEY_LENGTH and len(etag) <= ETAG_LENGTH]
    with engine.begin() as conn:
        conn.execute(delete(ListingETag).where(ListingETag.source == source, ListingETag.repo == repo))
        if rows:
            conn.execute(ListingETag.__table__.insert(), rows)


def clear_etags(engine: Engine, source: str | None = None, repo: str | None = None) -> None:
    stmt = delete(ListingETag)
    if source:
        stmt = stmt.where(ListingETag.source == source)
    if repo:
        stmt = stmt.where(ListingETag.repo == repo)
    with engine.begin() as conn:
        conn.execute(stmt)
