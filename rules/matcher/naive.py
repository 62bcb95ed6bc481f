"""A per-record interpreter of the same rules: the benchmark's baseline and the explainer's engine.

It shares every operator's meaning with the vectorised engine (the registry, rules.language.operators),
so the two must agree on every record; a test checks that on generated activity.
"""

from __future__ import annotations

from typing import Any

from leadsig.rules.language import fields as F
from leadsig.rules.language import operators as O
from leadsig.rules.language.expr import And, Node, Not, Or, Ref
from leadsig.rules.language.model import Condition, Rule


def field_value(record: dict[str, Any], name: str) -> Any:
    if name in record:
        return record[name]
    if name.startswith(F.EXTRA_PREFIX):
        extra = record.get("extra") or {}
        v = extra.get(name[len(F.EXTRA_PREFIX):]) if isinstance(extra, dict) else None
        return tuple(v) if isinstance(v, list) else v
    return None


def test(cond: Condition, record: dict[str, Any]) -> bool:
    value = field_value(record, cond.field)
    op = O.get(cond.op)
    if op.pair is not None:
        return op.pair(value, field_value(record, cond.value))
    pred = cond.__dict__.get("_pred")
    if pred is None:  # compiled once per condition object, kept on it
        pred = cond.__dict__["_pred"] = op.predicate(cond)  # type: ignore[misc]
    return pred(value)


def holds(node: Node, conds: dict[str, Condition], record: dict[str, Any]) -> bool:
    if isinstance(node, Ref):
        return test(conds[node.name], record)
    if isinstance(node, Not):
        return not holds(node.item, conds, record)
    if isinstance(node, And):
        return all(holds(i, conds, record) for i in node.items)
    assert isinstance(node, Or)
    return any(holds(i, conds, record) for i in node.items)


def impact_of(rule: Rule, record: dict[str, Any]) -> tuple[int, str] | None:
    for i, step in enumerate(rule.impact):
        if step.test is not None and not test(step.test, record):
            continue
        if step.when is not None and not holds(step.when, rule.conditions, record):
            continue
        return i, step.level
    return None


def classify_record(rules: list[Rule], record: dict[str, Any]) -> list[tuple[str, str]]:
    """(rule id, impact) for every rule the record matches; no signals for bots and unknown people."""
    if record.get("person_id") is None or record.get("actor_is_bot"):
        return []
    out = []
    for rule in rules:
        if not rule.enabled or record.get("kind") not in rule.kinds:
            continue
        if holds(rule.match, rule.conditions, record):
            step = impact_of(rule, record)
            if step is not None:
                out.append((rule.id, step[1]))
    return out
