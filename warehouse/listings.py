"""The org listings a run read, with their ETags, so a night with nothing new asks them conditionally too.

A repo's listings have their ETags in :mod:`warehouse.etags`; the org listing (which repos there are, and
the facts the miner reads from it: clone URL, default branch, web page) is a source's, not a repo's. A
``304 Not Modified`` (free on GitHub) answers no body, so the answer the ETag stands for is kept beside
it and read back. ``--full`` and ``forget`` of a whole source drop it with the repos' ETags.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine, String, Text, delete, select
from sqlalchemy.orm import Mapped, mapped_column

from leadsig.warehouse.etags import ETAG_LENGTH, KEY_LENGTH
from leadsig.warehouse.models import Base, UTCDateTime


class OrgListing(Base):
    __tablename__ = "org_listings"
    source: Mapped[str] = mapped_column(String(200), primary_key=True)
    key: Mapped[str] = mapped_column(String(KEY_LENGTH), primary_key=True)
    etag: Mapped[str] = mapped_column(String(ETAG_LENGTH))
    answer: Mapped[str] = mapped_column(Text)  # JSON: the listed repos as the miner keeps them
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


Listings = dict[str, tuple[str, list[dict[str, Any]]]]  # key -> (ETag, listed repos)


def get_listings(engine: Engine, source: str) -> Listings:
    with engine.connect() as conn:
        rows = conn.execute(select(OrgListing.key, OrgListing.etag, OrgListing.answer)
                            .where(OrgListing.source == source)).all()
    return {key: (etag, json.loads(answer)) for key, etag, answer in rows}


def save_listings(engine: Engine, source: str, listings: Listings) -> None:
    """Replace the source's listings (an org no longer configured is dropped)."""
    now = datetime.now(UTC)
    rows = [{"source": source, "key": key, "etag": etag, "answer": json.dumps(answer), "updated_at": now}
            for key, (etag, answer) in listings.items() if len(key) <= KEY_LENGTH and 0 < len(etag) <= ETAG_LENGTH]
    with engine.begin() as conn:
        conn.execute(delete(OrgListing).where(OrgListing.source == source))
        if rows:
            conn.execute(OrgListing.__table__.insert(), rows)


def clear_listings(engine: Engine, source: str | None = None) -> None:
    stmt = delete(OrgListing)
    if source:
        stmt = stmt.where(OrgListing.source == source)
    with engine.begin() as conn:
        conn.execute(stmt)
