"""The default pack on a history mined from the forge simulator: signals, idempotency, and a one-parameter
edit whose effect `rules diff` predicts exactly before `classify` applies it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from leadsig.config import Config, load_config
from leadsig.miners.runner import mine_source
from leadsig.roster import IdentityResolver, load_roster
from leadsig.rules.matcher import classify, diff
from leadsig.rules.matcher.classify import classify_warehouse, enriched_frame, rules_for
from leadsig.rules.matcher.diff import diff_signals, render_text
from leadsig.simulator import ForgeSimulator
from leadsig.warehouse import models as m
from leadsig.warehouse import store
from leadsig.warehouse.db import open_warehouse

EDITED = "reviews_proactively.unrequested_review"


@pytest.fixture(scope="module")
def sim() -> Iterator[ForgeSimulator]:
    with ForgeSimulator(size="tiny", seed=7) as s:
        yield s


def write_setup(folder: Path, sim: ForgeSimulator, layers: str) -> Config:
    people = ["people:"]
    for p in sim.org.humans():
        people += [f"  - id: {p.key}", f"    name: {p.name}", f"    team: {p.team}", f"    level: {p.level}",
                   f"    start_date: {p.start_date.date().isoformat()}", f"    timezone: {p.timezone}",
                   f"    github: [{p.gh_login}]", f"    gitlab: [{p.gl_username}]"]
    (folder / "people.yaml").write_text("\n".join(people) + "\n")
    teams: dict[str, list[str]] = {}
    for r in sim.org.repos:
        teams.setdefault(r.team, []).append(r.full_name)
    (folder / "leadsig.yaml").write_text(
        f"warehouse: sqlite:///{folder / 'w.db'}\nroster: people.yaml\nsince: 2000-01-01\nrules: {layers}\n"
        f"sources:\n  - {{kind: github, name: gh, url: '{sim.url}', orgs: [acme], seconds_between_requests: 0}}\n"
        f"  - {{kind: gitlab, name: gl, url: '{sim.url}', groups: [acme]}}\nteams:\n"
        + "".join(f"  {t}: {{repos: [{', '.join(rs)}]}}\n" for t, rs in teams.items()))
    return load_config(folder / "leadsig.yaml")


def signals(engine) -> dict[tuple[str, str], dict]:
    with engine.connect() as conn:
        return {(r["activity_id"], r["rule_id"]): dict(r)
                for r in conn.execute(select(m.Signal.__table__)).mappings()}


def test_default_pack_on_a_mined_history(sim, tmp_path, monkeypatch):
    cfg = write_setup(tmp_path, sim, "[default]")
    engine = open_warehouse(cfg.warehouse)
    roster = load_roster(cfg.roster)
    resolver = IdentityResolver(roster, cfg.bot_patterns)
    store.sync_roster(engine, roster, resolver)
    for source in cfg.sources:
        assert mine_source(engine, cfg, source, resolver).error is None
    first = classify_warehouse(engine, cfg)
    base = signals(engine)
    assert first["signals"] == len(base) > 0 and len({s["indicator"] for s in base.values()}) >= 4
    bots = {p.gh_login.lower() for p in sim.org.bots()} | {p.gl_username.lower() for p in sim.org.bots()}
    with engine.connect() as conn:
        actors = dict(conn.execute(select(m.Activity.id, m.Activity.actor_login)).all())
    assert not [k for k in base if actors[k[0]] in bots]
    assert {s["person_id"] for s in base.values()} <= {p.key for p in sim.org.humans()}
    again = classify_warehouse(engine, cfg)
    assert (again["added"], again["removed"], again["changed"]) == (0, 0, 0)
    assert signals(engine) == base

    # One parameter edited in a local layer: `rules diff` predicts the change, classify applies exactly it.
    (tmp_path / "rules-local").mkdir()
    (tmp_path / "rules-local" / "tune.yaml").write_text(
        f"overrides:\n  - id: {EDITED}\n    params: {{min_body: 100000}}\n")
    edited = write_setup(tmp_path, sim, "[default, ./rules-local]")
    report = diff_signals(enriched_frame(engine, edited), rules_for(cfg), rules_for(edited))
    predicted = {(c.activity_id, c.rule_id, c.kind) for c in report.changes}
    assert predicted and {rule for _, rule, _ in predicted} == {EDITED}
    # `leadsig rules diff` reads a few repositories at a time: the same report, samples and flips included
    monkeypatch.setattr(classify, "FULL_PASS", 1)
    assert len(classify.repo_passes(engine, 1)) > 1
    in_passes = diff.diff_warehouse(engine, edited, rules_for(cfg), rules_for(edited))
    assert in_passes.as_json() == report.as_json() and render_text(in_passes) == render_text(report)
    classify_warehouse(engine, edited)
    after = signals(engine)
    actual = {(*k, "removed") for k in base if k not in after} | {(*k, "added") for k in after if k not in base}
    actual |= {(*k, "changed") for k in base if k in after and base[k]["impact"] != after[k]["impact"]}
    assert actual == predicted
    assert all(after[k] == row for k, row in base.items() if k[1] != EDITED)  # same rows, same classified_at
