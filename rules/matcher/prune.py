"""The rows where a rule's text can still decide: its cheap conditions answered first, the text ones left open.

Why: the text scans (Hyperscan, the phrase matcher, RE2) were most of the match, and they read every text
of a rule's kinds, although a rule's cheap conditions (numbers, teams, levels, kinds, path groups) already
rule out many rows. Here each rule's ``match:`` tree is read in three values: a cheap condition is answered
(with the engine's own test, so the answer is the same), a text condition is "unknown", and a row is kept
unless the tree is false whatever the texts say. The engine then scans only the union of the kept rows of
the rules that read a column, and evaluates each rule on its kept rows only.

That cannot change an answer: every test answers a row on its own, so a row the tree rules out with the
texts unknown is ruled out with any texts, and every other row is evaluated exactly as before. A text
condition asked about a row that was not scanned is still answered (by RE2, as any undecided text), so a
rule evaluated outside ``match_all`` (``rules test``) needs nothing from here.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from leadsig.rules.language import fields as F
from leadsig.rules.language import operators as O
from leadsig.rules.language.expr import And, Node, Not, Or, Ref, refs
from leadsig.rules.language.model import Condition

TEXT_COST = 8  # operators.plain_cost: substring tests on strings and anything on free text cost this or more

Test = Callable[[Condition, np.ndarray], np.ndarray]


_SIGNATURES: dict[int, tuple[Condition, str]] = {}


def signature(c: Condition) -> str:
    """``c.signature()`` (a JSON dump), computed once per condition object: tests ask for it on every call."""
    got = _SIGNATURES.get(id(c))
    if got is None or got[0] is not c:
        if len(_SIGNATURES) > 4096:  # rules loaded again and again (tests): keep the memo small
            _SIGNATURES.clear()
        got = _SIGNATURES[id(c)] = (c, c.signature())
    return got[1]


def deferred(c: Condition) -> bool:
    """True for a condition left to the text pass: a text scan answers it, or it reads free text per row."""
    op = O.get(c.op)
    f = F.lookup(c.field)
    if c.ftype == F.TEXT or (f is not None and f.distinct) or op.cost(c) >= TEXT_COST:
        return True
    return op.scan is not None and c.ftype in O.TEXTUAL


def open_rows(node: Node, conds: dict[str, Condition], idx: np.ndarray, test: Test,
              known: frozenset[str] = frozenset()) -> np.ndarray:
    """The rows of ``idx`` where ``node`` may hold once the deferred conditions are known.

    ``known``: signatures of text tests already answered on these rows (a first scan): read like cheap ones.
    """
    return _Bounds(conds, test, known).maybe(node, idx)


def first_tests(node: Node, conds: dict[str, Condition], known: frozenset[str]) -> set[str]:
    """Text tests worth scanning before the others: a set that, all false, makes ``node`` false.

    Scanned first, they narrow the rows the rule's other text tests are read on. Such a set is found in the
    tree: one test; for an ``and``, every part that one test decides, else its part with the smallest set;
    for an ``or``, the sets of all its parts; a ``not`` over text tests has none. Cheap and ``known`` tests
    are free (they are answered when the rows narrow).
    """
    got = _cut(node, _Bounds(conds, lambda c, idx: idx, known))
    return got or set()


def _cut(node: Node, b: _Bounds) -> set[str] | None:
    if isinstance(node, Ref):
        c = b.conds[node.name]
        return {signature(c)} if b.deferred(c) else set()
    if isinstance(node, Not):
        return None if any(b.deferred(b.conds[r.name]) for r in refs(node.item)) else set()
    cuts = [_cut(i, b) for i in node.items]
    if isinstance(node, Or):
        return None if any(c is None for c in cuts) else {s for c in cuts for s in c}  # type: ignore[union-attr]
    parts = [c for c in cuts if c]
    if not parts:
        return set()
    ones = [c for c in parts if len(c) == 1]
    return {s for c in ones for s in c} if ones else min(parts, key=len)


class _Bounds:
    """Rows where a tree may hold, and rows where it holds whatever the texts say, each narrowing as it goes.

    A part that is "maybe" on every row (a text test, an ``or`` with one) is never evaluated, so a rule pays
    only for the cheap tests that can rule rows out.
    """

    def __init__(self, conds: dict[str, Condition], test: Test, known: frozenset[str]):
        self.conds, self.test, self.known = conds, test, known
        # keyed by id: a node is a frozen dataclass, hashed through its whole subtree on every look-up (the
        # tree outlives this reading, so an id cannot be reused meanwhile)
        self._open: dict[int, bool] = {}
        self._unsure: dict[int, bool] = {}
        self._cost: dict[int, int] = {}

    def deferred(self, c: Condition) -> bool:
        return deferred(c) and (not self.known or signature(c) not in self.known)

    def cost(self, node: Node) -> int:
        """Rough cost per row, as the engine orders and/or: a text test already answered is a table look-up."""
        got = self._cost.get(id(node))
        if got is None:
            if isinstance(node, Ref):
                c = self.conds[node.name]
                got = 0 if self.deferred(c) else 1 if deferred(c) else O.get(c.op).cost(c)
            elif isinstance(node, Not):
                got = self.cost(node.item)
            else:
                got = sum(self.cost(i) for i in node.items)
            self._cost[id(node)] = got
        return got

    def ordered(self, node: And | Or) -> list[Node]:
        return sorted(node.items, key=self.cost)

    def always_maybe(self, node: Node) -> bool:
        """True when no row can be ruled out without the texts."""
        got = self._open.get(id(node))
        if got is None:
            if isinstance(node, Ref):
                got = self.deferred(self.conds[node.name])
            elif isinstance(node, Not):
                got = self.never_sure(node.item)
            elif isinstance(node, And):
                got = all(self.always_maybe(i) for i in node.items)
            else:
                got = any(self.always_maybe(i) for i in node.items)
            self._open[id(node)] = got
        return got

    def never_sure(self, node: Node) -> bool:
        """True when no row is known to hold without the texts."""
        got = self._unsure.get(id(node))
        if got is None:
            if isinstance(node, Ref):
                got = self.deferred(self.conds[node.name])
            elif isinstance(node, Not):
                got = self.always_maybe(node.item)
            elif isinstance(node, And):
                got = any(self.never_sure(i) for i in node.items)
            else:
                got = all(self.never_sure(i) for i in node.items)
            self._unsure[id(node)] = got
        return got

    def maybe(self, node: Node, idx: np.ndarray) -> np.ndarray:
        """The rows of ``idx`` (ascending positions) where ``node`` may hold."""
        if self.always_maybe(node) or not idx.size:
            return idx
        if isinstance(node, Ref):
            return idx[self.test(self.conds[node.name], idx)]
        if isinstance(node, Not):
            return _minus(idx, self.sure(node.item, idx))
        if isinstance(node, And):
            for item in self.ordered(node):
                idx = self.maybe(item, idx)
            return idx
        assert isinstance(node, Or)
        return self._union(idx, [lambda rows, i=i: self.maybe(i, rows) for i in self.ordered(node)])

    def sure(self, node: Node, idx: np.ndarray) -> np.ndarray:
        """The rows of ``idx`` where ``node`` holds whatever the texts say."""
        if self.never_sure(node) or not idx.size:
            return idx[:0]
        if isinstance(node, Ref):
            return idx[self.test(self.conds[node.name], idx)]
        if isinstance(node, Not):
            return _minus(idx, self.maybe(node.item, idx))
        if isinstance(node, And):
            for item in self.ordered(node):
                idx = self.sure(item, idx)
            return idx
        assert isinstance(node, Or)
        return self._union(idx, [lambda rows, i=i: self.sure(i, rows) for i in self.ordered(node)
                                 if not self.never_sure(i)])

    @staticmethod
    def _union(idx: np.ndarray, parts: list[Callable[[np.ndarray], np.ndarray]]) -> np.ndarray:
        """Rows where some part holds, each part asked only about the rows the earlier ones left out."""
        found: list[np.ndarray] = []
        rest = idx
        for part in parts:
            if not rest.size:
                break
            hit = part(rest)
            found.append(hit)
            rest = _minus(rest, hit)
        return np.sort(np.concatenate(found)) if found else idx[:0]


def _minus(idx: np.ndarray, drop: np.ndarray) -> np.ndarray:
    """Ascending ``idx`` without ``drop`` (a subset of it, ascending)."""
    if not drop.size:
        return idx
    keep = np.ones(idx.size, bool)  # both ascending: a binary search per dropped row, no sort as np.isin does
    keep[np.searchsorted(idx, drop)] = False
    return idx[keep]


_COSTS: dict[tuple[int, int], tuple[Node, dict[str, Condition], int]] = {}


def cost(node: Node, conds: dict[str, Condition]) -> int:
    """Rough relative cost per row, so and/or run cheap tests first and expensive ones on fewer rows.

    Kept per node object: a tree node is a frozen dataclass, hashed through its whole subtree, and evaluate
    sorted every ``and``/``or`` by it on every call.
    """
    key = (id(node), id(conds))
    got = _COSTS.get(key)
    if got is not None and got[0] is node and got[1] is conds:
        return got[2]
    if isinstance(node, Ref):
        c = conds[node.name]
        value = O.get(c.op).cost(c)
    elif isinstance(node, Not):
        value = cost(node.item, conds)
    else:
        costs = sorted(cost(i, conds) for i in node.items)
        # and: later parts run only on rows the cheapest part let through
        value = costs[0] + sum(costs[1:]) // 3 if isinstance(node, And) else sum(costs)
    if len(_COSTS) > 8192:  # rules loaded again and again (tests): keep the memo small
        _COSTS.clear()
    _COSTS[key] = (node, conds, value)
    return value


def evaluate(frame: Any, node: Node, conds: dict[str, Condition], idx: np.ndarray,
             test: Test | None = None) -> np.ndarray:
    """Short-circuit vectorised evaluation of a condition tree for rows ``idx`` (``frame``: an engine.Frame)."""
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
