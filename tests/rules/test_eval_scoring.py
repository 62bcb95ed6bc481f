"""Scoring arithmetic of rules eval on a hand-counted case: per indicator, per type, micro, confusion,
negative rates and tag slices."""

from __future__ import annotations

import pytest

from leadsig.rules.evaluation.corpus import Item
from leadsig.rules.evaluation.scoring import Outcome, score


def outcome(item_id: str, labels: list[str], got: list[str], tags: tuple[str, ...] = ()) -> Outcome:
    item = Item("c.jsonl", 1, item_id, tuple(labels), tags, {})
    signals = [{"rule_id": f"{g}.rule", "indicator": g, "signal_type": "x", "impact": "low", "why": {}} for g in got]
    return Outcome(item, signals, "text")


CASE = [
    outcome("a", ["mentors_in_reviews"], ["mentors_in_reviews"]),                      # TP mentors
    outcome("b", ["mentors_in_reviews"], ["reviews_proactively"]),                     # FN mentors, FP reviews
    outcome("c", [], ["reviews_proactively"], ("hard_negative",)),                     # FP reviews
    outcome("d", [], [], ("hard_negative",)),                                          # nothing
    outcome("e", ["writes_documentation"], ["writes_documentation", "writes_documentation"]),  # one TP, not two
    outcome("f", ["identifies_bottlenecks", "suggests_workflow_improvements"], ["identifies_bottlenecks"]),
]


def test_per_indicator_counts_and_ratios():
    s = score(CASE)
    m, r = s.per_indicator["mentors_in_reviews"], s.per_indicator["reviews_proactively"]
    assert (m.tp, m.fp, m.fn) == (1, 0, 1) and m.precision == 1.0 and m.recall == 0.5
    assert m.f1 == pytest.approx(2 / 3)
    assert (r.tp, r.fp, r.fn) == (0, 2, 0) and r.precision == 0.0 and r.recall is None and r.f1 is None
    assert (s.per_indicator["writes_documentation"].tp, s.per_indicator["writes_documentation"].fp) == (1, 0)
    assert s.per_indicator["bridges_team_segments"].precision is None


def test_per_type_and_micro_average():
    s = score(CASE)
    tech, ops = s.per_type["technical"], s.per_type["operational"]
    assert (tech.tp, tech.fp, tech.fn) == (1, 2, 1)
    assert (ops.tp, ops.fp, ops.fn) == (1, 0, 1)
    assert (s.micro.tp, s.micro.fp, s.micro.fn) == (3, 2, 2)
    assert s.micro.precision == pytest.approx(3 / 5) and s.micro.recall == pytest.approx(3 / 5)


def test_confusion_negatives_and_tags():
    s = score(CASE)
    assert dict(s.confusion) == {("mentors_in_reviews", "reviews_proactively"): 1}
    assert (s.negatives.items, s.negatives.with_signal) == (2, 1)
    assert (s.hard_negatives.items, s.hard_negatives.with_signal, s.hard_negatives.rate) == (2, 1, 0.5)
    hard = s.tags["hard_negative"]
    assert hard.items == 2 and (hard.counts.fp, hard.counts.tp) == (1, 0)
    assert [(m.kind, m.item.id, m.indicator) for m in s.mistakes] == [
        ("fn", "b", "mentors_in_reviews"), ("fp", "b", "reviews_proactively"), ("fp", "c", "reviews_proactively"),
        ("fn", "f", "suggests_workflow_improvements")]


def test_one_indicator_scores_as_if_it_were_the_only_one():
    s = score(CASE, "reviews_proactively")
    assert list(s.per_indicator) == ["reviews_proactively"] and list(s.per_type) == ["technical"]
    assert (s.micro.tp, s.micro.fp, s.micro.fn) == (0, 2, 0)
    assert (s.negatives.items, s.negatives.with_signal) == (6, 2)  # no item is labelled with it
    assert {m.indicator for m in s.mistakes} == {"reviews_proactively"}
