"""Classifying a scope (``since`` or activity ids) reads only the threads it touches, with the same facts."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from leadsig.rules.matcher.classify import classify_warehouse, enriched_frame
from leadsig.warehouse import models as m

LATE = date(2026, 4, 1)  # after threads 1 and 2 began, on the day of the late comment and commit
LATE_ID = "github:github.com:review_comment:c2-late"


def signals(engine) -> dict[tuple[str, str], dict]:
    with engine.connect() as conn:
        return {(r["activity_id"], r["rule_id"]): dict(r) for r in conn.execute(select(m.Signal.__table__)).mappings()}


def test_since_reads_the_touched_threads_whole_and_nothing_else(seeded, grown_history):
    engine, cfg = seeded(activities=grown_history)
    full = enriched_frame(engine, cfg).set_index("id")
    scoped = enriched_frame(engine, cfg, since=LATE).set_index("id")
    assert set(scoped["parent_number"].dropna()) == {2}  # thread 1 is not read at all
    assert len(scoped) == len(full[full["parent_number"].eq(2)]) + 1  # thread 2 whole, plus the commit
    facts = ["thread.participants", "thread.comment_count", "thread.actor_comments", "thread.team_count"]
    assert scoped.loc[LATE_ID, facts].tolist() == full.loc[LATE_ID, facts].tolist()
    assert scoped.loc[LATE_ID, "thread.participants"] >= 3  # siblings were read, not just the late comment


def test_scoped_classification_matches_the_full_one(seeded, grown_history):
    engine, cfg = seeded(activities=grown_history)
    classify_warehouse(engine, cfg)
    base = signals(engine)
    assert any(k[0] == LATE_ID for k in base)
    for scope in ({"since": LATE}, {"activity_ids": [LATE_ID]}):
        stats = classify_warehouse(engine, cfg, **scope)
        assert (stats["added"], stats["removed"], stats["changed"]) == (0, 0, 0)
        assert signals(engine) == base


def test_an_empty_scope_changes_nothing(seeded, grown_history):
    engine, cfg = seeded(activities=grown_history)
    classify_warehouse(engine, cfg)
    base = signals(engine)
    stats = classify_warehouse(engine, cfg, since=LATE + timedelta(days=365))
    assert (stats["activities"], stats["signals"], stats["removed"]) == (0, 0, 0)
    assert signals(engine) == base
