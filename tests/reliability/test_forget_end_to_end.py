"""Forget through the command line (also while a run is mining), mine everything again, or opt out from the
start: no column of any table holds the person's logins, emails or name."""

from __future__ import annotations

import json
import sys
import threading
import time
from pathlib import Path

import pytest
import yaml
from leaks import leaks
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.exc import DBAPIError

from leadsig.config import load_config
from leadsig.flows.cli.mine import run_mine
from leadsig.simulator.faults import Switches
from leadsig.simulator.model import Person
from leadsig.simulator.roster import write_config
from leadsig.simulator.server import ForgeSimulator
from leadsig.warehouse import people


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


def test_forget_survives_a_full_re_mine(tmp_path: Path, warehouse_url: str, monkeypatch: pytest.MonkeyPatch,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    with ForgeSimulator(size="tiny", seed=12) as sim:
        person = sim.org.humans()[0]
        cfg, _ = write_config(sim.org, sim.url, tmp_path / "leadsig.yaml")
        data = yaml.safe_load(cfg.read_text())
        data["warehouse"] = warehouse_url
        cfg.write_text(yaml.safe_dump(data))
        run_mine(str(cfg), None, None, None, False)
        cache = load_config(str(cfg)).git_cache
        assert cache is not None and any(cache.rglob("HEAD"))  # commits were read from clones
        assert "git cache: " in capsys.readouterr().err  # mine says how much disk the clones take
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
        assert _leaks(db, person) == []
        assert not cache.exists()  # the clones held the person's commits: forget deleted them too
        run_mine(str(cfg), None, None, None, full=True)  # the person is still on the roster and the forge
        assert _rows_of(db, *ids) == 0
        assert _leaks(db, person) == []


def _identifiers(p: Person) -> list[str]:
    return [p.gh_login, p.gl_username, p.email, *p.extra_emails, p.name]


def _leaks(url: str, person: Person) -> list[tuple[str, str, str]]:
    engine = create_engine(url)
    try:
        return leaks(engine, _identifiers(person))
    finally:
        engine.dispose()


def _config(sim: ForgeSimulator, tmp_path: Path, warehouse_url: str, opt_out: str | None = None) -> Path:
    cfg, roster = write_config(sim.org, sim.url, tmp_path / "leadsig.yaml")
    data = yaml.safe_load(cfg.read_text())
    data["warehouse"] = warehouse_url
    cfg.write_text(yaml.safe_dump(data))
    people_yaml = yaml.safe_load(roster.read_text())
    for entry in people_yaml["people"]:
        entry["opt_out"] = entry["id"] == opt_out
    roster.write_text(yaml.safe_dump(people_yaml))
    return cfg


def _most_mentioned(sim: ForgeSimulator) -> Person:
    """The person others' rows name most (PR author, reviewer, @mentions): the hardest one to erase."""
    return max(sim.org.humans(), key=lambda p: sum(pr.author is p for repo in sim.org.repos
                                                   for pr in sim.org.pulls.get(repo.full_name, [])))


def test_an_opted_out_person_is_nowhere_from_the_start(tmp_path: Path, warehouse_url: str) -> None:
    with ForgeSimulator(size="tiny", seed=12) as sim:
        person = _most_mentioned(sim)
        cfg = _config(sim, tmp_path, warehouse_url, opt_out=person.key)
        run_mine(str(cfg), None, None, None, False)
        assert _leaks(warehouse_url, person) == []
        engine = create_engine(warehouse_url)
        with engine.connect() as conn:  # the others' rows that named them are still there, pseudonymised
            named = conn.execute(text("select count(*) from activities where parent_author like 'anon-%'")).scalar()
            total = conn.execute(text("select count(*) from signals")).scalar()
        engine.dispose()
        assert named > 0 and total > 0


def _stored(engine: Engine) -> int:
    try:
        with engine.connect() as conn:
            return conn.execute(text("select count(*) from activities")).scalar() or 0
    except DBAPIError:  # the run has not created the schema yet
        return 0


def test_forget_during_a_running_mine_holds(tmp_path: Path, warehouse_url: str) -> None:
    switches = Switches(latency=0.01)  # a run long enough to forget someone in the middle of it
    with ForgeSimulator(size="tiny", seed=12, switches=switches) as sim:
        person = _most_mentioned(sim)
        cfg = _config(sim, tmp_path, warehouse_url)
        run = threading.Thread(target=run_mine, args=(str(cfg), None, None, None, False))
        run.start()
        engine = create_engine(warehouse_url)
        deadline = time.monotonic() + 120
        while run.is_alive() and time.monotonic() < deadline:  # until the run has stored a first batch
            if _stored(engine):
                break
            time.sleep(0.05)
        from leadsig.roster import load_roster

        roster = load_roster(tmp_path / "people.yaml")
        people.forget_person(engine, roster, person.key, [], [], "admin")
        assert run.is_alive(), "the run ended before the forget: nothing was tested"
        run.join(timeout=600)
        engine.dispose()
        assert _leaks(warehouse_url, person) == []
        switches.latency = 0
        run_mine(str(cfg), None, None, None, full=True)
        assert _leaks(warehouse_url, person) == []
