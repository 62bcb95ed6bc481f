"""Operators are declared once: the loader, both engines and the docs read the registry, so a new operator is one
entry (registered here for the length of a test) and works in a rule without touching any other module."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import numpy as np
import pytest

from leadsig.rules.language import fields as F
from leadsig.rules.language import operators as O
from leadsig.rules.language.loader import check_rules, load_rules
from leadsig.rules.matcher import naive, textscan
from leadsig.rules.matcher.engine import Frame, match_rule
from leadsig.rules.matcher.examples import run_examples
from leadsig.rules.matcher.explain import explain_record
from leadsig.rules.matcher.records import records_frame

LONGER_THAN = O.Operator(
    "longer_than", (F.TEXT, F.STR), O.single(numeric=True),
    predicate=lambda c: lambda v: isinstance(v, str) and len(v) > c.value, cost=lambda c: 5)
HAS_WORD = O.Operator(  # with a scan form: Hyperscan and the joined RE2 scan answer it on many texts at once
    "has_word", (F.TEXT, F.STR), O.items(list_only=False, text=True),
    predicate=lambda c: lambda v: isinstance(v, str) and any(
        re.search(rf"\b{re.escape(w)}\b", v, 0 if c.case_sensitive else re.I) for w in c.value),
    scan=lambda c: ("regex", r"\b(?:" + "|".join(re.escape(w) for w in c.value) + r")\b", not c.case_sensitive),
    cost=lambda c: 30)

RULE = """\
    rules:
      - id: local.long_thanks
        version: 1
        type: communication
        indicator: writes_documentation
        kinds: [pr_comment]
        conditions:
          long: {field: body, longer_than: 30}
          thanks: {field: body, has_word: [thanks, kudos]}
        match: long and thanks
        summary: "{actor_login} thanked someone at length"
        examples:
          - {name: long thanks, expect: low, activity: {body: "Thanks for the careful review of the retry code!"}}
          - {name: short thanks, expect: none, activity: {body: "thanks!"}}
          - {name: thanksgiving, expect: none, activity: {body: "Happy thanksgiving to everyone on the team"}}
    """


@pytest.fixture
def registered(monkeypatch):
    for op in (LONGER_THAN, HAS_WORD):
        monkeypatch.setitem(O.OPERATORS, op.name, op)


def rule_file(tmp_path: Path, text: str = RULE) -> str:
    (tmp_path / "local.yaml").write_text(textwrap.dedent(text))
    return "local.yaml"


def records(n: int = 400) -> list[dict]:
    words = ["thanks", "Kudos", "thanksgiving", "no", "THANKS a lot", ""]
    return [{"kind": "pr_comment", "body": f"{words[i % 6]} {'x' * (i % 41)} #{i}" if i % 9 else None}
            for i in range(n)]


def test_a_registered_operator_is_usable_in_a_rule(registered, tmp_path):
    rule = load_rules([rule_file(tmp_path)], tmp_path).get("local.long_thanks")
    assert [o.verdict for o in run_examples(rule).outcomes] == ["tp", "tn", "tn"]
    why = explain_record({"kind": "pr_comment", "body": "Thanks for the careful review of the retry code!",
                          "person_id": "p"}, load_rules([rule_file(tmp_path)], tmp_path))
    assert [(c.op, c.held) for c in why.rules[0].conditions] == [("longer_than", True), ("has_word", True)]


@pytest.mark.parametrize("path", ["off", "module", "hyperscan"])
def test_both_engines_agree_on_a_registered_operator(registered, tmp_path, monkeypatch, path):
    if path != "off" and (textscan._textscan if path == "module" else textscan.hyperscan) is None:
        pytest.skip(f"{path} not installed here")
    monkeypatch.setenv(textscan.ENV, path)
    rule = load_rules([rule_file(tmp_path)], tmp_path).get("local.long_thanks")
    frame = Frame(records_frame(records()))
    frame.prescan([rule])
    rows = frame.df.to_dict("records")
    expected = [i for i, r in enumerate(rows) if naive.classify_record([rule], r)]
    assert list(match_rule(frame, rule).rows) == expected
    assert len(expected) > 20


def test_the_loader_checks_a_registered_operator_by_its_declaration(registered, tmp_path):
    bad = RULE.replace("longer_than: 30", "longer_than: lots").replace("body, has_word", "files, has_word")
    _, found = check_rules([rule_file(tmp_path, bad)], tmp_path)
    assert sorted((p.code, p.line) for p in found.errors) == [("op-type", 9), ("type", 8)]
    assert "longer_than on 'body' takes a number" in found.errors[0].message + found.errors[1].message


def test_an_operator_not_registered_is_unknown(tmp_path):
    _, found = check_rules([rule_file(tmp_path)], tmp_path)
    assert {p.code for p in found.errors} == {"unknown-operator"}


def test_every_operator_declares_its_forms():
    for op in O.OPERATORS.values():
        assert op.types and set(op.types) <= set(O.EVERY_TYPE), op.name
        assert (op.predicate is None) is op.compares_fields, op.name  # one value, or two fields' values
    assert O.thresholds() == ("eq", "lt", "lte", "gt", "gte")
    assert O.alias_of("at_least") == "gte" and O.alias_of("regex") == "matches" and O.alias_of("nope") is None
    assert O.for_type(F.BOOL) == ("eq", "ne", "exists", "eq_field", "ne_field", "lt_field", "lte_field",
                                  "gt_field", "gte_field")


@pytest.mark.parametrize(("name", "value", "x", "expected"), [
    ("gte", 3, [1.0, 3.0, np.nan, 5.0], [False, True, False, True]),
    ("in", (1, 5), [1.0, 3.0, np.nan, 5.0], [True, False, False, True]),
    ("not_in", (1, 5), [1.0, 3.0, np.nan, 5.0], [False, True, False, False]),
    ("exists", False, [1.0, np.nan], [False, True]),
])
def test_numeric_forms_treat_missing_as_the_predicate_does(name, value, x, expected):
    assert list(O.get(name).numeric(np.array(x), value)) == expected
