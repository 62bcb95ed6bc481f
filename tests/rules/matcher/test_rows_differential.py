"""Signal rows built as columns (rules.matcher.rows) are the per-row builder's rows, every field of every row.

The per-row builder (rules.matcher.classify.per_row_signals: one dict per matched row, then one_per_act) is
the reference; both run on the same frames: generated activity with the default pack, the same frame with
the awkward values a warehouse can hold, and the evaluation corpus as `leadsig rules eval` classifies it.
"""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from leadsig.rules.evaluation import evaluate as E
from leadsig.rules.language.loader import load_rules
from leadsig.rules.matcher.classify import compute_signals, per_row_signals
from leadsig.rules.matcher.engine import Frame, match_all
from leadsig.rules.matcher.enrich import enrich
from leadsig.rules.matcher.overlap import merged_pr
from leadsig.rules.matcher.rows import SPARSE, _conditions
from leadsig.rules.matcher.signals import signal_columns, values
from leadsig.rules.matcher.synthetic import generate

MERGED_PR = re.compile(r"merge pull request #(\d+)|\(#(\d+)\)\s*$|see merge request \S*!(\d+)", re.I | re.M)
ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="module")
def rules() -> list[Any]:
    return load_rules(["default"], ROOT).enabled()


@pytest.fixture(scope="module")
def generated() -> pd.DataFrame:
    tables = generate(12_000, seed=3)
    return enrich(tables["activities"], tables["people"], tables["identities"], tables["repositories"])


def same_rows(df: pd.DataFrame, rules: list[Any]) -> list[dict[str, Any]]:
    """The column-built rows, after checking them against the reference field by field (a clear first diff)."""
    want, got = per_row_signals(df, rules), compute_signals(df, rules)
    assert len(got) == len(want)
    for i, (g, w) in enumerate(zip(got, want, strict=True)):
        assert list(g) == list(w), f"row {i}: keys"
        for key in w:
            assert g[key] == w[key], f"row {i} ({w['activity_id']}, {w['rule_id']}): {key}"
            assert type(g[key]) is type(w[key]), f"row {i}: type of {key}"
        assert list(g["why"]) == list(w["why"]), f"row {i}: keys of why"
        assert list(g["why"]["conditions"]) == list(w["why"]["conditions"]), f"row {i}: order of conditions"
    return got


@pytest.fixture(scope="module")
def hits(generated, rules) -> list[Any]:
    return match_all(Frame(generated), rules)


def test_generated_activity_same_rows(generated, rules, hits):
    got = same_rows(generated, rules)
    matched = sum(len(h.rows) for h in hits)
    assert len({r["rule_id"] for r in got}) >= 10  # most rules have rows to compare
    assert len(got) < matched  # one_per_act set some aside ...
    assert any(r["why"].get("also") for r in got)  # ... and the kept rows name them


def test_merge_commits_same_rows(generated, rules):
    """Each opened pull request also landed as a merge commit, in the three forms one_per_act knows."""
    prs = generated[generated["kind"] == "pr_opened"]
    tails = ["\n\nMerge pull request #{n} from a/b", " (#{n})", "\n\nSee merge request acme/app!{n}"]
    commits = prs.assign(kind="commit", id=prs["id"] + ":merge", url=prs["url"] + "/merge",
                         body=[f"{b}{tails[i % 3].format(n=int(n))}" for i, (b, n) in
                               enumerate(zip(prs["body"], prs["parent_number"], strict=True))])
    df = pd.concat([generated, commits], ignore_index=True)
    got = same_rows(df, rules)
    kinds = dict(zip(df["id"], df["kind"], strict=True))
    merged = [a for r in got if kinds[r["activity_id"]] == "pr_opened" for a in r["why"].get("also", [])
              if a.endswith("/merge")]
    assert len(merged) >= 3  # merge commits were set aside for their pull request's row


def test_awkward_values_same_rows(generated, rules):
    """Timestamps in an object column, missing urls, shuffled rows under a non-default index."""
    df = generated.sample(frac=1.0, random_state=4)
    df.index = np.arange(len(df))[::-1] * 3
    df["occurred_at"] = pd.Series(list(df["occurred_at"]), index=df.index, dtype=object)
    urls = df["url"].to_numpy(object).copy()
    urls[::7] = None
    df["url"] = urls
    got = same_rows(df, rules)
    assert all(type(r["occurred_at"]) is datetime for r in got)
    assert any(r["evidence_url"] is None for r in got)


def test_one_and_no_signal_same_rows(generated, rules, hits):
    row = next(int(h.rows[0]) for h in hits if len(h.rows))
    assert len(same_rows(generated.iloc[[row]], rules)) >= 1
    assert same_rows(generated.iloc[:0], rules) == []


def test_why_values_read_where_held_are_the_whole_columns(generated, rules):
    """signal_columns reads a field's values only on the rows where one of its conditions held: there they are
    the values read on every row of the rule (the reference), value and type."""
    frame = Frame(generated)
    checked = 0
    for h in match_all(frame, rules):
        if not len(h.rows):
            continue
        cols = signal_columns(frame, h)
        for name, held, vals in zip(cols.names, cols.held, cols.vals, strict=True):
            whole = values(frame, h.rule.conditions[name].field, h.rows)
            for j in np.flatnonzero(held).tolist():
                assert vals[j] == whole[j] or (vals[j] != vals[j] and whole[j] != whole[j]), (h.rule.id, name, j)
                assert type(vals[j]) is type(whole[j]), (h.rule.id, name, j)
                checked += 1
    assert checked > 5_000


def test_why_conditions_a_pattern_or_a_name_at_a_time(generated, rules):
    """``why.conditions`` as the per-row builder makes them (each held name, in the rule's order), whether made
    a pattern of held conditions at a time or, where patterns have few rows, a name at a time: both ran."""
    frame = Frame(generated)
    ways = set()
    for h in match_all(frame, rules):
        if not len(h.rows) or not (cols := signal_columns(frame, h)).names:
            continue
        want: list[dict[str, Any]] = [{} for _ in h.rows]
        for name, held, vals in zip(cols.names, cols.held, cols.vals, strict=True):
            for j in np.flatnonzero(held).tolist():
                want[j][name] = vals[j]
        got = _conditions(cols)
        assert [list(g.items()) for g in got] == [list(w.items()) for w in want], h.rule.id
        patterns = len({tuple(x[j] for x in cols.held) for j in range(len(h.rows))})
        ways.add(patterns * SPARSE > len(h.rows))
    assert ways == {True, False}


def first_match(body: Any) -> int | None:
    """The reference: MERGED_PR's three forms in one search."""
    m = MERGED_PR.search(body) if isinstance(body, str) else None
    return int(next(g for g in m.groups() if g)) if m else None


def test_merge_commit_numbers_as_one_search_finds_them(generated):
    """overlap.merged_pr searches the forms apart: the same number as MERGED_PR's one search, whichever comes
    first in the body, on every generated body and on bodies with several forms, case and line ends."""
    tricky = ["Merge pull request #4 from a/b (#5)", "x (#5)\nMerge pull request #4", "MERGE PULL REQUEST #7",
              "See merge request a/b!3 (#9)", "(#9) \nsee Merge Request g/p!3", "(#9) x", "a (#12)  ", "(#1)\n(#2)",
              "\u017fee merge request a!6", "merge pull request #x (#3)", "see merge request a b!4", "#5 !6 (#)",
              None, 12, "", "(#0)"]
    bodies = [*generated["body"].tolist(), *tricky, *[t.upper() for t in tricky if isinstance(t, str)]]
    assert [merged_pr(b) for b in bodies] == [first_match(b) for b in bodies]
    assert {first_match(t) for t in tricky} >= {4, 5, 7, 3, 9, 12, 1, 6, 0, None}


def test_evaluation_corpus_same_rows(monkeypatch):
    """The corpus as `leadsig rules eval` reads it, its frame handed to both builders: one file (the whole
    corpus, 4,292 items, takes minutes here; benchmarks/RESULTS.md has its run)."""
    seen: list[tuple[pd.DataFrame, list[Any]]] = []

    def both(df: pd.DataFrame, rules: list[Any]) -> list[dict[str, Any]]:
        seen.append((df, rules))
        return same_rows(df, rules)

    monkeypatch.setattr(E, "compute_signals", both)
    scores = E.evaluate_files([ROOT / "rules" / "eval" / "dev.jsonl"], E.Settings(layers=["default"], base_dir=ROOT))
    assert seen and len(scores.outcomes) > 300
    assert sum(len(o.signals) for o in scores.outcomes) > 100
