"""What the people being measured are owed: forget (with a suppression list), retention, an access log.

A forgotten person's identifiers are kept only as salted hashes, so later runs can refuse their activity
without the warehouse keeping who they were.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Engine, delete, insert, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite

from leadsig.config import DEFAULT_RETENTION_MONTHS
from leadsig.roster import IdentityResolver
from leadsig.warehouse import models as m
from leadsig.warehouse import signoff, track_tables, web_rows
from leadsig.warehouse.feedback import Feedback
from leadsig.warehouse.invites import Invite
from leadsig.warehouse.locks import erasure_guard
from leadsig.warehouse.pseudonyms import Hidden, drop_facts, hash_key, hidden, identifier_keys, pseudonym, scrub_stored
from leadsig.warehouse.viewer import viewer_name

__all__ = ["Suppression", "access_entries", "apply_retention", "current", "forget", "identifier_keys", "log_access",
           "viewer_name"]


def _salt(conn: Connection) -> str:
    row = conn.execute(select(m.Setting.value).where(m.Setting.key == "suppression_salt")).scalar()
    if row:
        return row
    ins = (postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert)(m.Setting)
    conn.execute(ins.values(key="suppression_salt", value=secrets.token_hex(16)).on_conflict_do_nothing())
    return conn.execute(select(m.Setting.value).where(m.Setting.key == "suppression_salt")).scalar_one()


_hash = hash_key


@dataclass
class Suppression:
    """Loaded when a run starts, and again by the loader in every write transaction (``current``)."""

    salt: str
    hashes: set[str]

    @classmethod
    def load(cls, engine: Engine) -> Suppression:
        with engine.begin() as conn:
            return cls.read(conn)

    @classmethod
    def read(cls, conn: Connection) -> Suppression:
        salt = _salt(conn)
        return cls(salt, set(conn.execute(select(m.Suppression.hash)).scalars()))

    def matches(self, forge: str | None, login: str | None, email: str | None = None) -> bool:
        if not self.hashes:
            return False
        return any(_hash(self.salt, k) in self.hashes for k in identifier_keys(forge, login, email))

    def matches_key(self, key: str) -> bool:
        return _hash(self.salt, key) in self.hashes


def current(conn: Connection, resolver: IdentityResolver) -> Hidden:
    """Who must not be stored, as of now, inside a transaction that is about to store people's data.

    Takes the erasure guard first, so a forget that committed before is seen and one that comes later waits;
    the resolver's suppression list is refreshed in place (a run loaded it when it started).
    """
    erasure_guard(conn, exclusive=False)
    fresh = Suppression.read(conn)
    if resolver.suppression is None:
        resolver.suppression = fresh
    else:
        resolver.suppression.salt, resolver.suppression.hashes = fresh.salt, fresh.hashes
    return hidden(fresh.salt, fresh.hashes, resolver.roster)


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


def forget(engine: Engine, person_id: str | None, logins: list[tuple[str, str]], emails: list[str],
           viewer: str | None = None, names: list[str] | None = None) -> dict[str, int]:
    """Delete a person's activity, signals and identities; remember salted hashes of their identifiers; and
    replace them by pseudonyms in everyone else's rows (``names``: their full names, redacted from text).

    ``logins`` are (forge, login) pairs; identities already linked to ``person_id`` are added. An email is
    also an actor login (GitLab commits, GitHub commits without a linked account).
    """
    emails = sorted({e.lower() for e in emails})
    with engine.begin() as conn:
        erasure_guard(conn, exclusive=True)  # loaders in flight commit first; later ones see the new hashes
        salt = _salt(conn)
        if person_id:
            linked = conn.execute(
                select(m.Identity.forge, m.Identity.login).where(m.Identity.person_id == person_id)
            ).all()
            logins = [*logins, *linked]
        logins = sorted({(f, lg.lower()) for f, lg in logins})
        counts = _delete_rows(conn, person_id, logins, emails)
        if person_id:
            counts["signoffs"] = signoff.forget(conn, person_id, names or [], pseudonym(salt, f"person:{person_id}"))
        keys = [k for f, lg in logins for k in identifier_keys(f, lg, None)] + [f"email:{e}" for e in emails]
        hide = Hidden(salt, {_hash(salt, k) for k in keys})
        if person_id:
            counts.update(track_tables.forget_rows(conn, person_id, pseudonym(salt, f"person:{person_id}")))
            keys.append(f"person:{person_id}")
            hide.names.update({n.lower(): pseudonym(salt, f"person:{person_id}") for n in names or [] if n})
            _pseudonymise_access_log(conn, person_id, pseudonym(salt, f"person:{person_id}"))
            counts.update(_forget_web_rows(conn, person_id, pseudonym(salt, f"person:{person_id}")))
        scrub_stored(conn, hide, [*(lg for _, lg in logins), *emails, *(names or [])])
        drop_facts(conn, salt, keys)
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


def _delete_rows(conn: Connection, person_id: str | None, logins: list[tuple[str, str]],
                 emails: list[str]) -> dict[str, int]:
    act_filter = [m.Activity.person_id == person_id] if person_id else []
    act_filter += [(m.Activity.forge == f) & (m.Activity.actor_login == lg) for f, lg in logins]
    act_filter += [m.Activity.actor_login.in_(emails)] if emails else []
    counts = {"activities": 0, "signals": 0, "identities": 0, "people": 0}
    if act_filter:
        ids = select(m.Activity.id).where(or_(*act_filter))
        counts["signals"] = conn.execute(
            delete(m.Signal).where(or_(m.Signal.activity_id.in_(ids), m.Signal.person_id == (person_id or "")))
        ).rowcount
        counts["activities"] = conn.execute(delete(m.Activity).where(or_(*act_filter))).rowcount
    id_filter = [(m.Identity.forge == f) & (m.Identity.login == lg) for f, lg in logins]
    id_filter += [m.Identity.login.in_(emails)] if emails else []
    if person_id:
        id_filter.append(m.Identity.person_id == person_id)
    if id_filter:
        counts["identities"] = conn.execute(delete(m.Identity).where(or_(*id_filter))).rowcount
    if person_id:
        counts["people"] = conn.execute(delete(m.Person).where(m.Person.id == person_id)).rowcount
    return counts


def _pseudonymise_access_log(conn: Connection, person_id: str, alias: str) -> None:
    """Who read about the person stays on record, without naming them (their id is often their login)."""
    for row_id, detail in conn.execute(
        select(m.AccessLog.id, m.AccessLog.detail).where(m.AccessLog.subject_person_id == person_id)
    ).all():
        conn.execute(update(m.AccessLog).where(m.AccessLog.id == row_id)
                     .values(subject_person_id=alias, detail=_replace_in(detail, person_id, alias)))


def _forget_web_rows(conn: Connection, person_id: str, alias: str) -> dict[str, int]:
    """Feedback on their signals and their sign-in links go; feedback they gave on others' signals, and their
    page views of others' data in the web, stay (the rule's figures and the others' audit need them) under their
    pseudonym."""
    gone = conn.execute(delete(Feedback).where(Feedback.person_id == person_id)).rowcount
    conn.execute(delete(Invite).where(Invite.person_id == person_id))
    for row_id, given_by in conn.execute(select(Feedback.id, Feedback.given_by)
                                         .where(Feedback.given_by.like(f"{person_id} (%"))).all():
        conn.execute(update(Feedback).where(Feedback.id == row_id).values(given_by=given_by.replace(person_id, alias)))
    web_rows.forget_viewer(conn, person_id, alias)
    return {"feedback": gone}


def _replace_in(v: Any, old: str, new: str) -> Any:
    if isinstance(v, str):
        return v.replace(old, new)
    if isinstance(v, list):
        return [_replace_in(x, old, new) for x in v]
    if isinstance(v, dict):
        return {k: _replace_in(x, old, new) for k, x in v.items()}
    return v


def apply_retention(engine: Engine, months: dict[str, int], now: datetime | None = None) -> dict[str, int]:
    """Delete rows older than their retention; returns what was deleted per table (for the run summary)."""
    now = now or datetime.now(UTC)
    months = {**DEFAULT_RETENTION_MONTHS, **months}

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
        web = web_rows.expire(conn, cutoff("feedback"), cutoff("access_log"))
    return {"activities": act, "signals": sig, "access_log": log, **web}
