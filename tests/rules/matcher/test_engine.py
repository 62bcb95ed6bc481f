"""The vectorised engine's evaluation paths: kinds, missing values, subsets before whole columns, short-circuit."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from leadsig.rules.language.expr import parse
from leadsig.rules.language.loader import load_rules
from leadsig.rules.language.model import Condition
from leadsig.rules.language.regex import compile_pattern
from leadsig.rules.matcher import naive
from leadsig.rules.matcher.engine import Frame, evaluate, match_rule
from leadsig.rules.matcher.records import records_frame


def cond(name: str, field: str, ftype: str, op: str, value) -> Condition:
    return Condition(name, field, ftype, op, value)


def frame(n: int = 200) -> tuple[Frame, list[dict]]:
    rng = np.random.default_rng(5)
    words = ["because", "lgtm", "nit", "Consider", "flaky", "", None]
    records = [{"kind": "pr_comment" if i % 3 else "commit", "body": None if words[i % 7] is None else
                f"{words[i % 7]} {words[int(rng.integers(0, 6))]} #{i}", "additions": float(i % 11) if i % 5 else None}
               for i in range(n)]
    return Frame(records_frame(records)), records


def test_subset_then_whole_column_of_the_same_field():
    f, records = frame()
    regex = cond("m", "body", "text", "matches", compile_pattern(r"\bconsider\b", ignore_case=True))
    contains = cond("c", "body", "text", "contains", ("because",))
    for rows in (np.arange(5), np.arange(30), np.arange(len(records))):  # rows alone; per value; one scan
        for c in (regex, contains):
            assert list(f.test(c, rows)) == [naive.test(c, records[i]) for i in rows]


def test_missing_numbers_fail_every_comparison_but_exists_false():
    f, records = frame()
    every = np.arange(len(records))
    for op, value in (("gte", 3), ("ne", 3), ("lt", 100), ("in", (1, 2)), ("not_in", (1,)), ("exists", False)):
        c = cond("x", "additions", "number", op, value)
        assert list(f.test(c, every)) == [naive.test(c, complete) for complete in f.df.to_dict("records")], op


def test_short_circuit_gives_the_same_answers_as_full_evaluation():
    f, records = frame()
    conds = {"long": cond("long", "body_length", "number", "gte", 9),
             "why": cond("why", "body", "text", "matches", compile_pattern("because|consider", ignore_case=True)),
             "nit": cond("nit", "body", "text", "contains", ("nit",))}
    tree = parse("(long and why) or not (nit or long)")
    every = np.arange(len(records))
    rows = f.df.to_dict("records")
    assert list(evaluate(f, tree, conds, every)) == [naive.holds(tree, conds, r) for r in rows]


def test_n_of_gives_the_naive_answers():
    """`2 of (...)` reaches the engine as and/or: the vectorised pruning and the naive reader agree on it."""
    f, records = frame()
    conds = {"long": cond("long", "body_length", "number", "gte", 9),
             "why": cond("why", "body", "text", "matches", compile_pattern("because|consider", ignore_case=True)),
             "nit": cond("nit", "body", "text", "contains", ("nit",)),
             "big": cond("big", "additions", "number", "gte", 5)}
    tree = parse("2 of (long, why, not nit, big)")
    rows = f.df.to_dict("records")
    got = list(evaluate(f, tree, conds, np.arange(len(records))))
    assert got == [naive.holds(tree, conds, r) for r in rows]
    assert 0 < sum(got) < len(got)


def test_rules_only_see_their_kinds_and_eligible_people():
    rules = load_rules(["default"], Path("."))
    docs = rules.get("writes_documentation.docs_commit")
    records = [{"kind": "commit", "path_groups": ["docs"], "additions": 500, "body": "Guide"},
               {"kind": "pr_comment", "path_groups": ["docs"], "additions": 500, "body": "Guide"},
               {"kind": "commit", "path_groups": ["docs"], "additions": 500, "body": "Guide", "person_id": None},
               {"kind": "commit", "path_groups": ["docs"], "additions": 500, "body": "Guide", "actor_is_bot": True}]
    hits = match_rule(Frame(records_frame(records)), docs)
    assert list(hits.rows) == [0] and list(hits.levels) == ["high"]


def test_text_scans_measure_texts_not_the_body_length_column():
    """body_length comes with the frame; a text scan that trusted it would read its neighbours' text."""
    records = [{"kind": "pr_comment", "body": f"{'x' * (i % 7)} because {i}" if i % 2 else f"plain {i}",
                "body_length": float(i % 3)} for i in range(300)]
    f = Frame(records_frame(records))
    every = np.arange(len(records))
    rows = f.df.to_dict("records")
    for c in (cond("m", "body", "text", "matches", compile_pattern(r"^x*\s?because\b")),
              cond("w", "body", "text", "matches", compile_pattern(r"because \d+$")),
              cond("c", "body", "text", "contains", ("because", "plain 1", "s 2"))):
        assert list(f.test(c, every)) == [naive.test(c, r) for r in rows], c.name
