"""The report queries on both warehouse backends: month windows, month buckets, text cut in SQL."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from leadsig.errors import UserError
from leadsig.reports.data import load_counts, load_evidence, load_month_counts, load_people, parse_month
from leadsig.reports.monthly import build_monthly
from leadsig.reports.packet import build_packet


def test_parse_month_window_and_trend_months():
    w = parse_month("2026-02")
    assert w.start == datetime(2026, 2, 1, tzinfo=UTC) and w.end == datetime(2026, 3, 1, tzinfo=UTC)
    assert w.months == ("2025-08", "2025-09", "2025-10", "2025-11", "2025-12", "2026-01", "2026-02")
    with pytest.raises(UserError):
        parse_month("2026-00")


def test_month_boundaries_are_utc_and_half_open(wh_any):
    wh_any.person("ana", team=None, level=None)
    wh_any.signal("ana", at=datetime(2026, 10, 1, 0, 0, tzinfo=UTC))
    wh_any.signal("ana", at=datetime(2026, 10, 31, 23, 59, 59, tzinfo=UTC))
    wh_any.signal("ana", at=datetime(2026, 11, 1, 0, 0, tzinfo=UTC))
    w = parse_month("2026-10")
    counts = load_counts(wh_any.engine, w.trend_start, w.end)
    assert list(counts["month"]) == ["2026-10", "2026-10"]
    people = load_people(wh_any.engine)
    assert people.loc[0, "team"] == "(no team)" and people.loc[0, "level"] == "unknown"


def test_long_text_is_cut_in_the_query(wh_any):
    wh_any.person("ana")
    wh_any.signal("ana", body="b" * 1_000_000, title="t" * 5000, summary="s" * 5000)
    w = parse_month("2026-10")
    ev = load_evidence(wh_any.engine, w.start, w.end)
    assert len(ev.loc[0, "excerpt"]) == 600 and len(ev.loc[0, "title"]) == 600 and len(ev.loc[0, "summary"]) == 600


def test_reports_build_on_this_backend(wh_any):
    wh_any.people(5)
    for i in range(5):
        wh_any.signal(f"p{i:02d}", signal_type="communication", indicator="writes_documentation")
    paths = build_monthly(wh_any.engine, wh_any.config(), "2026-10")
    assert "| communication | 0 | 5 | 0 |" in paths["md"].read_text()
    packet = build_packet(wh_any.engine, wh_any.config(), "p00", now=datetime(2026, 11, 2, tzinfo=UTC))
    assert "Writes clear technical documentation" in packet["md"].read_text()
    assert "Writes clear technical documentation" in packet["html"].read_text()


def test_month_counts_counted_in_sql_match_the_row_counts(wh_any):
    """The web overview's counted frame (a row and a count per group) says what load_counts' one-row-per-signal
    frame says."""
    wh_any.person("mc")
    for at, impact in ((datetime(2026, 9, 30, 23, 59, tzinfo=UTC), "high"), (datetime(2026, 10, 1, tzinfo=UTC), "low"),
                       (datetime(2026, 10, 31, 23, tzinfo=UTC), "low"), (datetime(2026, 11, 1, tzinfo=UTC), "low")):
        wh_any.signal("mc", at=at, impact=impact)
    w = parse_month("2026-10", trend_months=1)
    cols = ["person_id", "signal_type", "indicator", "impact", "month"]
    rows = load_counts(wh_any.engine, w.trend_start, w.end)[cols].sort_values(cols).reset_index(drop=True)
    counted = load_month_counts(wh_any.engine, w.months)
    counted = counted.loc[counted.index.repeat(counted["n"]), cols].sort_values(cols).reset_index(drop=True)
    assert counted.equals(rows)
    assert list(counted["month"]) == ["2026-09", "2026-10", "2026-10"]
