"""What the people being measured are owed: forget (with a suppression list), retention, an access log.

A forgotten person's identifiers are kept only as salted hashes, so later runs can refuse their activity
without the warehouse keeping who they were.
"""

from __future__ import annotations

import getpass
import hashlib
import os
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Engine, delete, insert, or_, select

from leadsig.warehouse import models as m


def _salt(conn: Connection) -> str:
    row = conn.execute(select(m.Setting.value).where(m.Setting.key == "suppression_salt")).scalar()
    if row:
        return row
    salt = secrets.token_hex(16)
    conn.execute(insert(m.Setting).values(key="suppression_salt", value=salt))
    return salt


def identifier_keys(forge: str | None, login: str | None, email: str | None) -> list[str]:
    keys = []
    if login and forge:
        keys.append(f"login:{forge}:{login.lower()}")
    if email:
        keys.append(f"email:{email.lower()}")
    return keys


def _hash(salt: str, key: str) -> str:
    return hashlib.sha256(f"{salt}:{key}".encode()).hexdigest()


@dataclass
class Suppression:
    """Loaded once per run; ``matches`` is called for every activity before it is stored."""

    salt: str
    hashes: set[str]

    @classmethod
    def load(cls, engine: Engine) -> Suppression:
        with engine.begin() as conn:
            salt = _salt(conn)
            hashes = set(conn.execute(select(m.Suppression.hash)).scalars())
        return cls(salt, hashes)

    def matches(self, forge: str | None, login: str | None, email: str | None = None) -> bool:
        if not self.hashes:
            return False
        return any(_hash(self.salt, k) in self.hashes for k in identifier_keys(forge, login, email))

    def matches_key(self, key: str) -> bool:
        return _hash(self.salt, key) in self.hashes


def viewer_name(as_name: str | None = None) -> str:
    if as_name:
        return as_name
    try:
        return getpass.getuser()
    except Exception:  # no passwd entry in some containers
        return os.environ.get("USER", "unknown")


def log_access(
    engine: Engine, action: str, subjects: list[str | None], detail: dict[str, Any], viewer: str | None = None
) -> None:
    """One row per person a report or export is about (a monthly report names many)."""
    now = datetime.now(UTC)
    rows = [
        {"at": now, "viewer": viewer_name(viewer), "action": action, "subject_person_id": s, "detail": detail}
        for s in (subjects or [None])
    ]
    with engine.begin() as conn:
        conn.execute(insert(m.AccessLog), rows)


def access_entries(engine: Engine, person_id: str) -> list[dict[str, Any]]:
    with engine.connect() as conn:
        rows = (
            conn.execute(
                select(m.AccessLog.__table__).where(m.AccessLog.subject_person_id == person_id).order_by(m.AccessLog.at)
            )
            .mappings()
            .all()
        )
    return [dict(r) for r in rows]


def forget(
    engine: Engine, person_id: str | None, logins: list[tuple[str, str]], emails: list[str], viewer: str | None = None
) -> dict[str, int]:
    """Delete a person's activity, signals and identities; remember salted hashes of their identifiers.

    ``logins`` are (forge, login) pairs; identities already linked to ``person_id`` are added.
    """
    with engine.begin() as conn:
        salt = _salt(conn)
        if person_id:
            linked = conn.execute(
                select(m.Identity.forge, m.Identity.login).where(m.Identity.person_id == person_id)
            ).all()
            logins = list({(f, lg.lower()) for f, lg in [*logins, *linked]})
        act_filter = [m.Activity.person_id == person_id] if person_id else []
        act_filter += [(m.Activity.forge == f) & (m.Activity.actor_login == lg.lower()) for f, lg in logins]
        counts = {"activities": 0, "signals": 0, "identities": 0, "people": 0}
        if act_filter:
            ids = select(m.Activity.id).where(or_(*act_filter))
            counts["signals"] = conn.execute(
                delete(m.Signal).where(or_(m.Signal.activity_id.in_(ids), m.Signal.person_id == (person_id or "")))
            ).rowcount
            counts["activities"] = conn.execute(delete(m.Activity).where(or_(*act_filter))).rowcount
        id_filter = [(m.Identity.forge == f) & (m.Identity.login == lg.lower()) for f, lg in logins]
        if person_id:
            id_filter.append(m.Identity.person_id == person_id)
        if id_filter:
            counts["identities"] = conn.execute(delete(m.Identity).where(or_(*id_filter))).rowcount
        if person_id:
            counts["people"] = conn.execute(delete(m.Person).where(m.Person.id == person_id)).rowcount
        keys = [k for f, lg in logins for k in identifier_keys(f, lg, None)] + [f"email:{e.lower()}" for e in emails]
        if person_id:
            keys.append(f"person:{person_id}")
        now = datetime.now(UTC)
        existing = set(conn.execute(select(m.Suppression.hash)).scalars())
        new = {_hash(salt, k) for k in keys} - existing
        if new:
            conn.execute(insert(m.Suppression), [{"hash": h, "created_at": now} for h in sorted(new)])
        conn.execute(
            insert(m.AccessLog).values(
                at=now, viewer=viewer_name(viewer), action="forget", subject_person_id=None, detail={"deleted": counts}
            )
        )
    return counts


def apply_retention(engine: Engine, months: dict[str, int], now: datetime | None = None) -> dict[str, int]:
    """Delete rows older than their retention; returns what was deleted per table (for the run summary)."""
    now = now or datetime.now(UTC)

    def cutoff(key: str) -> datetime:
        return now - timedelta(days=30.44 * months[key])

    with engine.begin() as conn:
        sig = conn.execute(delete(m.Signal).where(m.Signal.occurred_at < cutoff("signals"))).rowcount
        old = select(m.Activity.id).where(m.Activity.occurred_at < cutoff("activity"))
        kept_by_signal = select(m.Signal.activity_id)
        act = conn.execute(
            delete(m.Activity).where(m.Activity.id.in_(old), m.Activity.id.not_in(kept_by_signal))
        ).rowcount
        log = conn.execute(delete(m.AccessLog).where(m.AccessLog.at < cutoff("access_log"))).rowcount
    return {"activities": act, "signals": sig, "access_log": log}
