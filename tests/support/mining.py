"""Mining a configured source into its warehouse, and reading back what was stored (both forges' tests)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, select

from leadsig.config import DEFAULT_BOT_PATTERNS, DEFAULT_PATH_GROUPS, Config, ScheduleConfig, SourceConfig
from leadsig.miners.paths import PathGroups
from leadsig.miners.runner import SourceResult, mine_source
from leadsig.roster import IdentityResolver
from leadsig.warehouse import models as m
from leadsig.warehouse.db import open_warehouse

FORGES = ["github", "gitlab"]


def make(forge: str, url: str, **source: object) -> Any:
    """A miner that gives up at once (max_retries 0, unless ``source`` says otherwise)."""
    start = datetime(2000, 1, 1, tzinfo=UTC)
    if forge == "github":
        from leadsig.miners.github import GitHubMiner

        src = SourceConfig(kind="github", url=url, name="gh", **{"seconds_between_requests": 0, "max_retries": 0,
                                                                 **source})
        return GitHubMiner(src, PathGroups(DEFAULT_PATH_GROUPS), start)
    from leadsig.miners.gitlab import GitLabMiner

    src = SourceConfig(kind="gitlab", url=url, name="gl", **{"max_retries": 0, **source})
    return GitLabMiner(src, PathGroups(DEFAULT_PATH_GROUPS), start)


def repo_of(forge: str) -> str:
    return "acme/api" if forge == "github" else "acme/payments/ledger"


def mine_one(miner: Any, repo: str) -> None:
    for _ in miner.mine_repo(repo, {}):
        pass


def mine(cfg: Config, engine: Engine, expect_ok: bool = True) -> SourceResult:
    """One run of the config's first source; by default it must end without a failed repo."""
    result = mine_source(engine, cfg, cfg.sources[0], IdentityResolver(None, cfg.bot_patterns))
    if expect_ok:
        assert result.error is None and not result.stats.failed_repos, (result.error, result.stats.failed_repos)
    return result


def first_run(cfg: Config) -> Engine:
    """The warehouse of ``cfg`` after one successful run: the starting point of the incremental tests."""
    engine = open_warehouse(cfg.warehouse)
    mine(cfg, engine)
    return engine


def stored(engine: Engine, kind: str) -> dict[str, str]:
    """native_id -> evidence URL of every stored activity of ``kind``."""
    with engine.connect() as conn:
        rows = conn.execute(select(m.Activity.native_id, m.Activity.url).where(m.Activity.kind == kind)).all()
    return {nid: url for nid, url in rows}


def github_config(tmp_path: Path, url: str, graphql: bool = True, **source: object) -> Config:
    """The github source ``gh`` on the simulator's org ``acme``; ``graphql=False`` is ``graphql: false``."""
    src = SourceConfig(kind="github", url=url, name="gh", orgs=["acme"], seconds_between_requests=0,
                       **source)  # type: ignore[arg-type]
    if not graphql:
        src.graphql = False  # type: ignore[attr-defined]  # the source option ``graphql: false``
    return Config(path=tmp_path / "leadsig.yaml", warehouse=f"sqlite:///{tmp_path / 'w.db'}", roster=None,
                  since=date(2000, 1, 1), rules=["default"], path_groups=dict(DEFAULT_PATH_GROUPS), sources=[src],
                  teams={}, schedule=ScheduleConfig(), reports_out_dir=tmp_path, bot_patterns=DEFAULT_BOT_PATTERNS)
