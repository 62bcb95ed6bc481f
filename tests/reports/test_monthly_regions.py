"""Where signals come from by region and time zone, beside where the team sits; small groups withheld."""

from __future__ import annotations

import re

from leadsig.reports.monthly import build_monthly


def _region_rows(md: str) -> dict[str, list[str]]:
    table = md.split("| Region | People |", 1)[1].split("\n\n", 1)[0]
    return {m[0]: list(m[1:]) for m in re.findall(r"^\| ([^|]+?) \| (\d+) \| (\d+%) \| ([^|]+?) \| ([^|]+?) \|$",
                                                 table, re.M)}


def test_people_and_signal_shares_by_region(wh):
    wh.people(6, prefix="eu")
    wh.people(5, prefix="ap", region="Asia-Pacific", timezone="Asia/Tokyo")
    for pid in ("eu00", "eu01", "eu02", "ap00"):
        wh.signal(pid)
    paths = build_monthly(wh.engine, wh.config(), "2026-10")
    rows = _region_rows(paths["md"].read_text())
    assert rows["Europe"] == ["6", "55%", "3", "75%"]
    assert rows["Asia-Pacific"] == ["5", "45%", "1", "25%"]
    assert "| Asia/Tokyo | 5 | 45% | 1 | 25% |" in paths["md"].read_text()
    assert "people and signals by region" in paths["html"].read_text()


def test_small_region_withholds_its_signal_count(wh):
    wh.people(6, prefix="eu")
    wh.person("solo", region="Americas", timezone="America/Lima")
    wh.signal("solo")
    rows = _region_rows(build_monthly(wh.engine, wh.config(), "2026-10")["md"].read_text())
    assert rows["Americas"] == ["1", "14%", "withheld", "withheld"]


def test_small_team_shows_no_team_figures(wh):
    wh.people(4)
    wh.people(5, prefix="q", team="search")
    wh.signal("p00")
    wh.signal("q00")
    md = build_monthly(wh.engine, wh.config(), "2026-10")["md"].read_text()
    payments = md.split("## Team payments", 1)[1].split("## Team search", 1)[0]
    assert "Team figures are not shown: this team has fewer than 5 people." in payments
    assert "| Region |" not in payments and "### Trend" not in payments
    search = md.split("## Team search", 1)[1]
    assert "### Trend" in search


def test_min_group_size_is_configurable(wh):
    wh.people(3)
    wh.signal("p00")
    md = build_monthly(wh.engine, wh.config(min_group_size=3), "2026-10")["md"].read_text()
    assert "Team figures are not shown" not in md and "| Europe | 3 | 100% | 1 | 100% |" in md


def test_all_teams_overview_compares_regions_across_small_teams(wh):
    for team in ("api", "web", "data"):
        wh.people(2, prefix=f"{team}-eu", team=team)
        wh.people(2, prefix=f"{team}-ap", team=team, region="Asia-Pacific", timezone="Asia/Tokyo")
    wh.signal("api-eu00")
    wh.signal("web-ap00")
    md = build_monthly(wh.engine, wh.config(), "2026-10")["md"].read_text()
    overview = md.split("## All teams (12 people)\n", 1)[1].split("\n## Team ", 1)[0]
    rows = _region_rows(overview)
    assert rows == {"Asia-Pacific": ["6", "50%", "1", "50%"], "Europe": ["6", "50%", "1", "50%"]}
    assert "### " not in overview.replace("### Signals", "").replace("### Trend", "").replace(
        "### Where the organisation sits", "").replace("### Balance checks", "")  # no person sections
    assert "Team figures are not shown: this team has fewer than 5 people." in md.split("## Team api", 1)[1]


def test_single_team_report_has_no_overview(wh):
    wh.people(5)
    wh.person("x", team="search")
    assert "## All teams" not in build_monthly(wh.engine, wh.config(), "2026-10", team="payments")["md"].read_text()
