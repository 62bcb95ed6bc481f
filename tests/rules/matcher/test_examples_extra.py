"""Inline examples that give ``extra.*`` facts: a rule on a forge fact must be testable by its own examples."""

from __future__ import annotations

import textwrap
from pathlib import Path

from leadsig.rules.language.loader import load_rules
from leadsig.rules.matcher.examples import run_examples

RULE = textwrap.dedent("""\
    rules:
      - id: local.draft_feedback
        version: 1
        type: technical
        indicator: reviews_proactively
        kinds: [pr_review]
        conditions:
          draft: {field: extra.draft, eq: true}
          asked: {field: extra.requested_teams, contains: payments}
        match: draft or asked
        summary: "{actor_login} reviewed a draft"
        examples:
          - name: dotted key
            expect: low
            activity: {extra.draft: true}
          - name: nested mapping
            expect: low
            activity: {extra: {requested_teams: [payments, web]}}
          - name: not a draft
            expect: none
            activity: {extra.draft: false}
    """)


def test_examples_read_extra_facts_dotted_or_nested(tmp_path: Path):
    path = tmp_path / "local.yaml"
    path.write_text(RULE)
    (rule,) = load_rules([str(path)], tmp_path).rules
    report = run_examples(rule)
    assert [(o.example.name, o.got) for o in report.outcomes] == [
        ("dotted key", "low"), ("nested mapping", "low"), ("not a draft", "none")]
