"""The stages of a nightly run as plain functions; the CLI and the Prefect flows both call these.

Stages: prepare (config, warehouse, roster) -> mine each repo -> classify new activity -> record the run.
"""

from __future__ import annotations

import contextlib
import ipaddress
import logging
import socket
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from sqlalchemy import Engine

from leadsig.config import Config, SourceConfig, load_config
from leadsig.errors import Problem, UserError
from leadsig.logs import redact
from leadsig.miners.runner import SourceResult
from leadsig.roster import IdentityResolver, Roster, load_roster
from leadsig.rotations import load_rotations
from leadsig.tracks import Tracks, load_tracks
from leadsig.warehouse import runs, store
from leadsig.warehouse.db import open_warehouse

if TYPE_CHECKING:
    from leadsig.rules.language.model import RuleSet

log = logging.getLogger("leadsig.pipeline")


@dataclass
class Prepared:
    cfg: Config
    engine: Engine
    roster: Roster
    resolver: IdentityResolver
    tracks: Tracks | None = None


@dataclass
class RunSummary:
    """What a run did; stored in mining_runs and shown by the CLI and the Prefect artifact."""

    activities_by_kind: Counter[str] = field(default_factory=Counter)
    signals_by_type: Counter[str] = field(default_factory=Counter)
    requests: int = 0
    retries: int = 0
    waits: list[tuple[str, float]] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)  # "source/repo" or "source" -> error
    repos: int = 0
    retention: dict[str, int] = field(default_factory=dict)  # rows deleted by retention, per table

    def add(self, result: SourceResult) -> None:
        self.activities_by_kind.update(result.stats.by_kind)
        self.requests += result.stats.requests
        self.retries += result.stats.retries
        self.waits.extend(result.stats.waits)
        self.repos += len(result.repos)
        if result.error:
            self.failed[result.source] = result.error
        for r in result.repos:
            if r.error:
                self.failed[f"{result.source}/{r.repo}"] = r.error

    @property
    def status(self) -> str:
        return "failed" if self.failed else "ok"

    def counts(self) -> dict[str, Any]:
        return {
            "retention_deleted": dict(self.retention),
            "activities": dict(self.activities_by_kind),
            "signals": dict(self.signals_by_type),
            "repos": self.repos,
            "retries": self.retries,
        }

    def markdown(self) -> str:
        lines = [
            "# leadsig nightly run",
            "",
            f"Status: **{self.status}**, repos: {self.repos}, "
            f"requests: {self.requests}, retries: {self.retries}, waits: {len(self.waits)} "
            f"({sum(s for _, s in self.waits):.1f} s)",
            "",
            "| activity kind | new or changed |",
            "|---|---|",
        ]
        lines += [f"| {k} | {v} |" for k, v in sorted(self.activities_by_kind.items())]
        lines += ["", "| signal type | signals |", "|---|---|"]
        lines += [f"| {k} | {v} |" for k, v in sorted(self.signals_by_type.items())]
        if self.retention:
            lines += ["", "Retention deleted: " + ", ".join(f"{k} {v}" for k, v in sorted(self.retention.items()))]
        if self.failed:
            lines += ["", "## Failed", ""] + [f"- `{k}`: {v.splitlines()[0][:300]}" for k, v in self.failed.items()]
        return "\n".join(lines) + "\n"


def prepare(cfg: Config, rules: bool = True) -> Prepared:
    """Validate everything the run needs before anything is written: the roster, and the rule layers (a broken
    layer would otherwise be found only after mining, when classification loads it). ``rules=False`` is for
    commands that classify nothing (attesting a milestone): the tracks file is then checked without the rule
    pack's indicator names."""
    if rules:
        from leadsig.rules.matcher.classify import rules_for

        tracks = load_tracks_for(cfg, rules_for(cfg))
    else:
        tracks = load_tracks(cfg.tracks)
    roster = load_roster(cfg.roster, known_teams=set(cfg.teams) or None, tracks=tracks) if cfg.roster else Roster()
    if cfg.rotations is not None:  # a misspelt id in the rotations file is found now, with its line
        load_rotations(cfg.rotations, known_people={p.id for p in roster.people} if cfg.roster else None,
                       known_teams=set(cfg.teams) or None)
    resolver = IdentityResolver(roster, cfg.bot_patterns)
    engine = open_warehouse(cfg.warehouse)
    from leadsig.warehouse.trust import Suppression

    resolver.suppression = Suppression.load(engine)
    store.sync_roster(engine, roster, resolver)
    return Prepared(cfg, engine, roster, resolver, tracks)


def load_tracks_for(cfg: Config, ruleset: RuleSet | None = None) -> Tracks:
    """The configured tracks file (or the built-in track), its indicators checked against the rule pack's."""
    from leadsig.rules.language.indicators import BY_ID

    known = set(BY_ID) | {r.indicator for r in (ruleset.rules if ruleset else [])}
    return load_tracks(cfg.tracks, known_indicators=known)


def loopback_refusals(cfg: Config, sources: list[SourceConfig]) -> list[Problem]:
    """A source on this machine (the forge simulator) that refuses connections: said at once, with how to
    start it, instead of a run of connection retries that ends in a raw ConnectionError. A source elsewhere
    is left to the clients' retries (a forge that is down for a minute comes back)."""
    problems: dict[str, Problem] = {}  # one per address: a simulator serves both forges on one port
    for source in sources:
        url = urlsplit(source.url)
        if not url.hostname or not _is_loopback(url.hostname):
            continue
        port = url.port or (443 if url.scheme == "https" else 80)
        index = next((i for i, s in enumerate(cfg.sources) if s.name == source.name), 0)
        if url.netloc in problems:
            problems[url.netloc].key = f"{problems[url.netloc].key}, sources[{index}].url"
            continue
        try:
            socket.create_connection((url.hostname, port), timeout=2).close()
        except ConnectionRefusedError:
            problems[url.netloc] = Problem(
                f"nothing listens at {url.scheme}://{url.netloc} (connection refused): the forge simulator is "
                f"not running", file=str(cfg.path), key=f"sources[{index}].url", code="unreachable",
                hint=f"start it in another terminal: leadsig simulate --port {port} (with the --size and --seed it "
                     f"had; the demo's are --size small --seed 7), or run leadsig demo again")
        except OSError:
            continue  # anything else (a timeout, say) is the clients' to retry and report
    return list(problems.values())


def _is_loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def selected_sources(cfg: Config, source: str | None) -> list[SourceConfig]:
    return [cfg.source(source)] if source else list(cfg.sources)


@contextlib.contextmanager
def mining_run(config_path: str, source: str | None, repo: str | None,
               full: bool) -> Iterator[tuple[Prepared, list[SourceConfig], RunSummary]]:
    """Validate, take the sources' locks, record the run; the caller mines inside, the run row is closed after.

    Shared by `leadsig mine` and the nightly flow so both record runs the same way.
    """
    cfg = load_config(config_path)
    sources = selected_sources(cfg, source)
    for s in sources:
        s.token()  # fail now, before anything is written, if a token variable is missing
    problems = loopback_refusals(cfg, sources)
    if problems:
        raise UserError(problems)
    p = prepare(cfg)
    summary = RunSummary()
    names = [s.name for s in sources]
    with runs.source_locks(p.engine, names):
        run_id = runs.start_run(p.engine, names)
        for dead in runs.close_interrupted(p.engine, names, by_run=run_id):
            log.warning("mining run %d never finished (killed?): marked interrupted", dead)
        if full:
            for s in sources:
                store.clear_cursors(p.engine, s.name, repo)
        try:
            yield p, sources, summary
            if source is None and repo is None:  # a whole run: clones of sources gone from the config go too
                from leadsig.miners.git_commits import prune_sources

                prune_sources(cfg.git_cache, [s.name for s in cfg.sources])
        except BaseException as exc:
            summary.failed["run"] = redact(f"{type(exc).__name__}: {exc}")[:2000]
            raise
        finally:
            runs.finish_run(p.engine, run_id, summary.status, summary.counts(), summary.requests,
                            [list(w) for w in summary.waits], summary.failed)


def classify_stage(p: Prepared, since: date | None = None,
                   progress: Callable[[int, int | None, str], None] | None = None) -> dict[str, Any]:
    """Classify stored activity (no forge calls), one classification at a time per warehouse.

    Returns the engine's stats: signals by type and rule, and how many were added, removed or changed.
    """
    from leadsig.rules.matcher.classify import classify_warehouse
    from leadsig.warehouse.runs import classify_lock

    with classify_lock(p.engine):
        return classify_warehouse(p.engine, p.cfg, since=since, progress=progress)


def signals_by_type(stats: dict[str, Any]) -> Counter[str]:
    return Counter({str(k): int(v) for k, v in (stats.get("by_type") or {}).items()})
