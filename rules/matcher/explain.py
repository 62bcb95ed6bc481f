"""Why one stored activity did or did not become a signal, rule by rule and condition by condition."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd
from sqlalchemy import Engine, select

from leadsig.errors import Problem, UserError
from leadsig.rules.language import fields as F
from leadsig.rules.language.expr import canonical
from leadsig.rules.language.model import Rule, RuleSet
from leadsig.rules.matcher import naive
from leadsig.rules.matcher.giveway import give_way
from leadsig.rules.matcher.overlap import strongest_per_act
from leadsig.rules.matcher.records import frame_record
from leadsig.rules.matcher.signals import jsonable as _jsonable
from leadsig.warehouse import models as m


@dataclass
class ConditionResult:
    name: str
    field: str
    op: str
    expected: Any
    value: Any
    held: bool


@dataclass
class RuleResult:
    rule: Rule
    considered: bool
    reason: str = ""
    conditions: list[ConditionResult] = field(default_factory=list)
    matched: bool = False
    impact: str | None = None
    step: int | None = None
    set_aside: str = ""  # why a matching rule stores no signal: another rule of its act, or gives_way_to


@dataclass
class Explanation:
    record: dict[str, Any]
    eligible: bool
    eligible_reason: str
    rules: list[RuleResult]


def stored_ids(engine: Engine, ref: str) -> list[str]:
    """Ids of stored activities whose id or evidence URL is ``ref`` (one indexed lookup, no frame)."""
    with engine.connect() as conn:
        by_id = conn.execute(select(m.Activity.id).where(m.Activity.id == ref)).scalars().all()
        return list(by_id) or list(conn.execute(select(m.Activity.id).where(m.Activity.url == ref)).scalars())


def sharing(engine: Engine, ids: list[str]) -> list[tuple[str, str, list[str]]]:
    """(id, kind, rule ids of its stored signals) for activities that share one URL, those carrying a signal
    first: a PR opened and merged share its page, and the report links to whichever one carries the signal."""
    a, s = m.Activity.__table__, m.Signal.__table__
    with engine.connect() as conn:
        rows = conn.execute(select(a.c.id, a.c.kind, a.c.occurred_at).where(a.c.id.in_(ids))).all()
        signals = conn.execute(select(s.c.activity_id, s.c.rule_id).where(s.c.activity_id.in_(ids))
                               .order_by(s.c.rule_id)).all()
    rules: dict[str, list[str]] = {}
    for activity_id, rule_id in signals:
        rules.setdefault(activity_id, []).append(rule_id)
    ordered = sorted(rows, key=lambda r: (not rules.get(r.id), r.occurred_at, r.id))
    return [(r.id, r.kind, rules.get(r.id, [])) for r in ordered]


def not_found(ref: str) -> UserError:
    return UserError(Problem(f"no stored activity with id or URL {ref!r}", key="ACTIVITY",
                             hint="pass an activity id (forge:host:kind:native_id) or its evidence URL exactly",
                             code="not-found"))


def find_row(df: pd.DataFrame, ref: str) -> int:
    hits = df.index[(df["id"] == ref) | (df["url"] == ref)].tolist()
    if not hits:
        raise not_found(ref)
    return int(hits[0])


def _show(v: Any) -> Any:
    if isinstance(v, float) and v != v:
        return None
    if isinstance(v, float) and v.is_integer():
        return int(v)
    return _jsonable(v)


def explain_record(record: dict[str, Any], ruleset: RuleSet) -> Explanation:
    eligible, why = True, "on the roster"
    if record.get("actor_is_bot"):
        eligible, why = False, "the actor is a bot: bots get no signals"
    elif record.get("person_id") is None:
        eligible, why = False, "the actor is not on the roster: no signals"
    results = []
    for rule in ruleset.rules:
        if not rule.enabled:
            results.append(RuleResult(rule, False, "disabled"))
            continue
        if record.get("kind") not in rule.kinds:
            results.append(RuleResult(rule, False, "applies to " + ", ".join(rule.kinds)))
            continue
        res = RuleResult(rule, True)
        for name, c in rule.conditions.items():
            value = naive.field_value(record, c.field)
            if c.ftype == F.BOOL and value is not None and value == value:
                value = bool(value)
            res.conditions.append(ConditionResult(name, c.field, c.op, _show(c.plain_value()), _show(value),
                                                  naive.test(c, record)))
        res.matched = naive.holds(rule.match, rule.conditions, record)
        step = naive.impact_of(rule, record) if res.matched else None
        if step is not None:
            res.step, res.impact = step
        res.reason = f"match: {canonical(rule.match)}"
        results.append(res)
    _mark_set_aside([r for r in results if r.impact])
    return Explanation(record, eligible, why, results)


def _mark_set_aside(matched: list[RuleResult]) -> None:
    """What classification keeps of the matching rules: one per act, then the rules that give way to a kept
    rule's indicator (rules.matcher.overlap, rules.matcher.giveway)."""
    by_id = {r.rule.id: r for r in matched}
    records = [{"rule_id": r.rule.id, "indicator": r.rule.indicator, "activity_id": "", "impact": r.impact,
                "evidence_url": "", "why": {}} for r in matched]
    kept, beaten = strongest_per_act(records, [r.rule for r in matched])
    for loser, winner in beaten:
        by_id[loser["rule_id"]].set_aside = f"one signal per act: {winner['rule_id']} is kept"
    left = {rec["rule_id"] for rec in give_way(kept, [by_id[rec["rule_id"]].rule for rec in kept])}
    for rec in kept:
        if rec["rule_id"] not in left:
            r = by_id[rec["rule_id"]]
            winner = next(by_id[k["rule_id"]] for k in kept
                          if k["rule_id"] in left and by_id[k["rule_id"]].rule.indicator in r.rule.gives_way_to)
            r.set_aside = f"gives way to {winner.rule.indicator}: {winner.rule.id} is kept"


def explain(df: pd.DataFrame, ref: str, ruleset: RuleSet) -> Explanation:
    frame = df.reset_index(drop=True)
    return explain_record(frame_record(frame, find_row(frame, ref)), ruleset)
