"""Hyperscan answers a text condition only where it gives RE2's answer; everything else is left to RE2."""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np
import pytest

from leadsig.errors import UserError
from leadsig.rules.language.regex import compile_pattern
from leadsig.rules.matcher import textscan

BUILT = {"module": textscan._textscan is not None, "hyperscan": textscan.hyperscan is not None}


@pytest.fixture(params=["module", "hyperscan"])
def build(request, monkeypatch) -> str:
    """Each Hyperscan build in turn (LEADSIG_TEXTSCAN), skipped where it is not installed."""
    if not BUILT[request.param]:
        pytest.skip(f"{request.param} not installed here")
    monkeypatch.setenv(textscan.ENV, request.param)
    assert textscan.engine() == request.param
    return request.param

# patterns where PCRE and RE2 could disagree, and plain ones; all valid RE2
PATTERNS = [
    r"\bword\b", "ab", r"a\s*b", r"a\Sb", "b$", "^a", "(?m)^a", "(?m)b$", "(?m:^#+ *x)", r"a[^x]b", r"\Bor",
    "a|^b", r"(^|\s)@[a-z0-9][a-z0-9_.-]*", r"\d+ ?(min|h)\b", "a.b", "(?s)a.b", "[[:space:]]x", r"[\s]x",
    r"x\z", r"\Ax", "tl;?dr", r"\bi'?d like\b", "a{2,3}", "a{,2}", "x*", "é", r"\pL+x", "(?i)K", "AB",
    "an['’]t", "[-*•] x", "a[^’]b", "’b|ab", "(?i)b[xé]", "é|x",
]
ALPHABET = ["a", "b", "x", "A", "B", "K", " ", "\n", "\v", "\t", "#", "@", "1", "_", "'", ";", "é", "ſ", "’", "•",
            "n", "t", "-"]
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
    if op == "literals":
        return any((n.lower() in text.lower()) if fold else (n in text) for n in value)  # type: ignore[union-attr]
    return compile_pattern(str(value), ignore_case=fold).search(text)


@pytest.mark.parametrize("fold", [False, True])
def test_every_decided_answer_is_re2s(build, fold):
    specs = tuple(("regex", p, fold) for p in PATTERNS) + (
        ("literals", ("cc @", "loop in", "a\nb"), fold), ("literals", ("http://", "é"), fold))
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


def test_texts_the_engines_read_differently_are_left_to_re2(build):
    specs = (("regex", "b$", False), ("regex", r"a\sb", False), ("regex", "ab", False),
             ("regex", "(?m)^#", False))
    plan = textscan.plan(specs)
    texts = ["ab\n", "a\vb", "é ab", None, "ab", "x\n#"]
    grid = textscan.answers(plan, texts)
    by = {spec[1]: grid[j] for spec, j in zip(specs, plan.ids, strict=True)}
    assert list(by["b$"]) == [-1, 1, -1, -1, 1, 0]  # a final newline: PCRE's $ matches before it, RE2's not
    assert list(by[r"a\sb"]) == [0, -1, -1, -1, 0, 0]  # a vertical tab: space for PCRE, not for RE2
    assert list(by["ab"]) == [1, 0, -1, -1, 1, 0]  # non-ASCII text and missing values always go to RE2
    assert list(by["(?m)^#"]) == [-1, 0, -1, -1, 0, 1]


@pytest.mark.parametrize("pattern", [r"\pL+", "a{,2}", "(?U)a+", r"\Cx", "caſe", "a\x00b", "[^’]", "[a-é]", "ſx",
                                     "[\u212a]", "[’]", "[[:space:]’]", "[’]x]"])
def test_syntax_outside_the_shared_subset_stays_on_re2(pattern):
    assert textscan.translate(("regex", pattern, False)) is None


def test_non_ascii_punctuation_in_a_class_is_dropped_for_hyperscan():
    """On ASCII texts (the only ones Hyperscan reads) such a member never matches; RE2 reads the others."""
    assert textscan.translate(("regex", "we don['’]t", True)) == ("we don[']t", 0)
    assert textscan.translate(("regex", "[-*•] x", False)) == ("[-*] x", 0)
    assert textscan.translate(("regex", "résumé|cv", True)) == (r"r[\x80-\xff]sum[\x80-\xff]|cv", 0)


def test_contains_needles_become_escaped_literals():
    pattern, caveats = textscan.translate(("literals", ("a.b", "(x)", "cc @"), True))
    assert caveats == 0
    assert "." not in pattern.replace("\\x2e", "") and "(x)" not in pattern
    assert textscan.translate(("literals", ("",), False)) is None  # "" is in every text: RE2's path decides
    assert textscan.translate(("literals", ("naïve",), False)) is None


def test_a_pattern_hyperscan_refuses_is_dropped_not_fatal(build):
    plan = textscan.plan((("regex", "ab", False), ("regex", "x*", False), ("regex", "b", True)))
    assert plan is not None and plan.ids[1] is None  # x* matches the empty text
    assert plan.ids[0] is not None and plan.ids[2] is not None
    assert [list(row) for row in textscan.answers(plan, ["ab", "B", "x"])] == [[1, 0, 0], [1, 1, 0]]


def test_module_is_built_where_hyperscan_is_installed():
    if not Path("/usr/include/hs/hs.h").exists():
        pytest.skip("Hyperscan headers not installed: the engine runs on RE2 alone")
    assert textscan._textscan is not None, \
        "libhyperscan-dev is installed but rules.matcher._textscan was not built: reinstall"


def test_answers_are_read_only_views_of_one_scan(build):
    plan = textscan.plan((("regex", "a", False),))
    grid = textscan.answers(plan, ["a", "b"])
    assert grid.dtype == np.int8 and grid.shape == (1, 2) and list(grid[0]) == [1, 0]


def test_the_builds_give_the_same_answers_on_awkward_texts():
    if not all(BUILT.values()):
        pytest.skip("needs both the C module and the hyperscan package")
    specs = tuple(("regex", p, False) for p in PATTERNS) + (("literals", ("cc @", "a\nb"), True),)
    texts = _texts(600) + ["a\x00b", "x\x00\n"]  # a NUL inside a text must not split it
    grids = {}
    for name in BUILT:
        with pytest.MonkeyPatch.context() as mp:
            mp.setenv(textscan.ENV, name)
            plan = textscan.plan(specs)
            grids[name] = (plan.ids, textscan.answers(plan, texts).tolist())
    assert grids["module"] == grids["hyperscan"]


@pytest.mark.parametrize(("setting", "expected"), [("off", None), ("OFF", None), ("", "auto")])
def test_the_environment_chooses_the_path(monkeypatch, setting, expected):
    monkeypatch.setenv(textscan.ENV, setting)
    if expected == "auto":
        expected = "module" if BUILT["module"] else None  # the package path is slower than RE2 alone: asked for only
    assert textscan.engine() == expected
    assert textscan.available() is (expected is not None)
    assert (textscan.plan((("regex", "ab", False),)) is None) is (expected is None)


def test_an_unknown_or_missing_engine_is_a_user_error(monkeypatch):
    monkeypatch.setenv(textscan.ENV, "fast")
    with pytest.raises(UserError, match="(?s)LEADSIG_TEXTSCAN: 'fast' is not.*auto, module, hyperscan, off"):
        textscan.engine()
    monkeypatch.setattr(textscan, "_textscan", None)
    monkeypatch.setenv(textscan.ENV, "module")
    with pytest.raises(UserError, match="rules.matcher._textscan was not built"):
        textscan.engine()
