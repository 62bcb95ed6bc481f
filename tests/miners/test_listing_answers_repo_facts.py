"""A repository listed from its org (GitHub) or group (GitLab) costs no repository request of its own: the
listing already gives what the commit stream needs (clone URL, default branch, web URL), and the stored
commits are the same."""

from __future__ import annotations

from collections.abc import Iterator
from types import SimpleNamespace

import pytest

from leadsig.flows.nightly import Attempts
from leadsig.simulator import ForgeSimulator
from leadsig.warehouse.db import open_warehouse
from tests.miners.test_git_commits import commits, config
from tests.support.mining import FORGES, first_run

ONE_REPO = {"github": "GET /repos/{owner}/{repo}", "gitlab": "GET /api/v4/projects/{pid}"}
LISTING = {"github": "GET /orgs/{org_name}/repos", "gitlab": "GET /api/v4/groups/{gid}/projects"}


@pytest.fixture(scope="module")
def sim() -> Iterator[ForgeSimulator]:
    with ForgeSimulator(size="tiny", seed=11) as s:
        yield s


@pytest.mark.parametrize("forge", FORGES)
def test_a_listed_repository_is_not_asked_for_again(sim, tmp_path, forge):
    from_api = commits(first_run(config(tmp_path, sim.url, forge, "api", "api")))
    sim.reset_requests()
    from_git = commits(first_run(config(tmp_path, sim.url, forge, "git", "git")))
    assert from_git == from_api and from_git
    assert sim.request_count(LISTING[forge]) == 1
    assert sim.request_count(ONE_REPO[forge]) == 0


def test_a_configured_project_outside_any_group_is_still_asked_for(sim, tmp_path):
    cfg = config(tmp_path, sim.url, "gitlab", "git", "one")
    repo = sim.org.repos_of("gitlab")[0].full_name
    cfg.sources[0].groups, cfg.sources[0].projects = [], [repo]
    sim.reset_requests()
    assert commits(first_run(cfg))
    assert sim.request_count(ONE_REPO["gitlab"]) == 1


def test_the_nightly_flow_hands_the_listing_to_each_repo_task(sim, tmp_path):
    """Each repo task builds its own miner: the listing task's answer reaches them through the run's Attempts."""
    from leadsig.flows.nightly import list_repos_task
    from leadsig.miners.runner import make_miner

    cfg = config(tmp_path, sim.url, "gitlab", "git", "w")
    log = Attempts()
    prepared = SimpleNamespace(cfg=cfg, engine=open_warehouse(cfg.warehouse))
    repos = list_repos_task.fn(prepared, cfg.sources[0], None, log)
    worker = make_miner(cfg, cfg.sources[0], cfg.since)
    log.adopt(worker)
    assert set(worker.listed) == set(repos) and all(worker.listed[r]["http_url_to_repo"] for r in repos)
