"""``leadsig rules validate|test|explain|diff`` as a tech lead runs them."""

from __future__ import annotations

import json
import shutil
import subprocess
import textwrap
from pathlib import Path

import pytest
from typer.testing import CliRunner

from leadsig.flows.cli import app

BAD = Path(__file__).parent / "bad"
runner = CliRunner()


def run(*args: str):
    return runner.invoke(app, list(args), catch_exceptions=False)


def test_validate_default_pack_is_clean():
    result = run("rules", "validate", "--config", "/nonexistent/leadsig.yaml")
    assert result.exit_code == 0
    assert "0 errors, 0 warnings" in result.output


def test_validate_points_at_the_problem_with_a_caret_and_a_suggestion():
    path = BAD / "unknown_field.yaml"
    result = run("rules", "validate", str(path))
    assert result.exit_code == 2
    lines = result.output.splitlines()
    head = next(i for i, ln in enumerate(lines) if ": unknown-field: " in ln)
    assert lines[head].endswith(":12:28: unknown-field: unknown field 'review.inline_coments'")
    assert "review.inline_coments" in lines[head + 1]
    assert lines[head + 2].strip() == "^" and lines[head + 2].index("^") == lines[head + 1].index("review")
    assert "did you mean 'review.inline_comments'?" in lines[head + 3]


def test_validate_reports_every_file_and_warnings(tmp_path):
    unused = tmp_path / "unused.yaml"
    text = (BAD / "unknown_operator.yaml").read_text().replace("greater_than", "gte")
    unused.write_text(text.replace("params: {min_inline: 2}", "params: {min_inline: 2, spare: 1}"))
    result = run("rules", "validate", str(unused), str(BAD / "bad_regex.yaml"))
    assert result.exit_code == 2
    assert "bad_regex.yaml:13:" in result.output and ": bad-regex: " in result.output
    assert "warning: unused-param: param 'spare' is never referenced" in result.output


def test_rules_test_passes_on_default_pack_and_fails_on_a_wrong_example(tmp_path):
    ok = run("rules", "test", "--config", "/nonexistent/leadsig.yaml")
    assert ok.exit_code == 0 and "0 failed" in ok.output
    wrong = tmp_path / "wrong.yaml"
    wrong.write_text(textwrap.dedent("""\
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
            examples:
              - name: mentions the runbook
                expect: low
                activity: {body: "Update the RUNBOOK"}
              - name: unrelated
                expect: low
                activity: {body: "Fix typo"}
        """))
    bad = run("rules", "test", str(wrong))
    assert bad.exit_code == 1
    assert "FN: local.runbooks: unrelated: expected low, got none" in bad.output


def test_explain_shows_each_condition_and_the_impact_step(seeded):
    engine, cfg = seeded()
    review = "github:github.com:pr_review:r1"
    result = run("rules", "explain", review, "--config", str(cfg.path))
    assert result.exit_code == 0, result.output
    out = result.output
    assert "- reviews_proactively.unrequested_review v5 [reviews_proactively]: MATCH -> high (impact step 1)" in out
    assert "[x] cross_team: cross_team eq True (value: True)" in out
    assert "[ ] requested: review.requested eq True (value: False)" in out
    assert "- writes_documentation.docs_commit: not considered (applies to commit)" in out
    bot = run("rules", "explain", "https://github.com/acme/payments-core/pull/1#discussion_rb1", "--config",
              str(cfg.path))
    assert "the actor is a bot" in bot.output


def test_explain_reads_only_the_activitys_thread(seeded, monkeypatch):
    """One activity's explanation must not load the whole warehouse (years of history on a big org)."""
    from leadsig.rules.matcher import classify

    engine, cfg = seeded()
    reads: list[tuple] = []
    real = classify.read_warehouse
    monkeypatch.setattr(classify, "read_warehouse", lambda *a, **k: reads.append((a, k)) or real(*a, **k))
    url = "https://github.com/acme/payments-core/pull/1#discussion_rb1"
    assert run("rules", "explain", url, "--config", str(cfg.path)).exit_code == 0
    ((args, _),) = reads
    assert args[2] == ["github:github.com:review_comment:bot1"]  # scoped to it (and so to its thread)


def test_explain_unknown_activity_is_a_user_error(seeded):
    _, cfg = seeded()
    with pytest.raises(Exception) as exc:
        run("rules", "explain", "nope", "--config", str(cfg.path))
    assert getattr(exc.value, "problems", [None])[0].code == "not-found"


def _tune(folder: Path, high: int) -> None:
    (folder / "rules-local").mkdir(exist_ok=True)
    (folder / "rules-local" / "tune.yaml").write_text(
        f"overrides:\n  - id: writes_documentation.docs_commit\n    impact: {{high: {high}}}\n")


def test_diff_against_a_path_in_every_format(seeded, tmp_path):
    _tune(tmp_path, 100)
    _, cfg = seeded(["default", "./rules-local"])
    data = json.loads(run("rules", "diff", "--base", "default", "--format", "json", "--config", str(cfg.path)).output)
    assert data["by_rule"]["writes_documentation.docs_commit"]["changed"] == 1
    assert set(data["by_rule"]) == {"writes_documentation.docs_commit"}
    sample = data["by_rule"]["writes_documentation.docs_commit"]["samples"][0]
    assert (sample["before"], sample["after"], sample["person_id"]) == ("medium communication",
                                                                         "high communication", "carol")
    assert sample["flipped"] == []  # a threshold moved; no named condition flipped
    text = run("rules", "diff", "--base", "default", "--config", str(cfg.path)).output
    assert "writes_documentation.docs_commit: +0 -0 ~1" in text and "carol" in text
    md = run("rules", "diff", "--base", "default", "--format", "markdown", "--config", str(cfg.path)).output
    assert "| `writes_documentation.docs_commit` | 0 | 0 | 1 |" in md
    failing = run("rules", "diff", "--base", "default", "--fail-if-changed", "5", "--config", str(cfg.path))
    assert failing.exit_code == 1
    assert run("rules", "diff", "--base", "default", "--fail-if-changed", "99", "--config",
               str(cfg.path)).exit_code == 0


def test_diff_against_a_git_ref_reports_conditions_that_flipped(seeded, tmp_path):
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    _tune(tmp_path, 100)
    (tmp_path / "rules-local" / "tune.yaml").write_text(
        "overrides:\n  - id: writes_documentation.docs_commit\n    params: {min_lines: 20}\n")
    _, cfg = seeded(["default", "./rules-local"])
    git = ["git", "-C", str(tmp_path), "-c", "user.email=t@example.org", "-c", "user.name=t"]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "rules-local", "leadsig.yaml"], check=True)
    subprocess.run([*git, "commit", "-q", "-m", "rules"], check=True)
    (tmp_path / "rules-local" / "tune.yaml").write_text(
        "overrides:\n  - id: writes_documentation.docs_commit\n    params: {min_lines: 500}\n")
    result = run("rules", "diff", "--base", "HEAD", "--config", str(cfg.path))
    assert result.exit_code == 0, result.output
    assert "writes_documentation.docs_commit: +0 -1 ~0" in result.output
    assert "flipped: substantial: true -> false" in result.output


def test_operator_words_leads_reach_for_get_a_suggestion_and_no_echo_warnings():
    result = run("rules", "validate", str(BAD / "unknown_operator.yaml"))
    assert "unknown operator 'greater_than'" in result.output and "did you mean 'gt'?" in result.output
    assert "warning:" not in result.output  # min_inline looks unused only because its condition is broken


def test_naming_the_built_in_pack_does_not_load_it_twice():
    result = run("rules", "validate", str(Path(__file__).resolve().parents[2] / "rules" / "default"))
    assert result.exit_code == 0 and "0 errors" in result.output
