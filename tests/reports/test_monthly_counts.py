"""Monthly report content: counts per person and type, indicators with no evidence, the trend."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from leadsig.reports.monthly import build_monthly


def _section(markdown: str, name: str) -> str:
    return markdown.split(f"### {name}\n", 1)[1].split("\n### ", 1)[0]


def test_counts_per_person_type_and_impact(wh):
    wh.people(5)
    wh.person("ana", name="Ana")
    for _ in range(3):
        wh.signal("ana", signal_type="technical", indicator="reviews_proactively", impact="high")
    wh.signal("ana", signal_type="communication", indicator="writes_documentation", impact="low")
    wh.signal("ana", at=datetime(2026, 11, 2, tzinfo=UTC))  # next month: not counted
    md = build_monthly(wh.engine, wh.config(), "2026-10")["md"].read_text()
    ana = _section(md, "Ana")
    assert "| technical | 3 | 0 | 0 |" in ana
    assert "| communication | 0 | 0 | 1 |" in ana
    assert "| operational | 0 | 0 | 0 |" in ana
    assert "Reviews pull requests proactively (3)" in ana
    assert ana.count("- 2026-10-") == 4


def test_indicators_without_evidence_are_listed(wh):
    wh.people(5)
    wh.signal("p00", indicator="reviews_proactively")
    wh.signal("p01", signal_type="operational", indicator="coordinates_handoffs")
    md = build_monthly(wh.engine, wh.config(), "2026-10")["md"].read_text()
    missing = md.split("## Indicators with no evidence this month\n", 1)[1].split("\n## ", 1)[0]
    listed = re.findall(r"^- (.+) \(\w+\)$", missing, re.M)
    assert len(listed) == 10
    assert "Reviews pull requests proactively" not in listed
    assert "Coordinates hand-offs between teams" not in listed
    assert "Mentors junior developers in code reviews" in listed


def test_trend_counts_six_previous_months_per_type(wh):
    wh.people(5)
    wh.signal("p00", at=datetime(2026, 4, 3, tzinfo=UTC))  # six months before October: shown
    wh.signal("p00", at=datetime(2026, 3, 31, tzinfo=UTC))  # seven months before: not shown
    for _ in range(2):
        wh.signal("p01", at=datetime(2026, 8, 9, tzinfo=UTC), signal_type="operational",
                  indicator="identifies_bottlenecks")
    paths = build_monthly(wh.engine, wh.config(), "2026-10")
    md = paths["md"].read_text()
    rows = re.findall(r"^\| (2026-\d\d) \| (\d+) \| (\d+) \| (\d+) \|$", md.split("### Trend", 1)[1], re.M)[:7]
    assert [r[0] for r in rows] == ["2026-04", "2026-05", "2026-06", "2026-07", "2026-08", "2026-09", "2026-10"]
    assert rows[0][1:] == ("1", "0", "0")
    assert rows[4][1:] == ("0", "2", "0")
    assert "2026-03" not in md
    assert md.count('class="bar"') == 0 and paths["html"].read_text().count("<svg") >= 2


def test_commit_without_parent_title_shows_its_message_headline(wh):
    wh.person("ana", name="Ana")
    wh.signal("ana", title="", body="Document the retry policy\n\nLonger explanation.")
    md = build_monthly(wh.engine, wh.config(min_group_size=1), "2026-10")["md"].read_text()
    assert "[Document the retry policy](<https://" in md
