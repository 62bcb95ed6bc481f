"""Signal rows built as columns: every matched row of every rule at once, a dict only for each row kept.

The per-row builder (rules.matcher.signals.signal_records, then rules.matcher.overlap.one_per_act) made a
dict for every matched row, sorted the dicts, and looked each kept one up in a per-activity dict made
from the frame (a pandas ``to_dict`` of every kept row): more than half of the rows' time. Here the
rules' rows stay columns (frame positions, impact rank, rule order, family codes) while one signal per
act is chosen by one sort and one ``unique`` over (activity, family), the merge commits are found on
the kept rows' columns, and the dicts the warehouse writer takes are made last, for the kept rows only.
The rows are the per-row builder's, field for field and in the same order (tests/rules/matcher/
test_rows_differential.py keeps the per-row builder as the reference).
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import repeat
from operator import itemgetter
from typing import Any

import numpy as np
import pandas as pd

from leadsig.rules.language.model import Rule
from leadsig.rules.matcher.engine import Frame, Hits
from leadsig.rules.matcher.giveway import give_way
from leadsig.rules.matcher.overlap import IMPACT_RANK, PR_KINDS, _merged_pr
from leadsig.rules.matcher.signals import Columns, signal_columns


@dataclass
class Matched:
    """Every matched row of every rule, concatenated in the order of the rules' hits (rows ascending)."""

    blocks: list[Columns]
    rule_of: np.ndarray  # block index per row
    pos: np.ndarray  # frame position per row
    levels: np.ndarray  # impact per row (object)
    steps: list[int]
    conditions: list[dict[str, Any]]
    summaries: list[str]
    evidence: list[str]


def build_rows(frame: Frame, hits: list[Hits], rules: list[Rule]) -> list[dict[str, Any]]:
    """What ``one_per_act(signal records of every hit)`` gives, with ``occurred_at`` as Python datetimes."""
    matched = _matched(frame, hits)
    n = len(matched.pos)
    if not n:
        return []
    also: dict[int, list[str]] = {}
    if n < 2:  # one_per_act leaves a single record alone
        kept = np.arange(n)
    else:
        kept = _one_per_act(frame, matched, rules, also)
        kept = _merge_commits(frame, matched, rules, kept, also)
    return give_way(_dicts(frame, matched, kept, also), rules)


def _matched(frame: Frame, hits: list[Hits]) -> Matched:
    blocks = [signal_columns(frame, h) for h in hits if len(h.rows)]
    if not blocks:
        return Matched([], np.empty(0, np.int64), np.empty(0, np.int64), np.empty(0, object), [], [], [], [])
    sizes = [len(b.hits.rows) for b in blocks]
    steps: list[int] = []
    conditions: list[dict[str, Any]] = []
    summaries: list[str] = []
    evidence: list[str] = []
    for b in blocks:
        steps += b.hits.steps.tolist()
        conditions += _conditions(b)
        summaries += b.summaries
        evidence += b.evidence
    return Matched(blocks, np.repeat(np.arange(len(blocks)), sizes), np.concatenate([b.hits.rows for b in blocks]),
                   np.concatenate([b.hits.levels for b in blocks]), steps, conditions, summaries, evidence)


def _conditions(b: Columns) -> list[dict[str, Any]]:
    """Each row's ``why.conditions`` (the held conditions with their field's value, in the rule's order),
    made a pattern of held conditions at a time: rows of one pattern share their keys."""
    n = len(b.hits.rows)
    if not b.names:
        return [{} for _ in range(n)]
    code = np.zeros(n, np.int64)
    for i, h in enumerate(b.held):
        code |= h.astype(np.int64) << i
    patterns, inverse = np.unique(code, return_inverse=True)
    if len(patterns) == 1:  # every row held the same conditions: no rows to pick
        return _dicts_of([b.names[i] for i in _bits(int(patterns[0]), len(b.names))],
                         [b.vals[i] for i in _bits(int(patterns[0]), len(b.names))], n)
    out: list[dict[str, Any]] = [{}] * n
    by_pattern = np.argsort(inverse, kind="stable")
    for pattern, rows in zip(patterns.tolist(), np.split(by_pattern, np.cumsum(np.bincount(inverse))[:-1]),
                             strict=True):
        on = _bits(pattern, len(b.names))
        picked = rows.tolist()
        take = itemgetter(*picked) if len(picked) > 1 else lambda v, j=picked[0]: (v[j],)
        made = _dicts_of([b.names[i] for i in on], [take(b.vals[i]) for i in on], len(picked))
        for r, d in zip(picked, made, strict=True):
            out[r] = d
    return out


def _bits(pattern: int, k: int) -> list[int]:
    return [i for i in range(k) if pattern >> i & 1]


def _dicts_of(keys: list[str], columns: list[Any], n: int) -> list[dict[str, Any]]:
    """n dicts of ``keys`` to the columns' values, one row of the columns each."""
    if not keys:
        return [{} for _ in range(n)]
    return list(map(dict, map(zip, repeat(keys), zip(*columns, strict=True))))


def _objects(values: list[Any]) -> np.ndarray:
    """A 1-D object array of ``values`` as they are (lists and tuples stay elements, not a second axis)."""
    a = np.empty(len(values), dtype=object)
    a[:] = values
    return a


def _acts(rules: list[Rule]) -> tuple[dict[str, int], dict[str, str]]:
    """Each rule id's place in the list and act (as one_per_act reads them: the last rule of an id wins)."""
    return {r.id: i for i, r in enumerate(rules)}, {r.id: r.act for r in rules}


def _one_per_act(frame: Frame, matched: Matched, rules: list[Rule], also: dict[int, list[str]]) -> np.ndarray:
    """Row numbers kept, in the order one_per_act keeps them; the others named in their winner's ``also``."""
    order, act = _acts(rules)
    n = len(matched.pos)
    rank = np.full(n, 3, np.int64)
    for level, r in IMPACT_RANK.items():
        rank[matched.levels == level] = r
    rule_order = np.array([order.get(b.hits.rule.id, 0) for b in matched.blocks], np.int64)[matched.rule_of]
    act_codes = pd.factorize(np.array([act.get(b.hits.rule.id, b.hits.rule.indicator) for b in matched.blocks],
                                      dtype=object))[0]
    ids = pd.factorize(frame.raw("id")[matched.pos], use_na_sentinel=False)[0].astype(np.int64)
    group = ids * (int(act_codes.max()) + 1) + act_codes[matched.rule_of]
    p = np.lexsort((np.arange(n), rule_order, rank))  # sorted() by (rank, order) is stable: ties in input order
    gp = group[p]
    uniq, first = np.unique(gp, return_index=True)
    first_sorted = np.sort(first)
    lost = np.ones(n, bool)
    lost[first_sorted] = False
    if lost.any():
        winner = p[first[np.searchsorted(uniq, gp)]]
        for k in np.flatnonzero(lost).tolist():
            also.setdefault(int(winner[k]), []).append(_also_text(frame, matched, int(p[k])))
    return p[first_sorted]


def _also_text(frame: Frame, matched: Matched, i: int) -> str:
    rule = matched.blocks[matched.rule_of[i]].hits.rule
    return f"{rule.id} ({matched.levels[i]}) on {frame.raw('url')[matched.pos[i]]}"


def _merge_commits(frame: Frame, matched: Matched, rules: list[Rule], kept: np.ndarray,
                   also: dict[int, list[str]]) -> np.ndarray:
    """Drop a merge commit's row where its pull request has one of the same act (one_per_act's rule)."""
    at = matched.pos[kept]
    kinds = frame.raw("kind")[at]
    commits = np.flatnonzero(kinds == "commit")
    pr_rows = np.flatnonzero(np.logical_or.reduce([kinds == k for k in PR_KINDS]))
    if not commits.size or not pr_rows.size:
        return kept
    act = _acts(rules)[1]
    acts = [act.get(b.hits.rule.id) for b in matched.blocks]
    forge, host, repo = frame.raw("forge")[at], frame.raw("host")[at], frame.raw("repo")[at]
    number = frame.raw("parent_number")[at]
    prs: dict[tuple[Any, ...], int] = {}
    for k in pr_rows.tolist():
        i = int(kept[k])
        prs.setdefault((forge[k], host[k], repo[k], int(number[k]), acts[matched.rule_of[i]]), i)
    places = {key[:3] + key[4:] for key in prs}  # a commit elsewhere cannot be any PR's: no need to read it
    body = frame.raw("body")
    dropped = []
    for k in commits.tolist():
        i = int(kept[k])
        a = acts[matched.rule_of[i]]
        if (forge[k], host[k], repo[k], a) not in places:
            continue
        merged = _merged_pr(body[at[k]])
        pr = prs.get((forge[k], host[k], repo[k], merged, a)) if merged else None
        if pr is not None:
            also.setdefault(pr, []).append(_also_text(frame, matched, i))
            dropped.append(k)
    return np.delete(kept, dropped) if dropped else kept


def _dicts(frame: Frame, matched: Matched, kept: np.ndarray, also: dict[int, list[str]]) -> list[dict[str, Any]]:
    """The kept rows as the dicts rules.matcher.classify.write_signals takes, in the order they were kept."""
    at = matched.pos[kept]
    blocks = matched.blocks
    rule_of = matched.rule_of[kept]
    constants = [_objects([getattr(b.hits.rule, name) for b in blocks])[rule_of].tolist()
                 for name in ("id", "version", "hash", "signal_type", "indicator")]
    ids, people = frame.raw("id")[at].tolist(), frame.raw("person_id")[at].tolist()
    urls, when = frame.raw("url")[at].tolist(), _datetimes(frame.occurred(at))
    picked = kept.tolist()
    levels = matched.levels[kept].tolist()
    take = itemgetter(*picked) if len(picked) > 1 else lambda v: (v[picked[0]],)
    steps, conditions = take(matched.steps), take(matched.conditions)
    summaries, evidence = take(matched.summaries), take(matched.evidence)
    out = [{"rule_id": rid, "rule_version": v, "rule_hash": h, "signal_type": t, "indicator": ind, "activity_id": a,
            "person_id": p, "impact": lv, "evidence_url": u, "occurred_at": w, "summary": sm,
            "why": {"conditions": c, "impact_step": st, "evidence": ev}}
           for rid, v, h, t, ind, a, p, lv, u, w, sm, c, st, ev in zip(*constants, ids, people, levels, urls, when,
                                                                        summaries, conditions, steps, evidence,
                                                                        strict=True)]
    if also:
        where = {i: j for j, i in enumerate(picked)}
        for i, lines in also.items():
            if i in where:  # a merge commit set aside takes what it had set aside with it
                out[where[i]]["why"]["also"] = lines
    return out


def _datetimes(values: list[Any]) -> list[Any]:
    """Timestamps as Python datetimes (what the warehouse stores), as compute_signals always gave them."""
    if not any(issubclass(t, pd.Timestamp) for t in set(map(type, values))):
        return values
    return [v.to_pydatetime() if isinstance(v, pd.Timestamp) else v for v in values]
