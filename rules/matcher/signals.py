"""Turning matched rows into signal records: person, impact, evidence, summary and ``why``."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import compress
from typing import Any

import numpy as np

from leadsig.rules.language import fields as F
from leadsig.rules.language.expr import refs
from leadsig.rules.language.templates import render_many, template_fields
from leadsig.rules.matcher.engine import Frame, Hits

MAX_WHY_TEXT = 120
SPECIAL = ("impact", "rule_id", "indicator")


def values(frame: Frame, field: str, rows: np.ndarray) -> list[Any]:
    """Plain JSON-able values of a field for rows (numbers as int where whole, booleans as bool)."""
    f = F.lookup(field)
    if f is not None and f.type in (F.NUM, F.BOOL) and field in frame.df.columns:
        x = frame.num(field)[rows]
        whole = not np.isnan(x).any()
        if f.type == F.BOOL:
            return x.astype(bool).tolist() if whole else [None if v != v else bool(v) for v in x.tolist()]
        if whole and (x == np.trunc(x)).all() and (np.abs(x) < 2**53).all():
            return x.astype(np.int64).tolist()  # the common case, without a Python step per value
        return [None if v != v else int(v) if v.is_integer() else v for v in x.tolist()]
    raw = _at(frame, field, rows).tolist()
    if f is not None and f.type == F.LIST:
        return [None if v is None else list(v) if v.__class__ is tuple else jsonable(v) for v in raw]
    if f is not None and f.type in (F.STR, F.TEXT):
        cut = MAX_WHY_TEXT - 1
        kinds = set(map(type, raw))
        if kinds == {str}:  # the common cases, with one test per value
            return raw if max(map(len, raw)) <= MAX_WHY_TEXT else \
                [v if len(v) <= MAX_WHY_TEXT else v[:cut] + "…" for v in raw]
        if kinds == {str, type(None)}:
            return [v if v is None or len(v) <= MAX_WHY_TEXT else v[:cut] + "…" for v in raw]
        return [v if v is None or (isinstance(v, str) and len(v) <= MAX_WHY_TEXT) else
                v[:cut] + "…" if isinstance(v, str) else jsonable(v) for v in raw]
    return [jsonable(v) for v in raw]


def values_where(frame: Frame, field: str, rows: np.ndarray, mask: np.ndarray) -> list[Any]:
    """``values`` of ``rows``, read only where ``mask`` holds (None elsewhere).

    ``why`` shows a condition's value only on the rows where it held: about half of a rule's rows for each of
    its fields, and the rest need not be read, truncated or converted. A value is a function of its row alone,
    so it is the same whichever rows are read with it.
    """
    if mask.all():
        return values(frame, field, rows)
    out: list[Any] = [None] * len(rows)
    at = np.flatnonzero(mask)
    if at.size:
        list(map(out.__setitem__, at.tolist(), values(frame, field, rows[at])))
    return out


def _at(frame: Frame, field: str, rows: np.ndarray) -> np.ndarray:
    """A field's values on ``rows``; a field of ``extra`` not read whole yet is read on these rows only.

    Frame.raw_at reads such a field whole once the rows asked for add up to half the frame (the rules ask
    again and again); the signal rows ask once, and counting them tipped the frame into reading 200,000
    ``extra`` dicts for 10,000 rows.
    """
    if field.startswith(F.EXTRA_PREFIX) and field not in frame.df.columns and field not in frame._raw:
        return frame._extra(field, rows)
    return frame.raw_at(field, rows)


def jsonable(v: Any) -> Any:
    if v is None or isinstance(v, bool | int):
        return v
    if isinstance(v, str):
        return v if len(v) <= MAX_WHY_TEXT else v[: MAX_WHY_TEXT - 1] + "…"
    if isinstance(v, float):
        return None if v != v else v
    if isinstance(v, tuple | list):
        return [jsonable(x) for x in v]
    if hasattr(v, "isoformat"):
        return v.isoformat()
    if isinstance(v, np.generic):
        return v.item()
    return v


def used_conditions(hits: Hits) -> list[str]:
    rule = hits.rule
    used = {r.name for r in refs(rule.match)}
    for s in rule.impact:
        if s.when is not None:
            used |= {r.name for r in refs(s.when)}
    return [name for name in rule.conditions if name in used]


@contextmanager
def gc_paused() -> Iterator[None]:
    """No cyclic garbage collection while signal rows are built.

    The rows are acyclic dicts, lists and strings, so the collector finds nothing in them; but every few
    hundred new dicts it would walk the heap, which holds a million-row activity frame: more than half of
    the time of building the rows went to it.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def signal_records(frame: Frame, hits: Hits) -> list[dict[str, Any]]:
    """One dict per matched row with every Signal column except classified_at.

    ``why`` maps each named condition that held to the field's value, with the impact step taken and
    the rendered evidence line. Columns are built per rule, not per row, to keep a million rows fast.
    """
    with gc_paused():
        return _records(frame, hits)


@dataclass
class Columns:
    """One rule's matched rows as columns: what the per-row builder and rules.matcher.rows both start from."""

    hits: Hits
    names: list[str]  # the named conditions ``why`` may show, in the rule's order
    held: list[np.ndarray]  # per name: whether it held on each row
    vals: list[list[Any]]  # per name: its field's value on each row where it held (None where none of the field's did)
    summaries: list[str]
    evidence: list[str]


def signal_columns(frame: Frame, hits: Hits) -> Columns:
    """The summary, evidence and ``why`` parts of a rule's rows, each computed once per column."""
    rule, rows = hits.rule, hits.rows
    n = len(rows)
    names = used_conditions(hits)
    held = [frame.test(rule.conditions[c], rows) for c in names]
    shown: dict[str, np.ndarray] = {}  # conditions of a rule often share a field (several tests of body)
    for c, h in zip(names, held, strict=True):
        f = rule.conditions[c].field
        shown[f] = h if f not in shown else shown[f] | h
    by_field = {f: values_where(frame, f, rows, mask) for f, mask in shown.items()}
    vals = [by_field[rule.conditions[c].field] for c in names]
    tnames = sorted(set(template_fields(rule.summary)) | set(template_fields(rule.evidence)))
    tvals = {f: values(frame, f, rows) for f in tnames if f not in SPECIAL}
    tvals.update(impact=hits.levels.tolist(), rule_id=[rule.id] * n, indicator=[rule.indicator] * n)
    rendered: dict[str, list[str]] = {}
    summaries = render_many(rule.summary, tvals, n, rendered)
    evidence = render_many(rule.evidence, tvals, n, rendered)
    return Columns(hits, names, held, vals, summaries, evidence)


def _records(frame: Frame, hits: Hits) -> list[dict[str, Any]]:
    """The reference builder: one dict per row (rules.matcher.rows builds the same rows as columns)."""
    rule, rows = hits.rule, hits.rows
    n = len(rows)
    if not n:
        return []
    cols = signal_columns(frame, hits)
    levels, steps = hits.levels.tolist(), hits.steps.tolist()
    ids, people = frame.raw("id")[rows].tolist(), frame.raw("person_id")[rows].tolist()
    urls, when = frame.raw("url")[rows].tolist(), frame.occurred(rows)
    rid, version, rhash, stype, indicator = rule.id, rule.version, rule.hash, rule.signal_type, rule.indicator
    whys: list[dict[str, Any]] = [{} for _ in range(n)]
    for c, h, v in zip(cols.names, cols.held, cols.vals, strict=True):
        for j in compress(range(n), h.tolist()):
            whys[j][c] = v[j]
    return [{"rule_id": rid, "rule_version": version, "rule_hash": rhash, "signal_type": stype, "indicator": indicator,
             "activity_id": a, "person_id": p, "impact": lv, "evidence_url": u, "occurred_at": w, "summary": sm,
             "why": {"conditions": wy, "impact_step": st, "evidence": ev}}
            for a, p, lv, u, w, sm, wy, st, ev in zip(ids, people, levels, urls, when, cols.summaries, whys, steps,
                                                      cols.evidence, strict=True)]
