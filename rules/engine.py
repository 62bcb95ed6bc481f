"""The vectorised matcher: rules over a pandas DataFrame of enriched activities.

Rows are indexed by activity kind once, so a rule only looks at rows of its kinds. Numbers are compared
with numpy; every other field is factorised once, and a test runs once per *distinct* value (titles,
labels, teams repeat a lot), its answer spread to rows through the factor codes. ``and``/``or`` evaluate
their cheap parts first and hand only the undecided rows to the expensive ones (text, regex), and a
test's answers are cached across rules that share it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from rules import fields as F
from rules.expr import And, Node, Not, Or, Ref
from rules.model import Condition, Rule
from rules.predicates import compare_fields, predicate

NUMERIC = (F.NUM, F.BOOL)
_NUM_OPS = {"eq": np.equal, "ne": np.not_equal, "lt": np.less, "lte": np.less_equal, "gt": np.greater,
            "gte": np.greater_equal}


class Frame:
    """Columns of an activity DataFrame, converted on first use and kept for every rule."""

    def __init__(self, df: pd.DataFrame):
        self.df = df.reset_index(drop=True)
        self.n = len(self.df)
        self._num: dict[str, np.ndarray] = {}
        self._cat: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        self._raw: dict[str, np.ndarray] = {}
        self._cache: dict[tuple[str, str], np.ndarray] = {}
        self.kind_rows = self._kind_rows()

    def _kind_rows(self) -> dict[str, np.ndarray]:
        eligible = self.df["person_id"].notna().to_numpy() & ~self.df["actor_is_bot"].fillna(False).to_numpy(bool)
        kinds = self.df["kind"].to_numpy(object)
        out = {}
        for kind in pd.unique(kinds):
            out[kind] = np.flatnonzero((kinds == kind) & eligible)
        return out

    def rows_of(self, kinds: tuple[str, ...]) -> np.ndarray:
        parts = [self.kind_rows[k] for k in kinds if k in self.kind_rows]
        return np.sort(np.concatenate(parts)) if parts else np.empty(0, np.int64)

    def raw(self, name: str) -> np.ndarray:
        if name not in self._raw:
            if name in self.df.columns:
                self._raw[name] = self.df[name].to_numpy(object)
            elif name.startswith(F.EXTRA_PREFIX):
                key = name[len(F.EXTRA_PREFIX):]
                extra = self.df["extra"].to_numpy(object) if "extra" in self.df.columns else [None] * self.n
                vals = [e.get(key) if isinstance(e, dict) else None for e in extra]
                self._raw[name] = np.array([tuple(v) if isinstance(v, list) else v for v in vals] + [None],
                                           dtype=object)[:-1]
            else:
                self._raw[name] = np.full(self.n, None, dtype=object)
        return self._raw[name]

    def num(self, name: str) -> np.ndarray:
        if name not in self._num:
            if name in self.df.columns:
                col = self.df[name]
                if col.dtype == object:
                    col = pd.to_numeric(col.map(lambda v: v if v is not None else np.nan), errors="coerce")
                self._num[name] = col.to_numpy(np.float64, na_value=np.nan)
            else:
                self._num[name] = np.full(self.n, np.nan)
        return self._num[name]

    def cat(self, name: str) -> tuple[np.ndarray, np.ndarray]:
        """(codes, distinct values); missing values get the last code, whose value is None."""
        if name not in self._cat:
            codes, uniques = pd.factorize(self.raw(name), use_na_sentinel=True)
            values = np.empty(len(uniques) + 1, dtype=object)
            values[:-1] = list(uniques)
            values[-1] = None
            codes = np.where(codes < 0, len(uniques), codes)
            self._cat[name] = (codes, values)
        return self._cat[name]

    def test(self, cond: Condition, idx: np.ndarray) -> np.ndarray:
        """Boolean answers of ``cond`` for the rows ``idx``."""
        if cond.op in F.FIELD_OPS:
            return self._field_test(cond, idx)
        if cond.ftype in NUMERIC and cond.op != "contains":
            return self._num_test(cond, self.num(cond.field)[idx])
        codes, values = self.cat(cond.field)
        key = (cond.field, cond.signature())
        answers = self._cache.get(key)
        if answers is None:
            answers = self._cache[key] = np.full(len(values), -1, np.int8)
        u = codes[idx]
        todo = u[answers[u] < 0]
        if todo.size:
            todo = np.unique(todo)
            pred = predicate(cond)
            answers[todo] = [pred(v) for v in values[todo]]
        return answers[u] == 1

    def _num_test(self, cond: Condition, x: np.ndarray) -> np.ndarray:
        present = ~np.isnan(x)
        op, want = cond.op, cond.value
        if op == "exists":
            return present if want else ~present
        if op in ("in", "not_in"):
            hit = np.isin(x, np.array([float(v) for v in want]))
            return present & (hit if op == "in" else ~hit)
        return present & _NUM_OPS[op](x, float(want))

    def _field_test(self, cond: Condition, idx: np.ndarray) -> np.ndarray:
        other = F.lookup(cond.value)
        if cond.ftype in NUMERIC and other is not None and other.type in NUMERIC:
            a, b = self.num(cond.field)[idx], self.num(cond.value)[idx]
            return ~np.isnan(a) & ~np.isnan(b) & _NUM_OPS[cond.op.removesuffix("_field")](a, b)
        a, b = self.raw(cond.field)[idx], self.raw(cond.value)[idx]
        return np.fromiter((compare_fields(cond.op, x, y) for x, y in zip(a, b, strict=True)), bool, len(idx))


@dataclass
class Hits:
    rule: Rule
    rows: np.ndarray  # positions in the frame
    levels: np.ndarray  # impact per row (object: 'high' / 'medium' / 'low')
    steps: np.ndarray  # index of the impact step taken


def cost(node: Node, conds: dict[str, Condition]) -> int:
    if isinstance(node, Ref):
        c = conds[node.name]
        if c.op == "matches":
            return 50
        if c.op in F.FIELD_OPS:
            return 20
        return 1 if c.ftype in NUMERIC else 5 if c.ftype in (F.STR, F.LIST) else 10
    if isinstance(node, Not):
        return cost(node.item, conds)
    return sum(cost(i, conds) for i in node.items)


def evaluate(frame: Frame, node: Node, conds: dict[str, Condition], idx: np.ndarray,
             test: Callable[[Condition, np.ndarray], np.ndarray] | None = None) -> np.ndarray:
    """Short-circuit vectorised evaluation of a condition tree for rows ``idx``."""
    test = test or frame.test
    if isinstance(node, Ref):
        return test(conds[node.name], idx)
    if isinstance(node, Not):
        return ~evaluate(frame, node.item, conds, idx, test)
    items = sorted(node.items, key=lambda n: cost(n, conds))
    out = np.zeros(len(idx), bool)
    pos = np.arange(len(idx))
    if isinstance(node, And):
        for item in items:
            if not pos.size:
                break
            pos = pos[evaluate(frame, item, conds, idx[pos], test)]
        out[pos] = True
        return out
    assert isinstance(node, Or)
    for item in items:
        if not pos.size:
            break
        r = evaluate(frame, item, conds, idx[pos], test)
        out[pos[r]] = True
        pos = pos[~r]
    return out


def match_rule(frame: Frame, rule: Rule) -> Hits:
    idx = frame.rows_of(rule.kinds)
    rows = idx[evaluate(frame, rule.match, rule.conditions, idx)] if idx.size else idx
    levels = np.full(len(rows), None, dtype=object)
    steps = np.full(len(rows), -1, dtype=np.int16)
    pending = np.arange(len(rows))
    for i, step in enumerate(rule.impact):
        if not pending.size:
            break
        held = np.ones(len(pending), bool)
        if step.test is not None:
            held &= frame.test(step.test, rows[pending])
        if step.when is not None:
            held &= evaluate(frame, step.when, rule.conditions, rows[pending])
        levels[pending[held]] = step.level
        steps[pending[held]] = i
        pending = pending[~held]
    keep = steps >= 0
    return Hits(rule, rows[keep], levels[keep], steps[keep])


def match_all(frame: Frame, rules: list[Rule]) -> list[Hits]:
    return [match_rule(frame, r) for r in rules if r.enabled]
