"""Idempotent loads: upserts on natural keys, and cursors that move in the same transaction as the rows.

Kill the process anywhere and run again: either a batch and its cursor are both stored, or neither.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Engine, Table, select, update
from sqlalchemy.dialects import postgresql, sqlite

from leadsig.activity import Activity
from leadsig.batch import ThreadPart
from leadsig.roster import IdentityResolver, Roster
from leadsig.warehouse import models as m
from leadsig.warehouse import track_tables, tracks, trust
from leadsig.warehouse.pseudonyms import Hidden, sync_opted_out

CHUNK = 500  # rows per executemany; keeps SQLite's variable limit and PostgreSQL packets comfortable


def _insert(conn: Connection, table: Table) -> Any:
    return (postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert)(table)


def upsert(
    conn: Connection,
    table: Table,
    rows: Sequence[dict[str, Any]],
    keys: list[str],
    only_if_changed: str | None = None,
) -> None:
    """INSERT .. ON CONFLICT DO UPDATE, in chunks. ``only_if_changed`` skips rows whose column is equal."""
    if not rows:
        return
    stmt = _insert(conn, table)
    cols = [c for c in rows[0] if c not in keys]
    set_ = {c: stmt.excluded[c] for c in cols}
    where = table.c[only_if_changed] != stmt.excluded[only_if_changed] if only_if_changed else None
    stmt = (
        stmt.on_conflict_do_update(index_elements=keys, set_=set_, where=where)
        if cols
        else stmt.on_conflict_do_nothing(index_elements=keys)
    )
    for i in range(0, len(rows), CHUNK):
        conn.execute(stmt, list(rows[i : i + CHUNK]))


def content_hash(a: Activity) -> str:
    payload = [
        a.kind,
        a.actor_login.lower(),
        a.occurred_at.isoformat(),
        a.url,
        a.parent_number,
        a.parent_title,
        a.parent_author,
        sorted(a.parent_labels),
        a.body,
        a.state,
        a.updated_at.isoformat() if a.updated_at else None,
        a.review_comment_count,
        a.files,
        a.additions,
        a.deletions,
        list(a.path_groups),
        a.extra,
        a.actor_utc_offset_minutes,
        a.actor_is_bot,
    ]
    raw = json.dumps(payload, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(raw.encode("utf-8", "surrogatepass")).hexdigest()


def clean_text(text: str) -> str:
    """Forge text is stored as given, minus what databases refuse (NUL; lone surrogates)."""
    text = text.replace("\x00", "\ufffd")
    return text.encode("utf-8", "replace").decode("utf-8") if _has_surrogates(text) else text


def _has_surrogates(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def activity_row(a: Activity, person_id: str | None, now: datetime) -> dict[str, Any]:
    return {
        "id": a.id,
        "forge": a.forge,
        "host": a.host,
        "kind": a.kind,
        "native_id": a.native_id,
        "repo": a.repo,
        "actor_login": a.actor_login.lower(),
        "actor_is_bot": a.actor_is_bot,
        "person_id": person_id,
        "occurred_at": a.occurred_at,
        "actor_utc_offset_minutes": a.actor_utc_offset_minutes,
        "url": a.url,
        "parent_number": a.parent_number,
        "parent_title": clean_text(a.parent_title or ""),
        "parent_author": a.parent_author.lower() if a.parent_author else None,
        "parent_labels": sorted(a.parent_labels),  # forges list labels in no stable order
        "body": clean_text(a.body or ""),
        "state": a.state,
        "updated_at": a.updated_at,
        "review_comment_count": a.review_comment_count,
        "files": a.files,
        "additions": a.additions,
        "deletions": a.deletions,
        "path_groups": list(a.path_groups),
        "extra": a.extra,
        "content_hash": content_hash(a),
        "mined_at": now,
    }


def save_batch(
    engine: Engine,
    source: str,
    repo: str,
    stream: str,
    activities: Iterable[Activity],
    watermark: datetime | None,
    resolver: IdentityResolver,
    team: str | None = None,
    kinds: Counter[str] | None = None,
    position: str | None = None,
    current: dict[ThreadPart, set[str]] | None = None,
) -> int:
    """Store activities (bots marked, opted-out people dropped) and move the cursor, in one transaction.

    Returns how many activities were new or changed (re-reads of the overlap window are not counted);
    ``kinds`` is updated with the same count per activity kind.
    """
    now = datetime.now(UTC)
    batch = list(activities)
    with engine.begin() as conn:
        hide = trust.current(conn, resolver)  # at write time: a forget since the run started counts
        rows, idents = _rows(batch, resolver, hide, now)
        if batch:
            upsert(
                conn,
                m.Repository.__table__,
                [{"source": source, "forge": batch[-1].forge, "host": batch[-1].host, "full_name": repo,
                  "team": team}],
                ["forge", "host", "full_name"],
            )
        # in key order: two repos loading at once lock shared identities in the same order, so PostgreSQL
        # makes one wait for the other instead of detecting a deadlock
        upsert(conn, m.Identity.__table__, [idents[k] for k in sorted(idents)], ["forge", "host", "login"])
        rows = sorted(changed_rows(conn, rows), key=lambda r: r["id"])
        upsert(conn, m.Activity.__table__, rows, ["id"])
        retire_missing(conn, current or {})
        if watermark is not None:
            set_cursor(conn, source, repo, stream, watermark, position)
    if kinds is not None:
        kinds.update(r["kind"] for r in rows)
    return len(rows)


def _rows(batch: list[Activity], resolver: IdentityResolver, hide: Hidden,
          now: datetime) -> tuple[list[dict[str, Any]], dict[tuple[str, str, str], dict[str, Any]]]:
    """Activity rows and actor identities: bots marked, hidden people's own activity dropped, and hidden
    people named in others' activity replaced by their pseudonyms."""
    rows, idents = [], {}
    for a in batch:
        person = resolver.person(a.forge, a.host, a.actor_login, a.actor_email)
        if person is not None and person.opt_out:
            continue
        if resolver.suppressed(a.forge, a.actor_login, a.actor_email, person.id if person else None):
            continue
        is_bot = resolver.is_bot(a.actor_login, a.actor_is_bot)
        a = hide.activity(a if is_bot == a.actor_is_bot else replace(a, actor_is_bot=is_bot))
        rows.append(activity_row(a, None if is_bot or person is None else person.id, now))
        idents[(a.forge, a.host, a.actor_login.lower())] = {
            "forge": a.forge,
            "host": a.host,
            "login": a.actor_login.lower(),
            "person_id": None if is_bot or person is None else person.id,
            "is_bot": is_bot,
        }
    return rows, idents


def retire_missing(conn: Connection, current: dict[ThreadPart, set[str]]) -> int:
    """Delete stored activities of each thread part that the forge no longer lists (with their signals).

    Read through the thread index (forge, host, repo, number): a LIKE on ids would scan the table.
    """
    gone: list[str] = []
    a = m.Activity
    for part, keep in current.items():
        ids = conn.execute(select(a.id).where(a.forge == part.forge, a.host == part.host, a.repo == part.repo,
                                              a.parent_number == part.number)).scalars()
        gone += [i for i in ids if i.startswith(part.prefix) and i not in keep]
    for i in range(0, len(gone), CHUNK):
        chunk = gone[i : i + CHUNK]
        conn.execute(m.Signal.__table__.delete().where(m.Signal.activity_id.in_(chunk)))
        conn.execute(m.Activity.__table__.delete().where(m.Activity.id.in_(chunk)))
    return len(gone)


def changed_rows(conn: Connection, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Only rows that are new or whose content changed: unchanged rows keep their mined_at untouched."""
    rows = list({r["id"]: r for r in rows}.values())  # a batch may hold the same item twice (page overlap)
    known: dict[str, str] = {}
    ids = [r["id"] for r in rows]
    for i in range(0, len(ids), CHUNK):
        chunk = ids[i : i + CHUNK]
        known.update(conn.execute(select(m.Activity.id, m.Activity.content_hash).where(m.Activity.id.in_(chunk))).all())
    return [r for r in rows if known.get(r["id"]) != r["content_hash"]]


def set_cursor(
    conn: Connection, source: str, repo: str, stream: str, watermark: datetime, position: str | None = None
) -> None:
    """Move a stream's watermark; ``position`` is stored with it when given, else the stored one stays."""
    row = {"source": source, "repo": repo, "stream": stream, "watermark": watermark, "updated_at": datetime.now(UTC)}
    if position is not None:
        row["position"] = position
    upsert(conn, m.Cursor.__table__, [row], ["source", "repo", "stream"])


def get_cursors(engine: Engine, source: str, repo: str) -> dict[str, datetime | None]:
    return {stream: wm for stream, (wm, _) in get_cursor_rows(engine, source, repo).items()}


def get_cursor_rows(engine: Engine, source: str, repo: str) -> dict[str, tuple[datetime | None, str | None]]:
    with engine.connect() as conn:
        rows = conn.execute(
            select(m.Cursor.stream, m.Cursor.watermark, m.Cursor.position).where(
                m.Cursor.source == source, m.Cursor.repo == repo
            )
        ).all()
    return {stream: (wm, pos) for stream, wm, pos in rows}


def clear_cursors(engine: Engine, source: str | None = None, repo: str | None = None) -> None:
    """For --full: forget watermarks so the next run re-mines everything (upserts keep it duplicate-free)."""
    from leadsig.warehouse.etags import clear_etags

    clear_etags(engine, source, repo)  # an ETag stands for what the cursors say was read
    if repo is None:
        from leadsig.warehouse.listings import clear_listings

        clear_listings(engine, source)
    with engine.begin() as conn:
        stmt = m.Cursor.__table__.delete()
        if source:
            stmt = stmt.where(m.Cursor.source == source)
        if repo:
            stmt = stmt.where(m.Cursor.repo == repo)
        conn.execute(stmt)


def sync_roster(engine: Engine, roster: Roster, resolver: IdentityResolver) -> None:
    """Mirror the roster into people/identities, drop opted-out people's rows, re-resolve activity owners."""
    roster = Roster([p for p in roster.people if not resolver.suppressed(None, None, None, p.id)], roster.path)
    with engine.begin() as conn:
        hide = trust.current(conn, resolver)
        upsert(
            conn,
            m.Person.__table__,
            [
                {
                    "id": p.id,
                    "name": p.name,
                    "team": p.team,
                    "level": p.level,
                    "start_date": p.start_date,
                    "timezone": p.timezone,
                    "region": p.region,
                }
                for p in roster.people
                if not p.opt_out
            ],
            ["id"],
        )
        opted = [p.id for p in roster.people if p.opt_out]
        idents = conn.execute(
            select(
                m.Identity.id,
                m.Identity.forge,
                m.Identity.host,
                m.Identity.login,
                m.Identity.person_id,
                m.Identity.is_bot,
            )
        ).all()
        for iid, forge, host, login, old, is_bot in idents:
            # commit identities are the author's email (logins never hold '@'): resolve those by email too
            person = None if is_bot else resolver.person(forge, host, login, login if "@" in login else None)
            if person is not None and person.opt_out:
                conn.execute(
                    m.Activity.__table__.delete().where(
                        m.Activity.forge == forge, m.Activity.host == host, m.Activity.actor_login == login
                    )
                )
                conn.execute(m.Identity.__table__.delete().where(m.Identity.id == iid))
                continue
            new = person.id if person else None
            if new != old:
                conn.execute(update(m.Identity).where(m.Identity.id == iid).values(person_id=new))
                conn.execute(
                    update(m.Activity)
                    .where(
                        m.Activity.forge == forge, m.Activity.host == host, m.Activity.actor_login == login
                    )
                    .values(person_id=new)
                )
        tracks.sync_person_tracks(conn, [{"person_id": p.id, "track": p.track, "stage": p.stage,
                                          "stage_since": p.stage_since}
                                         for p in roster.people if p.track and p.stage and not p.opt_out])
        track_tables.drop_opted_out(conn, opted)
        if opted:
            conn.execute(m.Signal.__table__.delete().where(m.Signal.person_id.in_(opted)))
            conn.execute(m.Person.__table__.delete().where(m.Person.id.in_(opted)))
        sync_opted_out(conn, hide.salt, roster, hide)  # their facts under pseudonyms; others' rows scrubbed


def table_counts(engine: Engine) -> dict[str, int]:
    from sqlalchemy import func

    out = {}
    with engine.connect() as conn:
        for model in (m.Repository, m.Person, m.Identity, m.Activity, m.Signal, m.Cursor, m.MiningRun):
            out[model.__tablename__] = conn.execute(select(func.count()).select_from(model)).scalar_one()
    return out
