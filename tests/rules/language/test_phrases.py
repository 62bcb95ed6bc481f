"""Phrase families match what people write, not what the rule file spells out."""

from __future__ import annotations

import pytest

from leadsig.errors import UserError
from leadsig.rules.language.loader import load_rules
from leadsig.rules.language.phrases import PhraseError, phrase_pattern
from leadsig.rules.language.regex import compile_pattern


def says(phrase: str, text: str) -> bool:
    return compile_pattern(phrase_pattern(phrase), ignore_case=True).search(text)


@pytest.mark.parametrize("phrase,text", [
    ("waiting on review", "PRs keep Waiting-on reviews for ages"),
    ("summary", "to summarise the thread"),
    ("summary", "Summaries below"),
    ("hand * over", "I'm handing this all over to Priya"),
    ("hand * over", "hand over"),
    ("ci is slow", "fyi: CI is   slow again!!"),
    ("let's decide", "ok, let’s decide by Friday"),
    ("flaky test", "the flaky tests block merges"),
])
def test_a_phrase_matches_its_inflections_and_punctuation(phrase: str, text: str) -> None:
    assert says(phrase, text)


@pytest.mark.parametrize("phrase,text", [
    ("ci is slow", "the city is slow to wake"),      # short words match exactly
    ("hand * over", "hand it to them, and then much later over"),  # at most three words in between
    ("waiting on review", "review: waiting on"),     # word order holds
    ("summary", "summer"),
])
def test_a_phrase_does_not_match_near_neighbours(phrase: str, text: str) -> None:
    assert not says(phrase, text)


@pytest.mark.parametrize("phrase,text,hit", [
    ("tests =take", "our tests take 40 minutes", True),
    ("tests =take", "the e2e tests takes ages", True),
    ("tests =take", "tests taken from upstream", False),   # the mark: no other ending
    ("tests take", "tests taken from upstream", True),     # without it, any ending of the stem
    ("=waiting * on", "Waiting again on infra", True),
    ("=waiting * on", "the waitlist grows on mondays", False),
])
def test_an_exact_mark_keeps_a_word_to_itself(phrase: str, text: str, hit: bool) -> None:
    assert bool(says(phrase, text)) is hit


@pytest.mark.parametrize("phrase", ["*", "* over", "hand *", "a * * b", "   ", "a b c d e f g h i j k l m"])
def test_malformed_phrases_are_refused(phrase: str) -> None:
    with pytest.raises(PhraseError):
        phrase_pattern(phrase)


def _rule_file(tmp_path, lexicons: str, says_value: str):
    path = tmp_path / "r.yaml"
    path.write_text(lexicons + f"""
rules:
  - id: t.says
    version: 1
    type: operational
    indicator: identifies_bottlenecks
    kinds: [pr_comment]
    conditions:
      cue: {{field: body, says: {says_value}}}
    match: cue
    summary: x
""")
    return path


def test_a_lexicon_is_shared_and_a_later_layer_replaces_it(tmp_path) -> None:
    base = _rule_file(tmp_path, "lexicons:\n  waits: [waiting on review]\n", '"@waits"')
    local = tmp_path / "local.yaml"
    local.write_text("lexicons:\n  waits: [review queue]\n")
    rule = load_rules([str(base), str(local)], tmp_path).rules[0]
    assert rule.conditions["cue"].value.search("the review queue is long")
    assert not rule.conditions["cue"].value.search("waiting on review")


def test_an_undefined_lexicon_and_a_bad_phrase_are_located(tmp_path) -> None:
    path = _rule_file(tmp_path, "lexicons:\n  waits: [waiting on review]\n", '"@wait"')
    with pytest.raises(UserError) as err:
        load_rules([str(path)], tmp_path)
    assert "undefined list '@wait'" in str(err.value) and "did you mean 'waits'" in str(err.value)
    path = _rule_file(tmp_path, "", '["hand *"]')
    with pytest.raises(UserError) as err:
        load_rules([str(path)], tmp_path)
    assert f"{path}:9" in str(err.value) and "'*' stands between two words" in str(err.value)


def test_phrase_patterns_build_the_same_from_many_threads() -> None:
    """Two nightly runs load rules at once: the shared stemmer must not be entered by two threads."""
    from concurrent.futures import ThreadPoolExecutor

    from leadsig.rules.language import phrases

    words = [f"{w}{suffix}" for w in ("handing", "waiting", "reviews", "decisions", "bottlenecks", "summaries")
             for suffix in ("", "s", "ing", "ed", "ly", "ness")]
    phrases._stem.cache_clear()
    with ThreadPoolExecutor(8) as pool:
        got = list(pool.map(lambda w: phrase_pattern(f"{w} over {w}"), words * 20))
    phrases._stem.cache_clear()
    assert got == [phrase_pattern(f"{w} over {w}") for w in words * 20]


def test_a_phrase_pattern_does_not_scan_for_the_last_words_ending() -> None:
    """"Any ending" of the last word changes no answer (a search stops at the stem), but costs the text scan a
    loop per candidate: the pattern ends at the stem; every ending still matches."""
    assert not phrase_pattern("waiting on review").endswith(r"\w*")
    texts = ("waiting on reviews", "waited on reviewers", "wait on review")
    assert all(says("waiting on review", text) for text in texts)
    assert not says("waiting on review", "waiting on a review")
