"""Commits from a clone make the same activities as the API path, on both forges, and cost no per-commit
API request; a second run fetches and finds what landed since, late old-dated commits included."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, select

from leadsig.activity import COMMIT
from leadsig.config import DEFAULT_BOT_PATTERNS, DEFAULT_PATH_GROUPS, Config, ScheduleConfig, SourceConfig
from leadsig.simulator import ForgeSimulator
from leadsig.simulator.model import FileChange
from leadsig.warehouse import models as m
from tests.support.mining import FORGES, first_run, mine

SAME = ("native_id", "actor_login", "actor_email_free", "occurred_at", "actor_utc_offset_minutes", "url",
        "parent_title", "body", "files", "additions", "deletions", "path_groups", "extra", "updated_at")
PER_COMMIT = {"github": "GET /repos/{owner}/{repo}/commits/{sha}",
              "gitlab": "GET /api/v4/projects/{pid}/repository/commits/{sha}/diff"}


@pytest.fixture(scope="module")
def sim() -> Iterator[ForgeSimulator]:
    with ForgeSimulator(size="tiny", seed=11) as s:
        yield s


def config(tmp_path: Path, url: str, forge: str, commits: str, name: str) -> Config:
    scope = {"orgs": ["acme"]} if forge == "github" else {"groups": ["acme"]}
    src = SourceConfig(kind=forge, url=url, name=forge, seconds_between_requests=0, max_retries=2, commits=commits,
                       git_cache=tmp_path / "cache", **scope)  # type: ignore[arg-type]
    return Config(path=tmp_path / "leadsig.yaml", warehouse=f"sqlite:///{tmp_path / name}.db", roster=None,
                  since=date(2000, 1, 1), rules=["default"], path_groups=dict(DEFAULT_PATH_GROUPS), sources=[src],
                  teams={}, schedule=ScheduleConfig(), reports_out_dir=tmp_path, bot_patterns=DEFAULT_BOT_PATTERNS,
                  git_cache=tmp_path / "cache")


def commits(engine: Engine) -> dict[str, dict[str, object]]:
    cols = [c for c in m.Activity.__table__.c if c.name in SAME]
    with engine.connect() as conn:
        rows = conn.execute(select(*cols).where(m.Activity.kind == COMMIT)).mappings().all()
    return {r["native_id"]: dict(r) for r in rows}


@pytest.mark.parametrize("forge", FORGES)
def test_git_and_the_api_store_the_same_commit_activities(sim, tmp_path, forge):
    sim.reset_requests()
    from_api = commits(first_run(config(tmp_path, sim.url, forge, "api", "api")))
    api_requests = sim.request_count(PER_COMMIT[forge])
    sim.reset_requests()
    from_git = commits(first_run(config(tmp_path, sim.url, forge, "git", "git")))
    assert from_git == from_api and len(from_git) > 5
    assert api_requests >= len(from_api)  # the API path pays one request per commit ...
    assert sim.request_count(PER_COMMIT[forge]) == 0  # ... git none
    assert sim.request_count("GET /{repo}.git/info/refs") >= 1
    assert any((tmp_path / "cache" / forge).rglob("HEAD"))


@pytest.mark.parametrize("forge", FORGES)
def test_a_second_run_fetches_and_finds_a_late_commit_by_the_branch_head(sim, tmp_path, forge):
    cfg = config(tmp_path, sim.url, forge, "git", "w")
    engine = first_run(cfg)
    org = sim.org
    repo = org.repos_of(forge)[0].full_name
    late = org.add_commit(repo, org.humans()[0], "docs: explain the retry budget",
                          [FileChange("docs/retries.md", 40, 0, "added")], at=org.now - timedelta(days=7))
    sim.reset_requests()
    mine(cfg, engine)
    stored = commits(engine)
    assert late.sha in stored  # rewritten to git's SHA by the simulator when the commit landed
    assert stored[late.sha]["additions"] == 40 and stored[late.sha]["path_groups"] == ["docs"]
    assert sim.request_count(PER_COMMIT[forge]) == 0


@pytest.mark.parametrize("forge", FORGES)
def test_a_force_push_that_drops_the_stored_head_lists_the_clone_by_date(sim, tmp_path, forge, caplog):
    cfg = config(tmp_path, sim.url, forge, "git", "w")
    engine = first_run(cfg)
    repo = sim.org.repos_of(forge)[0]
    head = [c for c in sim.org.commits[repo.full_name] if c.branch == repo.default_branch][-1]
    sim.org.drop_commit(repo.full_name, head.sha)  # rewritten history: the old head lingers only in the clone
    with caplog.at_level("INFO", logger="leadsig.mine.git"):
        mine(cfg, engine)
    assert f"{repo.full_name}: stored head {head.sha[:12]} of {repo.default_branch} is gone" in caplog.text
