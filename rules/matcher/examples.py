"""Running the inline examples of rules: the ``rules test`` command and the pack's own test.

A rule whose params, lists or thresholds an override changed still carries the examples written for the
rule as it was; each example is also run against that earlier rule (``Rule.basis``), and one the earlier rule
passed but the overridden rule decides otherwise is "changed" by the override, not a failure: the lead asked
for the new verdict. Pinning it takes examples in the override itself.
"""

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
    before: str | None = None  # what the rule decided before the overrides that changed it (Rule.basis)

    @property
    def ok(self) -> bool:
        return self.got == self.example.expect

    @property
    def verdict(self) -> str:
        """tp / tn / fp / fn, wrong-impact, changed (by an override), or todo / todo-passes for todo examples."""
        if self.example.todo:
            return "todo-passes" if self.ok else "todo"
        if self.ok:
            return "tn" if self.example.expect == NO_MATCH else "tp"
        if self.before == self.example.expect:
            return "changed"
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

    @property
    def changed(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.verdict == "changed"]


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
    got = _levels(frame, rule)
    before = _levels(frame, rule.basis) if rule.basis is not None else None
    for i, ex in enumerate(rule.examples):
        report.outcomes.append(Outcome(rule, ex, got.get(i, NO_MATCH),
                                       None if before is None else before.get(i, NO_MATCH)))
    return report


def _levels(frame: Frame, rule: Rule) -> dict[int, str]:
    hits = match_rule(frame, rule)
    return {int(r): str(lv) for r, lv in zip(hits.rows, hits.levels, strict=True)}


def run_all(rules: list[Rule]) -> list[RuleReport]:
    return [run_examples(r) for r in rules]
