"""The meaning of each operator on one value: the single definition both engines share.

The registry (rules.language.operators) hands these to every reader: the naive per-record interpreter
and ``rules explain`` apply them to each record, the vectorised engine to the distinct values of a column
where the operator has no faster form. Missing values (None, NaN) never satisfy a test except
``exists: false`` and ``excludes``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from leadsig.rules.language.model import Condition
from leadsig.rules.language.regex import Regex

Test = Callable[[Any], bool]
Compare = Callable[[Any, Any], Any]


def is_missing(v: Any) -> bool:
    return v is None or (isinstance(v, float) and v != v)


def empty(v: Any) -> bool:
    return is_missing(v) or v == "" or (isinstance(v, tuple | list) and len(v) == 0)


def exists(cond: Condition) -> Test:
    want = cond.value
    return lambda v: (not empty(v)) is want


def compare(cmp: Compare) -> Callable[[Condition], Test]:
    """eq, lt, ...: a present single value that compares; values of other types never hold."""

    def make(cond: Condition) -> Test:
        want = cond.value

        def test(v: Any) -> bool:
            if is_missing(v) or isinstance(v, tuple | list):
                return False
            try:
                return bool(cmp(v, want))
            except TypeError:
                return False
        return test
    return make


def member(inside: bool) -> Callable[[Condition], Test]:
    """in / not_in: a present single value is (is not) one of the items."""

    def make(cond: Condition) -> Test:
        members = set(cond.value)
        return lambda v: not is_missing(v) and not isinstance(v, tuple | list) and ((v in members) is inside)
    return make


def matches(cond: Condition) -> Test:
    rx: Regex = cond.value
    return lambda v: not is_missing(v) and (any(rx.search(str(x)) for x in v) if isinstance(v, tuple | list)
                                            else rx.search(str(v)))


def contains(negate: bool) -> Callable[[Condition], Test]:
    """contains (excludes): a needle is (no needle is) a substring of text, or an element of a list."""

    def make(cond: Condition) -> Test:
        cs = cond.case_sensitive
        needles = tuple(cond.value) if cs else tuple(w.lower() for w in cond.value)
        norm = (lambda x: str(x)) if cs else (lambda x: str(x).lower())

        def test(v: Any) -> bool:
            if empty(v):
                return negate
            if isinstance(v, tuple | list):  # list fields: element equality
                items = {norm(x) for x in v}
                found = any(n in items for n in needles)
            else:
                text = norm(v)
                found = any(n in text for n in needles)
            return found is not negate
        return test
    return make


def affix(method: Callable[[str, tuple[str, ...]], bool]) -> Callable[[Condition], Test]:
    """starts_with / ends_with: a present single text begins (ends) with any needle."""

    def make(cond: Condition) -> Test:
        cs = cond.case_sensitive
        needles = tuple(cond.value) if cs else tuple(w.lower() for w in cond.value)
        return lambda v: not is_missing(v) and not isinstance(v, tuple | list) and \
            method(str(v) if cs else str(v).lower(), needles)
    return make


def pair(cmp: Compare) -> Callable[[Any, Any], bool]:
    """``eq_field`` and friends: both values present and comparable."""

    def test(a: Any, b: Any) -> bool:
        if is_missing(a) or is_missing(b):
            return False
        try:
            return bool(cmp(a, b))
        except TypeError:
            return False
    return test
