"""The built-in pack: every indicator covered, every rule documented and tested by its own examples."""

from __future__ import annotations

from pathlib import Path

import pytest

from leadsig.rules.language.indicators import BY_ID, INDICATORS
from leadsig.rules.language.loader import DEFAULT_DIR, check_rules
from leadsig.rules.matcher.examples import run_examples

RULESET, FOUND = check_rules(["default"], Path("."))


def test_pack_loads_without_errors_or_warnings():
    assert FOUND.errors == [] and FOUND.warnings == []


def test_every_indicator_has_a_rule_of_its_signal_type():
    covered = {r.indicator for r in RULESET.rules}
    assert covered == {i.id for i in INDICATORS}
    assert all(BY_ID[r.indicator].signal_type == r.signal_type for r in RULESET.rules)


@pytest.mark.parametrize("rule", RULESET.rules, ids=lambda r: r.id)
def test_rule_examples_pass_and_cover_match_and_no_match(rule):
    report = run_examples(rule)
    assert report.failed == []
    expects = {o.example.expect for o in report.outcomes if not o.example.todo}
    assert "none" in expects and expects - {"none"}
    assert rule.description and rule.false_positives


def test_each_rule_has_a_comment_about_evidence_and_false_positives():
    for path in DEFAULT_DIR.glob("*.yaml"):
        text = path.read_text()
        assert text.count("# Evidence:") == text.count("  - id: ")
        assert text.count("False positives:") == text.count("  - id: ")
