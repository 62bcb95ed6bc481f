"""Running the inline examples of rules: the ``rules test`` command and the pack's own test."""

from __future__ import annotations

from dataclasses import dataclass, field

from leadsig.rules.language.model import NO_MATCH, Example, Rule
from leadsig.rules.matcher.engine import Frame, match_rule
from leadsig.rules.matcher.records import records_frame


@dataclass
class Outcome:
    rule: Rule
    example: Example
    got: str  # impact level or "none"

    @property
    def ok(self) -> bool:
        return self.got == self.example.expect

    @property
    def verdict(self) -> str:
        """tp / tn / fp / fn, wrong-impact, or todo / todo-passes for examples marked todo."""
        if self.example.todo:
            return "todo-passes" if self.ok else "todo"
        if self.ok:
            return "tn" if self.example.expect == NO_MATCH else "tp"
        if self.example.expect == NO_MATCH:
            return "fp"
        return "fn" if self.got == NO_MATCH else "wrong-impact"


@dataclass
class RuleReport:
    rule: Rule
    outcomes: list[Outcome] = field(default_factory=list)

    def count(self, verdict: str) -> int:
        return sum(o.verdict == verdict for o in self.outcomes)

    @property
    def failed(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.verdict in ("fp", "fn", "wrong-impact")]


def run_examples(rule: Rule) -> RuleReport:
    """Classify the rule's examples with the real (vectorised) engine, as the nightly run would."""
    report = RuleReport(rule)
    if not rule.examples:
        return report
    records = []
    for ex in rule.examples:
        rec = dict(ex.activity)
        rec.setdefault("kind", rule.kinds[0] if rule.kinds else None)
        records.append(rec)
    frame = Frame(records_frame(records))
    hits = match_rule(frame, rule)
    got = {int(r): str(lv) for r, lv in zip(hits.rows, hits.levels, strict=True)}
    for i, ex in enumerate(rule.examples):
        report.outcomes.append(Outcome(rule, ex, got.get(i, NO_MATCH)))
    return report


def run_all(rules: list[Rule]) -> list[RuleReport]:
    return [run_examples(r) for r in rules]
