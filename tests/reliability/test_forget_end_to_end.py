"""Forget through the command line, mine everything again: nothing of that person comes back."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
import yaml
from sqlalchemy import create_engine, text

from leadsig.flows.cli.mine import run_mine
from leadsig.simulator.roster import write_config
from leadsig.simulator.server import ForgeSimulator


def _cli(argv: list[str], monkeypatch: pytest.MonkeyPatch) -> int:
    from leadsig.flows.cli import main

    monkeypatch.setattr(sys, "argv", ["leadsig", *argv])
    with pytest.raises(SystemExit) as done:
        main()
    return int(done.value.code or 0)


def _rows_of(url: str, person: str, logins: list[str], email: str) -> int:
    engine = create_engine(url)
    with engine.connect() as conn:
        n = conn.execute(text("select count(*) from activities where person_id = :p or lower(actor_login) in "
                              "(:a, :b, :e)"), {"p": person, "a": logins[0], "b": logins[1], "e": email}).scalar()
        n += conn.execute(text("select count(*) from signals where person_id = :p"), {"p": person}).scalar()
        n += conn.execute(text("select count(*) from people where id = :p"), {"p": person}).scalar()
    engine.dispose()
    return n


def test_forget_survives_a_full_re_mine(tmp_path: Path, warehouse_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    with ForgeSimulator(size="tiny", seed=12) as sim:
        person = sim.org.humans()[0]
        cfg, _ = write_config(sim.org, sim.url, tmp_path / "leadsig.yaml")
        data = yaml.safe_load(cfg.read_text())
        data["warehouse"] = warehouse_url
        cfg.write_text(yaml.safe_dump(data))
        run_mine(str(cfg), None, None, None, False)
        db = warehouse_url
        ids = (person.key, [person.gh_login.lower(), person.gl_username.lower()], person.email.lower())
        assert _rows_of(db, *ids) > 0
        assert _cli(["export", "--person", person.key, "--out", str(tmp_path / "exp"), "--config", str(cfg),
                     "--as", "self"], monkeypatch) == 0
        exported = json.loads((tmp_path / "exp" / f"export-{person.key}" / "export.json").read_text())
        assert exported["activities"] and exported["signals"]
        assert all(s["why"] for s in exported["signals"])  # each signal says why it was raised
        assert _cli(["forget", "--person", person.key, "--yes", "--config", str(cfg)], monkeypatch) == 0
        assert _rows_of(db, *ids) == 0
        run_mine(str(cfg), None, None, None, full=True)  # the person is still on the roster and the forge
        assert _rows_of(db, *ids) == 0
