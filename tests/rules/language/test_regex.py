"""Bounded regular expressions: RE2 only, length and size limits, nested repetition refused."""

from __future__ import annotations

import time

import pytest

from leadsig.rules.language.regex import MAX_PATTERN, RegexError, compile_pattern


@pytest.mark.parametrize(("pattern", "code"), [
    ("(a+)+$", "regex-catastrophic"),
    ("(x*y*)*z", "regex-catastrophic"),
    ("(?=a)b", "regex-unsupported"),
    (r"(a)\1", "regex-unsupported"),
    ("[abc", "bad-regex"),
    ("a{1001}", "regex-too-large"),
    ("x" * (MAX_PATTERN + 1), "regex-too-long"),
])
def test_refused_patterns_have_codes(pattern, code):
    with pytest.raises(RegexError) as exc:
        compile_pattern(pattern)
    assert exc.value.code == code
    assert exc.value.hint


def test_case_insensitive_by_default_in_rules():
    assert compile_pattern(r"\bLGTM\b", ignore_case=True).search("lgtm, thanks")
    assert not compile_pattern(r"\bLGTM\b", ignore_case=False).search("lgtm, thanks")


def test_linear_time_on_a_classic_backtracking_trap():
    # (a|aa)*b is accepted (no nested unbounded repeat) and would take ages in a backtracking engine.
    rx = compile_pattern("(a|aa)*b")
    start = time.perf_counter()
    assert not rx.search("a" * 50_000)
    assert time.perf_counter() - start < 5  # generous: RE2 needs milliseconds; a backtracker never returns


def test_unicode_text():
    assert compile_pattern("café").search("un café, merci")
    assert compile_pattern(r"\pL+").search("ünïcode")
