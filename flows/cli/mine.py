"""``leadsig mine`` and ``leadsig classify`` on the plain-Python stages, with Rich progress (no Prefect start-up)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from leadsig.flows.cli.options import DEFAULT_CONFIG, ConfigOpt, parse_date

if TYPE_CHECKING:  # the stages are imported when a command runs: other commands do not load the miners
    from leadsig.flows.pipeline import RunSummary
    from leadsig.miners.runner import RepoResult, SourceResult

console = Console(stderr=True)


def mine(
    config: ConfigOpt = DEFAULT_CONFIG,
    source: Annotated[str | None, typer.Option(help="Only this source (by name).")] = None,
    repo: Annotated[str | None, typer.Option(help="Only this repo/project.")] = None,
    since: Annotated[
        str | None, typer.Option(help="Mine from this date (YYYY-MM-DD) on a first run.")
    ] = None,
    full: Annotated[bool, typer.Option("--full", help="Forget watermarks and re-mine everything.")] = False,
) -> None:
    """Mine the configured sources into the warehouse, then classify what is new."""
    summary = run_mine(str(config), source, repo, parse_date(since, "--since"), full)
    if summary.failed:
        raise typer.Exit(1)


def classify(
    config: ConfigOpt = DEFAULT_CONFIG,
    since: Annotated[str | None, typer.Option(help="Only activity from this date (YYYY-MM-DD).")] = None,
) -> None:
    """Re-classify stored activity with the current rules (no forge API calls)."""
    run_classify(str(config), parse_date(since, "--since"))


def run_mine(
    config_path: str,
    source: str | None,
    repo: str | None,
    since: date | None,
    full: bool,
    classify: bool = True,
) -> RunSummary:
    from leadsig.flows.pipeline import classify_stage, mining_run, signals_by_type
    from leadsig.miners.runner import mine_source

    with mining_run(config_path, source, repo, full) as (p, sources, summary):
        with Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=console,
            transient=False,
        ) as progress:
            results = []
            for s in sources:
                task = progress.add_task(f"{s.name}: listing repos", total=None)

                def on_repo(res: RepoResult, i: int, n: int, task=task, s=s) -> None:
                    mark = "[red]failed[/red]" if res.error else f"{res.stored} stored"
                    progress.update(task, total=n, completed=i, description=f"{s.name}: {res.repo} ({mark})")

                results.append(mine_source(p.engine, p.cfg, s, p.resolver, since=since, only_repo=repo,
                                           on_repo=on_repo))
        for note in elsewhere(results) if repo else []:
            console.print(note, markup=False, highlight=False)
        for result in results:
            summary.add(result)
        if classify:  # what landed is consistent even when a repo failed
            from leadsig.flows.cli.progress import stage_progress

            with stage_progress("classifying", console) as step:
                summary.signals_by_type = signals_by_type(classify_stage(p, progress=step))
    print_summary(summary)
    print_cache(p.cfg.git_cache)
    return summary


def elsewhere(results: list[SourceResult]) -> list[str]:
    """``--repo`` is tried on every selected source: where another source has it, "not found" on this one is
    what the user expects, so it is said and dropped from the failures; where no source has it, it fails."""
    from leadsig.errors import NotFound

    def missing(res: RepoResult) -> bool:
        return isinstance(res.exception, NotFound)

    if not any(r.error is None for result in results for r in result.repos):
        return []
    notes = []
    for result in results:
        for res in [r for r in result.repos if missing(r)]:
            notes.append(f"{res.error.split(';')[0] if res.error else res.repo} (mined from another source)")
            res.error, res.exception = None, None
            result.stats.failed_repos.pop(res.repo, None)
    return notes


def print_cache(root: Path | None) -> None:
    """The git cache's disk use: it grows with the mined repositories' history, so whoever runs it sees it."""
    from leadsig.miners.git_commits import disk_use, human_bytes

    if root is not None and root.exists():
        console.print(f"git cache: {human_bytes(disk_use(root))} in {root}", highlight=False)


def print_summary(summary: RunSummary) -> None:
    table = Table(title="mining run", show_header=True)
    table.add_column("activity kind")
    table.add_column("new or changed", justify="right")
    for kind, n in sorted(summary.activities_by_kind.items()):
        table.add_row(kind, str(n))
    console.print(table)
    waited = sum(s for _, s in summary.waits)
    console.print(
        f"repos: {summary.repos}  requests: {summary.requests}  retries: {summary.retries}  "
        f"waits: {len(summary.waits)} ({waited:.1f} s)"
    )
    if summary.signals_by_type:
        console.print("signals: " + ", ".join(f"{k} {v}" for k, v in sorted(summary.signals_by_type.items())))
    for where, err in summary.failed.items():
        console.print(f"[red]failed[/red] {where}: {err.splitlines()[0][:300]}", markup=True, highlight=False)


def run_classify(config_path: str, since: date | None) -> None:
    from leadsig.config import load_config
    from leadsig.flows.cli.progress import stage_progress
    from leadsig.flows.pipeline import classify_stage, prepare, signals_by_type

    cfg = load_config(config_path)
    p = prepare(cfg)
    with stage_progress("classifying", console) as step:
        stats = classify_stage(p, since=since, progress=step)
    by_type = signals_by_type(stats)
    console.print("signals: " + (", ".join(f"{k} {v}" for k, v in sorted(by_type.items())) or "none"))
    console.print(", ".join(f"{k}: {stats.get(k, 0)}" for k in ("added", "removed", "changed", "unchanged")))
