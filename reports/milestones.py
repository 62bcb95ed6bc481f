"""Where a person stands on the milestones of their current stage, each with why and its evidence.

A measured milestone is a count over what the warehouse already holds (signals, activities, check-ins)
that passes a threshold; an attested one stands while a recorded attestation is not withdrawn. Evidence
up to ``as_of`` counts whenever it happened: milestones, not deadlines, and no one is compared with anyone.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, select
from sqlalchemy.orm import Session

from leadsig.activity import PR_MERGED
from leadsig.reports.doc_use import WAYS, documents, summary, uses
from leadsig.tracks import Measure, Milestone, Stage, Tracks, load_tracks
from leadsig.warehouse import models as m
from leadsig.warehouse.track_tables import Attestation, CheckIn, PersonTrack

Executor = Session | Connection


@dataclass(frozen=True)
class MilestoneStatus:
    track: str
    stage: str
    milestone_id: str
    title: str
    kind: str  # measured | attested
    met: bool
    count: int
    threshold: int
    why: str
    evidence: list[tuple[str, str | None]] = field(default_factory=list)  # (url, activity id or None)


@dataclass(frozen=True)
class _Item:
    """One counted thing: a signal's or activity's thread facts, or a check-in."""

    key: str
    url: str
    activity_id: str | None
    occurred_at: datetime | None
    thread: tuple[str, str, str, int | None] | None = None
    parent_author: str | None = None
    extra: str = ""  # check-ins: month and counterpart


def person_stage(db: Executor, person_id: str) -> tuple[str, str, Any] | None:
    """(track, stage, stage_since) from the roster mirror, or None for a person on no track."""
    row = db.execute(select(PersonTrack.track, PersonTrack.stage, PersonTrack.stage_since)
                     .where(PersonTrack.person_id == person_id)).first()
    return tuple(row) if row else None


def milestone_status(session: Executor, person_id: str, as_of: datetime,
                     tracks: Tracks | None = None) -> list[MilestoneStatus]:
    """Every milestone of the person's current stage as of ``as_of``; empty for a person on no track."""
    tracks = tracks or load_tracks()
    found = person_stage(session, person_id)
    if found is None or found[0] not in tracks.tracks:
        return []
    track = tracks.tracks[found[0]]
    stage = track.stage(found[1])
    if stage is None:
        return []
    return stage_status(session, person_id, track.id, stage, as_of, tracks)


def stage_status(db: Executor, person_id: str, track_id: str, stage: Stage, as_of: datetime,
                 tracks: Tracks) -> list[MilestoneStatus]:
    return [status_of(db, person_id, track_id, stage.id, ms, as_of, tracks) for ms in stage.milestones]


def newly_met(session: Executor, person_id: str, start: datetime, end: datetime,
              tracks: Tracks | None = None) -> list[MilestoneStatus]:
    """Milestones met as of ``end`` that were not met as of ``start``: what the month's report shows.

    Only the milestones met at ``end`` are worked out again at ``start`` (one not met now was not met then)."""
    tracks = tracks or load_tracks()
    found = person_stage(session, person_id)
    stage = tracks.tracks[found[0]].stage(found[1]) if found and found[0] in tracks.tracks else None
    if stage is None:
        return []
    by_id = {ms.id: ms for ms in stage.milestones}
    met = [st for st in stage_status(session, person_id, found[0], stage, end, tracks) if st.met]
    return [st for st in met
            if not status_of(session, person_id, found[0], stage.id, by_id[st.milestone_id], start, tracks).met]


def status_of(db: Executor, person_id: str, track_id: str, stage_id: str, ms: Milestone, as_of: datetime,
              tracks: Tracks) -> MilestoneStatus:
    if ms.kind == "attested":
        return _attested(db, person_id, track_id, stage_id, ms, as_of)
    assert ms.measure is not None
    measure = ms.measure
    if measure.source == "checkins":
        items = _checkins(db, person_id, measure, as_of)
    else:
        items = _forge_items(db, person_id, measure, as_of)
        items = _passing(db, person_id, measure, items, as_of, tracks)
    keys, evidence = _distinct(db, person_id, measure, items, as_of, tracks)
    count = len(keys)
    return MilestoneStatus(track=track_id, stage=stage_id, milestone_id=ms.id, title=ms.title, kind="measured",
                           met=count >= measure.at_least, count=count, threshold=measure.at_least,
                           why=_why(measure, count, keys), evidence=evidence)


def _attested(db: Executor, person_id: str, track_id: str, stage_id: str, ms: Milestone,
              as_of: datetime) -> MilestoneStatus:
    a = Attestation
    rows = db.execute(select(a.attested_by, a.attested_at, a.evidence_url).where(
        a.person_id == person_id, a.milestone_id == ms.id, a.attested_at <= as_of,
        (a.withdrawn_at.is_(None)) | (a.withdrawn_at > as_of)).order_by(a.attested_at)).all()
    why = "; ".join(f"attested by {by} on {at:%Y-%m-%d}" for by, at, _ in rows) or f"not attested ({ms.description})"
    return MilestoneStatus(track=track_id, stage=stage_id, milestone_id=ms.id, title=ms.title, kind="attested",
                           met=bool(rows), count=len(rows), threshold=1, why=why,
                           evidence=[(url, None) for _, _, url in rows])


def _forge_items(db: Executor, person_id: str, measure: Measure, as_of: datetime) -> list[_Item]:
    a = m.Activity
    if measure.source == "signals":
        s = m.Signal
        stmt = (select(s.id, s.evidence_url, s.activity_id, s.occurred_at, a.forge, a.host, a.repo, a.parent_number,
                       a.parent_author).join(a, a.id == s.activity_id)
                .where(s.person_id == person_id, s.indicator.in_(measure.indicators), s.occurred_at <= as_of))
        rows = db.execute(stmt.order_by(s.occurred_at, s.id)).all()
        return [_Item(f"signal:{r[0]}", r[1], r[2], r[3], (r[4], r[5], r[6], r[7]), r[8]) for r in rows]
    stmt = (select(a.id, a.url, a.occurred_at, a.forge, a.host, a.repo, a.parent_number, a.parent_author)
            .where(a.person_id == person_id, a.kind.in_(measure.kinds), a.occurred_at <= as_of))
    rows = db.execute(stmt.order_by(a.occurred_at, a.id)).all()
    return [_Item(f"activity:{r[0]}", r[1], r[0], r[2], (r[3], r[4], r[5], r[6]), r[7]) for r in rows]


def _checkins(db: Executor, person_id: str, measure: Measure, as_of: datetime) -> list[_Item]:
    c = CheckIn
    me, other = (c.mentor_id, c.mentee_id) if measure.role == "mentor" else (c.mentee_id, c.mentor_id)
    last = f"{as_of - timedelta(microseconds=1):%Y-%m}"  # as of a month's first instant, that month has no check-in
    rows = db.execute(select(c.id, c.source, c.month, other).where(me == person_id, c.month <= last)
                      .order_by(c.month, c.id)).all()
    return [_Item(f"checkin:{r[0]}", r[1], f"checkin:{r[0]}", None, extra=f"{r[2]}|{r[3]}") for r in rows]


def _author_people(db: Executor, authors: Iterable[tuple[str, str, str]]) -> dict[tuple[str, str, str], Any]:
    """(forge, host, login) of thread authors -> (person id, level), from identities, people and pseudonyms."""
    out: dict[tuple[str, str, str], Any] = {}
    wanted = {k for k in authors if k[2]}
    if not wanted:
        return out
    i, p = m.Identity, m.Person
    logins = sorted({k[2].lower() for k in wanted})
    rows = db.execute(select(i.forge, i.host, i.login, i.person_id, p.level).join(p, p.id == i.person_id, isouter=True)
                      .where(i.login.in_(logins))).all()
    found = {(f, h, lg): (pid, lvl) for f, h, lg, pid, lvl in rows}
    pseud = dict(db.execute(select(m.Pseudonym.pseudonym, m.Pseudonym.level).where(m.Pseudonym.pseudonym.in_(logins))
                            ).all())
    for forge, host, login in wanted:
        key = (forge, host, login.lower())
        out[(forge, host, login)] = found.get(key) or ((None, pseud[key[2]]) if key[2] in pseud else (None, None))
    return out


def _passing(db: Executor, person_id: str, measure: Measure, items: list[_Item], as_of: datetime,
             tracks: Tracks) -> list[_Item]:
    """Items whose thread meets every condition of ``where``."""
    if not measure.where or not items:
        return items
    authors = _author_people(db, {(t[0], t[1], it.parent_author or "") for it in items if (t := it.thread)})
    merged = _merged_threads(db, items, as_of) if "merged" in measure.where else set()
    teams = _repo_teams(db, items) if "other_team" in measure.where else {}
    my_team = db.execute(select(m.Person.team).where(m.Person.id == person_id)).scalar()
    juniors = set(tracks.junior_levels)
    out = []
    for it in items:
        t = it.thread
        pid, level = authors.get((t[0], t[1], it.parent_author or ""), (None, None)) if t else (None, None)
        checks = {
            "merged": t in merged,
            "junior_author": bool(level) and str(level).lower() in juniors and pid != person_id,
            "other_team": bool(t) and teams.get(t[:3]) is not None and teams.get(t[:3]) != my_team,
            "others_thread": bool(it.parent_author) and pid != person_id,
        }
        if all(checks[c] for c in measure.where):
            out.append(it)
    return out


def _merged_threads(db: Executor, items: list[_Item], as_of: datetime) -> set[tuple]:
    a = m.Activity
    repos = sorted({it.thread[2] for it in items if it.thread})
    numbers = sorted({it.thread[3] for it in items if it.thread and it.thread[3] is not None})
    rows = db.execute(select(a.forge, a.host, a.repo, a.parent_number).where(
        a.kind == PR_MERGED, a.repo.in_(repos), a.parent_number.in_(numbers), a.occurred_at <= as_of)).all()
    return {tuple(r) for r in rows}


def _repo_teams(db: Executor, items: list[_Item]) -> dict[tuple[str, str, str], str | None]:
    r = m.Repository
    repos = sorted({it.thread[2] for it in items if it.thread})
    rows = db.execute(select(r.forge, r.host, r.full_name, r.team).where(r.full_name.in_(repos))).all()
    return {(f, h, n): t for f, h, n, t in rows}


def _distinct(db: Executor, person_id: str, measure: Measure, items: list[_Item],
              as_of: datetime, tracks: Tracks) -> tuple[list[str], list[tuple[str, str | None]]]:
    """The distinct keys counted, and the evidence: the first item of each key, in time order."""
    by = measure.distinct
    if by in ("later_participants", "documentation_users"):
        return _documentation_users(db, person_id, measure, items, as_of, tracks)
    firsts: dict[str, _Item] = {}
    for it in items:
        if by == "item":
            key = it.key
        elif by == "thread":
            key = "{}:{}:{}#{}".format(*it.thread) if it.thread and it.thread[3] is not None else it.key
        elif by == "thread_author":
            key = it.parent_author or ""
        elif by == "month":
            key = it.extra.split("|")[0]
        else:  # counterpart
            key = it.extra.split("|")[1]
        if key:
            firsts.setdefault(key, it)
    return list(firsts), [(it.url, it.activity_id) for it in firsts.values()]


def _documentation_users(db: Executor, person_id: str, measure: Measure, items: list[_Item], as_of: datetime,
                         tracks: Tracks) -> tuple[list[str], list[tuple[str, str | None]]]:
    """Other people who later used what the items wrote: ``later_participants`` sees the items' own threads
    only; ``documentation_users`` also later edits of its files and links to it from anywhere (reports.doc_use).
    """
    docs = documents(db, [(it.url, it.activity_id, it.occurred_at, it.thread) for it in items], tracks.docs_paths)
    ways = ("discussed",) if measure.distinct == "later_participants" else WAYS
    return summary(uses(db, person_id, docs, as_of, ways))


WHERE_WORDS = {"merged": "on merged pull requests", "junior_author": "opened by junior engineers",
               "other_team": "in another team's repositories", "others_thread": "in others' threads"}
DISTINCT_WORDS = {"item": "items", "thread": "distinct threads", "thread_author": "distinct thread authors",
                  "later_participants": "other people who later took part in its threads",
                  "documentation_users": "other people who later used it",
                  "month": "months with a check-in", "counterpart": "distinct people"}


def _why(measure: Measure, count: int, keys: list[str]) -> str:
    what = {"signals": "signals of " + ", ".join(measure.indicators),
            "activities": "activities of kind " + ", ".join(measure.kinds),
            "checkins": f"mentoring check-ins as {measure.role}"}[measure.source]
    where = " ".join(WHERE_WORDS[c] for c in measure.where)
    shown = "" if measure.distinct in ("item", "thread") or not keys else " (" + ", ".join(keys[:10]) + ")"
    return (f"{count} {DISTINCT_WORDS[measure.distinct]}{shown} in {what}{' ' + where if where else ''}; "
            f"met at {measure.at_least}")
