"""Scoring ``rules eval``: per item, the indicators of its signals against its labels.

An item counts once per indicator whatever the number of rules that gave it (two rules of one indicator
on one comment are one credit, as a reader would count it). Precision and recall are micro-averaged over
indicators; "negative items with any signal" is the rate a manager notices first: credit for nothing.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from leadsig.rules.evaluation.corpus import Item
from leadsig.rules.language.indicators import BY_ID, INDICATORS, SIGNAL_TYPES

HARD_NEGATIVE = "hard_negative"


@dataclass
class Outcome:
    """An item with the signal records of its scored activity and that activity's text."""

    item: Item
    signals: list[dict[str, Any]]
    text: str

    def got(self) -> set[str]:
        return {s["indicator"] for s in self.signals}


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, other: Counts) -> None:
        self.tp, self.fp, self.fn = self.tp + other.tp, self.fp + other.fp, self.fn + other.fn

    @property
    def precision(self) -> float | None:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else None

    @property
    def recall(self) -> float | None:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else None

    @property
    def f1(self) -> float | None:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p is not None and r is not None and p + r else None

    def as_json(self) -> dict[str, Any]:
        return {"tp": self.tp, "fp": self.fp, "fn": self.fn, "labelled": self.tp + self.fn,
                "signalled": self.tp + self.fp, "precision": self.precision, "recall": self.recall, "f1": self.f1}


@dataclass
class Mistake:
    """A false positive (the rules that gave it, with their why) or a false negative (what came instead)."""

    kind: str  # "fp" | "fn"
    item: Item
    indicator: str
    signals: list[dict[str, Any]]  # fp: the signals of that indicator; fn: every signal of the item
    text: str

    def as_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "item": self.item.id, "file": self.item.file, "line": self.item.line,
                "indicator": self.indicator, "labels": list(self.item.labels), "tags": list(self.item.tags),
                "signals": [_signal_json(s) for s in self.signals], "text": self.text}


@dataclass
class Rate:
    items: int = 0
    with_signal: int = 0

    @property
    def rate(self) -> float | None:
        return self.with_signal / self.items if self.items else None

    def as_json(self) -> dict[str, Any]:
        return {"items": self.items, "with_signal": self.with_signal, "rate": self.rate}


@dataclass
class Slice:
    """The figures of the items carrying one tag."""

    items: int = 0
    counts: Counts = field(default_factory=Counts)
    negatives: Rate = field(default_factory=Rate)

    def as_json(self) -> dict[str, Any]:
        return {"items": self.items, **self.counts.as_json(), "negatives": self.negatives.as_json()}


@dataclass
class Scores:
    layers: list[str]
    rules: int
    indicator: str | None  # scoring restricted to this indicator
    outcomes: list[Outcome]
    per_indicator: dict[str, Counts]
    per_type: dict[str, Counts]
    micro: Counts
    confusion: Counter[tuple[str, str]]  # (labelled, got instead) -> items
    negatives: Rate
    hard_negatives: Rate
    tags: dict[str, Slice]
    mistakes: list[Mistake]

    def as_json(self) -> dict[str, Any]:
        return {
            "rules": {"layers": self.layers, "enabled": self.rules},
            "indicator": self.indicator,
            "items": len(self.outcomes),
            "micro": self.micro.as_json(),
            "per_type": {t: c.as_json() for t, c in self.per_type.items()},
            "per_indicator": {i: c.as_json() for i, c in self.per_indicator.items()},
            "confusion": [{"labelled": lb, "got": got, "items": n} for (lb, got), n in sorted(self.confusion.items())],
            "negatives": self.negatives.as_json(),
            "hard_negatives": self.hard_negatives.as_json(),
            "tags": {t: s.as_json() for t, s in sorted(self.tags.items())},
            "false_positives": [m.as_json() for m in self.mistakes if m.kind == "fp"],
            "false_negatives": [m.as_json() for m in self.mistakes if m.kind == "fn"],
            "results": [{"item": o.item.id, "file": o.item.file, "line": o.item.line, "labels": list(o.item.labels),
                         "tags": list(o.item.tags), "signals": [_signal_json(s) for s in o.signals]}
                        for o in self.outcomes],
        }


def _signal_json(s: dict[str, Any]) -> dict[str, Any]:
    return {"rule_id": s["rule_id"], "indicator": s["indicator"], "signal_type": s["signal_type"],
            "impact": s["impact"], "summary": s.get("summary"), "why": s.get("why")}


def score(outcomes: list[Outcome], indicator: str | None = None, layers: list[str] | None = None,
          rules: int = 0) -> Scores:
    """Count every item; with ``indicator`` the corpus is scored as if that were the only indicator."""
    scope = [indicator] if indicator else [i.id for i in INDICATORS]
    per_indicator = {i: Counts() for i in scope}
    confusion: Counter[tuple[str, str]] = Counter()
    negatives, hard = Rate(), Rate()
    tags: dict[str, Slice] = {}
    mistakes: list[Mistake] = []
    for o in outcomes:
        gold = set(o.item.labels) & set(scope)
        got = o.got() & set(scope)
        item_counts = Counts()
        for i in scope:
            c = Counts(int(i in gold and i in got), int(i in got and i not in gold), int(i in gold and i not in got))
            per_indicator[i].add(c)
            item_counts.add(c)
        for lb in sorted(gold - got):
            confusion.update((lb, g) for g in sorted(got - gold))
            mistakes.append(Mistake("fn", o.item, lb, [s for s in o.signals if s["indicator"] in scope], o.text))
        for g in sorted(got - gold):
            mistakes.append(Mistake("fp", o.item, g, [s for s in o.signals if s["indicator"] == g], o.text))
        for rate, counted in ((negatives, not gold), (hard, HARD_NEGATIVE in o.item.tags)):
            if counted:
                rate.items += 1
                rate.with_signal += bool(got)
        for tag in o.item.tags:
            sl = tags.setdefault(tag, Slice())
            sl.items += 1
            sl.counts.add(item_counts)
            if not gold:
                sl.negatives.items += 1
                sl.negatives.with_signal += bool(got)
    per_type = {t: Counts() for t in SIGNAL_TYPES if any(BY_ID[i].signal_type == t for i in scope)}
    for i, c in per_indicator.items():
        per_type[BY_ID[i].signal_type].add(c)
    micro = Counts()
    for c in per_type.values():
        micro.add(c)
    return Scores(list(layers or []), rules, indicator, outcomes, per_indicator, per_type, micro, confusion, negatives,
                  hard, tags, mistakes)
