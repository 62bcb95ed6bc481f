"""Bias flags: a group's signal rate far from the team's rate is named in a plain sentence."""

from __future__ import annotations

from datetime import date

from leadsig.reports.monthly import build_monthly


def _team(wh, apac_signals: int, eu_signals: int) -> None:
    wh.people(6, prefix="eu")
    wh.people(6, prefix="ap", region="Asia-Pacific", timezone="Asia/Tokyo")
    for i in range(apac_signals):
        wh.signal(f"ap{i % 6:02d}")
    for i in range(eu_signals):
        wh.signal(f"eu{i % 6:02d}")


def test_low_rate_region_is_flagged(wh):
    _team(wh, apac_signals=2, eu_signals=10)
    md = build_monthly(wh.engine, wh.config(), "2026-10")["md"].read_text()
    assert ("People in region Asia-Pacific (6 people) had 0.33 times the team's signal rate this month "
            "(fewer signals per person than the team as a whole") in md
    assert "People in region Europe (6 people) had 1.67 times" in md


def test_balanced_team_has_no_flags(wh):
    _team(wh, apac_signals=6, eu_signals=6)
    md = build_monthly(wh.engine, wh.config(), "2026-10")["md"].read_text()
    assert "**Flag:**" not in md
    assert "No region, level or tenure band is outside 0.8-1.25" in md


def test_tenure_and_level_groups_are_checked(wh):
    wh.people(6, prefix="new", start_date=date(2026, 6, 1), level="junior")
    wh.people(6, prefix="old", start_date=date(2015, 1, 1))
    for i in range(6):
        wh.signal(f"old{i:02d}")
    md = build_monthly(wh.engine, wh.config(), "2026-10")["md"].read_text()
    assert "People in tenure band under 1 year (6 people) had 0.00 times" in md
    assert "People in level junior (6 people) had 0.00 times" in md


def test_teams_under_ten_people_are_not_compared(wh):
    wh.people(5)
    wh.people(4, prefix="ap", region="Asia-Pacific")
    wh.signal("p00")
    md = build_monthly(wh.engine, wh.config(), "2026-10")["md"].read_text()
    assert "**Flag:**" not in md
    assert "compared only in teams of 10 or more people; this team has 9" in md
