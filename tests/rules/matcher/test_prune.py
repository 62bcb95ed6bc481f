"""Ruling rows out before the texts are read never drops a row a rule matches (rules.matcher.prune, stages)."""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np
import pytest

from leadsig.rules.language.expr import And, Node, Not, Or, Ref
from leadsig.rules.language.loader import load_rules
from leadsig.rules.matcher import naive, prune, textscan
from leadsig.rules.matcher.engine import Frame, evaluate, match_all
from leadsig.rules.matcher.enrich import enrich
from leadsig.rules.matcher.synthetic import generate


@pytest.fixture(scope="module")
def world():
    tables = generate(1500, seed=21)
    df = enrich(tables["activities"], tables["people"], tables["identities"], tables["repositories"])
    return df, load_rules(["default"], Path(".")).enabled()


def _tree(rnd: random.Random, names: list[str], depth: int = 0) -> Node:
    if depth >= 3 or rnd.random() < 0.3:
        return Ref(rnd.choice(names))
    kind = rnd.choice(["and", "or", "not"])
    if kind == "not":
        return Not(_tree(rnd, names, depth + 1))
    items = tuple(_tree(rnd, names, depth + 1) for _ in range(rnd.randint(2, 4)))
    return And(items) if kind == "and" else Or(items)


def test_random_trees_of_cheap_and_text_tests_keep_every_row_that_holds(world):
    """Three-valued reading (text tests unknown, or known from a first scan) against the plain evaluation."""
    df, rules = world
    frame = Frame(df)
    conds = {f"{r.id}.{n}": c for r in rules for n, c in r.conditions.items()}
    names = sorted(conds)
    assert any(prune.deferred(c) for c in conds.values()) and not all(prune.deferred(c) for c in conds.values())
    texts = sorted({prune.signature(c) for c in conds.values() if prune.deferred(c)})
    rnd = random.Random(3)
    idx = np.arange(frame.n)
    narrowed = 0
    for _ in range(150):
        tree = _tree(rnd, names)
        held = idx[evaluate(frame, tree, conds, idx)]
        known = frozenset(rnd.sample(texts, len(texts) // 2))
        for k in (frozenset(), known):
            kept = prune.open_rows(tree, conds, idx, frame.test, k)
            assert np.isin(held, kept).all(), (tree, k)
            assert (kept[1:] > kept[:-1]).all()  # ascending, no repeats
            assert np.array_equal(kept[evaluate(frame, tree, conds, kept)], held)
            narrowed += kept.size < idx.size
    assert narrowed > 30  # the trees did rule rows out


@pytest.mark.parametrize("path", ["module", "off"])
def test_the_default_pack_matches_the_naive_loop_with_rows_ruled_out_first(world, monkeypatch, path):
    if path == "module" and textscan._textscan is None:
        pytest.skip("rules.matcher._textscan not built here")
    df, rules = world
    monkeypatch.setenv(textscan.ENV, path)
    frame = Frame(df)
    found = {(int(r), h.rule.id, str(lv)) for h in match_all(frame, rules)
             for r, lv in zip(h.rows, h.levels, strict=True)}
    assert found == {(i, rule_id, lv) for i, rec in enumerate(df.to_dict("records"))
                     for rule_id, lv in naive.classify_record(rules, rec)}
    assert sum(frame.open_rows(r).size for r in rules) < sum(frame.rows_of(r.kinds).size for r in rules)
