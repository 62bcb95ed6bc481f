"""Layering: a later layer adds rules and changes only whitelisted parts of earlier ones."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from leadsig.errors import UserError
from leadsig.rules.language.loader import load_rules

DOCS = "writes_documentation.docs_commit"
BRIDGE = "bridges_team_segments.connects_teams"


def layer(tmp_path: Path, text: str, name: str = "local.yaml") -> str:
    (tmp_path / name).write_text(textwrap.dedent(text))
    return name


def test_override_params_lists_impact_and_enabled(tmp_path):
    base = load_rules(["default"], tmp_path)
    name = layer(tmp_path, """\
        overrides:
          - id: writes_documentation.docs_commit
            params: {min_lines: 50}
            impact: {high: 1000}
          - id: bridges_team_segments.connects_teams
            lists: {bridge_phrases: {add: [fyi @], remove: [pinging]}}
          - id: reviews_proactively.unrequested_review
            enabled: false
        """)
    tuned = load_rules(["default", name], tmp_path)
    docs, docs0 = tuned.get(DOCS), base.get(DOCS)
    assert docs.params["min_lines"] == 50 and docs.conditions["substantial"].value == 50
    assert docs.impact[0].test.value == 1000
    assert docs.hash != docs0.hash
    assert docs.overridden_by and docs.overridden_by[0].startswith(str(tmp_path / name))
    phrases = tuned.get(BRIDGE).lists["bridge_phrases"]
    assert "fyi @" in phrases and "pinging" not in phrases
    assert not tuned.get("reviews_proactively.unrequested_review").enabled
    untouched = [r.id for r in tuned.rules if r.hash == base.get(r.id).hash]
    assert len(untouched) == len(base.rules) - 2  # disabling does not change what a rule means


def test_later_layer_adds_rules(tmp_path):
    name = layer(tmp_path, """\
        rules:
          - id: local.runbooks
            version: 1
            type: communication
            indicator: writes_documentation
            kinds: [commit]
            conditions:
              runbook: {field: body, contains: runbook}
            match: runbook
            summary: "{actor_login} wrote a runbook"
        """)
    rules = load_rules(["default", name], tmp_path)
    assert rules.get("local.runbooks").layer == 1


def test_all_problems_of_all_files_at_once(tmp_path):
    a = layer(tmp_path, "overrides:\n  - id: nope.rule\n    enabled: false\n", "a.yaml")
    b = layer(tmp_path, "overrides:\n  - id: writes_documentation.docs_commit\n    kinds: [commit]\n", "b.yaml")
    with pytest.raises(UserError) as exc:
        load_rules(["default", a, b], tmp_path)
    codes = sorted(p.code for p in exc.value.problems)
    assert codes == ["override-not-allowed", "unknown-rule"]


def test_missing_layer_is_a_user_error(tmp_path):
    with pytest.raises(UserError) as exc:
        load_rules(["default", "rules-local"], tmp_path)
    assert exc.value.problems[0].code == "missing-file"
