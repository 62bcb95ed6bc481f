"""``leadsig simulate --write-config``: never overwrites a config, roster or rotations without --force, and keeps the
user's rule layers when it does, so local rule overrides are not silently dropped."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from ruamel.yaml import YAML
from typer.testing import CliRunner

from leadsig.config import load_config
from leadsig.errors import UserError
from leadsig.flows.cli import app
from leadsig.flows.serve import write_starter
from leadsig.rotations import load_rotations
from leadsig.simulator import build_org
from leadsig.simulator.roster import write_config


def test_write_config_after_init_is_refused_without_force(tmp_path: Path) -> None:
    write_starter(tmp_path)
    before = {p: p.read_text() for p in (tmp_path / "leadsig.yaml", tmp_path / "people.yaml")}
    result = CliRunner().invoke(app, ["simulate", "--size", "tiny", "--write-config", str(tmp_path / "leadsig.yaml")])
    assert isinstance(result.exception, UserError) and result.exception.exit_code == 2
    assert "already exists" in str(result.exception) and "--force" in str(result.exception)
    assert {p: p.read_text() for p in before} == before


@pytest.mark.parametrize("name", ["people.yaml", "rotations.yaml"])
def test_a_roster_or_rotations_beside_a_new_config_is_refused_too(tmp_path: Path, name: str) -> None:
    (tmp_path / name).write_text("people: []\n")
    result = CliRunner().invoke(app, ["simulate", "--size", "tiny", "--write-config", str(tmp_path / "sim.yaml")])
    assert isinstance(result.exception, UserError) and name in str(result.exception)
    assert not (tmp_path / "sim.yaml").exists()


def test_the_simulator_writes_a_sprint_lead_rotation_for_last_month(tmp_path: Path) -> None:
    org = build_org(3, "tiny")
    write_config(org, "http://127.0.0.1:9", tmp_path / "leadsig.yaml")
    turns = load_rotations(tmp_path / "rotations.yaml", known_people={p.key for p in org.humans()})
    assert load_config(tmp_path / "leadsig.yaml").rotations == tmp_path / "rotations.yaml"
    assert turns and {t.role for t in turns} == {"sprint-lead"}
    last_month_end = org.now.date().replace(day=1) - timedelta(days=1)
    assert {(t.start.day, t.end) for t in turns} <= {(1, last_month_end.replace(day=14)), (15, last_month_end)}


def test_overwriting_keeps_the_rule_layers_of_the_config_it_replaces(tmp_path: Path) -> None:
    write_starter(tmp_path)  # rules: [default, ./rules-local]
    write_config(build_org(3, "tiny"), "http://127.0.0.1:9", tmp_path / "leadsig.yaml")
    config = YAML(typ="safe").load((tmp_path / "leadsig.yaml").read_text())
    assert config["rules"] == ["default", "./rules-local"]
    assert config["sources"][0]["url"] == "http://127.0.0.1:9"


def test_a_fresh_config_uses_the_built_in_pack(tmp_path: Path) -> None:
    write_config(build_org(3, "tiny"), "http://127.0.0.1:9", tmp_path / "leadsig.yaml")
    assert YAML(typ="safe").load((tmp_path / "leadsig.yaml").read_text())["rules"] == ["default"]
