"""Sign-in links for a team without single sign-on: ``leadsig web invite`` makes one, the web app spends it.

Only a hash of the link's secret is stored, so reading the warehouse gives no way in; a link works once
and until it expires, and every attempt to use it (good, spent, expired, unknown) is in the access log.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, String, insert, select, update
from sqlalchemy.orm import Mapped, mapped_column

from leadsig.warehouse import models as m


class Invite(m.Base):
    __tablename__ = "web_invites"
    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    person_id: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))
    created_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(m.UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(m.UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(m.UTCDateTime)


@dataclass(frozen=True)
class Redeemed:
    person_id: str
    role: str


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()


def create_invite(engine: Engine, person_id: str, role: str, hours: int, created_by: str,
                  now: datetime | None = None) -> str:
    """A new single-use secret for ``person_id``; returned once, stored only as its hash."""
    token = secrets.token_urlsafe(32)
    now = now or datetime.now(UTC)
    with engine.begin() as conn:
        conn.execute(insert(Invite).values(token_hash=token_hash(token), person_id=person_id, role=role,
                                             created_by=created_by, created_at=now,
                                             expires_at=now + timedelta(hours=hours)))
    return token


def redeem(engine: Engine, token: str, now: datetime | None = None) -> tuple[Redeemed | None, str]:
    """Spend the link: (who, "ok"), or (None, why not: "unknown", "used", "expired"). Atomic: two requests
    with one link cannot both succeed (the update only matches while ``used_at`` is empty)."""
    now = now or datetime.now(UTC)
    h = token_hash(token)
    with engine.begin() as conn:
        row = conn.execute(select(Invite.__table__).where(Invite.token_hash == h)).mappings().first()
        if row is None:
            return None, "unknown"
        if row["used_at"] is not None:
            return None, "used"
        if row["expires_at"] <= now:
            return None, "expired"
        done = conn.execute(update(Invite).where(Invite.token_hash == h, Invite.used_at.is_(None))
                            .values(used_at=now)).rowcount
    if done != 1:
        return None, "used"
    return Redeemed(row["person_id"], row["role"]), "ok"


def invite_subject(engine: Engine, token: str) -> str | None:
    """Whose link this was (for the access log of a refused attempt), or None for an unknown secret."""
    with engine.connect() as conn:
        return conn.execute(select(Invite.person_id).where(Invite.token_hash == token_hash(token))).scalar()
