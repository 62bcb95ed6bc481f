"""Phrase families answered on words (rules.matcher.phrasescan) give RE2's answer on every text they decide."""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np
import pytest

from leadsig.rules.language.loader import load_rules
from leadsig.rules.language.phrases import phrases_pattern
from leadsig.rules.language.regex import compile_pattern
from leadsig.rules.matcher import phrasescan, textscan
from leadsig.rules.matcher.engine import Frame, _scan_spec, match_all
from leadsig.rules.matcher.enrich import enrich
from leadsig.rules.matcher.synthetic import generate

needs_module = pytest.mark.skipif(not phrasescan.built(), reason="rules.matcher._phrasescan not built here")

FAMILIES = [
    ("waiting on reviews", "review queue", "slow ci"),
    ("hand * over", "take * from here", "ci"),
    ("summary", "tl dr", "i'd like to", "it's on me"),
    ("v2 api", "bus", "s"),
    ("wait on", "we decided", "over to you"),
    ("tests =take", "=waiting * on", "=summary"),  # exact marks: the word (or its plural), no other ending
]
WORDS = ["wait", "waiting", "waits", "on", "ons", "review", "reviews", "reviewer", "queue", "queues", "slow", "ci",
         "cis", "city", "hand", "handing", "it", "over", "this", "take", "from", "here", "summary", "summarize",
         "summar", "tl", "dr", "i", "d", "like", "to", "s", "me", "v2", "v2s", "api", "apis", "bus", "buss", "we",
         "decided", "decide", "you", "x", "tests", "test", "taken", "takes", "summaries", "WAIT", "Review", "OVER",
         "Ci", "123", "a"]
SEPARATORS = [" ", "  ", "_", "__", " _", "_ ", "-", ", ", ".", "'", "\n", "\t", "`", "(", "**", "/", "\v"]


def _texts(n: int) -> list[str]:
    rnd = random.Random(13)
    out = ["", "wait", "_wait on", "wait on_", "wait_on", "waiting_x_on", "wait_ x on", "ci_", "ci_x", "x_ci",
           "hand it all over", "hand a b c d over", "hand_it over", "it_s on me", "it's on me", "summarys",
           "review queue", "reviews__queue", "bus_", "buss", "s", "ss", "v2_api", "v2s apis"]
    for _ in range(n):
        words = [rnd.choice(WORDS) for _ in range(rnd.randint(1, 9))]
        text = rnd.choice(["", "_", " ", "("])
        for w in words:
            text += w + rnd.choice(SEPARATORS)
        out.append(text[: rnd.randint(len(text) - 2, len(text))] if text else text)
    return out


def _re2(pattern: str, texts: list[str]) -> list[bool]:
    rx = compile_pattern(pattern, ignore_case=True)
    return [bool(rx.search(t)) for t in texts]


@needs_module
def test_every_answer_on_awkward_ascii_texts_is_re2s():
    patterns = [phrases_pattern(f) for f in FAMILIES]
    families = [phrasescan.parse(p) for p in patterns]
    assert all(f is not None for f in families)
    texts = _texts(4000)
    matrix, flags = phrasescan.matcher(families).scan(texts)
    grid = np.frombuffer(matrix, np.int8).reshape(len(families), len(texts))
    assert not any(flags)  # every ASCII text is decided here
    for pattern, row in zip(patterns, grid, strict=True):
        assert [bool(x) for x in row] == _re2(pattern, texts), pattern
    assert 0.1 < grid.mean() < 0.9  # the texts hit and miss alike


# one first word with and without a gap, a second word that is also a first, a first word that is never a second:
# the word matcher skips the pair look-ups that cannot find a phrase (the PAIR_* bits), and must skip no other
SHARED = [("hand over", "hand * to you"), ("over to", "take * over", "it"), ("take from", "wait * on", "hand it")]


@needs_module
def test_pairs_sharing_words_with_and_without_gaps_answer_as_re2():
    patterns = [phrases_pattern(f) for f in SHARED]
    families = [phrasescan.parse(p) for p in patterns]
    texts = _texts(3000)
    matrix, _ = phrasescan.matcher(families).scan(texts)
    grid = np.frombuffer(matrix, np.int8).reshape(len(families), len(texts))
    for pattern, row in zip(patterns, grid, strict=True):
        assert [bool(x) for x in row] == _re2(pattern, texts), pattern
        assert 0 < row.mean() < 1


@needs_module
def test_texts_it_cannot_read_are_left_to_re2():
    families = [phrasescan.parse(phrases_pattern(("summary",)))]
    matrix, flags = phrasescan.matcher(families).scan(["summary", "\u017fummary", None, "café summary", 3])
    assert list(matrix) == [1, 0, 0, 0, 0]
    assert list(flags) == [0, 1, 1, 1, 1]  # RE2 folds ſ to s and reads é as one character: it answers these


def test_the_default_packs_families_all_read_back_as_phrases(synthetic):
    _, rules = synthetic
    specs = {_scan_spec(c) for r in rules for c in r.conditions.values() if c.op == "says"}
    assert len(specs) >= 40
    assert all(phrasescan.parse(p) is not None for _, p, _ in specs)


@pytest.mark.parametrize("pattern", [r"\bwait\w*[\W_]+on", r"\bwaits?\b|x", r"(?:\bwait|\bon)x", r"\bWait",
                                     r"(?:\bwait\w*[\W_]+on)+", r"\bwait\w*(?:[\W_]+[^\W_]+){0,4}[\W_]+on",
                                     r"\bwait[\W_]+on", "wait on", r"\bcafé"])
def test_a_pattern_of_any_other_shape_is_not_read_as_phrases(pattern):
    assert phrasescan.parse(pattern) is None or phrasescan.unparse(phrasescan.parse(pattern)) == pattern
    if pattern != r"\bwait\w*[\W_]+on":
        assert phrasescan.parse(pattern) is None


@needs_module
def test_plan_hands_phrase_families_to_the_word_matcher(monkeypatch):
    if textscan._textscan is None:
        pytest.skip("rules.matcher._textscan not built here")
    monkeypatch.setenv(textscan.ENV, "module")
    specs = (("regex", phrases_pattern(("wait on",)), True), ("regex", r"\bwait", False),
             ("regex", phrases_pattern(("slow ci",)), True))
    plan = textscan.plan(specs)
    assert isinstance(plan.scanner, textscan.Joined)
    grid = textscan.answers(plan, ["waiting on CI", "Wait on", "slow_ci", "a slow CIs", "slow ci\n", "é wait on"])
    # '_' separates two words of a phrase, as [\W_]+ does in RE2
    assert [list(grid[j]) for j in plan.ids] == [[1, 1, 0, 0, 0, -1], [1, 0, 0, 0, 0, -1], [0, 0, 1, 1, 1, -1]]


@pytest.fixture(scope="module")
def synthetic() -> tuple[object, list]:
    tables = generate(20_000, seed=3)
    df = enrich(tables["activities"], tables["people"], tables["identities"], tables["repositories"])
    return df, load_rules(["default"], Path(".")).enabled()


@needs_module
def test_same_signals_with_the_word_matcher_and_with_re2_alone(synthetic, monkeypatch):
    """The differential test on 20,000 generated activities: the C path against the pure-Python (RE2) path."""
    if textscan._textscan is None:
        pytest.skip("rules.matcher._textscan not built here")
    df, rules = synthetic
    found = {}
    for path in ("module", "off"):
        monkeypatch.setenv(textscan.ENV, path)
        found[path] = {(int(r), h.rule.id, str(lv)) for h in match_all(Frame(df), rules)
                       for r, lv in zip(h.rows, h.levels, strict=True)}
    assert found["module"] == found["off"]
    assert len(found["off"]) > 1000


def test_the_word_matcher_is_built_wherever_the_hyperscan_module_is():
    """Both are optional extensions of one install: a compiler that built one builds the other (it needs no
    library), so a missing word matcher next to the Hyperscan module is a broken build, not a machine's choice."""
    if textscan._textscan is None:
        pytest.skip("rules.matcher._textscan not built here")
    assert phrasescan.built(), "rules.matcher._phrasescan was not built: reinstall (pip install -e .)"
