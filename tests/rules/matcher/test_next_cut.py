"""The passes between the first and the last, and tests on a column read per subset or whole, change no answer.

rules.matcher.stages scans the next cut of a rule still open on many rows before the last pass; the engine
factorises a column once the rows tested on it add up to half of it (Frame._few, Frame.raw_at). The naive
loop is the reference.
"""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np
import pytest

from leadsig.rules.language.loader import load_rules
from leadsig.rules.matcher import naive, prune, stages, textscan
from leadsig.rules.matcher.engine import Frame, match_all
from leadsig.rules.matcher.enrich import enrich
from leadsig.rules.matcher.synthetic import generate


@pytest.fixture(scope="module")
def world():
    tables = generate(1500, seed=33)
    df = enrich(tables["activities"], tables["people"], tables["identities"], tables["repositories"])
    rules = load_rules(["default"], Path(".")).enabled()
    expected = {(i, rule_id, lv) for i, rec in enumerate(df.to_dict("records"))
                for rule_id, lv in naive.classify_record(rules, rec)}
    return df, rules, expected


def _found(frame: Frame, rules: list) -> set:
    return {(int(r), h.rule.id, str(lv)) for h in match_all(frame, rules)
            for r, lv in zip(h.rows, h.levels, strict=True)}


@pytest.mark.parametrize("wide", [10**9, 8])
def test_scanning_the_next_cut_of_wide_open_rules_keeps_the_naive_answers(world, monkeypatch, wide):
    """Every rule with an open row counts as wide open, or those open on 1/8 of their kinds: answers stay."""
    if textscan._textscan is None:
        pytest.skip("rules.matcher._textscan not built here")
    df, rules, expected = world
    monkeypatch.setenv(textscan.ENV, "module")
    monkeypatch.setattr(stages, "WIDE_MIN", 0)
    monkeypatch.setattr(stages, "WIDE", wide)
    passes: list[bool] = []
    real = stages._next_cut

    def spy(*args, **kwargs):
        passes.append(real(*args, **kwargs))
        return passes[-1]

    monkeypatch.setattr(stages, "_next_cut", spy)
    frame = Frame(df)
    assert _found(frame, rules) == expected
    assert passes and passes[0]  # a pass between the first and the last did read texts
    assert sum(frame.open_rows(r).size for r in rules) < sum(frame.rows_of(r.kinds).size for r in rules)


def test_without_the_c_modules_there_is_no_middle_pass_and_the_answers_stay(world, monkeypatch):
    df, rules, expected = world
    monkeypatch.setenv(textscan.ENV, "off")
    monkeypatch.setattr(stages, "WIDE_MIN", 0)
    assert _found(Frame(df), rules) == expected


@pytest.mark.parametrize("few", [True, False])
def test_a_cheap_test_answers_alike_per_subset_or_on_the_whole_column(world, monkeypatch, few):
    """The rows of each rule's kinds, in random subsets, read per subset (few) or factorised whole."""
    df, rules, _ = world
    conds = [c for r in rules for c in r.conditions.values() if not prune.deferred(c)]
    assert any(c.field.startswith("extra.") for c in conds)
    fresh, forced = Frame(df), Frame(df)
    monkeypatch.setattr(Frame, "_few", lambda self, name, idx: few)
    rnd = random.Random(4)
    for c in conds:
        idx = np.array(sorted(rnd.sample(range(fresh.n), rnd.randint(1, fresh.n // 9))), np.int64)
        expected = np.array([naive.test(c, rec) for rec in df.iloc[idx].to_dict("records")], bool)
        assert np.array_equal(forced.test(c, idx), expected), c
        if c.field.startswith("extra."):
            assert forced.raw_at(c.field, idx).tolist() == fresh.raw(c.field)[idx].tolist(), c


def test_a_cheap_test_asked_again_on_overlapping_rows_answers_as_the_naive_loop(world, monkeypatch):
    """Each rule's tree is read up to three times on shrinking rows: answers kept per row must be the right rows'."""
    df, rules, _ = world
    conds = [c for r in rules for c in r.conditions.values() if not prune.deferred(c)]
    frame = Frame(df)
    monkeypatch.setattr(Frame, "_few", lambda self, name, idx: True)  # every test a subset test
    rnd = random.Random(8)
    records = df.to_dict("records")
    for _ in range(3):
        for c in conds:
            idx = np.array(sorted(rnd.sample(range(frame.n), rnd.randint(1, frame.n // 5))), np.int64)
            expected = np.array([naive.test(c, records[i]) for i in idx], bool)
            assert np.array_equal(frame.test(c, idx), expected), c


def test_the_last_pass_reads_each_rules_tests_on_that_rules_open_rows(world, monkeypatch):
    """Rule by rule: a test two rules share is answered on both rules' rows, and the answers are the naive loop's."""
    if textscan._textscan is None:
        pytest.skip("rules.matcher._textscan not built here")
    df, rules, expected = world
    monkeypatch.setenv(textscan.ENV, "module")
    calls: list[tuple[str, set[str]]] = []
    real = Frame.scan_texts

    def spy(self, name, conds, rows):
        calls.append((name, real(self, name, conds, rows)))
        return calls[-1][1]

    monkeypatch.setattr(Frame, "scan_texts", spy)
    frame = Frame(df)
    assert _found(frame, rules) == expected
    texts, _ = stages._text_tests(rules)
    ascii_ = np.array([isinstance(t, str) and t.isascii() for t in frame.raw("body")])
    shared = 0
    for i, rule in enumerate(rules):
        rows = frame.open_rows(rule)
        scanned = {s for name, got in calls if name == "body" for s in got}
        for sig, (_, used) in texts.get("body", {}).items():
            if i not in used or not rows.size or sig not in scanned:
                continue
            answers = frame._cache[("body", sig)][rows[ascii_[rows]]]
            assert (answers >= 0).all(), (rule.id, sig)
            shared += len(used) > 1
    assert shared  # some test is used by two rules or more
    assert len([c for c in calls if c[0] == "body"]) > 3  # more than the first, the next cuts and one last scan


def test_text_tests_left_to_re2_answer_alike_with_or_without_a_union_prefilter(world, monkeypatch):
    """The union prefilter is skipped when no rule has rows left for its tests; asked later, they answer as naive."""
    df, rules, _ = world
    monkeypatch.setenv(textscan.ENV, "off")  # every text test left to RE2
    conds = dict(sorted({prune.signature(c): c for r in rules for c in r.conditions.values()
                         if c.field == "body" and c.op == "matches"}.items())[:24])
    records = df.to_dict("records")
    idx = np.array(sorted(random.Random(5).sample(range(len(df)), 300)), np.int64)
    expected = {s: np.array([naive.test(c, records[i]) for i in idx], bool) for s, c in conds.items()}
    assert any(e.any() for e in expected.values())
    for rows in (np.empty(0, np.int64), idx):
        frame = Frame(df)
        frame.union_prefilter("body", conds, rows)
        assert ("body" in frame._prefilter) == bool(rows.size)
        for s, c in conds.items():
            assert np.array_equal(frame.test(c, idx), expected[s]), c
