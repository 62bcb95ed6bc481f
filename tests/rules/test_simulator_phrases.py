"""The default pack against the simulator's phrase banks: each leadership phrase family is evidence for its
indicator in a realistic context, and ordinary chatter is evidence for nothing (the demo's coverage)."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from leadsig.rules.language.loader import load_rules
from leadsig.rules.matcher.engine import Frame, match_all
from leadsig.rules.matcher.records import records_frame
from leadsig.simulator import text

RULES = load_rules(["default"], Path(".")).enabled()
# A busy issue thread across teams and regions, on another person's issue.
THREAD = {"thread.participants": 4, "thread.region_count": 2, "thread.team_count": 2, "thread.actor_opened": False,
          "parent_title": "Crash when billing config is empty", "actor.team": "platform",
          "parent_author.team": "payments"}


def indicators_for(bodies: list[str], kind: str = "issue_comment", **context: object) -> list[set[str]]:
    records = [{"kind": kind, **THREAD, **context, "body": b} for b in bodies]
    frame = Frame(records_frame(records))
    found: list[set[str]] = [set() for _ in bodies]
    for hits in match_all(frame, RULES):
        for row in hits.rows:
            found[int(row)].add(hits.rule.indicator)
    return found


def filled(bank: list[str]) -> list[str]:
    rng = random.Random(3)
    return [text.fill(rng, t, other="maria", team="payments") for t in bank]


@pytest.mark.parametrize("kind", ["issue_comment", "pr_comment", "pr_review"])
def test_summaries_are_evidence_of_async_leadership(kind):
    found = indicators_for(filled(text.SUMMARY), kind)
    assert all(f & {"summarizes_for_timezones", "facilitates_async_discussion"} for f in found)
    assert sum("summarizes_for_timezones" in f for f in found) >= 3
    assert sum("facilitates_async_discussion" in f for f in found) >= 3


def test_process_pain_names_bottlenecks():
    found = indicators_for(filled(text.PROCESS))
    assert sum("identifies_bottlenecks" in f for f in found) >= 4
    assert "identifies_bottlenecks" not in found[3]  # a process proposal, not a bottleneck


def test_architecture_comments_propose_architecture():
    found = indicators_for(filled(text.ARCHITECTURE), "review_comment")
    assert all("proposes_architecture" in f for f in found)


def test_structured_proposal_issue_proposes_architecture():
    body = filled([text.ISSUE_BODIES[1]])[0]
    found = indicators_for([body], "issue_opened", parent_title="Proposal: adopt Kafka for ingest")
    assert "proposes_architecture" in found[0]


def test_chatter_is_evidence_of_nothing():
    assert indicators_for(filled(text.CHATTER + text.REPLIES + text.APPROVE)) == [set()] * (
        len(text.CHATTER) + len(text.REPLIES) + len(text.APPROVE))
