"""``leadsig rules list`` and ``rules show ID``: find a rule, and copy it as written into a local layer."""

from __future__ import annotations

from pathlib import Path

import pytest
from ruamel.yaml import YAML
from typer.testing import CliRunner

from leadsig.errors import UserError
from leadsig.flows.cli import app
from leadsig.rules.language.loader import DEFAULT_DIR, load_rules

NO_CONFIG = ["--config", "/nonexistent/leadsig.yaml"]


def run(*args: str):
    return CliRunner().invoke(app, list(args), catch_exceptions=False)


def test_list_names_every_rule_of_the_layers_and_where_it_is_written(tmp_path: Path) -> None:
    local = tmp_path / "local.yaml"
    local.write_text("overrides:\n  - id: reviews_proactively.unrequested_review\n    enabled: false\n")
    result = run("rules", "list", str(local))
    assert result.exit_code == 0, result.output
    pack = load_rules(["default"], Path.cwd())
    for rule in pack.rules:
        line = next(ln for ln in result.output.splitlines() if ln.startswith(rule.id + " "))
        assert f"v{rule.version}" in line and rule.indicator in line and f":{rule.line}" in line
    off = next(ln for ln in result.output.splitlines() if ln.startswith("reviews_proactively.unrequested_review "))
    assert " off " in off and "(overridden)" in off
    assert f"{len(pack.rules)} rules, {len(pack.rules) - 1} on" in result.output


def test_show_prints_the_rule_as_its_file_has_it() -> None:
    result = run("rules", "show", "writes_documentation.docs_commit", *NO_CONFIG)
    assert result.exit_code == 0, result.output
    written = (DEFAULT_DIR / "communication.yaml").read_text()
    body = result.output.split("\nrules:\n", 1)[1]
    assert body in written  # verbatim, comments included
    assert body.startswith("  # Evidence: commits that add") and "  - id: writes_documentation.docs_commit\n" in body
    assert "facilitates_async_discussion" not in body  # stops before the next rule and its comment


@pytest.mark.parametrize("rule_id", [r.id for r in load_rules(["default"], Path.cwd()).rules])
def test_every_shown_rule_pasted_under_a_new_id_loads_as_a_local_layer(tmp_path: Path, rule_id: str) -> None:
    shown = run("rules", "show", rule_id, *NO_CONFIG).output
    data = YAML(typ="safe").load(shown)
    assert [r["id"] for r in data["rules"]] == [rule_id]
    local = tmp_path / "mine.yaml"
    local.write_text(shown.replace(f"- id: {rule_id}", f"- id: local.{rule_id}") +
                     f"overrides:\n  - id: {rule_id}\n    enabled: false\n")
    ruleset = load_rules(["default", str(local)], tmp_path)
    assert not ruleset.get(rule_id).enabled and ruleset.get(f"local.{rule_id}").enabled


def test_show_an_unknown_id_suggests_the_closest() -> None:
    with pytest.raises(UserError) as err:
        run("rules", "show", "writes_documentation.docs_comit", *NO_CONFIG)
    assert err.value.problems[0].hint == "did you mean 'writes_documentation.docs_commit'?"
