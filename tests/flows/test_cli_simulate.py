"""``leadsig simulate --write-config``: never overwrites a config or roster without --force, and keeps the
user's rule layers when it does, so local rule overrides are not silently dropped."""

from __future__ import annotations

from pathlib import Path

from ruamel.yaml import YAML
from typer.testing import CliRunner

from leadsig.errors import UserError
from leadsig.flows.cli import app
from leadsig.flows.serve import write_starter
from leadsig.simulator import build_org
from leadsig.simulator.roster import write_config


def test_write_config_after_init_is_refused_without_force(tmp_path: Path) -> None:
    write_starter(tmp_path)
    before = {p: p.read_text() for p in (tmp_path / "leadsig.yaml", tmp_path / "people.yaml")}
    result = CliRunner().invoke(app, ["simulate", "--size", "tiny", "--write-config", str(tmp_path / "leadsig.yaml")])
    assert isinstance(result.exception, UserError) and result.exception.exit_code == 2
    assert "already exists" in str(result.exception) and "--force" in str(result.exception)
    assert {p: p.read_text() for p in before} == before


def test_a_roster_beside_a_new_config_is_refused_too(tmp_path: Path) -> None:
    (tmp_path / "people.yaml").write_text("people: []\n")
    result = CliRunner().invoke(app, ["simulate", "--size", "tiny", "--write-config", str(tmp_path / "sim.yaml")])
    assert isinstance(result.exception, UserError) and "people.yaml" in str(result.exception)
    assert not (tmp_path / "sim.yaml").exists()


def test_overwriting_keeps_the_rule_layers_of_the_config_it_replaces(tmp_path: Path) -> None:
    write_starter(tmp_path)  # rules: [default, ./rules-local]
    write_config(build_org(3, "tiny"), "http://127.0.0.1:9", tmp_path / "leadsig.yaml")
    config = YAML(typ="safe").load((tmp_path / "leadsig.yaml").read_text())
    assert config["rules"] == ["default", "./rules-local"]
    assert config["sources"][0]["url"] == "http://127.0.0.1:9"


def test_a_fresh_config_uses_the_built_in_pack(tmp_path: Path) -> None:
    write_config(build_org(3, "tiny"), "http://127.0.0.1:9", tmp_path / "leadsig.yaml")
    assert YAML(typ="safe").load((tmp_path / "leadsig.yaml").read_text())["rules"] == ["default"]
