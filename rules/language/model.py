"""Compiled rules: what the loader produces and the engine, explainer and differ consume."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from leadsig.errors import Problem
from leadsig.rules.language.expr import Node, canonical
from leadsig.rules.language.regex import Regex

STATUSES = ("experimental", "stable")
NO_MATCH = "none"


@dataclass
class Condition:
    """One named test of one field, with parameters and lists already resolved to values."""

    name: str
    field: str
    ftype: str
    op: str
    value: Any  # scalar, tuple of scalars, Regex, or (for *_field ops) the other field's name
    case_sensitive: bool = False
    line: int | None = None

    def plain_value(self) -> Any:
        return self.value.pattern if isinstance(self.value, Regex) else self.value

    def signature(self) -> str:
        """Identity of the test regardless of its name, so rules sharing a test share its evaluation."""
        return json.dumps([self.field, self.op, _jsonable(self.plain_value()), self.case_sensitive], default=str)


@dataclass
class ImpactStep:
    level: str
    when: Node | None = None
    test: Condition | None = None  # inline threshold test, e.g. {field: body_length, gte: 400}
    line: int | None = None

    def plain(self) -> list[Any]:
        return [self.level, canonical(self.when) if self.when else None,
                json.loads(self.test.signature()) if self.test else None]


@dataclass
class Example:
    name: str
    expect: str  # high / medium / low / none
    activity: dict[str, Any]
    todo: str | None = None
    line: int | None = None
    file: str | None = None  # set when an override's examples replace the rule's


@dataclass
class Rule:
    id: str
    version: int
    status: str
    signal_type: str
    indicator: str
    kinds: tuple[str, ...]
    conditions: dict[str, Condition]
    match: Node
    impact: list[ImpactStep]
    summary: str
    evidence: str
    examples: list[Example] = field(default_factory=list)
    params: dict[str, Any] = field(default_factory=dict)
    lists: dict[str, tuple[Any, ...]] = field(default_factory=dict)
    enabled: bool = True
    description: str = ""
    false_positives: str = ""
    file: str = ""
    line: int | None = None
    layer: int = 0
    overridden_by: list[str] = field(default_factory=list)  # "file:line" of overrides applied
    family: str | None = None  # rules describing the same act: one signal per activity and family
    gives_way_to: tuple[str, ...] = ()  # indicators whose signal on the same activity sets this rule's aside
    changed_by: list[str] = field(default_factory=list)  # "file:line" of overrides its examples predate
    basis: Rule | None = field(default=None, repr=False, compare=False)  # the rule those examples were written for

    @property
    def act(self) -> str:
        """What one activity earns one signal for: the rule's family, else its indicator."""
        return self.family or self.indicator

    @property
    def hash(self) -> str:
        """Hash of what decides the signals (not docs or examples): edits elsewhere keep signals as they are."""
        payload = {
            "id": self.id, "version": self.version, "type": self.signal_type, "indicator": self.indicator,
            "kinds": sorted(self.kinds), "match": canonical(self.match),
            "conditions": {k: json.loads(c.signature()) for k, c in sorted(self.conditions.items())},
            "impact": [s.plain() for s in self.impact], "summary": self.summary, "evidence": self.evidence,
            **({"family": self.family} if self.family else {}),  # absent: hashes of rules without one unchanged
            **({"gives_way_to": sorted(self.gives_way_to)} if self.gives_way_to else {}),
        }
        raw = json.dumps(payload, sort_keys=True, default=str)
        return hashlib.sha256(raw.encode()).hexdigest()[:16]


@dataclass
class RuleSet:
    rules: list[Rule]
    warnings: list[Problem] = field(default_factory=list)
    files: list[str] = field(default_factory=list)

    def enabled(self) -> list[Rule]:
        return [r for r in self.rules if r.enabled]

    def get(self, rule_id: str) -> Rule | None:
        return next((r for r in self.rules if r.id == rule_id), None)


def _jsonable(v: Any) -> Any:
    if isinstance(v, tuple | list):
        return [_jsonable(x) for x in v]
    return v
