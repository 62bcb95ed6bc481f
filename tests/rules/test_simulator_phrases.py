"""The default pack against the simulator's everyday noise: thanks, LGTMs and short replies, written the many
ways engineers write them, are evidence of nothing, even in a busy thread across teams and regions.

The simulator's leadership families are written in ordinary words, apart from the pack's phrases
(tests/simulator/test_phrases_not_from_pack.py), so how much of them the pack recognises is a measure of the
pack (``leadsig rules eval``), not something the simulator can be tested for.
"""

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
# short everyday text (not "changes": a long unrequested review is a proactive review whatever its words say)
NOISE = ["chatter", "replies", "approve"]


def indicators_for(bodies: list[str], kind: str = "issue_comment", **context: object) -> list[set[str]]:
    records = [{"kind": kind, **THREAD, **context, "body": b} for b in bodies]
    frame = Frame(records_frame(records))
    found: list[set[str]] = [set() for _ in bodies]
    for hits in match_all(frame, RULES):
        for row in hits.rows:
            found[int(row)].add(hits.rule.indicator)
    return found


def written(family: str) -> list[str]:
    """Every template of ``family``, filled, plain and in each style."""
    rng = random.Random(3)
    templates = text.families()[family].templates
    return [text.styled(random.Random(i), text.fill(rng, t, other="maria", team="payments"), style)
            for i, t in enumerate(templates) for style in text.phrases()["styles"]["styles"]]


@pytest.mark.parametrize("kind", ["issue_comment", "pr_comment", "pr_review"])
def test_everyday_noise_is_evidence_of_nothing(kind):
    assert all(text.families()[f].intent == "noise" for f in NOISE)
    bodies = [b for family in NOISE for b in written(family)]
    found = indicators_for(bodies, kind)
    assert [(b, f) for b, f in zip(bodies, found, strict=True) if f] == []
