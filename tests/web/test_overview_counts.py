"""The month overview shows the monthly report's numbers for the same month, before and after a dismissal."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from webapp import build

from leadsig.reports.coverage import mined_coverage, mined_window
from leadsig.reports.data import load_counts, load_evidence, load_people, parse_month
from leadsig.reports.indicators import indicators
from leadsig.reports.monthly import team_section
from leadsig.reports.settings import report_settings
from leadsig.warehouse.feedback import dismiss
from leadsig.web.auth import Viewer
from leadsig.web.overview import month_overview
from leadsig.web.site import Site

NUMBERS = ("size", "signals", "by_type", "by_indicator", "missing", "trend", "regions", "timezones", "bias")


def report_section(wh, team: str | None) -> dict:  # noqa: ANN001
    """The section the monthly report draws, from the report's own one-row-per-signal queries."""
    cfg = wh.config()
    window, _ = mined_window(parse_month("2026-10"), mined_coverage(wh.engine, cfg.since))
    people = load_people(wh.engine)
    members = people[people["team"] == team] if team else people
    counts = load_counts(wh.engine, window.trend_start, window.end)
    evidence = load_evidence(wh.engine, window.start, window.end)
    settings = replace(report_settings(cfg), per_person=False)
    return team_section(team or "all teams", members, counts, evidence, window, settings, indicators(),
                        whole="team" if team else "organisation")


def test_overview_numbers_equal_the_monthly_reports_before_and_after_a_dismissal(tmp_path, warehouse_url) -> None:  # noqa: ANN001
    wh = build(tmp_path, warehouse_url)
    gone = wh.signal("pat", impact="high")
    for at in (datetime(2026, 8, 3, tzinfo=UTC), datetime(2026, 9, 30, 23, 59, tzinfo=UTC),
               datetime(2026, 10, 31, 23, 0, tzinfo=UTC)):
        wh.signal("pia", at=at, indicator="mentors_in_reviews", signal_type="communication")
    wh.signal("otto", impact="low")
    site, admin = Site(wh.engine, wh.config()), Viewer("ada", "admin", (), "ada (web, admin)")
    for step in ("before", "after"):
        org = month_overview(site, admin, "2026-10", None)["overall"]
        team = month_overview(site, admin, "2026-10", "payments")["sections"][0]
        for shown, expected in ((org, report_section(wh, None)), (team, report_section(wh, "payments"))):
            assert {k: shown.get(k) for k in NUMBERS} == {k: expected.get(k) for k in NUMBERS}, step
        assert team["signals"] == (2 if step == "before" else 1)  # pat's and pia's October
        dismiss(wh.engine, gone, "reviews_proactively.default", "wrong", "not a review", "pat (web, person)")
    wh.engine.dispose()
