"""Every condition operator, declared once, as pySigma declares its modifiers.

An entry says what an operator is everywhere: its name, the field types it applies to, how its value is
read and checked in a rule file, its meaning on one value (the naive interpreter, ``rules explain`` and
``rules test`` use it, and the vectorised engine where nothing faster is declared), its vectorised forms
(on a number column, on two text columns, as a text scan) and its rough cost per row. The loader, the
engine, the naive interpreter and the docs test read this registry, never operator names of their own, so
a new operator is one :func:`register` call plus its tests (docs/rule-engine.md shows one).
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from leadsig.rules.language import fields as F
from leadsig.rules.language import predicates as P
from leadsig.rules.language.model import Condition
from leadsig.rules.language.phrases import PhraseError, phrases_pattern
from leadsig.rules.language.problems import suggest
from leadsig.rules.language.regex import Regex, RegexError, compile_pattern

BAD = object()  # what a value check returns once it has reported the problem
NUMERIC = (F.NUM, F.BOOL)
TEXTUAL = (F.STR, F.TEXT)
EVERY_TYPE = (F.NUM, F.STR, F.TEXT, F.LIST, F.BOOL, F.ANY)
# How a text scan answers an operator on many texts at once (rules.matcher.scan, rules.matcher.textscan):
# ("regex", RE2 pattern, ignore case) or ("literals", needles, ignore case): any needle is a substring.
ScanSpec = tuple[str, Any, bool]


@dataclass(frozen=True)
class Values:
    """What a value check needs: where to report a problem, and the condition around the value."""

    report: Callable[..., None]  # (code, message, hint=None), located at the operator's value
    op: str
    field: F.Field
    case_sensitive: bool


@dataclass(frozen=True)
class Operator:
    name: str
    types: tuple[str, ...]  # field types it applies to
    check: Callable[[Values, Any], Any]  # the value as written (params and lists resolved) -> compiled, or BAD
    predicate: Callable[[Condition], Callable[[Any], bool]] | None = None  # meaning on one value
    pair: Callable[[Any, Any], bool] | None = None  # set for *_field: meaning on two fields' values
    numeric: Callable[[np.ndarray, Any], np.ndarray] | None = None  # on float columns (NaN: missing)
    text_pair: Callable[[np.ndarray, np.ndarray], np.ndarray] | None = None  # *_field on two text columns
    scan: Callable[[Condition], ScanSpec] | None = None  # answerable by one scan over many texts
    cost: Callable[[Condition], int] = lambda c: 3  # rough relative cost per row: and/or run cheap tests first
    aliases: tuple[str, ...] = ()  # words leads reach for instead ("did you mean ...?")
    threshold: bool = False  # allowed in an impact step's threshold: {level: high, field: f, gte: 3}
    lower_bound: bool = False  # a threshold that holds from a value up: ladder steps must go down

    @property
    def compares_fields(self) -> bool:
        return self.pair is not None


OPERATORS: dict[str, Operator] = {}


def register(op: Operator) -> Operator:
    OPERATORS[op.name] = op
    return op


def get(name: str) -> Operator:
    return OPERATORS[name]


def names() -> tuple[str, ...]:
    return tuple(sorted(OPERATORS))


def for_type(ftype: str) -> tuple[str, ...]:
    """Operators a field of this type takes: its own first, then the field comparisons."""
    ops = [o for o in OPERATORS.values() if ftype in o.types]
    return tuple([o.name for o in ops if not o.compares_fields] + [o.name for o in ops if o.compares_fields])


def thresholds() -> tuple[str, ...]:
    return tuple(o.name for o in OPERATORS.values() if o.threshold)


def alias_of(word: str) -> str | None:
    return next((o.name for o in OPERATORS.values() if word in o.aliases), None)


# -- value checks --------------------------------------------------------------------------------------------

def _scalar(ctx: Values, v: Any, text_ops: bool, numeric: bool = False) -> Any:
    op, fdef = ctx.op, ctx.field
    want = F.NUM if numeric else fdef.type
    if text_ops or want in (F.STR, F.TEXT, F.LIST):
        ok = isinstance(v, str) or (isinstance(v, int | float) and not isinstance(v, bool) and not text_ops)
        if not ok:
            ctx.report("type", f"{op} on {fdef.name!r} takes text, got {v!r}")
            return BAD
        if text_ops and v == "":
            ctx.report("empty", f"{op} with empty text always holds", "remove the condition")
            return BAD
        return str(v)
    if want == F.NUM and (isinstance(v, bool) or not isinstance(v, int | float)):
        ctx.report("type", f"{op} on {fdef.name!r} takes a number, got {v!r}", "write the number without quotes")
        return BAD
    if want == F.BOOL and not isinstance(v, bool):
        ctx.report("type", f"{op} on {fdef.name!r} takes true or false, got {v!r}")
        return BAD
    if not isinstance(v, str | int | float | bool):
        ctx.report("type", f"{op} takes a single value, got {type(v).__name__}")
        return BAD
    return v


def single(numeric: bool = False) -> Callable[[Values, Any], Any]:
    """One value of the field's type (``numeric``: a number whatever the field)."""
    return lambda ctx, raw: _scalar(ctx, raw, text_ops=False, numeric=numeric)


def items(list_only: bool, text: bool) -> Callable[[Values, Any], Any]:
    """A non-empty tuple of values (``list_only``: written as a list; ``text``: non-empty texts)."""

    def check(ctx: Values, raw: Any) -> Any:
        if list_only and not isinstance(raw, list):
            ctx.report("type", f"{ctx.op} takes a list (or @list), got {raw!r}", f"{ctx.op}: [a, b]")
            return BAD
        given = raw if isinstance(raw, list) else [raw]
        if not given:
            ctx.report("empty", f"{ctx.op} has an empty list; it can never hold")
            return BAD
        out = []
        for x in given:  # the first bad item is reported, as a lead fixes one at a time
            v = _scalar(ctx, x, text_ops=text)
            if v is BAD:
                return BAD
            out.append(v)
        return tuple(out)
    return check


def flag(ctx: Values, raw: Any) -> Any:
    if not isinstance(raw, bool):
        ctx.report("type", f"{ctx.op} takes true or false, got {raw!r}")
        return BAD
    return raw


def pattern(ctx: Values, raw: Any) -> Any:
    if not isinstance(raw, str):
        ctx.report("type", f"{ctx.op} takes one regular expression (text)")
        return BAD
    try:
        return compile_pattern(raw, ignore_case=not ctx.case_sensitive)
    except RegexError as exc:
        ctx.report(exc.code, exc.message, exc.hint)
        return BAD


PHRASES_MAX_MEM = 16 << 20  # a family of hundreds of phrases: RE2 program memory, bounded by the phrase count


def phrases(ctx: Values, raw: Any) -> Any:
    """A phrase family (text, list or @list) compiled to one case-insensitive pattern (rules.language.phrases)."""
    given = items(list_only=False, text=True)(ctx, raw)
    if given is BAD:
        return BAD
    try:  # built from words, bounded by construction: not a lead's regex, so not held to its length limit
        return Regex(phrases_pattern(given), ignore_case=True, max_mem=PHRASES_MAX_MEM)
    except PhraseError as exc:
        ctx.report("bad-value", str(exc), 'write words, with "*" for up to three words between two of them')
    except RegexError as exc:
        ctx.report(exc.code, exc.message, "split the family into two conditions")
    return BAD


_GROUPS = {F.NUM: "n", F.STR: "s", F.TEXT: "s", F.BOOL: "b", F.ANY: "a", F.LIST: "l"}


def other_field(ordered: bool) -> Callable[[Values, Any], Any]:
    """Another condition field whose type compares with this one (``ordered``: lt/gt, numbers only)."""

    def check(ctx: Values, raw: Any) -> Any:
        other = F.lookup(str(raw)) if isinstance(raw, str) else None
        if other is None or not other.in_conditions:
            ctx.report("unknown-field", f"unknown field {raw!r}",
                       suggest(str(raw), F.condition_fields(), "see the field reference"))
            return BAD
        ga, gb = _GROUPS[ctx.field.type], _GROUPS[other.type]
        if "l" in (ga, gb) or (ga != gb and "a" not in (ga, gb)) or (ordered and "s" in (ga, gb)):
            ctx.report("op-type", f"cannot compare {ctx.field.type} field {ctx.field.name!r} with {other.type} "
                       f"field {other.name!r} using {ctx.op}")
            return BAD
        return other.name
    return check


# -- vectorised forms ----------------------------------------------------------------------------------------

def ordered(ufunc: Callable[..., np.ndarray]) -> Callable[[np.ndarray, Any], np.ndarray]:
    """A numpy comparison where both sides are present (the right side a number or a second column)."""

    def vector(x: np.ndarray, y: Any) -> np.ndarray:
        y = y if isinstance(y, np.ndarray) else float(y)
        return ~np.isnan(x) & ~np.isnan(y) & ufunc(x, y)
    return vector


def isin(inside: bool) -> Callable[[np.ndarray, Any], np.ndarray]:
    def vector(x: np.ndarray, want: Any) -> np.ndarray:
        hit = np.isin(x, np.array([float(v) for v in want]))
        return ~np.isnan(x) & (hit if inside else ~hit)
    return vector


def present(x: np.ndarray, want: Any) -> np.ndarray:
    return ~np.isnan(x) if want else np.isnan(x)


def same_codes(equal: bool) -> Callable[[np.ndarray, np.ndarray], np.ndarray]:
    """eq/ne of two text columns on shared factor codes: integers compared, not strings."""

    def vector(a: np.ndarray, b: np.ndarray) -> np.ndarray:
        codes, _ = pd.factorize(np.concatenate([a, b]))
        ca, cb = codes[: len(a)], codes[len(a):]
        same = ca == cb if equal else ca != cb
        return same & (ca >= 0) & (cb >= 0)
    return vector


def regex_scan(c: Condition) -> ScanSpec:
    return ("regex", c.value.pattern, c.value.ignore_case)


def literal_scan(c: Condition) -> ScanSpec:
    return ("literals", tuple(c.value), not c.case_sensitive)


# -- costs ---------------------------------------------------------------------------------------------------

def plain_cost(per_item: bool) -> Callable[[Condition], int]:
    """Numbers 1; free text (or ``per_item`` substring tests on strings) 8 + 2 per needle; other values 3."""

    def cost(c: Condition) -> int:
        if c.ftype in NUMERIC:
            return 1
        if c.ftype == F.TEXT or (c.ftype == F.STR and per_item):
            return 8 + 2 * len(c.value if isinstance(c.value, tuple) else ())
        return 3
    return cost


def field_cost(c: Condition) -> int:
    return 2 if c.ftype in NUMERIC else 6


# -- the registry --------------------------------------------------------------------------------------------

_COMPARE = (  # name, python operator, numpy, types, threshold, lower bound, aliases
    ("eq", operator.eq, np.equal, (F.NUM, F.STR, F.TEXT, F.BOOL, F.ANY), True, False, ("equals", "equal", "is")),
    ("ne", operator.ne, np.not_equal, (F.NUM, F.STR, F.TEXT, F.BOOL, F.ANY), False, False,
     ("not_equals", "not_equal", "is_not")),
    ("lt", operator.lt, np.less, (F.NUM,), True, False, ("less_than",)),
    ("lte", operator.le, np.less_equal, (F.NUM,), True, False, ("less_or_equal", "at_most", "max")),
    ("gt", operator.gt, np.greater, (F.NUM,), True, True, ("greater_than",)),
    ("gte", operator.ge, np.greater_equal, (F.NUM,), True, True, ("greater_or_equal", "at_least", "min")),
)
for _name, _py, _np, _types, _threshold, _lower, _aliases in _COMPARE:
    register(Operator(_name, _types, single(numeric=_name not in ("eq", "ne")), P.compare(_py), numeric=ordered(_np),
                      cost=plain_cost(False), aliases=_aliases, threshold=_threshold, lower_bound=_lower))
register(Operator("in", (F.NUM, F.STR, F.ANY), items(list_only=True, text=False), P.member(True),
                  numeric=isin(True), cost=plain_cost(False), aliases=("one_of", "any_of")))
register(Operator("not_in", (F.NUM, F.STR, F.ANY), items(list_only=True, text=False), P.member(False),
                  numeric=isin(False), cost=plain_cost(False), aliases=("not_one_of",)))
register(Operator("contains", (F.STR, F.TEXT, F.LIST, F.ANY), items(list_only=False, text=True), P.contains(False),
                  scan=literal_scan, cost=plain_cost(True), aliases=("contains_any", "has")))
register(Operator("excludes", (F.LIST,), items(list_only=False, text=True), P.contains(True), cost=plain_cost(True)))
register(Operator("starts_with", (F.STR, F.TEXT), items(list_only=False, text=True), P.affix(str.startswith),
                  cost=plain_cost(True), aliases=("startswith",)))
register(Operator("ends_with", (F.STR, F.TEXT), items(list_only=False, text=True), P.affix(str.endswith),
                  cost=plain_cost(True), aliases=("endswith",)))
register(Operator("matches", (F.STR, F.TEXT, F.LIST), pattern, P.matches, scan=regex_scan, cost=lambda c: 40,
                  aliases=("regex", "match")))
register(Operator("says", (F.STR, F.TEXT, F.LIST), phrases, P.matches, scan=regex_scan, cost=lambda c: 40,
                  aliases=("mentions", "phrases", "says_any")))
register(Operator("exists", EVERY_TYPE, flag, P.exists, numeric=present, cost=plain_cost(False),
                  aliases=("present",)))
for _name, _py, _np, *_ in _COMPARE:
    register(Operator(f"{_name}_field", EVERY_TYPE, other_field(ordered=_name not in ("eq", "ne")), pair=P.pair(_py),
                      numeric=ordered(_np), text_pair=same_codes(_name == "eq") if _name in ("eq", "ne") else None,
                      cost=field_cost))
