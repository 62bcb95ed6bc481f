"""The vectorised engine and the naive per-record interpreter agree on every generated activity."""

from __future__ import annotations

from pathlib import Path

import pytest

from leadsig.rules.language.loader import load_rules
from leadsig.rules.matcher import naive, textscan
from leadsig.rules.matcher.engine import Frame, match_all
from leadsig.rules.matcher.enrich import enrich
from leadsig.rules.matcher.synthetic import generate


def test_default_pack_same_signals_both_engines():
    tables = generate(4000, seed=7)
    df = enrich(tables["activities"], tables["people"], tables["identities"], tables["repositories"])
    rules = load_rules(["default"], Path(".")).enabled()
    vectorised = {(int(r), h.rule.id, str(lv)) for h in match_all(Frame(df), rules)
                  for r, lv in zip(h.rows, h.levels, strict=True)}
    per_record = {(i, rule_id, lv) for i, rec in enumerate(df.to_dict("records"))
                  for rule_id, lv in naive.classify_record(rules, rec)}
    assert vectorised == per_record
    assert len({rule for _, rule, _ in vectorised}) >= 10  # the data exercises most rules
    assert not [row for row, _, _ in vectorised if df.loc[row, "person_id"] is None]
    assert not df.loc[[row for row, _, _ in vectorised], "actor_is_bot"].any()


def _hits(df, rules) -> set:
    return {(int(r), h.rule.id, str(lv)) for h in match_all(Frame(df), rules)
            for r, lv in zip(h.rows, h.levels, strict=True)}


def test_awkward_texts_same_signals_both_engines():
    """Non-ASCII, vertical tabs and final newlines: texts the Hyperscan path hands back to RE2."""
    tables = generate(3000, seed=5)
    df = enrich(tables["activities"], tables["people"], tables["identities"], tables["repositories"])
    bodies = df["body"].to_numpy(object)
    for i in range(0, len(bodies), 3):
        bodies[i] = bodies[i] + ("\n", " café", "\v", "\u017fummary").__getitem__(i % 4)
    df["body"] = bodies
    rules = load_rules(["default"], Path(".")).enabled()
    per_record = {(i, rule_id, lv) for i, rec in enumerate(df.to_dict("records"))
                  for rule_id, lv in naive.classify_record(rules, rec)}
    assert _hits(df, rules) == per_record


@pytest.mark.parametrize("build", ["module", "hyperscan"])
def test_same_signals_with_each_hyperscan_build_and_without(monkeypatch, build):
    if getattr(textscan, "_textscan" if build == "module" else "hyperscan") is None:
        pytest.skip(f"{build} not installed here")
    tables = generate(3000, seed=9)
    df = enrich(tables["activities"], tables["people"], tables["identities"], tables["repositories"])
    bodies = df["body"].to_numpy(object)
    bodies[::5] = [b + ("\n", " café", "\v", "\x00 recap", "\u017fummary")[i % 5] for i, b in enumerate(bodies[::5])]
    df["body"] = bodies
    rules = load_rules(["default"], Path(".")).enabled()
    monkeypatch.setenv(textscan.ENV, build)
    with_build = _hits(df, rules)
    monkeypatch.setenv(textscan.ENV, "off")
    assert not textscan.available()
    assert _hits(df, rules) == with_build
