"""The CSV: the framework's five columns then indicator and rule, one row per signal, importable as is."""

from __future__ import annotations

import csv
from datetime import UTC, datetime

from leadsig.reports.monthly import CSV_COLUMNS, build_monthly


def _rows(path):
    with path.open(newline="", encoding="utf-8") as fh:
        return list(csv.reader(fh))


def test_columns_and_rows(wh):
    wh.person("bea", name="Bea")
    url = wh.signal("bea", signal_type="operational", indicator="coordinates_handoffs", impact="high",
                    at=datetime(2026, 10, 3, 9, tzinfo=UTC), rule_id="handoff.mention")
    wh.signal("bea", at=datetime(2026, 9, 30, tzinfo=UTC))  # another month
    rows = _rows(build_monthly(wh.engine, wh.config(), "2026-10")["csv"])
    assert rows[0] == ["Team Member", "Signal Type", "Evidence", "Date", "Impact", "Indicator", "Rule"]
    assert rows[0] == CSV_COLUMNS
    assert rows[1:] == [["Bea", "operational", url, "2026-10-03", "high", "coordinates_handoffs", "handoff.mention"]]


def test_formula_like_names_are_neutralised(wh):
    wh.person("x", name="=cmd|' /C calc'!A0")
    wh.signal("x")
    rows = _rows(build_monthly(wh.engine, wh.config(), "2026-10")["csv"])
    assert rows[1][0].startswith("'=")


def test_per_person_off_leaves_no_person_rows_or_sections(wh):
    wh.people(5)
    wh.signal("p00")
    paths = build_monthly(wh.engine, wh.config(per_person=False), "2026-10")
    assert _rows(paths["csv"]) == [CSV_COLUMNS]
    md = paths["md"].read_text()
    assert "### P00" not in md and "## Team payments" in md
    assert 'class="person"' not in paths["html"].read_text()
