"""The decision-matrix worksheet: each criterion with the evidence that informs it and a blank judgement; no
number for a criterion and nothing summed; milestones enter through one function, "none defined" without."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from threads import Threads

from leadsig.reports.packet import build_packet
from leadsig.tracks import load_tracks

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


def test_a_person_on_a_track_gets_every_milestone_of_their_stage(ana) -> None:
    """The person's stage from the warehouse, the built-in track's milestones: met or not yet, never a score."""
    Threads(ana.engine).on_track("ana")
    paths = build_packet(ana.engine, ana.config(), "ana", now=NOW)
    md, html = paths["md"].read_text(), paths["html"].read_text()
    milestones = md.split("## Milestones\n", 1)[1].split("\n## ", 1)[0]
    stage = load_tracks().tracks["technical"].stage("early")
    for milestone in stage.milestones:
        assert f"- {milestone.title} (" in milestones
    assert "**not yet**" in milestones and '<span class="not-yet">not yet</span>' in html
    assert "Milestones: none defined" not in _criterion(md, "Growth trajectory (framework weight 10%)")
    assert not re.search(r"score|total|weighted|rating", md, re.I)
