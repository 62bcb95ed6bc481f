"""``rules eval``: classify a labelled corpus exactly as the nightly run would, and score it.

Items are stored in a throw-away SQLite warehouse through the miners' loader (roster sync, then one
batch per item), read back and enriched by the same functions as ``classify``, and matched by the same
engine; only the signals of each item's scored activity count. Nothing outside a temporary folder is
written, so a lead can measure local rules on their own labelled threads without touching the warehouse.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
from sqlalchemy import Engine, event

from leadsig.config import DEFAULT_BOT_PATTERNS, DEFAULT_PATH_GROUPS, Config
from leadsig.errors import Problem, UserError
from leadsig.paths import PathGroups
from leadsig.roster import IdentityResolver, Roster
from leadsig.rules.evaluation.build import Built, build_item
from leadsig.rules.evaluation.corpus import Item, read_corpus
from leadsig.rules.evaluation.scoring import Outcome, Scores, score
from leadsig.rules.language.indicators import BY_ID
from leadsig.rules.language.loader import load_rules
from leadsig.rules.language.model import RuleSet
from leadsig.rules.matcher.classify import compute_signals
from leadsig.rules.matcher.enrich import enrich, read_warehouse
from leadsig.warehouse import store
from leadsig.warehouse.db import open_warehouse
from leadsig.yamlfile import did_you_mean

Progress = Callable[[str, int, int], None]  # (stage, done, total)


@dataclass
class Settings:
    """What the nightly run would take from the configuration; defaults when there is none."""

    layers: list[str] = field(default_factory=lambda: ["default"])
    base_dir: Path = field(default_factory=Path.cwd)
    path_groups: dict[str, list[str]] = field(default_factory=lambda: {k: list(v) for k, v in
                                                                       DEFAULT_PATH_GROUPS.items()})
    teams: dict[str, list[str]] = field(default_factory=dict)  # for items without teams of their own
    bot_patterns: list[str] = field(default_factory=lambda: list(DEFAULT_BOT_PATTERNS))

    @classmethod
    def from_config(cls, cfg: Config) -> Settings:
        return cls(list(cfg.rules), cfg.path.resolve().parent, cfg.path_groups,
                   {name: list(t.repos) for name, t in cfg.teams.items()}, list(cfg.bot_patterns))


def check_indicator(indicator: str | None) -> None:
    if indicator is not None and indicator not in BY_ID:
        raise UserError(Problem(f"unknown indicator {indicator!r}", key="--indicator", code="bad-argument",
                                hint=did_you_mean(indicator, tuple(BY_ID)) or "ids: " + ", ".join(BY_ID)))


def evaluate_files(paths: list[Path], settings: Settings, indicator: str | None = None,
                   progress: Progress | None = None) -> Scores:
    """Read and check the corpus (all problems at once), classify every item, score the signals."""
    check_indicator(indicator)
    items = read_corpus(paths)
    ruleset = load_rules(settings.layers, settings.base_dir)  # rule mistakes surface before any work
    outcomes = classify_items(items, settings, ruleset, progress)
    return score(outcomes, indicator, layers=settings.layers, rules=len(ruleset.enabled()))


def classify_items(items: list[Item], settings: Settings, ruleset: RuleSet,
                   progress: Progress | None = None) -> list[Outcome]:
    """Each item's scored activity with the signal records the engine gives it."""
    report = progress or (lambda stage, done, total: None)
    groups = PathGroups(settings.path_groups)
    built = [build_item(it, i, groups, settings.teams) for i, it in enumerate(items)]
    with tempfile.TemporaryDirectory(prefix="leadsig-eval-") as tmp:
        engine = throwaway_warehouse(Path(tmp) / "eval.db")
        try:
            load(engine, built, settings.bot_patterns, report)
            report("classifying", 0, len(items))
            df = enriched(engine, built)
            records = compute_signals(df, ruleset.enabled())
            texts = dict(zip(df["id"], df["body"], strict=True))
        finally:
            engine.dispose()
    report("classifying", len(items), len(items))
    by_activity: dict[str, list[dict[str, Any]]] = {}
    for rec in records:
        by_activity.setdefault(rec["activity_id"], []).append(rec)
    return [Outcome(b.item, sorted(by_activity.get(b.scored_id, []), key=lambda r: r["rule_id"]),
                    texts.get(b.scored_id, "")) for b in built]


def throwaway_warehouse(path: Path) -> Engine:
    """A migrated SQLite warehouse that never waits for the disk: it is deleted after the run anyway.

    Commits without a sync make the per-item loads several times faster on a slow disk.
    """
    engine = open_warehouse(f"sqlite:///{path}")
    engine.dispose()  # new connections get the pragma below, after the warehouse's own

    @event.listens_for(engine, "connect")
    def _no_sync(dbapi_conn, _record):  # noqa: ANN001 - DB-API objects
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA synchronous=OFF")
        cur.close()

    return engine


def load(engine: Any, built: list[Built], bot_patterns: list[str], report: Progress) -> None:
    """The roster, then one batch per item, through the loader the miners use."""
    resolver = IdentityResolver(Roster([p for b in built for p in b.people]), bot_patterns)
    store.sync_roster(engine, resolver.roster, resolver)
    step = max(1, len(built) // 20)
    for n, b in enumerate(built, 1):
        store.save_batch(engine, "eval", b.repo, "eval", b.activities, None, resolver, team=b.team)
        if n % step == 0 or n == len(built):
            report("loading", n, len(built))


def _roster_logins(identities: pd.DataFrame, built: list[Built]) -> pd.DataFrame:
    """Every item's people as identities on its host, acting or not: a person an item only @mentions is
    someone the nightly warehouse has seen act on that forge, so ``mentioned_teams`` finds their team."""
    rows = [(b.item.data.get("forge", "github"), b.host, lg.login, p.id) for b in built for p in b.people
            for lg in p.github]
    extra = pd.DataFrame(rows, columns=["forge", "host", "login", "person_id"])
    return pd.concat([identities, extra], ignore_index=True) if len(identities) else extra


def enriched(engine: Any, built: list[Built]) -> pd.DataFrame:
    """The enriched frame of the whole warehouse, with every item's real host put back.

    Teams come from the repositories table (each item's own, set at load), not from config globs.
    """
    tables = read_warehouse(engine)
    df = enrich(tables["activities"], tables["people"], _roster_logins(tables["identities"], built),
                tables["repositories"], {})
    real = {b.host: b.real_host for b in built}
    df["host"] = df["host"].map(real)
    return df
