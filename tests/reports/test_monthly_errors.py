"""A bad month or an unknown team is the user's to fix: named, with a hint, and nothing is written."""

from __future__ import annotations

import pytest

from leadsig.errors import UserError
from leadsig.reports.monthly import build_monthly


@pytest.mark.parametrize("month", ["2026-13", "2026-1", "Oct 2026", "2026-10-01", ""])
def test_bad_month(wh, month):
    wh.person("ana")
    with pytest.raises(UserError) as err:
        build_monthly(wh.engine, wh.config(), month)
    problem = err.value.problems[0]
    assert problem.key == "--month" and "YYYY-MM" in problem.hint
    assert not (wh.tmp_path / "out").exists()


def test_unknown_team_suggests_the_closest(wh):
    wh.person("ana", team="payments")
    wh.person("bo", team="search")
    with pytest.raises(UserError) as err:
        build_monthly(wh.engine, wh.config(), "2026-10", team="paymnets")
    problem = err.value.problems[0]
    assert problem.key == "--team" and "'payments'" in problem.hint
    assert not (wh.tmp_path / "out").exists()


def test_team_filter_limits_the_report(wh):
    wh.person("ana", team="payments")
    wh.person("bo", team="search")
    wh.signal("ana")
    wh.signal("bo")
    paths = build_monthly(wh.engine, wh.config(), "2026-10", team="search")
    assert paths["md"].name == "leadsig-2026-10-search.md"
    md = paths["md"].read_text()
    assert "## Team search" in md and "payments" not in md
    assert paths["csv"].read_text().count("\n") == 2
