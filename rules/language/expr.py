"""The boolean condition language: named conditions combined with and / or / not, parentheses and ``N of (...)``.

A tiny recursive-descent parser turns the text into a tree; nothing in rule text is ever evaluated
as Python. Errors carry the character offset so the loader can point a caret at it.

``2 of (a, b, c)`` (at least two of the listed conditions) is rewritten here into the or of every and of
two, so both engines, ``rules explain`` and the pruning read only and / or / not: a cue that needs several
signs together can then accept any enough of them without a new operator in every engine.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import combinations
from math import comb

TOKEN_RE = re.compile(r"\s*(?:(?P<lp>\()|(?P<rp>\))|(?P<comma>,)|(?P<num>[0-9]+)|(?P<word>[A-Za-z_][A-Za-z0-9_]*)"
                      r"|(?P<bad>\S))")
KEYWORDS = {"and", "or", "not", "of"}
MAX_OF_TERMS = 70  # the ands an 'N of (...)' expands to: 4 of 8 is 70, beyond that the rule wants splitting
MAX_NESTING = 32  # parentheses or 'not's in a row: far beyond any rule, and the parser recurses per level


@dataclass(frozen=True)
class Ref:
    name: str
    pos: int = 0


@dataclass(frozen=True)
class Not:
    item: Node


@dataclass(frozen=True)
class And:
    items: tuple[Node, ...]


@dataclass(frozen=True)
class Or:
    items: tuple[Node, ...]


Node = Ref | Not | And | Or


class ExprError(ValueError):
    def __init__(self, message: str, pos: int, code: str = "condition-syntax"):
        super().__init__(message)
        self.message, self.pos, self.code = message, pos, code


def _tokens(text: str) -> list[tuple[str, str, int]]:
    out, i = [], 0
    while i < len(text):
        m = TOKEN_RE.match(text, i)
        if m is None:  # only trailing whitespace is left
            break
        kind = m.lastgroup or "bad"
        value = m.group(kind)
        start = m.start(kind)
        if kind == "bad":
            raise ExprError(f"unexpected character {value!r}; use and, or, not, parentheses, N of (a, b, ...) "
                            "and condition names", start)
        if kind == "word" and value.lower() in KEYWORDS:
            kind, value = value.lower(), value.lower()
        out.append((kind, value, start))
        i = m.end()
    return out


def _check_nesting(toks: list[tuple[str, str, int]]) -> None:
    """Refuse deep nesting before parsing: the recursive parser would otherwise end in a RecursionError."""
    depth = nots = 0
    for kind, _, pos in toks:
        depth += {"lp": 1, "rp": -1}.get(kind, 0)
        nots = nots + 1 if kind == "not" else 0 if kind != "lp" else nots
        if depth > MAX_NESTING or nots > MAX_NESTING:
            what = "parentheses" if depth > MAX_NESTING else "'not's in a row"
            raise ExprError(f"nested too deeply: more than {MAX_NESTING} {what}", pos, "too-deep")


class _Parser:
    def __init__(self, text: str):
        self.text = text
        self.toks = _tokens(text)
        _check_nesting(self.toks)
        self.i = 0

    def peek(self) -> tuple[str, str, int] | None:
        return self.toks[self.i] if self.i < len(self.toks) else None

    def take(self) -> tuple[str, str, int]:
        tok = self.toks[self.i]
        self.i += 1
        return tok

    def parse(self) -> Node:
        if not self.toks:
            raise ExprError("empty condition", 0)
        node = self.or_()
        tok = self.peek()
        if tok is not None:
            if tok[0] == "rp":
                raise ExprError("unbalanced parentheses: ')' without '('", tok[2], "unbalanced")
            raise ExprError(f"unexpected {tok[1]!r}; expected and / or between conditions", tok[2])
        return node

    def or_(self) -> Node:
        items = [self.and_()]
        while (tok := self.peek()) is not None and tok[0] == "or":
            self.take()
            items.append(self.and_())
        return items[0] if len(items) == 1 else Or(tuple(items))

    def and_(self) -> Node:
        items = [self.not_()]
        while (tok := self.peek()) is not None and tok[0] == "and":
            self.take()
            items.append(self.not_())
        return items[0] if len(items) == 1 else And(tuple(items))

    def not_(self) -> Node:
        tok = self.peek()
        if tok is not None and tok[0] == "not":
            self.take()
            return Not(self.not_())
        return self.atom()

    def atom(self) -> Node:
        tok = self.peek()
        if tok is None:
            raise ExprError("condition ends too early; a condition name is missing", len(self.text.rstrip()))
        kind, value, pos = self.take()
        if kind == "word":
            return Ref(value, pos)
        if kind == "num":
            return self.at_least(int(value), pos)
        if kind == "lp":
            node = self.or_()
            close = self.peek()
            if close is None or close[0] != "rp":
                raise ExprError("unbalanced parentheses: '(' is never closed", pos, "unbalanced")
            self.take()
            return node
        if kind == "rp":
            raise ExprError("unbalanced parentheses: ')' without '('" if self._depth_at(pos) < 0 else
                            "empty parentheses or missing condition before ')'", pos,
                            "unbalanced" if self._depth_at(pos) < 0 else "condition-syntax")
        if kind == "comma":
            raise ExprError("',' separates the items of 'N of (a, b, ...)' only", pos)
        raise ExprError(f"{value!r} needs a condition name before/after it", pos)

    def at_least(self, n: int, pos: int) -> Node:
        """``N of (x, y, ...)``: at least N of the items hold, as the or of every and of N of them."""
        of, lp = self.peek(), self.toks[self.i + 1] if self.i + 1 < len(self.toks) else None
        if of is None or of[0] != "of" or lp is None or lp[0] != "lp":
            raise ExprError(f"a number starts 'N of (a, b, ...)': write {n} of (cond1, cond2, ...)", pos)
        self.i += 2
        items = [self.or_()]
        while (tok := self.peek()) is not None and tok[0] == "comma":
            self.take()
            items.append(self.or_())
        close = self.peek()
        if close is None or close[0] != "rp":
            raise ExprError("'N of (' needs its items separated by commas and a closing ')'", lp[2], "unbalanced")
        self.take()
        if not 1 <= n <= len(items):
            raise ExprError(f"{n} of {len(items)} items can never hold: N must be 1 to {len(items)}", pos, "bad-count")
        ways = comb(len(items), n)
        if ways > MAX_OF_TERMS:
            raise ExprError(f"{n} of {len(items)} expands to {ways} combinations (at most {MAX_OF_TERMS}); "
                            "group related conditions first", pos, "too-many")
        if n == 1:
            return items[0] if len(items) == 1 else Or(tuple(items))
        ands = tuple(And(c) for c in combinations(items, n))
        return ands[0] if len(ands) == 1 else Or(ands)

    def _depth_at(self, pos: int) -> int:
        text = self.text[: pos + 1]
        return text.count("(") - text.count(")")


def parse(text: str) -> Node:
    return _Parser(text).parse()


def refs(node: Node) -> list[Ref]:
    if isinstance(node, Ref):
        return [node]
    if isinstance(node, Not):
        return refs(node.item)
    return [r for item in node.items for r in refs(item)]


def canonical(node: Node) -> str:
    """A normal text form, used in the rule hash (so whitespace edits do not change signals)."""
    if isinstance(node, Ref):
        return node.name
    if isinstance(node, Not):
        return f"not {canonical(node.item)}"
    joiner = " and " if isinstance(node, And) else " or "
    return "(" + joiner.join(canonical(i) for i in node.items) + ")"
