"""Each person's place on their development track for a report: track, stage, the stage's nominal duration
(context, never a deadline) and the milestones newly met in the period, with their evidence.

Nothing here says "behind" or compares people: a milestone is met when its evidence is there.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from leadsig.reports.doc_links import shared_index
from leadsig.reports.milestones import newly_met
from leadsig.reports.text import clean, safe_url
from leadsig.tracks import Tracks
from leadsig.warehouse.track_tables import PersonTrack

MAX_LINKS = 5


def progress_by_person(engine: Engine, tracks: Tracks, person_ids: set[str], start: datetime,
                       end: datetime) -> dict[str, dict]:
    """Display-ready progress of everyone in ``person_ids`` who is on a track of ``tracks``."""
    out: dict[str, dict] = {}
    with Session(engine) as s, shared_index():  # the warehouse's text read once for everyone's documentation
        rows = s.execute(select(PersonTrack.person_id, PersonTrack.track, PersonTrack.stage,
                                PersonTrack.stage_since)).all()
        for pid, track_id, stage_id, since in rows:
            track = tracks.tracks.get(track_id)
            stage = track.stage(stage_id) if track else None
            if pid not in person_ids or stage is None:
                continue
            newly = newly_met(s, pid, start, end, tracks)
            out[pid] = {
                "track": clean(track.title, 200), "stage": clean(stage.title, 200), "months": stage.months,
                "since": since.isoformat() if since else None,
                "newly": [{"title": clean(ms.title, 300), "kind": ms.kind, "why": clean(ms.why, 600),
                           "links": [u for u in (safe_url(url) for url, _ in ms.evidence[:MAX_LINKS]) if u]}
                          for ms in newly],
            }
    return out
