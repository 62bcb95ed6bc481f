"""The meaning of each operator on one value: the single definition both engines share.

The vectorised engine applies these to the distinct values of a column (then spreads the answers to
rows by factor codes); the naive per-record interpreter applies them to each record. Missing values
(None) never satisfy a test except ``exists: false`` and ``excludes``.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from typing import Any

from leadsig.rules.model import Condition
from leadsig.rules.regex import Regex

COMPARE: dict[str, Callable[[Any, Any], bool]] = {
    "eq": operator.eq, "ne": operator.ne, "lt": operator.lt, "lte": operator.le, "gt": operator.gt,
    "gte": operator.ge,
}


def is_missing(v: Any) -> bool:
    return v is None or (isinstance(v, float) and v != v)


def empty(v: Any) -> bool:
    return is_missing(v) or v == "" or (isinstance(v, tuple | list) and len(v) == 0)


def predicate(cond: Condition) -> Callable[[Any], bool]:
    """A function value -> bool for a single-field condition (not the *_field ones)."""
    op, want, cs = cond.op, cond.value, cond.case_sensitive
    if op == "exists":
        return lambda v: (not empty(v)) is want
    if op in COMPARE:
        cmp = COMPARE[op]

        def compare(v: Any) -> bool:
            if is_missing(v):
                return False
            if isinstance(v, tuple | list):
                return False
            try:
                return bool(cmp(v, want))
            except TypeError:
                return False
        return compare
    if op in ("in", "not_in"):
        members = set(want)
        inside = op == "in"
        return lambda v: not is_missing(v) and not isinstance(v, tuple | list) and ((v in members) is inside)
    if op == "matches":
        rx: Regex = want
        return lambda v: not is_missing(v) and (any(rx.search(str(x)) for x in v) if isinstance(v, tuple | list)
                                                else rx.search(str(v)))
    if op in ("contains", "excludes"):
        return _contains(want, cs, op == "excludes")
    if op in ("starts_with", "ends_with"):
        needles = tuple(want) if cs else tuple(w.lower() for w in want)
        method = str.startswith if op == "starts_with" else str.endswith
        return lambda v: not is_missing(v) and not isinstance(v, tuple | list) and \
            method(str(v) if cs else str(v).lower(), needles)
    raise ValueError(f"no predicate for operator {op!r}")


def _contains(want: tuple[str, ...], cs: bool, negate: bool) -> Callable[[Any], bool]:
    needles = tuple(want) if cs else tuple(w.lower() for w in want)
    norm = (lambda x: str(x)) if cs else (lambda x: str(x).lower())

    def contains(v: Any) -> bool:
        if empty(v):
            return negate
        if isinstance(v, tuple | list):  # list fields: element equality
            items = {norm(x) for x in v}
            found = any(n in items for n in needles)
        else:
            text = norm(v)
            found = any(n in text for n in needles)
        return found is not negate
    return contains


def compare_fields(op: str, a: Any, b: Any) -> bool:
    """``eq_field`` and friends: both values present and comparable."""
    if is_missing(a) or is_missing(b):
        return False
    try:
        return bool(COMPARE[op.removesuffix("_field")](a, b))
    except TypeError:
        return False
