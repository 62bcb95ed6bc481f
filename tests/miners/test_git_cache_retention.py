"""A clone stays in the git cache only while its repository is mined: excluded from the config, or its source
switched to ``commits: api`` or removed, its history (authors' names and emails) leaves the disk; the cache
folder is its owner's only."""

from __future__ import annotations

import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from leadsig.miners.git_commits import cache_path, prune_sources
from leadsig.simulator import ForgeSimulator
from leadsig.warehouse.db import open_warehouse
from tests.miners.test_git_commits import config
from tests.support.mining import first_run, mine


@pytest.fixture(scope="module")
def sim() -> Iterator[ForgeSimulator]:
    with ForgeSimulator(size="tiny", seed=11) as s:
        yield s


def clones(root: Path) -> set[str]:
    return {str(p.relative_to(root)) for p in root.rglob("*.git")}


def test_clones_of_repositories_no_longer_mined_leave_the_cache(sim, tmp_path):
    cfg = config(tmp_path, sim.url, "github", "git", "w")
    engine = first_run(cfg)
    root = cfg.git_cache
    repos = [r.full_name for r in sim.org.repos_of("github")]
    assert clones(root) == {str(cache_path(root, "github", r).relative_to(root)) for r in repos} and len(repos) >= 2
    assert stat.S_IMODE(root.stat().st_mode) == 0o700

    cfg.sources[0].exclude = [repos[0]]  # no longer mined: its clone goes, the others stay
    mine(cfg, engine)
    assert not cache_path(root, "github", repos[0]).exists()
    assert all(cache_path(root, "github", r).is_dir() for r in repos[1:])

    cfg.sources[0].commits = "api"  # commits through the API: no clone serves anything any more
    mine(cfg, engine)
    assert clones(root) == set()


def test_mining_one_repo_keeps_the_other_clones(sim, tmp_path):
    cfg = config(tmp_path, sim.url, "github", "git", "w")
    engine = first_run(cfg)
    from leadsig.miners.runner import mine_source
    from leadsig.roster import IdentityResolver

    repos = [r.full_name for r in sim.org.repos_of("github")]
    mine_source(open_warehouse(cfg.warehouse), cfg, cfg.sources[0], IdentityResolver(None, cfg.bot_patterns),
                only_repo=repos[0])
    assert all(cache_path(cfg.git_cache, "github", r).is_dir() for r in repos)
    engine.dispose()


def test_a_source_gone_from_the_config_loses_its_clones_but_nothing_else_is_touched(tmp_path):
    root = tmp_path / "cache"
    for source in ("gh", "old"):
        (cache_path(root, source, "acme/api") / "objects").mkdir(parents=True)
        (cache_path(root, source, "acme/api") / "HEAD").write_text("ref: refs/heads/main\n")
    (root / "notes").mkdir()
    (root / "notes" / "keep.txt").write_text("an operator's file")  # not a clone folder: never deleted
    assert prune_sources(root, ["gh"]) > 0
    assert not (root / "old").exists()
    assert cache_path(root, "gh", "acme/api").is_dir() and (root / "notes" / "keep.txt").exists()
