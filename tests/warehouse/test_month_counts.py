"""The month counts the web overview reads stay equal to the signals, whatever writes signals or feedback."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime

import pytest
from sqlalchemy import delete, insert, select, update
from webapp import build

from leadsig.reports.data import load_counts, parse_month
from leadsig.warehouse import models as m
from leadsig.warehouse.feedback import Feedback, dismiss
from leadsig.warehouse.month_counts import recount, stored_counts
from leadsig.warehouse.trust import apply_retention, forget

RULE = "reviews_proactively.default"
SEP, OCT = datetime(2026, 9, 30, 23, 59, tzinfo=UTC), datetime(2026, 10, 1, 0, 0, tzinfo=UTC)


@pytest.fixture
def wh(tmp_path, warehouse_url: str):  # noqa: ANN001, ANN201
    wh = build(tmp_path, warehouse_url)
    wh.a = wh.signal("pat", at=SEP, impact="high")
    wh.b = wh.signal("pat", at=OCT)
    wh.c = wh.signal("pia", at=OCT, indicator="mentors_in_reviews")
    wh.d = wh.signal("otto", at=datetime(2026, 10, 31, 23, 59, 59, tzinfo=UTC), impact="low")
    yield wh
    wh.engine.dispose()


def report_counts(engine) -> dict[tuple, int]:  # noqa: ANN001
    """What the monthly report counts, from its own one-row-per-signal query (dismissals left out)."""
    w = parse_month("2026-10")
    rows = load_counts(engine, w.trend_start, w.end)
    return dict(Counter(zip(rows["month"], rows["person_id"], rows["signal_type"], rows["indicator"], rows["impact"],
                            strict=True)))


def counts(engine) -> dict[tuple, int]:  # noqa: ANN001
    with engine.connect() as conn:
        return stored_counts(conn)


def test_counts_equal_the_reports_after_inserts_and_at_month_edges(wh) -> None:  # noqa: ANN001
    got = counts(wh.engine)
    assert got == report_counts(wh.engine)
    assert got[("2026-09", "pat", "technical", "reviews_proactively", "high")] == 1
    assert got[("2026-10", "otto", "technical", "reviews_proactively", "low")] == 1


def test_a_dismissal_and_its_removal_move_the_count(wh) -> None:  # noqa: ANN001
    key = ("2026-10", "pat", "technical", "reviews_proactively", "medium")
    dismiss(wh.engine, wh.b, RULE, "wrong", "not a review", "pat (web, person)")
    assert key not in counts(wh.engine) and counts(wh.engine) == report_counts(wh.engine)
    dismiss(wh.engine, wh.b, RULE, "duplicate", "changed my mind on why", "pat (web, person)")  # an update
    assert key not in counts(wh.engine)
    with wh.engine.begin() as conn:
        conn.execute(delete(Feedback).where(Feedback.activity_id == wh.b))
    assert counts(wh.engine)[key] == 1 and counts(wh.engine) == report_counts(wh.engine)


def test_reclassification_of_a_dismissed_signal_keeps_it_uncounted(wh) -> None:  # noqa: ANN001
    dismiss(wh.engine, wh.b, RULE, "wrong", "not a review", "pat (web, person)")
    s = m.Signal.__table__
    with wh.engine.begin() as conn:  # what classify does when a rule changes: the row goes, a new one comes
        row = dict(conn.execute(select(s).where(s.c.activity_id == wh.b)).mappings().one())
        conn.execute(delete(s).where(s.c.activity_id == wh.b))
        conn.execute(insert(s), [{**{k: v for k, v in row.items() if k != "id"}, "impact": "high"}])
    assert counts(wh.engine) == report_counts(wh.engine)


def test_changed_signals_move_between_counts(wh) -> None:  # noqa: ANN001
    with wh.engine.begin() as conn:
        conn.execute(update(m.Signal).where(m.Signal.activity_id == wh.c).values(impact="high", person_id="pat"))
        conn.execute(update(m.Signal).where(m.Signal.activity_id == wh.d).values(summary="only the text changed"))
    got = counts(wh.engine)
    assert got == report_counts(wh.engine)
    assert got[("2026-10", "pat", "technical", "mentors_in_reviews", "high")] == 1


def test_forget_retention_and_cascaded_deletes_leave_no_count_behind(wh) -> None:  # noqa: ANN001
    dismiss(wh.engine, wh.c, "mentors_in_reviews.default", "wrong", "no", "pia (web, person)")
    forget(wh.engine, "pia", [], [])
    assert not [k for k in counts(wh.engine) if k[1] == "pia"]
    apply_retention(wh.engine, {"signals": 1, "activity": 1, "access_log": 1}, now=datetime(2026, 11, 20, tzinfo=UTC))
    assert counts(wh.engine) == report_counts(wh.engine) == {
        ("2026-10", "otto", "technical", "reviews_proactively", "low"): 1}
    with wh.engine.begin() as conn:  # re-mining retires an activity: its signals go with it
        conn.execute(delete(m.Signal).where(m.Signal.activity_id == wh.d))
        conn.execute(delete(m.Activity).where(m.Activity.id == wh.d))
    assert counts(wh.engine) == report_counts(wh.engine) == {}


def test_recount_rebuilds_what_the_triggers_kept(wh) -> None:  # noqa: ANN001
    dismiss(wh.engine, wh.a, RULE, "wrong", "not a review", "pat (web, person)")
    kept = counts(wh.engine)
    with wh.engine.begin() as conn:
        recount(conn)
    assert counts(wh.engine) == kept
