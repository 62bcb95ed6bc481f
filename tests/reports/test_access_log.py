"""Every report records who generated it and about whom, so a person can see what was viewed about them."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import text

from leadsig.reports.monthly import build_monthly
from leadsig.reports.packet import build_packet
from leadsig.warehouse.trust import access_entries


def test_reports_log_who_read_about_whom(wh) -> None:
    wh.person("ana")
    wh.person("bo")
    wh.person("cy")
    wh.signal("ana")
    wh.signal("bo")
    build_monthly(wh.engine, wh.config(), "2026-10", viewer="manager-mo")
    build_packet(wh.engine, wh.config(), "ana", now=datetime(2026, 11, 20, tzinfo=UTC), viewer="lead-li")
    ana = [(e["viewer"], e["action"]) for e in access_entries(wh.engine, "ana")]
    assert ana == [("manager-mo", "report-monthly"), ("lead-li", "report-packet")]
    assert [e["action"] for e in access_entries(wh.engine, "bo")] == ["report-monthly"]
    assert access_entries(wh.engine, "cy") == []  # named nowhere in the report: nothing viewed about them


def test_a_report_whose_access_log_entry_fails_is_not_written(wh, tmp_path) -> None:
    wh.person("ana")
    wh.signal("ana")
    with wh.engine.begin() as conn:
        conn.execute(text("DROP TABLE access_log"))
    out = tmp_path / "out"
    with pytest.raises(Exception, match="access_log"):
        build_monthly(wh.engine, wh.config(), "2026-10", out_dir=out, viewer="manager-mo")
    with pytest.raises(Exception, match="access_log"):
        build_packet(wh.engine, wh.config(), "ana", out_dir=out, now=datetime(2026, 11, 20, tzinfo=UTC))
    assert not out.exists() or list(out.iterdir()) == []
