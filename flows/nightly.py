"""The Prefect flows: nightly mining (+ classification) and the monthly report.

Tasks are one fetch, one load or one classification; the flow only orders them. Fetch tasks retry with
exponential backoff and jitter, on retriable errors only; a per-host semaphore bounds concurrent miners.
"""

from __future__ import annotations

import threading
from collections import defaultdict
from datetime import date
from pathlib import Path
from typing import Any

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE
from prefect.states import Failed
from prefect.task_runners import ThreadPoolTaskRunner
from prefect.tasks import exponential_backoff

from leadsig.batch import MiningStats
from leadsig.config import SourceConfig, load_config
from leadsig.errors import RETRIABLE, UserError
from leadsig.flows.pipeline import Prepared, classify_stage, mining_run, prepare, signals_by_type
from leadsig.miners.git_stream import FallbackNotice
from leadsig.miners.runner import RepoResult, SourceResult, list_repos, make_miner, mine_repo, prune_clones

PER_HOST = 2  # concurrent repos per forge host: polite to the forge, and within its secondary limits
_host_slots: dict[str, threading.BoundedSemaphore] = defaultdict(lambda: threading.BoundedSemaphore(PER_HOST))


class Attempts:
    """What one source's tasks learn in a run: every miner's counters, failed attempts included, and
    whether the forge refused the GraphQL query.

    A task that fails after its last retry returns nothing, so its requests, retries and waits would be
    missing from the run summary; every task files its miner's counters here before it returns or raises.
    Each task builds its own miner (clients are not shared between threads), so a refusal of GraphQL (an
    old Enterprise Server) is passed on here: later repos go straight to REST instead of asking again.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._stats: list[MiningStats] = []
        self.graphql_refused = False
        self.git_notice = FallbackNotice()  # "commits through the API" is said once per source and run
        self.listed: dict[str, Any] = {}  # what the repo listing said of each repo (GitLab: clone URL, branch)

    def adopt(self, miner: Any) -> None:
        if self.graphql_refused and hasattr(miner, "use_graphql"):
            miner.use_graphql = False
        if hasattr(miner, "git"):
            miner.git.notice = self.git_notice
        if isinstance(getattr(miner, "listed", None), dict):
            miner.listed.update(self.listed)

    def learn(self, miner: Any, source: SourceConfig) -> None:
        if getattr(source, "graphql", False) and getattr(miner, "use_graphql", True) is False:
            self.graphql_refused = True

    def add(self, stats: MiningStats) -> None:
        with self._lock:
            self._stats.append(stats)

    def total(self) -> MiningStats:
        out = MiningStats()
        with self._lock:
            for st in self._stats:
                out.requests += st.requests
                out.retries += st.retries
                out.waits.extend(st.waits)
                out.by_kind.update(st.by_kind)
        return out


class RetriableMiningError(RuntimeError):
    """A repo failed for a reason worth another try (see :func:`retriable`); its cause is the error itself."""


def retriable(exc: BaseException | None) -> bool:
    """The retry policy, read from the error's type: a forge's 5xx, dropped connection, timeout, truncated body
    or rate limit (``leadsig.errors.RETRIABLE``), or a database that rolled the batch back (deadlock,
    serialization failure). A refused token (401/403), a missing repo or a bug fails at once."""
    from leadsig.warehouse.db import rolled_back

    return isinstance(exc, (*RETRIABLE, RetriableMiningError)) or rolled_back(exc)


def _retriable(task_: Any, task_run: Any, state: Any) -> bool:
    try:
        state.result()
    except Exception as exc:
        return retriable(exc)
    return False


@task(name="list-repos", retries=2, retry_delay_seconds=exponential_backoff(2), retry_jitter_factor=0.5,
      retry_condition_fn=_retriable, cache_policy=NO_CACHE)
def list_repos_task(p: Prepared, source: SourceConfig, since: date | None, log: Attempts) -> list[str]:
    miner = make_miner(p.cfg, source, since or p.cfg.since)
    try:
        repos = list_repos(p.engine, source, miner)
        log.listed.update(getattr(miner, "listed", {}))  # so the repo tasks need not ask again
        return repos
    finally:
        log.add(miner.stats)


@task(name="mine-repo", retries=3, retry_delay_seconds=exponential_backoff(2), retry_jitter_factor=0.5,
      retry_condition_fn=_retriable, cache_policy=NO_CACHE)
def mine_repo_task(p: Prepared, source: SourceConfig, repo: str, since: date | None, log: Attempts) -> RepoResult:
    """Fetch and load one repo; each batch commits with its cursor, so a retry resumes where it stopped."""
    miner = make_miner(p.cfg, source, since or p.cfg.since)
    with _host_slots[source.host]:
        log.adopt(miner)
        result = mine_repo(p.engine, p.cfg, source, miner, repo, p.resolver)
    log.add(miner.stats)
    log.learn(miner, source)
    if result.error and retriable(result.exception):
        get_run_logger().warning("retrying %s after: %s", repo, result.error.splitlines()[0][:200])
        raise RetriableMiningError(result.error) from result.exception
    return result


@task(name="retention", cache_policy=NO_CACHE)
def retention_task(p: Prepared) -> dict[str, int]:
    """Delete what is older than the configured retention (reported in the run summary)."""
    from leadsig.warehouse.trust import apply_retention

    return apply_retention(p.engine, p.cfg.retention.months())


@task(name="checkins", cache_policy=NO_CACHE)
def checkins_task(p: Prepared) -> dict[str, int]:
    """Store the mentoring check-ins of the configured folder and of the labelled issues just mined."""
    from leadsig.warehouse.tracks import sync_checkins

    return sync_checkins(p.engine, p.cfg.checkins, p.roster)


@task(name="classify", cache_policy=NO_CACHE)
def classify_task(p: Prepared) -> dict[str, int]:
    return dict(signals_by_type(classify_stage(p)))


def _mine_source(p: Prepared, source: SourceConfig, repo: str | None, since: date | None) -> SourceResult:
    out = SourceResult(source.name)
    log = Attempts()
    try:
        repos = [repo] if repo else list_repos_task(p, source, since, log)
    except Exception as exc:
        from leadsig.logs import redact

        out.error = redact(f"{type(exc).__name__}: {exc}")[:2000]
        out.stats = log.total()
        return out
    futures = {r: mine_repo_task.submit(p, source, r, since, log) for r in repos}
    for r, fut in futures.items():
        state = fut.wait() or fut.state
        if state.is_completed():
            out.repos.append(fut.result())
        else:
            out.repos.append(RepoResult(source.name, r, error=str(state.message or "failed")[:2000]))
    if not repo:
        prune_clones(source, repos)
    out.stats = log.total()  # every attempt's requests, the failed ones too
    return out


@flow(name="leadsig-nightly", task_runner=ThreadPoolTaskRunner(max_workers=4), log_prints=False)
def nightly(config_path: str = "leadsig.yaml", source: str | None = None, repo: str | None = None,
            full: bool = False, since: date | None = None) -> Any:
    """Mine every configured source, load it, classify what is new, and publish a run summary."""
    with mining_run(config_path, source, repo, full) as (p, sources, summary):
        for s in sources:
            summary.add(_mine_source(p, s, repo, since))
        summary.signals_by_type.update(classify_task(p))
        if p.cfg.checkins.folder or p.cfg.checkins.repo:
            try:
                checkins_task(p)
            except UserError as exc:  # the mined data stays; the run says which check-in to fix
                summary.failed["checkins"] = str(exc)
        summary.retention = retention_task(p)
    create_markdown_artifact(summary.markdown(), key="leadsig-nightly-summary", description="leadsig nightly run")
    if summary.failed:
        return Failed(message=f"{len(summary.failed)} source(s)/repo(s) failed: " + ", ".join(summary.failed))
    return summary.counts()


@flow(name="leadsig-monthly-report", log_prints=False)
def monthly_report(config_path: str = "leadsig.yaml", month: str | None = None, team: str | None = None) -> dict:
    """Build last month's reports (or a given month) and publish where they are as an artifact."""
    from leadsig.reports.data import last_complete_month
    from leadsig.reports.monthly import build_monthly

    cfg = load_config(config_path)
    p = prepare(cfg)
    month = month or last_complete_month()
    paths = build_monthly(p.engine, cfg, month, team=team)
    lines = [f"# leadsig monthly report {month}", ""] + [f"- {fmt}: `{Path(path)}`" for fmt, path in paths.items()]
    create_markdown_artifact("\n".join(lines) + "\n", key="leadsig-monthly-report", description=f"reports {month}")
    return {k: str(v) for k, v in paths.items()}
