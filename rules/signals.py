"""Turning matched rows into signal records: person, impact, evidence, summary and ``why``."""

from __future__ import annotations

from typing import Any

import numpy as np

from rules.engine import Frame, Hits
from rules.expr import refs
from rules.templates import render, template_fields

MAX_WHY_TEXT = 120


def _value(frame: Frame, field: str, rows: np.ndarray) -> list[Any]:
    from rules import fields as F

    f = F.lookup(field)
    if f is not None and f.type in (F.NUM, F.BOOL) and field in frame.df.columns:
        out = []
        is_bool = f.type == F.BOOL
        for x in frame.num(field)[rows]:
            if x != x:
                out.append(None)
            elif is_bool:
                out.append(bool(x))
            else:
                out.append(int(x) if float(x).is_integer() else float(x))
        return out
    return [_jsonable(v) for v in frame.raw(field)[rows]]


def _jsonable(v: Any) -> Any:
    if isinstance(v, float) and v != v:
        return None
    if isinstance(v, tuple):
        return list(v)
    if isinstance(v, str) and len(v) > MAX_WHY_TEXT:
        return v[: MAX_WHY_TEXT - 1] + "…"
    if hasattr(v, "isoformat"):
        return v.isoformat()
    if isinstance(v, np.generic):
        return v.item()
    return v


def signal_records(frame: Frame, hits: Hits) -> list[dict[str, Any]]:
    """One dict per matched row with every Signal column except classified_at."""
    rule, rows = hits.rule, hits.rows
    if not rows.size:
        return []
    used = {r.name for r in refs(rule.match)}
    for s in rule.impact:
        if s.when is not None:
            used |= {r.name for r in refs(s.when)}
    held = {name: frame.test(c, rows) for name, c in rule.conditions.items() if name in used}
    values = {name: _value(frame, rule.conditions[name].field, rows) for name in held}
    tfields = set(template_fields(rule.summary)) | set(template_fields(rule.evidence))
    tvalues = {f: _value(frame, f, rows) for f in tfields if f not in ("impact", "rule_id", "indicator")}
    ids, people = frame.raw("id")[rows], frame.raw("person_id")[rows]
    urls, when = frame.raw("url")[rows], frame.df["occurred_at"].to_numpy(object)[rows]
    rhash = rule.hash
    out = []
    for j in range(len(rows)):
        tv = {f: v[j] for f, v in tvalues.items()}
        tv.update(impact=hits.levels[j], rule_id=rule.id, indicator=rule.indicator)
        why = {name: {"field": rule.conditions[name].field, "value": values[name][j]}
               for name, ok in held.items() if ok[j]}
        out.append({
            "activity_id": ids[j], "rule_id": rule.id, "rule_version": rule.version, "rule_hash": rhash,
            "person_id": people[j], "signal_type": rule.signal_type, "indicator": rule.indicator,
            "impact": hits.levels[j], "evidence_url": urls[j], "occurred_at": when[j],
            "summary": render(rule.summary, tv),
            "why": {"conditions": why, "impact_step": int(hits.steps[j]), "evidence": render(rule.evidence, tv)},
        })
    return out
