"""``leadsig rules test`` with overrides: a tuned parameter re-derives the rule's examples instead of failing
for good, and an override may pin its own examples."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from typer.testing import CliRunner

from leadsig.errors import UserError
from leadsig.flows.cli import app
from leadsig.rules.language.loader import load_rules

DOCS = "writes_documentation.docs_commit"


def run(*args: str):
    return CliRunner().invoke(app, list(args), catch_exceptions=False)


def layer(folder: Path, text: str, name: str = "local.yaml") -> Path:
    path = folder / name
    path.write_text(textwrap.dedent(text))
    return path


def test_a_raised_parameter_reports_changed_examples_at_the_override_and_exits_0(tmp_path):
    local = layer(tmp_path, f"""\
        overrides:
          - id: {DOCS}
            params: {{min_lines: 50}}
        """)
    result = run("rules", "test", str(local))
    assert result.exit_code == 0, result.output
    # "runbook section" (40 lines, expect low) is below the new minimum: the override changed its verdict
    line = next(ln for ln in result.output.splitlines() if "runbook section" in ln)
    assert f"changed by override at {local}:2" in line and "expected low, now none" in line
    assert "0 failed" in result.output and "1 changed by overrides" in result.output
    assert "examples:" in result.output and f"leadsig rules show {DOCS}" in result.output  # how to pin them
    assert "new guide" not in result.output  # an example the override leaves alone is not listed


def test_an_impact_threshold_override_re_derives_too(tmp_path):
    local = layer(tmp_path, f"""\
        overrides:
          - id: {DOCS}
            impact: {{medium: 200}}
        """)
    result = run("rules", "test", str(local))
    assert result.exit_code == 0, result.output
    line = next(ln for ln in result.output.splitlines() if ": new guide:" in ln)
    assert "changed by override" in line and "expected medium, now low" in line


def test_an_override_with_its_own_examples_replaces_the_rules_examples(tmp_path):
    local = layer(tmp_path, f"""\
        overrides:
          - id: {DOCS}
            params: {{min_lines: 50}}
            examples:
              - name: short runbook is not enough here
                expect: none
                activity: {{kind: commit, path_groups: [docs], additions: 40, body: "runbook: drain consumers"}}
              - name: a longer runbook counts
                expect: low
                activity: {{kind: commit, path_groups: [docs], additions: 60, body: "runbook: drain consumers"}}
        """)
    rule = load_rules(["default", str(local)], tmp_path).get(DOCS)
    assert [e.name for e in rule.examples] == ["short runbook is not enough here", "a longer runbook counts"]
    assert {e.file for e in rule.examples} == {str(local)} and rule.examples[0].line == 5
    result = run("rules", "test", str(local), "--show-all")
    assert result.exit_code == 0, result.output
    assert "CHANGED" not in result.output and "runbook section" not in result.output
    assert f"{local}:5: TN: {DOCS}: short runbook is not enough here" in result.output


def test_a_wrong_pinned_example_fails_at_the_override_file_and_line(tmp_path):
    local = layer(tmp_path, f"""\
        overrides:
          - id: {DOCS}
            params: {{min_lines: 50}}
            examples:
              - name: still low
                expect: low
                activity: {{kind: commit, path_groups: [docs], additions: 40, body: "runbook: drain consumers"}}
        """)
    result = run("rules", "test", str(local))
    assert result.exit_code == 1
    assert f"{local}:5: FN: {DOCS}: still low: expected low, got none" in result.output


def test_an_override_example_is_checked_like_a_rules(tmp_path):
    local = layer(tmp_path, f"""\
        overrides:
          - id: {DOCS}
            examples:
              - name: misspelt field
                expect: loww
                activity: {{kind: commit, adittions: 40}}
        """)
    with pytest.raises(UserError) as err:
        load_rules(["default", str(local)], tmp_path)
    got = {(p.code, p.file, p.line) for p in err.value.problems}
    assert got == {("bad-value", str(local), 5)}
    local.write_text(local.read_text().replace("loww", "low"))
    with pytest.raises(UserError) as err:
        load_rules(["default", str(local)], tmp_path)
    [problem] = err.value.problems
    assert (problem.code, problem.file, problem.line) == ("unknown-field", str(local), 6)
    assert "additions" in (problem.hint or "")


def test_a_failure_the_override_did_not_cause_still_fails(tmp_path):
    rules = layer(tmp_path, """\
        rules:
          - id: local.runbooks
            version: 1
            type: communication
            indicator: writes_documentation
            kinds: [commit]
            params: {min_lines: 10}
            conditions:
              runbook: {field: body, contains: runbook}
              long: {field: additions, gte: $min_lines}
            match: runbook and long
            summary: "{actor_login} wrote a runbook"
            examples:
              - name: a short runbook
                expect: low
                activity: {body: "Update the runbook", additions: 20}
              - name: wrong from the start
                expect: low
                activity: {body: "Fix typo", additions: 20}
        """, "rules.yaml")
    local = layer(tmp_path, """\
        overrides:
          - id: local.runbooks
            params: {min_lines: 30}
        """)
    result = run("rules", "test", str(rules), str(local))
    assert result.exit_code == 1
    assert "FN: local.runbooks: wrong from the start: expected low, got none" in result.output
    assert f"a short runbook: expected low, now none (changed by override at {local}:2)" in result.output


def test_later_parameter_override_re_derives_from_the_pinned_examples(tmp_path):
    pinned = layer(tmp_path, f"""\
        overrides:
          - id: {DOCS}
            params: {{min_lines: 50}}
            examples:
              - name: sixty lines count
                expect: low
                activity: {{kind: commit, path_groups: [docs], additions: 60, body: "runbook: drain consumers"}}
        """, "team.yaml")
    later = layer(tmp_path, f"""\
        overrides:
          - id: {DOCS}
            params: {{min_lines: 100}}
        """, "later.yaml")
    result = run("rules", "test", str(pinned), str(later))
    assert result.exit_code == 0, result.output
    assert f"sixty lines count: expected low, now none (changed by override at {later}:2)" in result.output
