"""Runs the miners of the configured sources and loads what they yield, batch by batch.

Plain Python: the CLI calls it directly, and the Prefect nightly flow calls the same pieces per repo.
"""

from __future__ import annotations

import fnmatch
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time

from sqlalchemy import Engine

from leadsig.batch import OVERLAP, Miner, MiningStats
from leadsig.config import Config, SourceConfig
from leadsig.errors import ForgeError, NotFound
from leadsig.roster import IdentityResolver
from leadsig.warehouse import etags, store

log = logging.getLogger("leadsig.mine")


@dataclass
class RepoResult:
    source: str
    repo: str
    stored: int = 0
    error: str | None = None  # for people: redacted, the library's own words
    exception: BaseException | None = field(default=None, repr=False, compare=False)  # for retry policies


def describe(exc: BaseException) -> str:
    """``Type: message`` of what went wrong, token-free; a ForgeError is told by the library error it names."""
    from leadsig.logs import redact

    origin = exc.__cause__ if isinstance(exc, ForgeError) and exc.__cause__ is not None else exc
    return redact(f"{type(origin).__name__}: {origin}")[:2000]


def not_found(source: SourceConfig, repo: str, exc: NotFound) -> str:
    """Which repo, on which source, in one line: the forge's answer (a GraphQL error document) is not for people."""
    from leadsig.logs import redact

    origin = exc.__cause__ if exc.__cause__ is not None else exc
    data = getattr(origin, "data", None)
    said = (getattr(origin, "message", None) or getattr(origin, "error_message", None)
            or (data.get("message") if isinstance(data, dict) else None) or "")
    said = str(said).splitlines()[0][:200] if said else ""
    status = f", HTTP {exc.status}" if exc.status else ""
    return redact(f"{repo} was not found on source {source.name} ({source.kind} at {source.url}): "
                  f"{type(origin).__name__}{status}" + (f", {said}" if said else "")
                  + "; check the name and that the token can see it")


@dataclass
class SourceResult:
    source: str
    repos: list[RepoResult] = field(default_factory=list)
    stats: MiningStats = field(default_factory=MiningStats)
    error: str | None = None  # the source itself failed (bad token, unreachable)


def make_miner(cfg: Config, source: SourceConfig, since: date) -> Miner:
    """One miner per source; imports the forge module only when it is used."""
    from leadsig.miners.paths import PathGroups

    groups = PathGroups(cfg.path_groups)
    start = datetime.combine(since, time.min, tzinfo=UTC)
    if source.kind == "github":
        from leadsig.miners.github import GitHubMiner

        return GitHubMiner(source, groups, start)
    from leadsig.miners.gitlab import GitLabMiner

    return GitLabMiner(source, groups, start)


def team_of(cfg: Config, repo: str) -> str | None:
    for name, team in cfg.teams.items():
        if any(fnmatch.fnmatchcase(repo, pat) for pat in team.repos):
            return name
    return None


def with_overlap(watermarks: dict[str, datetime | None]) -> dict[str, datetime | None]:
    return {k: (v - OVERLAP if v else None) for k, v in watermarks.items()}


def mine_repo(
    engine: Engine, cfg: Config, source: SourceConfig, miner: Miner, repo: str, resolver: IdentityResolver
) -> RepoResult:
    """Mine one repo; every batch and its cursor commit together. Errors are recorded, not raised."""
    result = RepoResult(source.name, repo)
    team = team_of(cfg, repo)
    try:
        cursors = store.get_cursor_rows(engine, source.name, repo)
        watermarks = with_overlap({stream: wm for stream, (wm, _) in cursors.items()})
        positions = {stream: pos for stream, (_, pos) in cursors.items() if pos}
        stored_etags = etags.get_etags(engine, source.name, repo)
        fresh = dict(stored_etags)
        for batch in miner.mine_repo(repo, watermarks, positions, fresh):
            result.stored += store.save_batch(
                engine,
                source.name,
                repo,
                batch.stream,
                batch.activities,
                batch.watermark,
                resolver,
                team=team,
                kinds=miner.stats.by_kind,
                position=batch.position,
                current=batch.current,
            )
        if fresh != stored_etags:  # after the last batch: an ETag never stands for what was not stored
            etags.save_etags(engine, source.name, repo, fresh)
    except Exception as exc:  # one failing repo must not stop the others
        result.error, result.exception = describe(exc), exc
        if isinstance(exc, NotFound):
            result.error = not_found(source, repo, exc)
        miner.stats.failed_repos[repo] = result.error
        log.warning("repo %s failed: %s", repo, result.error)
    return result


def mine_source(
    engine: Engine,
    cfg: Config,
    source: SourceConfig,
    resolver: IdentityResolver,
    since: date | None = None,
    only_repo: str | None = None,
    on_repo: Callable[[RepoResult, int, int], None] | None = None,
) -> SourceResult:
    miner = make_miner(cfg, source, since or cfg.since)
    out = SourceResult(source.name, stats=miner.stats)
    try:
        repos = [only_repo] if only_repo else list_repos(engine, source, miner)
    except Exception as exc:
        out.error = describe(exc)
        return out
    for i, repo in enumerate(repos, 1):
        res = mine_repo(engine, cfg, source, miner, repo, resolver)
        out.repos.append(res)
        if on_repo:
            on_repo(res, i, len(repos))
    if not only_repo:
        prune_clones(source, repos)
    return out


def list_repos(engine: Engine, source: SourceConfig, miner: Miner) -> list[str]:
    """The miner's repos, its org listings asked with the ETags stored last time (a miner that keeps
    ``stored_listings``: GitHub, where a 304 is free), and tonight's stored for the next run."""
    from leadsig.warehouse import listings

    if not hasattr(miner, "stored_listings"):
        return miner.list_repos()
    miner.stored_listings = listings.get_listings(engine, source.name)
    repos = miner.list_repos()
    if miner.fresh_listings != miner.stored_listings:
        listings.save_listings(engine, source.name, miner.fresh_listings)
    return repos


def prune_clones(source: SourceConfig, repos: list[str]) -> None:
    """After a whole source was listed: its clones of repositories it no longer mines leave the cache."""
    from leadsig.miners.git_commits import human_bytes, prune_cache

    freed = prune_cache(source.git_cache, source.name, repos if source.commits == "git" else [])
    if freed:
        log.info("source %s: deleted the clones of repositories no longer mined (%s)", source.name,
                 human_bytes(freed))
