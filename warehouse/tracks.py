"""Stored progress on development tracks: each person's track and stage, attestations and mentoring check-ins.

The roster owns who is on which track (``person_tracks`` mirrors it, like ``people``); attestations are
recorded by people and never deleted by a withdrawal (the withdrawal is recorded beside them, so the access
log and the packet can tell what was claimed and taken back); check-ins are written records a promotion
discussion relies on, stored with where they came from.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Engine, delete, select, update

from leadsig.activity import ISSUE_OPENED
from leadsig.checkins import CheckIn as CheckInRecord
from leadsig.checkins import parse_checkin, read_folder
from leadsig.config import CheckinsConfig
from leadsig.errors import Problem, UserError
from leadsig.roster import Roster
from leadsig.warehouse import models as m
from leadsig.warehouse.track_tables import Attestation, CheckIn, PersonTrack
from leadsig.warehouse.trust import log_access

TABLES = (PersonTrack, Attestation, CheckIn)


def sync_person_tracks(conn: Connection, rows: list[dict[str, Any]]) -> None:
    """Mirror the roster's track, stage and stage_since (rows of person_id, track, stage, stage_since)."""
    conn.execute(delete(PersonTrack))
    if rows:
        conn.execute(PersonTrack.__table__.insert(), rows)


def attest(engine: Engine, person_id: str, track: str, milestone_id: str, evidence_url: str, by: str,
           note: str = "", viewer: str | None = None) -> int:
    """Record an attestation and its access log entry in one go; returns the attestation's id."""
    if not evidence_url.startswith(("https://", "http://")):
        raise UserError(Problem(f"not a link: {evidence_url!r}", key="--evidence", code="bad-argument",
                                hint="--evidence https://... (the slides, recording, document or thread)"))
    if not by.strip():
        raise UserError(Problem("who attests is required", key="--by", hint="--by 'Dana Lee'", code="bad-argument"))
    now = datetime.now(UTC)
    with engine.begin() as conn:
        new_id = conn.execute(Attestation.__table__.insert().values(
            person_id=person_id, track=track, milestone_id=milestone_id, evidence_url=evidence_url,
            attested_by=by.strip(), attested_at=now, note=note)).inserted_primary_key[0]
    log_access(engine, "milestone-attest", [person_id],
               {"milestone": milestone_id, "track": track, "evidence": evidence_url, "by": by, "id": new_id}, viewer)
    return int(new_id)


def withdraw(engine: Engine, person_id: str, milestone_id: str, by: str, viewer: str | None = None) -> int:
    """Withdraw the person's standing attestations of a milestone; returns how many; none is an error."""
    now = datetime.now(UTC)
    with engine.begin() as conn:
        standing = (Attestation.person_id == person_id) & (Attestation.milestone_id == milestone_id) & (
            Attestation.withdrawn_at.is_(None))
        count = conn.execute(update(Attestation).where(standing).values(withdrawn_at=now, withdrawn_by=by)).rowcount
    if not count:
        raise UserError(Problem(f"{person_id!r} has no standing attestation of {milestone_id!r}",
                                key="--milestone", code="not-found", hint="leadsig export --person ID lists them"))
    log_access(engine, "milestone-withdraw", [person_id], {"milestone": milestone_id, "by": by, "count": count},
               viewer)
    return count


def attestations(conn: Connection, person_id: str, standing_only: bool = False) -> list[dict[str, Any]]:
    stmt = select(Attestation.__table__).where(Attestation.person_id == person_id).order_by(Attestation.attested_at)
    if standing_only:
        stmt = stmt.where(Attestation.withdrawn_at.is_(None))
    return [dict(r) for r in conn.execute(stmt).mappings()]


def checkins(conn: Connection, person_id: str, role: str = "either") -> list[dict[str, Any]]:
    """Check-ins where the person is ``role`` (mentor, mentee or either), oldest month first."""
    who = {"mentor": CheckIn.mentor_id == person_id, "mentee": CheckIn.mentee_id == person_id}.get(
        role, (CheckIn.mentor_id == person_id) | (CheckIn.mentee_id == person_id))
    stmt = select(CheckIn.__table__).where(who).order_by(CheckIn.month, CheckIn.id)
    return [dict(r) for r in conn.execute(stmt).mappings()]


CHECKIN_TEXT = ("source", "focus_area", "progress", "challenges", "observation", "next_focus")


def store_checkins(conn: Connection, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Insert or replace check-ins by (mentor, mentee, month): an edited file or issue updates its record.

    Returns the rows that were new or changed (the nightly run stores every check-in again: an unchanged one
    is left as it is, so the access log records a check-in when it arrives or changes, not every night)."""
    now = datetime.now(UTC)
    changed = []
    for row in rows:
        key = (CheckIn.mentor_id == row["mentor_id"], CheckIn.mentee_id == row["mentee_id"],
               CheckIn.month == row["month"])
        old = conn.execute(select(*(getattr(CheckIn, k) for k in CHECKIN_TEXT)).where(*key)).first()
        if old is not None and tuple(old) == tuple(row.get(k, "") for k in CHECKIN_TEXT):
            continue
        conn.execute(delete(CheckIn).where(*key))
        conn.execute(CheckIn.__table__.insert().values(**row, stored_at=now))
        changed.append(row)
    return changed


def person_rows(conn: Connection, person_id: str) -> dict[str, list[dict[str, Any]]]:
    """What the export holds of tracks: the person's track, every attestation (withdrawn ones too), and the
    check-ins where they are mentee or mentor."""
    track = [dict(r) for r in conn.execute(select(PersonTrack.__table__).where(PersonTrack.person_id == person_id))
             .mappings()]
    return {"track": track, "attestations": attestations(conn, person_id), "checkins": checkins(conn, person_id)}


def issue_checkins(conn: Connection, cfg: CheckinsConfig, people: set[str],
                   today: datetime | None = None) -> tuple[list[CheckInRecord], list[Problem]]:
    """Check-ins written as issues with the label in the configured repository, read from the mined issues
    (no extra forge calls); the issue's author is the mentor unless the front matter names one."""
    if not cfg.repo:
        return [], []
    a = m.Activity
    rows = conn.execute(select(a.url, a.body, a.parent_labels, a.person_id).where(
        a.repo == cfg.repo, a.kind == ISSUE_OPENED).order_by(a.occurred_at, a.id)).all()
    out, problems = [], []
    for url, body, labels, author in rows:
        if cfg.label not in (labels or []):
            continue
        record, found = parse_checkin(body or "", url, people, default_mentor=author, today=today)
        problems += found
        if record is not None:
            out.append(record)
    return out, problems


def sync_checkins(engine: Engine, cfg: CheckinsConfig, roster: Roster, today: datetime | None = None) -> dict[str, int]:
    """Read every configured check-in and store them in one transaction; any problem stores none of them.

    Opted-out people are not on the list of people a check-in may name, so theirs are refused by name."""
    people = {p.id for p in roster.people if not p.opt_out}
    files = read_folder(cfg.folder, people, today) if cfg.folder else []
    with engine.begin() as conn:
        issues, problems = issue_checkins(conn, cfg, people, today)
        if problems:
            raise UserError(problems)
        changed = store_checkins(conn, [r.row() for r in [*files, *issues]])
    for row in changed:  # a record about the mentee, in their `leadsig audit`; naming no one else, so that
        # forgetting the mentor leaves nothing of them in another person's log
        log_access(engine, "checkin-store", [row["mentee_id"]], {"month": row["month"], "source": row["source"]})
    return {"files": len(files), "issues": len(issues)}
