"""A monthly report says what was not mined: an unmined month is refused, a partly mined one says so, and
trend months before mining began are left out rather than drawn as zeros (which would read as growth)."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

import pytest
from typer.testing import CliRunner

from leadsig.errors import UserError
from leadsig.flows.cli import app
from leadsig.reports.data import parse_month
from leadsig.reports.monthly import build_monthly


def test_a_month_after_the_last_mining_run_is_refused(wh):
    wh.people(5)
    wh.signal("p00")
    with pytest.raises(UserError) as err:
        build_monthly(wh.engine, wh.config(), "2027-01")
    problem = err.value.problems[0]
    assert problem.code == "not-mined" and "last mined on 2026-12-01" in problem.message
    assert not (wh.tmp_path / "out").exists()


def test_a_month_before_mining_began_is_refused(wh):
    wh.people(5)
    wh.signal("p00")
    with pytest.raises(UserError) as err:
        build_monthly(wh.engine, wh.config(), "2025-06")  # since: 2026-01-01
    assert "mining began on 2026-01-01" in err.value.problems[0].message
    assert "since: 2025-06-01" in err.value.problems[0].hint


def test_nothing_mined_yet_is_refused(wh):
    wh.people(5)
    with wh.engine.begin() as conn:
        conn.exec_driver_sql("DELETE FROM mining_runs")
    with pytest.raises(UserError) as err:
        build_monthly(wh.engine, wh.config(), "2026-10")
    assert "nothing has been mined yet" in err.value.problems[0].message


def test_trend_months_before_mining_began_are_left_out_and_said(wh):
    wh.people(5)
    wh.signal("p00", at=datetime(2026, 9, 3, tzinfo=UTC))
    cfg = wh.config()
    cfg.since = date(2026, 8, 20)
    paths = build_monthly(wh.engine, cfg, "2026-10")
    md = paths["md"].read_text()
    trend = md.split("### Trend", 1)[1]
    months = re.findall(r"^\| (2026-\d\d) \| \d+ \| \d+ \| \d+ \|$", trend, re.M)[:3]
    assert months == ["2026-08", "2026-09", "2026-10"]
    assert "### Trend: 2026-08 to 2026-10" in md
    assert "## What was not mined" in md and "The trends start at 2026-08" in md
    assert "What was not mined" in paths["html"].read_text()


def test_a_partly_mined_month_says_where_mining_stopped(wh, caplog):
    wh.people(5)
    wh.signal("p00")
    md = build_monthly(wh.engine, wh.config(), "2026-12")["md"].read_text()
    assert "Activity was last mined on 2026-12-01 02:00 UTC: anything later in 2026-12 is not in this report." in md
    assert "anything later in 2026-12" in caplog.text


def test_a_fully_mined_month_has_no_coverage_note(wh):
    wh.people(5)
    wh.signal("p00")
    assert "What was not mined" not in build_monthly(wh.engine, wh.config(), "2026-10")["md"].read_text()


def test_a_month_near_the_end_of_time_is_a_user_error_not_a_traceback():
    for value in ("9999-12", "9999-01"):
        with pytest.raises(UserError):
            parse_month(value)
    with pytest.raises(UserError):
        CliRunner().invoke(app, ["report", "monthly", "--month", "9999-12"], catch_exceptions=False)
