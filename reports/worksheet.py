"""The decision matrix as a worksheet: per criterion, the evidence that informs it and a blank for judgement.

FRAMEWORK.md weighs five criteria (technical excellence 20%, leadership behaviours 30%, business impact
25%, cultural contribution 15%, growth trajectory 10%) and asks that at least three senior leaders agree.
Weighing is the committee's: leadsig lays out which indicators, rotations and milestones bear on each
criterion, links their evidence, and leaves the judgement blank. It never fills in a number for a
criterion and never adds criteria up; a weight is shown only as the framework's context.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import pandas as pd
from sqlalchemy import Engine

from leadsig.reports.indicators import label_of
from leadsig.reports.milestones import milestone_status
from leadsig.reports.text import clean, safe_url
from leadsig.tracks import load_tracks

MAX_ITEMS_PER_INDICATOR = 3
IMPACT_ORDER = {"high": 0, "medium": 1, "low": 2}


@dataclass(frozen=True)
class Criterion:
    key: str
    title: str
    weight: int  # percent, FRAMEWORK.md's; shown as context, never multiplied by anything
    question: str
    indicators: tuple[str, ...] = ()
    rotations: bool = False  # turns in a rotating role inform this criterion
    milestones: bool = False  # the development track's milestones inform this criterion
    cross_team: bool = False  # evidence in other teams' repositories informs this criterion


CRITERIA: tuple[Criterion, ...] = (
    Criterion("technical", "Technical excellence", 20,
              "Does their technical judgement raise the quality of the team's work?",
              ("reviews_proactively", "proposes_architecture", "documents_decisions")),
    Criterion("leadership", "Leadership behaviours", 30,
              "Do they grow others, move discussions to decisions and lead when it is their turn?",
              ("mentors_in_reviews", "facilitates_async_discussion", "coordinates_handoffs",
               "bridges_team_segments"), rotations=True),
    Criterion("business", "Business impact", 25,
              "Did the work change how well the organisation delivers, beyond their own tasks?",
              ("identifies_bottlenecks", "suggests_workflow_improvements", "volunteers_cross_functional"),
              cross_team=True),
    Criterion("cultural", "Cultural contribution", 15,
              "Do they make knowledge and decisions reachable for everyone, across time zones?",
              ("writes_documentation", "summarizes_for_timezones", "bridges_team_segments")),
    Criterion("growth", "Growth trajectory", 10,
              "How has their leadership developed over the period, against their track's milestones?",
              milestones=True),
)


def milestone_rows(engine: Engine, person_id: str, as_of: datetime,
                   tracks_path: Path | None = None) -> list[dict[str, Any]] | None:
    """The one place milestones enter the packet: each milestone of the person's current stage, met or not
    yet, with its why and evidence links. None when the person is on no track (the packet says so)."""
    from sqlalchemy.orm import Session

    with Session(engine) as session:
        statuses = milestone_status(session, person_id, as_of, load_tracks(tracks_path))
    if not statuses:
        return None
    return [{"title": clean(s.title, 200), "kind": s.kind, "met": bool(s.met), "why": clean(s.why, 400),
             "stage": s.stage, "track": s.track,
             "links": [{"url": safe_url(url), "raw_url": clean(url, 2000)} for url, _ in s.evidence]}
            for s in statuses]


def worksheet(evidence: pd.DataFrame, items: list[dict], milestones: list[dict] | None, turns: list[dict],
              trend: list[dict], cross_team: int | None) -> list[dict]:
    """One entry per criterion: the indicators with counts and their strongest evidence, plus the turns,
    milestones, trend or cross-team reach that bear on it. ``items``: the evidence rows, display-ready,
    in the same order as ``evidence``."""
    by_indicator: dict[str, list[dict]] = {}
    ranked = sorted(range(len(items)), key=lambda i: (IMPACT_ORDER.get(items[i]["impact"], 3), items[i]["date"]))
    ids = list(evidence["indicator"]) if not evidence.empty else []
    for i in ranked:
        by_indicator.setdefault(ids[i], []).append(items[i])
    out = []
    for c in CRITERIA:
        rows = [{"id": ind, "label": label_of(ind), "count": len(by_indicator.get(ind, [])),
                 "items": by_indicator.get(ind, [])[:MAX_ITEMS_PER_INDICATOR]} for ind in c.indicators]
        out.append({"key": c.key, "title": c.title, "weight": c.weight, "question": c.question,
                    "indicators": rows, "turns": turns if c.rotations else None,
                    "milestones": milestones if c.milestones else None, "milestones_defined": milestones is not None,
                    "show_milestones": c.milestones, "trend": trend if c.key == "growth" else None,
                    "cross_team": cross_team if c.cross_team else None})
    return out
