"""Mining a configured source into its warehouse, and reading back what was stored (both forges' tests)."""

from __future__ import annotations

from sqlalchemy import Engine, select

from leadsig.config import Config
from leadsig.miners.runner import SourceResult, mine_source
from leadsig.roster import IdentityResolver
from leadsig.warehouse import models as m
from leadsig.warehouse.db import open_warehouse


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
