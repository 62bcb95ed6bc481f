"""Faults and rate limits: PyGithub's GithubRetry rides them out and the warehouse ends as without them."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine, select

from leadsig.config import DEFAULT_BOT_PATTERNS, DEFAULT_PATH_GROUPS, Config, ScheduleConfig, SourceConfig
from leadsig.miners import github_client
from leadsig.miners.paths import PathGroups
from leadsig.miners.runner import SourceResult, mine_source
from leadsig.roster import IdentityResolver
from leadsig.simulator import ForgeSimulator
from leadsig.warehouse import models as m
from leadsig.warehouse.db import open_warehouse


@pytest.fixture
def sim() -> Iterator[ForgeSimulator]:
    with ForgeSimulator(size="small", seed=11) as s:
        yield s


@pytest.fixture(autouse=True)
def fast_backoff(monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep urllib3's exponential backoff, at a scale a test can afford."""
    monkeypatch.setattr(github_client, "BACKOFF_FACTOR", 0.01)


def make_config(tmp_path: Path, url: str, name: str, **source: object) -> Config:
    fields: dict = {"orgs": ["acme"], "seconds_between_requests": 0, **source}
    src = SourceConfig(kind="github", url=url, name="gh", **fields)
    return Config(path=tmp_path / "leadsig.yaml", warehouse=f"sqlite:///{tmp_path / name}", roster=None,
                  since=date(2000, 1, 1), rules=["default"], path_groups=dict(DEFAULT_PATH_GROUPS), sources=[src],
                  teams={}, schedule=ScheduleConfig(), reports_out_dir=tmp_path, bot_patterns=DEFAULT_BOT_PATTERNS)


def mine(cfg: Config) -> tuple[Engine, SourceResult]:
    engine = open_warehouse(cfg.warehouse)
    return engine, mine_source(engine, cfg, cfg.sources[0], IdentityResolver(None, cfg.bot_patterns))


def dump(engine: Engine) -> list[tuple]:
    cols = [c for c in m.Activity.__table__.columns if c.name != "mined_at"]
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(select(*cols).order_by(m.Activity.id)).all()]


def test_5xx_dropped_connections_and_secondary_limits_leave_the_same_warehouse(sim, tmp_path, caplog):
    clean_engine, clean = mine(make_config(tmp_path, sim.url, "clean.db"))
    assert not clean.stats.failed_repos and clean.stats.retries == 0
    sim.switches.error_rate = 0.10
    sim.switches.drop_rate = 0.05
    sim.switches.secondary_every = 200
    sim.switches.retry_after = 1
    sim.faults.reset()
    sim.reset_requests()
    caplog.set_level(logging.WARNING, logger="leadsig.mine.github")
    faulty_engine, faulty = mine(make_config(tmp_path, sim.url, "faulty.db"))
    assert faulty.error is None and not faulty.stats.failed_repos
    assert dump(faulty_engine) == dump(clean_engine)
    assert sim.statuses[0] > 0 and sum(sim.statuses[s] for s in (500, 502, 503)) > 0  # faults really happened
    assert faulty.stats.requests == sim.request_count()  # every attempt counted, retries included
    assert faulty.stats.retries == sim.request_count() - clean.stats.requests
    reasons = [reason for reason, _ in faulty.stats.waits]
    assert reasons.count("secondary rate limit, Retry-After") == sim.statuses[403] >= 1
    assert "waiting 1.0 s (secondary rate limit, Retry-After)" in caplog.text


def test_primary_limit_waits_for_the_reset_and_finishes(sim, tmp_path):
    sim.switches.budget = 40  # acme/api costs ~100 requests: the budget runs out twice
    sim.switches.reset_after = 1.0
    engine, result = mine(make_config(tmp_path, sim.url, "w.db", orgs=[], repos=["acme/api"]))
    assert result.error is None and not result.stats.failed_repos
    waits = [(r, s) for r, s in result.stats.waits if r.startswith("primary rate limit")]
    assert waits and all(0 < s <= 3 for _, s in waits)
    assert sim.statuses[403] == len(waits)


def test_a_failing_repo_is_recorded_and_the_others_finish(sim, tmp_path):
    engine, result = mine(make_config(tmp_path, sim.url, "w.db", repos=["acme/does-not-exist"]))
    assert set(result.stats.failed_repos) == {"acme/does-not-exist"}
    assert "404" in result.stats.failed_repos["acme/does-not-exist"]
    ok = [r for r in result.repos if r.error is None]
    assert len(ok) == len(result.repos) - 1 and all(r.stored > 0 for r in ok)


def test_graphql_pages_ride_out_5xx_dropped_connections_and_secondary_limits(sim, monkeypatch):
    """POST /graphql goes through the same GithubRetry as REST (POST is retried: the query is read-only)."""
    from leadsig.miners import github_graphql
    from leadsig.miners.github import GitHubMiner, RepoRun

    monkeypatch.setattr(github_graphql, "PULLS_PAGE", 5)  # several pages from one repo
    monkeypatch.setattr(github_graphql, "PULLS_PAGE_NESTED", 5)  # (a first run nests the comments)
    src = SourceConfig(kind="github", url=sim.url, name="gh", repos=["acme/api"], seconds_between_requests=0)

    def pulls() -> tuple[list, GitHubMiner]:
        miner = GitHubMiner(src, PathGroups(DEFAULT_PATH_GROUPS), datetime(2000, 1, 1, tzinfo=UTC))
        return RepoRun(miner, "acme/api", {}).list_pulls(), miner

    clean, _ = pulls()
    clean_pages = sim.request_count("POST /graphql")
    assert clean_pages >= 4 and clean
    sim.switches.error_rate = 0.2
    sim.switches.drop_rate = 0.1
    sim.switches.secondary_every = 3
    sim.faults.reset()
    sim.reset_requests()
    faulty, miner = pulls()
    assert faulty == clean
    statuses = [status for method, _, status in sim.log if method == "POST"]
    assert statuses.count(200) == clean_pages and {0, 403} <= set(statuses)  # drops and limits, then success
    assert miner.stats.requests == sim.request_count() == len(statuses)
