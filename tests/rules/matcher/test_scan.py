"""Scanning many texts in one buffer gives exactly the answers of searching each text alone."""

from __future__ import annotations

import random

import pytest

from leadsig.rules.language.regex import compile_pattern
from leadsig.rules.matcher.scan import contains_many, regex_many, scannable

TEXTS = ["", "ab", "b", "a", "x a\nb y", "cab", "ba", "é a", "b\n", "\na", "ab\nab", "word", "words", "sword"]


@pytest.mark.parametrize("pattern", [
    "ab", r"a\s*b", r"\bword\b", "b$", "^a", "(?m)^a", "(?m)b$", r"a[^x]b", "é", "x*", r"\Bor", "a|^b",
])
def test_regex_many_equals_per_text_search(pattern):
    rx = compile_pattern(pattern, ignore_case=True)
    texts = TEXTS * 3
    expected = [rx.search(t) for t in texts]
    assert scannable(pattern)
    assert list(regex_many(texts, rx)) == expected


def test_anchored_text_edges_are_not_scanned():
    assert not scannable(r"\Aab")
    assert scannable("^ab") and scannable("ab$")


@pytest.mark.parametrize("case_sensitive", [False, True])
def test_contains_many_equals_in(case_sensitive):
    rnd = random.Random(3)
    alphabet = "abAB \n"
    texts = ["".join(rnd.choice(alphabet) for _ in range(rnd.randint(0, 6))) for _ in range(500)]
    needles = ("ab", "b\na", "B")
    got = contains_many(texts, needles, case_sensitive)
    norm = (lambda s: s) if case_sensitive else str.lower
    expected = [any(norm(n) in norm(t) for n in needles) for t in texts]
    assert list(got) == expected


@pytest.mark.parametrize("alphabet", ["a.(?*[\\ B\n", "a.(?*[\\ Bé\n"])  # one RE2 pass; non-ASCII: str.find
def test_contains_many_treats_needles_as_literals(alphabet):
    rnd = random.Random(5)
    texts = ["".join(rnd.choice(alphabet) for _ in range(rnd.randint(0, 6))) for _ in range(800)]
    needles = ("a.", "(?", "*[", "\\b", "B a")
    got = contains_many(texts, needles, case_sensitive=False)
    assert list(got) == [any(n.lower() in t.lower() for n in needles) for t in texts]
    assert got.any() and not got.all()
