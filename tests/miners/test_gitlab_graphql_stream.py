"""The GitLab MR stream through GraphQL (python-gitlab's HTTP layer -> the simulator's ``POST /api/graphql``):
the same warehouse as REST at a fraction of the requests, and REST whenever GraphQL cannot answer."""

from __future__ import annotations

import logging
import math
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from mining import first_run, mine
from sqlalchemy import Engine, select

from leadsig.config import DEFAULT_BOT_PATTERNS, DEFAULT_PATH_GROUPS, Config, ScheduleConfig, SourceConfig
from leadsig.miners import gitlab_graphql as glq
from leadsig.simulator import GITLAB, ForgeSimulator
from leadsig.simulator import gitlab_graphql as sim_graphql
from leadsig.warehouse import models as m
from leadsig.warehouse.db import open_warehouse

GRAPHQL = "POST /api/graphql"
NOTES = "GET /api/v4/projects/{pid}/merge_requests/{iid}/notes"
LISTING = "GET /api/v4/projects/{pid}/merge_requests"


@pytest.fixture(scope="module")
def sim() -> Iterator[ForgeSimulator]:
    with ForgeSimulator(size="tiny", seed=7) as s:
        yield s


@pytest.fixture(autouse=True)
def clean_sim(sim: ForgeSimulator) -> Iterator[None]:
    sim.reset_requests()
    yield
    sim.faults.reset()
    sim.switches.gitlab_graphql_absent = False
    sim.switches.error_rate = sim.switches.drop_rate = sim.switches.slow_rate = 0.0


def config(tmp_path: Path, url: str, name: str, **source: object) -> Config:
    src = SourceConfig(kind="gitlab", url=url, name="gl", groups=["acme"], max_retries=10,
                       **source)  # type: ignore[arg-type]
    return Config(path=tmp_path / "leadsig.yaml", warehouse=f"sqlite:///{tmp_path / name}.db", roster=None,
                  since=date(2000, 1, 1), rules=["default"], path_groups=dict(DEFAULT_PATH_GROUPS), sources=[src],
                  teams={}, schedule=ScheduleConfig(), reports_out_dir=tmp_path, bot_patterns=DEFAULT_BOT_PATTERNS)


def rows(engine: Engine) -> list[tuple]:
    """Every stored activity (ids, kinds, authors, bodies, times, states, evidence...), minus mined_at."""
    cols = [c for c in m.Activity.__table__.c if c.name != "mined_at"]
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(select(*cols).order_by(m.Activity.id)).all()]


@pytest.fixture(scope="module")
def rest_rows(sim: ForgeSimulator, tmp_path_factory: pytest.TempPathFactory) -> list[tuple]:
    """The warehouse a REST-only run makes (the reference every GraphQL run here is held to)."""
    tmp = tmp_path_factory.mktemp("rest")
    cfg = config(tmp, sim.url, "rest", graphql=False)
    engine = open_warehouse(cfg.warehouse)
    mine(cfg, engine)
    assert sim.request_count(GRAPHQL) == 0  # graphql: false never asks it
    return rows(engine)


def test_graphql_stores_the_same_activities_as_rest_paging_mrs_and_notes_by_cursor(
        sim, rest_rows, tmp_path, monkeypatch):
    monkeypatch.setattr(glq, "MR_PAGE", 3)  # small pages: outer cursors page the MRs, inner ones their notes
    monkeypatch.setattr(glq, "NOTE_PAGE", 2)
    sim.reset_requests()
    cfg = config(tmp_path, sim.url, "graphql")
    engine = open_warehouse(cfg.warehouse)
    mine(cfg, engine)
    assert rows(engine) == rest_rows
    mrs = sim.org.all_pulls(GITLAB)
    per_project = [len(sim.org.pulls.get(r.full_name, [])) for r in sim.org.repos_of(GITLAB)]
    more_notes = sum(max(0, math.ceil(len(pr.comments) / 2) - 1) for pr in mrs)
    assert more_notes > 0
    assert sim.request_count(GRAPHQL) == sum(max(1, math.ceil(n / 3)) for n in per_project) + more_notes
    assert sim.request_count(NOTES) == sim.request_count(LISTING) == 0


def test_a_full_run_costs_one_request_per_page_of_mrs_and_nothing_new_one_per_stream(sim, tmp_path):
    cfg = config(tmp_path, sim.url, "w")
    engine = first_run(cfg)
    projects = len(sim.org.repos_of(GITLAB))
    pages = sum(max(1, math.ceil(len(sim.org.pulls.get(r.full_name, [])) / glq.MR_PAGE))
                for r in sim.org.repos_of(GITLAB))
    assert sim.request_count(GRAPHQL) == pages and sim.request_count(NOTES) == 0
    before = rows(engine)
    sim.reset_requests()
    mine(cfg, engine)
    assert sim.request_count(GRAPHQL) == projects  # the page of MRs updated since the watermark: none new
    assert sim.request_count() - sim.request_count("GET /api/v4/groups/{gid}/projects") <= 3 * projects
    assert rows(engine) == before


def test_without_a_graphql_endpoint_rest_answers_and_the_run_says_so_once(sim, rest_rows, tmp_path, caplog):
    sim.switches.gitlab_graphql_absent = True  # an older GitLab, or a proxy passing REST only: HTTP 404
    cfg = config(tmp_path, sim.url, "absent")
    engine = open_warehouse(cfg.warehouse)
    with caplog.at_level(logging.WARNING, logger="leadsig.mine.gitlab"):
        mine(cfg, engine)
    assert rows(engine) == rest_rows
    assert sim.request_count(GRAPHQL) == 1  # asked once for the source, then REST for every project
    said = [r.getMessage() for r in caplog.records if "GraphQL" in r.getMessage()]
    assert len(said) == 1 and "HTTP 404" in said[0] and "using REST for this source" in said[0]


def test_a_query_the_server_refuses_falls_back_to_rest(sim, rest_rows, tmp_path, monkeypatch, caplog):
    monkeypatch.setattr(sim_graphql, "MAX_COMPLEXITY", 20)  # a stricter GitLab: the MR query is too complex
    cfg = config(tmp_path, sim.url, "refused")
    engine = open_warehouse(cfg.warehouse)
    with caplog.at_level(logging.WARNING, logger="leadsig.mine.gitlab"):
        mine(cfg, engine)
    assert rows(engine) == rest_rows
    assert any("exceeds max complexity of 20" in r.getMessage() for r in caplog.records)


def test_5xx_dropped_and_slow_graphql_answers_end_in_the_same_warehouse(sim, rest_rows, tmp_path, monkeypatch):
    monkeypatch.setattr(glq, "MR_PAGE", 2)  # dozens of GraphQL requests for the faults to fall on
    monkeypatch.setattr(glq, "NOTE_PAGE", 2)
    sim.switches.error_rate, sim.switches.drop_rate = 0.2, 0.05
    sim.switches.slow_rate, sim.switches.slow_seconds = 0.3, 0.05
    cfg = config(tmp_path, sim.url, "faulty")
    engine = open_warehouse(cfg.warehouse)
    result = mine(cfg, engine)
    assert rows(engine) == rest_rows
    graphql_statuses = [status for _method, target, status in sim.log if target.startswith("/api/graphql")]
    assert any(s >= 500 or s == 0 for s in graphql_statuses) and 200 in graphql_statuses
    assert result.stats.requests == sim.request_count()  # every GraphQL try counted on both sides
