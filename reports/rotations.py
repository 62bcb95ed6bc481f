"""Rotating roles in the reports: who held which role, and what the forge shows of their turn.

A turn is a lead's record (rotations.yaml), not a signal: the reports join it to the person's signals by
date, so nothing is stored twice and a corrected turn corrects every report. FRAMEWORK.md names what a
sprint lead does (plan asynchronously, escalate blockers, summarise outcomes); the turn's evidence is
grouped under those headings by indicator, and whatever else the person did during the turn follows.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pandas as pd
from sqlalchemy import Engine

from leadsig.config import Config
from leadsig.reports.data import load_evidence
from leadsig.reports.items import evidence_items
from leadsig.reports.text import clean
from leadsig.rotations import Turn, load_rotations

MAX_ITEMS_PER_TURN_GROUP = 10
# What a turn asks of its holder (FRAMEWORK.md stage 3), and the indicators that show it in the forge.
TURN_GROUPS = (
    ("plans", "Plans posted", {"proposes_architecture", "documents_decisions", "facilitates_async_discussion",
                               "suggests_workflow_improvements"}),
    ("blockers", "Blockers escalated", {"identifies_bottlenecks", "coordinates_handoffs",
                                        "volunteers_cross_functional"}),
    ("outcomes", "Outcomes summarised", {"summarizes_for_timezones", "writes_documentation",
                                         "bridges_team_segments"}),
)


def load_turns(cfg: Config, people: pd.DataFrame) -> list[Turn]:
    """The configured rotations of people the warehouse holds; no file configured, no turns.

    A turn of someone forgotten or opted out is left out, as their roster entry is (the nightly run checks
    the file against the roster, so a misspelt id is reported there with its line).
    """
    if cfg.rotations is None:
        return []
    known = set(people["id"])
    return [t for t in load_rotations(cfg.rotations, known_teams=set(cfg.teams) or None) if t.person in known]


def turn_label(turn: Turn) -> str:
    return turn.role + (f" ({turn.team})" if turn.team else "")


def day_bounds(start: date, end: date) -> tuple[datetime, datetime]:
    """[first instant of ``start``, first instant after ``end``) in UTC: a turn includes both its days."""
    return datetime.combine(start, time(), UTC), datetime.combine(end + timedelta(days=1), time(), UTC)


def mark_turns(evidence: pd.DataFrame, turns: list[Turn]) -> pd.DataFrame:
    """Evidence with a ``turn`` column: the role the person held when the signal happened, else empty."""
    marked = pd.Series([""] * len(evidence), index=evidence.index, dtype=object)
    if turns and not evidence.empty:
        when = pd.to_datetime(evidence["occurred_at"], utc=True)
        for turn in turns:
            lo, hi = day_bounds(turn.start, turn.end)
            hit = (evidence["person_id"] == turn.person) & (when >= lo) & (when < hi)
            label = turn_label(turn)
            marked[hit] = [f"{old}, {label}" if old else label for old in marked[hit]]
    return evidence.assign(turn=marked)


def turns_between(turns: list[Turn], start: datetime, end: datetime, person_ids: set[str] | None = None) -> list[Turn]:
    """Turns sharing a day with [start, end), optionally only of some people."""
    last = (end - timedelta(microseconds=1)).date()
    return [t for t in turns if t.overlaps(start.date(), last) and (person_ids is None or t.person in person_ids)]


def turn_sections(engine: Engine, turns: list[Turn], names: dict[str, str]) -> list[dict]:
    """One display-ready section per turn: who, role, team, days, and the evidence of the whole turn."""
    out = []
    for turn in turns:
        section = {"person_id": turn.person, "name": clean(names.get(turn.person, turn.person), 200),
                   "role": turn.role, "team": turn.team or "", "start": turn.start.isoformat(),
                   "end": turn.end.isoformat(), "note": clean(turn.note, 300), "groups": [], "other": 0,
                   "signals": 0}
        evidence = load_evidence(engine, *day_bounds(turn.start, turn.end), person_ids=[turn.person])
        section["signals"] = len(evidence)
        grouped: set[int] = set()
        for key, title, ids in TURN_GROUPS:
            rows = evidence[evidence["indicator"].isin(ids)].sort_values("occurred_at", kind="stable")
            grouped.update(rows.index)
            section["groups"].append({"key": key, "title": title, "count": len(rows), "items": evidence_items(
                rows.head(MAX_ITEMS_PER_TURN_GROUP).to_dict("records"))})
        section["other"] = len(evidence) - len(grouped)
        out.append(section)
    return out
