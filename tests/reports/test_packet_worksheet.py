"""The decision-matrix worksheet: each criterion with the evidence that informs it and a blank judgement; no
number for a criterion and nothing summed; milestones enter through one function, "none defined" without."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

from leadsig.reports import packet as packet_module
from leadsig.reports.packet import build_packet

NOW = datetime(2026, 11, 20, tzinfo=UTC)


@pytest.fixture
def ana(wh):
    wh.person("ana", name="Ana Lima")
    wh.signal("ana", indicator="reviews_proactively", impact="low", title="Small review")
    wh.signal("ana", indicator="reviews_proactively", impact="high", title="Found the race")
    wh.signal("ana", signal_type="operational", indicator="identifies_bottlenecks", title="CI queue")
    return wh


def _criterion(md: str, title: str) -> str:
    return md.split(f"### {title}", 1)[1].split("\n### ", 1)[0].split("\n## ", 1)[0]


def test_each_criterion_lists_its_evidence_and_leaves_the_judgement_blank(ana) -> None:
    md = build_packet(ana.engine, ana.config(), "ana", now=NOW)["md"].read_text()
    sheet = md.split("## Decision matrix: evidence worksheet\n", 1)[1].split("\n## Sign-off", 1)[0]
    technical = _criterion(md, "Technical excellence (framework weight 20%)")
    assert "- Reviews pull requests proactively: 2 in the period" in technical
    first, second = re.findall(r"^  - \[(.+?)\]", technical, re.M)
    assert (first, second) == ("Found the race", "Small review")  # strongest first
    business = _criterion(md, "Business impact (framework weight 25%)")
    assert "- Identifies process bottlenecks: 1 in the period" in business
    assert "Milestones: none defined" in _criterion(md, "Growth trajectory (framework weight 10%)")
    assert sheet.count("Committee's judgement (written by the committee, not by leadsig):\n\n> &nbsp;\n") == 5
    assert not re.search(r"score|total|weighted|rating", md, re.I)


def test_milestones_plug_in_through_one_function(ana, monkeypatch) -> None:
    rows = [{"title": "Mentored 2+ junior engineers", "kind": "measured", "met": True, "why": "2 of 2 juniors",
             "stage": "early", "track": "technical",
             "links": [{"url": "https://github.com/acme/api/pull/9", "raw_url": "https://github.com/acme/api/pull/9"}]},
            {"title": "Presented a vision", "kind": "attested", "met": False, "why": "not attested",
             "stage": "early", "track": "technical", "links": []}]
    monkeypatch.setattr(packet_module, "milestone_rows", lambda engine, person_id, as_of: rows)
    paths = build_packet(ana.engine, ana.config(), "ana", now=NOW)
    md, html = paths["md"].read_text(), paths["html"].read_text()
    milestones = md.split("## Milestones\n", 1)[1].split("\n## ", 1)[0]
    assert "- Mentored 2+ junior engineers (measured): **met**. 2 of 2 juniors" in milestones
    assert "- Presented a vision (attested): **not yet**. not attested" in milestones
    assert "- Milestones: Mentored 2+ junior engineers (met); Presented a vision (not yet)" in _criterion(
        md, "Growth trajectory (framework weight 10%)")
    assert '<span class="met">met</span>' in html and '<span class="not-yet">not yet</span>' in html
    assert "none defined" not in md and "none defined" not in html
