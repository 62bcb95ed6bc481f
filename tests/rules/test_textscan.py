"""Hyperscan answers a text condition only where it gives RE2's answer; everything else is left to RE2."""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np
import pytest

from leadsig.rules import textscan
from leadsig.rules.regex import compile_pattern

needs_module = pytest.mark.skipif(not textscan.available(), reason="rules._textscan not built (no libhyperscan-dev)")

# patterns where PCRE and RE2 could disagree, and plain ones; all valid RE2
PATTERNS = [
    r"\bword\b", "ab", r"a\s*b", r"a\Sb", "b$", "^a", "(?m)^a", "(?m)b$", "(?m:^#+ *x)", r"a[^x]b", r"\Bor",
    "a|^b", r"(^|\s)@[a-z0-9][a-z0-9_.-]*", r"\d+ ?(min|h)\b", "a.b", "(?s)a.b", "[[:space:]]x", r"[\s]x",
    r"x\z", r"\Ax", "tl;?dr", r"\bi'?d like\b", "a{2,3}", "a{,2}", "x*", "é", r"\pL+x", "(?i)K", "AB",
]
ALPHABET = ["a", "b", "x", "A", "B", "K", " ", "\n", "\v", "\t", "#", "@", "1", "_", "'", ";", "é", "ſ"]
FIXED = ["", "ab", "a\nb", "a\vb", "x\n", "b\n", "word", "swords", "a word.", "#x", "\n#x", "x y @bob", "@bob",
         "3 min", "12h", "a\nb\n", "axb", "aab", "tldr", "i'd like", "ſ", "k", "K", "é x", None]


def _texts(n: int = 1500) -> list[object]:
    rnd = random.Random(11)
    made = ["".join(rnd.choice(ALPHABET) for _ in range(rnd.randint(0, 8))) for _ in range(n)]
    return FIXED + made


def _re2_answer(spec: textscan.Spec, text: object) -> bool:
    op, value, fold = spec
    if not isinstance(text, str):
        return False
    if op == "contains":
        return any((n.lower() in text.lower()) if fold else (n in text) for n in value)  # type: ignore[union-attr]
    return compile_pattern(str(value), ignore_case=fold).search(text)


@needs_module
@pytest.mark.parametrize("fold", [False, True])
def test_every_decided_answer_is_re2s(fold):
    specs = tuple(("matches", p, fold) for p in PATTERNS) + (
        ("contains", ("cc @", "loop in", "a\nb"), fold), ("contains", ("http://", "é"), fold))
    plan = textscan.plan(specs)
    assert plan is not None
    texts = _texts()
    grid = textscan.answers(plan, texts)
    decided = 0
    for spec, j in zip(specs, plan.ids, strict=True):
        if j is None:
            continue
        for text, got in zip(texts, grid[j], strict=True):
            if got >= 0:
                decided += 1
                assert bool(got) == _re2_answer(spec, text), (spec, text)
    assert sum(j is not None for j in plan.ids) >= 24  # most patterns are answered by the scanner
    assert decided > len(texts) * 12  # and on most texts


@needs_module
def test_texts_the_engines_read_differently_are_left_to_re2():
    specs = (("matches", "b$", False), ("matches", r"a\sb", False), ("matches", "ab", False),
             ("matches", "(?m)^#", False))
    plan = textscan.plan(specs)
    texts = ["ab\n", "a\vb", "é ab", None, "ab", "x\n#"]
    grid = textscan.answers(plan, texts)
    by = {spec[1]: grid[j] for spec, j in zip(specs, plan.ids, strict=True)}
    assert list(by["b$"]) == [-1, 1, -1, -1, 1, 0]  # a final newline: PCRE's $ matches before it, RE2's not
    assert list(by[r"a\sb"]) == [0, -1, -1, -1, 0, 0]  # a vertical tab: space for PCRE, not for RE2
    assert list(by["ab"]) == [1, 0, -1, -1, 1, 0]  # non-ASCII text and missing values always go to RE2
    assert list(by["(?m)^#"]) == [-1, 0, -1, -1, 0, 1]


@pytest.mark.parametrize("pattern", [r"\pL+", "a{,2}", "(?U)a+", r"\Cx", "café", "a\x00b"])
def test_syntax_outside_the_shared_subset_stays_on_re2(pattern):
    assert textscan.translate(("matches", pattern, False)) is None


def test_contains_needles_become_escaped_literals():
    pattern, caveats = textscan.translate(("contains", ("a.b", "(x)", "cc @"), True))
    assert caveats == 0
    assert "." not in pattern.replace("\\x2e", "") and "(x)" not in pattern
    assert textscan.translate(("contains", ("",), False)) is None  # "" is in every text: RE2's path decides
    assert textscan.translate(("contains", ("naïve",), False)) is None


@needs_module
def test_a_pattern_hyperscan_refuses_is_dropped_not_fatal():
    plan = textscan.plan((("matches", "x*", False), ("matches", "ab", False)))  # x* matches the empty text
    assert plan is not None and plan.ids[0] is None and plan.ids[1] is not None


def test_module_is_built_where_hyperscan_is_installed():
    if not Path("/usr/include/hs/hs.h").exists():
        pytest.skip("Hyperscan headers not installed: the engine runs on RE2 alone")
    assert textscan.available(), "libhyperscan-dev is installed but rules._textscan was not built: reinstall"


@needs_module
def test_answers_are_read_only_views_of_one_scan():
    plan = textscan.plan((("matches", "a", False),))
    grid = textscan.answers(plan, ["a", "b"])
    assert grid.dtype == np.int8 and grid.shape == (1, 2) and list(grid[0]) == [1, 0]
