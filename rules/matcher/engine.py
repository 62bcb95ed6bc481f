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
from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd

from leadsig.rules.language import fields as F
from leadsig.rules.language import operators as O
from leadsig.rules.language.model import Condition, Rule
from leadsig.rules.language.operators import PHRASES_MAX_MEM
from leadsig.rules.language.regex import Regex, RegexError
from leadsig.rules.matcher import prune, stages, textscan
from leadsig.rules.matcher.prune import evaluate
from leadsig.rules.matcher.scan import candidates, contains_many, regex_many, scannable, union_pattern

SCAN_MIN = 64  # below this many distinct values, per-value calls are as cheap as building a buffer
UNION_MEM = 64 << 20  # RE2 program memory for the one-pass union of a field's patterns (an internal pattern)

NUMERIC = O.NUMERIC


class Frame:
    """Columns of an activity DataFrame, converted on first use and kept for every rule."""

    def __init__(self, df: pd.DataFrame):
        plain = isinstance(df.index, pd.RangeIndex) and df.index.start == 0 and df.index.step == 1
        self.df = df if plain else df.reset_index(drop=True)
        self.n = len(self.df)
        self._num: dict[str, np.ndarray] = {}
        self._cat: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        self._raw: dict[str, np.ndarray] = {}
        self._cache: dict[tuple[str, str], np.ndarray] = {}
        self._derived: dict[tuple[str, str], tuple[np.ndarray, np.ndarray]] = {}
        self._text_info: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        self._prefilter: dict[str, tuple[set[str], np.ndarray]] = {}  # field -> (signatures, may-match mask)
        self._uses: dict[str, int] = {}  # field -> distinct tests on it across the rules (prescan counts them)
        self._identity: set[str] = set()  # fields whose codes are the row positions (cat with identity)
        self._asked: dict[str, int] = {}  # extra.* field -> rows read so far through raw_at
        self._partial: dict[str, tuple[np.ndarray, np.ndarray]] = {}  # extra.* field -> (rows read, values)
        self._subset_rows: dict[str, int] = {}  # field -> rows tested so far without factorising it
        self._row_answers: dict[tuple[str, str], np.ndarray] = {}  # (field, test) -> int8 per row, -1 not asked
        self._lists: dict[str, tuple[np.ndarray, list[Any]]] = {}  # field -> (values, the same as a list)
        self._open: dict[int, tuple[Rule, np.ndarray]] = {}  # id(rule) -> (rule, rows its texts may decide)
        self.kind_rows = self._kind_rows()

    def _kind_rows(self) -> dict[str, np.ndarray]:
        eligible = self.df["person_id"].notna().to_numpy() & ~self.df["actor_is_bot"].fillna(False).to_numpy(bool)
        codes, kinds = self.cat("kind")  # integer compares per kind; conditions on kind reuse the codes
        return {kind: np.flatnonzero((codes == i) & eligible) for i, kind in enumerate(kinds[:-1].tolist())}

    def rows_of(self, kinds: tuple[str, ...]) -> np.ndarray:
        parts = [self.kind_rows[k] for k in kinds if k in self.kind_rows]
        if len(parts) < 2:
            return parts[0] if parts else np.empty(0, np.int64)
        mask = np.zeros(self.n, bool)  # ascending positions without a sort
        for part in parts:
            mask[part] = True
        return np.flatnonzero(mask)

    def open_rows(self, rule: Rule) -> np.ndarray:
        """Rows of the rule's kinds that its cheap conditions leave open (rules.matcher.prune), ascending."""
        got = self._open.get(id(rule))
        if got is None or got[0] is not rule:
            idx = self.rows_of(rule.kinds)
            got = self._open[id(rule)] = (rule, prune.open_rows(rule.match, rule.conditions, idx, self.test))
        return got[1]

    def rows_for(self, rules: list[Rule]) -> np.ndarray:
        """The union of the rules' open rows, ascending."""
        mask = np.zeros(self.n, bool)
        for rule in rules:
            mask[self.open_rows(rule)] = True
        return np.flatnonzero(mask)

    def occurred(self, rows: np.ndarray) -> list[Any]:
        """Python datetimes of ``rows`` (what the warehouse stores), without converting the whole column."""
        col = self.df["occurred_at"]
        if isinstance(col.dtype, pd.DatetimeTZDtype):
            return list(col.array[rows].to_pydatetime())
        return list(col.to_numpy(object)[rows])

    def raw(self, name: str) -> np.ndarray:
        if name not in self._raw:
            if name in self.df.columns:
                self._raw[name] = self.df[name].to_numpy(object)
            elif name.startswith(F.EXTRA_PREFIX) and name in self._partial:
                done, vals = self._partial[name]  # the rows raw_at has not read yet
                todo = np.flatnonzero(~done)
                if todo.size:
                    vals[todo] = self._extra(name, todo)
                    done[todo] = True
                self._raw[name] = vals
            elif name.startswith(F.EXTRA_PREFIX):
                self._raw[name] = self._extra(name, None)
            else:
                self._raw[name] = np.full(self.n, None, dtype=object)
        return self._raw[name]

    def raw_at(self, name: str, idx: np.ndarray) -> np.ndarray:
        """``raw(name)[idx]``; a field of ``extra`` read on those rows only (a rule of one kind reads few), each
        row once (the three-valued readings and the match ask the same rows again), until the rows read add up
        to half the column: then the rest is read too, once (rules read it again and again)."""
        if name in self._raw or not name.startswith(F.EXTRA_PREFIX) or name in self.df.columns:
            return self.raw(name)[idx]
        done, vals = self._partial.setdefault(name, (np.zeros(self.n, bool), np.full(self.n, None, dtype=object)))
        todo = idx[~done[idx]]
        if todo.size:
            asked = self._asked[name] = self._asked.get(name, 0) + len(todo)
            if asked * 2 > self.n:
                return self.raw(name)[idx]  # reads the rows not read yet
            vals[todo] = self._extra(name, todo)
            done[todo] = True
        return vals[idx]

    def _extra(self, name: str, idx: np.ndarray | None) -> np.ndarray:
        key = name[len(F.EXTRA_PREFIX):]
        extra = self.raw("extra") if "extra" in self.df.columns else np.full(self.n, None, dtype=object)
        extra = extra if idx is None else extra[idx]
        try:  # enrich gives every row a dict: no type test per row
            vals = [e.get(key) for e in extra]
        except AttributeError:
            vals = [e.get(key) if isinstance(e, dict) else None for e in extra]
        if any(issubclass(t, list) for t in set(map(type, vals))):
            vals = [tuple(v) if isinstance(v, list) else v for v in vals]
        return np.array([*vals, None], dtype=object)[:-1]  # the None keeps tuples from becoming a second axis

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

    def cat(self, name: str, identity: bool = False) -> tuple[np.ndarray, np.ndarray]:
        """(codes, distinct values); missing values get the last code, whose value is None.

        ``identity``: every row is its own value (rows are the values), for columns whose values rarely
        repeat, or whose every test the text scanner answers faster per row than pandas can de-duplicate.
        """
        if name not in self._cat:
            f = F.lookup(name)
            if identity or (f is not None and f.distinct):  # hashing a million distinct texts buys nothing
                values = np.empty(self.n + 1, dtype=object)
                values[:-1] = self.raw(name)
                values[-1] = None  # a missing value keeps its own row's code; tests read None as missing
                self._cat[name] = (np.arange(self.n), values)
                self._identity.add(name)
                return self._cat[name]
            codes, uniques = pd.factorize(self.raw(name), use_na_sentinel=True)
            values = np.empty(len(uniques) + 1, dtype=object)
            values[:-1] = list(uniques)
            values[-1] = None
            codes = np.where(codes < 0, len(uniques), codes)
            self._cat[name] = (codes, values)
        return self._cat[name]

    def test(self, cond: Condition, idx: np.ndarray) -> np.ndarray:
        """Boolean answers of ``cond`` for the rows ``idx``."""
        op = O.get(cond.op)
        if op.compares_fields:
            return self._field_test(cond, op, idx)
        if cond.ftype in NUMERIC and op.numeric is not None:
            return op.numeric(self.num(cond.field)[idx], cond.value)
        key = (cond.field, prune.signature(cond))
        if cond.field not in self._cat:
            known = self._row_answers.get(key)  # rows a subset test answered before (an earlier reading)
            if known is not None:
                got = known[idx]
                if (got >= 0).all():
                    return got == 1
            if (len(idx) * 8 < self.n or (self._uses.get(cond.field, 2) < 2 and len(idx) * 2 < self.n)) \
                    and self._few(cond.field, idx):
                return self._subset_test(cond, idx, key)
        codes, values = self.cat(cond.field)
        answers = self._cache.get(key)
        if answers is None:
            answers = self._cache[key] = np.full(len(values), -1, np.int8)
        u = idx if cond.field in self._identity else codes[idx]
        got = answers[u]
        missing = got < 0
        if not missing.any():
            return got == 1
        todo = _distinct(u[missing])
        pre = self._prefilter.get(cond.field)
        if pre is not None and key[1] in pre[0]:
            maybe = pre[1][todo]
            answers[todo[~maybe]] = 0
            todo = todo[maybe]
        if todo.size:
            answers[todo] = self._answer(cond, values, todo)
        return answers[u] == 1

    def _few(self, name: str, idx: np.ndarray) -> bool:
        """True while the rows tested on a column nobody factorised add up to less than half of it: past that,
        factorising it once costs less than each rule's test de-duplicating its own rows (84,000 rows per 200,000)."""
        asked = self._subset_rows[name] = self._subset_rows.get(name, 0) + len(idx)
        return asked * 2 <= self.n

    def prescan(self, rules: list[Rule]) -> None:
        """Answer the text conditions of all rules together, a column at a time, before any rule runs.

        rules.matcher.stages decides which texts each scan reads (the rows the rules' cheap conditions leave
        open) and in which order; the answers wait in the cache.
        """
        stages.prescan(self, rules)

    def count_uses(self, uses: dict[str, int]) -> None:
        """Distinct tests per field across the rules: decides per-row scans and subset tests."""
        self._uses = uses

    def narrow(self, rule: Rule, rows: np.ndarray) -> None:
        """The rule's open rows are now ``rows`` (a subset of them, ascending: a first scan ruled others out)."""
        self._open[id(rule)] = (rule, rows)

    def scan_texts(self, name: str, conds: dict[str, Condition], rows: np.ndarray) -> set[str]:
        """Fill the cache with Hyperscan's answers for ``conds`` on ``rows``; the signatures it answered.

        One database per column and pass, every text scanned once for all its conditions. (A database per
        activity kind, each with only its rules' patterns, scans about 5% faster but compiles three times
        longer: a one-off nightly run comes out slower.)
        """
        sigs = sorted(conds)
        p = textscan.plan(tuple(_scan_spec(conds[s]) for s in sigs))
        if p is None:
            return set()
        mine = [(s, j) for s, j in zip(sigs, p.ids, strict=True) if j is not None]
        # a column whose every test is answered here is scanned row by row: cheaper than de-duplicating
        codes, values = self.cat(name, identity=len(mine) == self._uses.get(name))
        todo = _distinct(codes[rows])
        if len(todo) * 4 > len(values):  # most of the column: scanned in place, answers in the values' positions
            table = textscan.answers(p, self._listed(name, values), todo)
        else:
            table = np.full((len(p.caveats), len(values)), -1, np.int8)
            table[:, todo] = textscan.answers(p, values[todo].tolist())
        for s, j in mine:
            known = self._cache.get((name, s))
            # a test read before on other rows (another rule's, rules.matcher.stages): both answers kept, where
            # both read a row they agree (-1: not read)
            self._cache[(name, s)] = table[j] if known is None or len(known) != len(values) else \
                np.maximum(known, table[j])
        return {s for s, _ in mine}

    def _listed(self, name: str, values: np.ndarray) -> list[Any]:
        """``values`` as a list, kept for the column's next pass (a list of a million texts costs a few ms)."""
        got = self._lists.get(name)
        if got is None or got[0] is not values:
            got = self._lists[name] = (values, values.tolist())
        return got[1]

    def union_prefilter(self, name: str, conds: dict[str, Condition], rows: np.ndarray) -> None:
        """One RE2 pass over the union of ``conds``' patterns on ``rows`` marks the texts where any may match."""
        if len(conds) < 2 or name in self._prefilter or not rows.size:
            return  # no rows: nothing to mark (and the union's compile alone cost 0.04 s per frame)
        union = _union_regex(tuple(sorted({_scan_spec(c)[1:] for c in conds.values()})))
        if union is None:
            return  # too big to compile as one: every condition scans on its own
        codes, values = self.cat(name)
        todo = _distinct(codes[rows])
        strs, present, lens = self._texts(name, values, todo)
        may = np.zeros(len(values), bool)
        may[todo] = present & candidates(strs, union, lens)
        scanned = np.zeros(len(values), bool)
        scanned[todo] = True
        self._prefilter[name] = (set(conds), may | ~scanned)

    def _texts(self, name: str | None, values: np.ndarray, todo: np.ndarray
               ) -> tuple[list[str], np.ndarray, np.ndarray]:
        """(texts with "" for missing, present mask, character lengths) of distinct values ``todo``.

        Missing-ness and lengths are computed once per column and reused by every text test on it.
        """
        info = self._text_info.get(name) if name else None
        if info is None or len(info[0]) != len(values):
            present = ~pd.isna(values)
            if present.any() and not isinstance(values[int(np.argmax(present))], str):
                values[present] = [str(v) for v in values[present]]
            # Measured from the texts themselves, never read from body_length: a frame's columns come from
            # its caller, and one wrong length shifts every later text's place in the joined buffer.
            lens = np.zeros(len(values), np.int64)
            lens[present] = np.fromiter(map(len, values[present]), np.int64, int(present.sum()))
            info = (present, lens)
            if name:
                self._text_info[name] = info
        present, lens = info[0][todo], info[1][todo]
        texts = values[todo]
        strs = texts.tolist() if present.all() else [v if ok else "" for v, ok in zip(texts, present, strict=True)]
        return strs, present, lens

    def _subset_test(self, cond: Condition, idx: np.ndarray, key: tuple[str, str]) -> np.ndarray:
        """A test on few rows of a column nobody factorised yet: de-duplicate just those rows.

        The answers are kept per row: each rule's tree is read on the same rows up to three times."""
        known = self._row_answers.get(key)
        if known is None:
            known = self._row_answers[key] = np.full(self.n, -1, np.int8)
        codes, uniques = pd.factorize(self.raw_at(cond.field, idx), use_na_sentinel=True)
        values = np.empty(len(uniques) + 1, dtype=object)
        values[:-1] = list(uniques)
        values[-1] = None
        codes = np.where(codes < 0, len(uniques), codes)
        answers = np.asarray(self._answer(cond, values, np.arange(len(values)), cache=False), dtype=bool)[codes]
        known[idx] = answers
        return answers

    def _answer(self, cond: Condition, values: np.ndarray, todo: np.ndarray, cache: bool = True
                ) -> list[bool] | np.ndarray:
        """Answers for distinct values; text fields take a fast path (no per-value Python predicate).

        ``cache=False``: ``values`` is a one-off array, not the column's, so per-column caches are skipped.
        """
        name = cond.field if cache else None
        spec = _scan_spec(cond)
        if spec is not None and len(todo) >= SCAN_MIN:
            strs, present, lens = self._texts(name, values, todo)
            kind, value, fold = spec
            if kind == "literals":
                return present & contains_many(strs, value, not fold, lens)
            if scannable(value):
                return present & regex_many(strs, _regex(value, fold), lens)
        if spec is not None and cond.ftype == F.TEXT and spec[0] == "regex":
            match = _regex(spec[1], spec[2]).matcher()
            enc = self._encoded(name, values, todo)
            return [b is not None and bool(match(b)) for b in enc]
        if spec is not None and cond.ftype == F.TEXT and spec[0] == "literals" and spec[2]:
            needles = [w.lower() for w in spec[1]]
            low = self._lowered(name, values, todo)
            if len(needles) == 1:
                n = needles[0]
                return [t is not None and n in t for t in low]
            return [t is not None and any(n in t for n in needles) for t in low]
        pred = O.get(cond.op).predicate(cond)  # type: ignore[misc]
        return [pred(v) for v in values[todo]]

    def _side(self, kind: str, name: str | None, values: np.ndarray, todo: np.ndarray, make: Callable[[str], Any]
              ) -> np.ndarray:
        """A per-distinct-value derived array (UTF-8 bytes, lower case), filled only where needed."""
        if name is None:
            return np.array([None if v is None else make(v) for v in values[todo]] + [None], dtype=object)[:-1]
        store = self._derived.get((kind, name))
        if store is None:
            store = self._derived[(kind, name)] = (np.zeros(len(values), bool), np.empty(len(values), object))
        done, derived = store
        missing = todo[~done[todo]]
        if missing.size:
            derived[missing] = [None if v is None else make(v) for v in values[missing]]
            done[missing] = True
        return derived[todo]

    def _encoded(self, name: str | None, values: np.ndarray, todo: np.ndarray) -> np.ndarray:
        return self._side("utf8", name, values, todo, lambda v: str(v).encode("utf-8", "surrogatepass"))

    def _lowered(self, name: str | None, values: np.ndarray, todo: np.ndarray) -> np.ndarray:
        return self._side("lower", name, values, todo, lambda v: str(v).lower())

    def _field_test(self, cond: Condition, op: O.Operator, idx: np.ndarray) -> np.ndarray:
        other = F.lookup(cond.value)
        if cond.ftype in NUMERIC and other is not None and other.type in NUMERIC and op.numeric is not None:
            return op.numeric(self.num(cond.field)[idx], self.num(cond.value)[idx])
        a, b = self.raw(cond.field)[idx], self.raw(cond.value)[idx]
        if op.text_pair is not None and other is not None and cond.ftype in O.TEXTUAL and other.type in O.TEXTUAL:
            return op.text_pair(a, b)
        pair = op.pair
        return np.fromiter((pair(x, y) for x, y in zip(a, b, strict=True)), bool, len(idx))  # type: ignore[misc]


@dataclass
class Hits:
    rule: Rule
    rows: np.ndarray  # positions in the frame
    levels: np.ndarray  # impact per row (object: 'high' / 'medium' / 'low')
    steps: np.ndarray  # index of the impact step taken


def _distinct(a: np.ndarray) -> np.ndarray:
    """Sorted distinct values; cheap when ``a`` is already sorted (row positions usually are)."""
    if a.size > 1 and not (a[1:] >= a[:-1]).all():
        a = np.sort(a)
    keep = np.empty(a.size, bool)
    keep[:1] = True
    np.not_equal(a[1:], a[:-1], out=keep[1:])
    return a[keep]


def _scan_spec(c: Condition) -> O.ScanSpec | None:
    """How one scan over many texts answers ``c`` (None: it cannot, or the field is not text)."""
    scan = O.get(c.op).scan
    return scan(c) if scan is not None and c.ftype in O.TEXTUAL else None


@lru_cache(maxsize=64)
def _union_regex(pats: tuple[tuple[str, bool], ...]) -> Regex | None:
    """The union prefilter of these (pattern, ignore case), compiled once per process (None: too big for one)."""
    try:
        return Regex(union_pattern(list(pats)), max_mem=UNION_MEM)
    except RegexError:
        return None


@lru_cache(maxsize=256)
def _regex(pattern: str, ignore_case: bool) -> Regex:
    """The compiled pattern of a regex scan spec (a condition's own pattern, validated when it loaded, within
    its own budget: a lead's regex within RE2's default, a phrase family within PHRASES_MAX_MEM)."""
    return Regex(pattern, ignore_case, max_mem=PHRASES_MAX_MEM)


def match_rule(frame: Frame, rule: Rule) -> Hits:
    idx = frame.open_rows(rule)
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
    enabled = [r for r in rules if r.enabled]
    frame.prescan(enabled)
    return [match_rule(frame, r) for r in enabled]
