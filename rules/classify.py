"""Classification: stored activity -> rules -> signal rows, idempotently, in one transaction.

A signal is kept as it is (same row, same classified_at) when its rule's hash and every column it
would get are unchanged; rows of changed rules are replaced, rows no rule produces any more are
deleted. No forge API is called: a rule edit re-classifies history for free.
"""

from __future__ import annotations

import json
from collections import Counter
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pandas as pd
from sqlalchemy import Engine, select

from flows.config import Config
from rules.engine import Frame, match_all
from rules.enrich import enrich, read_warehouse, select_rows
from rules.loader import load_rules
from rules.model import Rule, RuleSet
from rules.signals import gc_paused, signal_records
from warehouse import models as m

CHUNK = 500
COMPARED = ("rule_version", "rule_hash", "person_id", "signal_type", "indicator", "impact", "evidence_url",
            "summary", "why")


def rules_for(cfg: Config) -> RuleSet:
    return load_rules(cfg.rules, Path(cfg.path).resolve().parent)


def team_globs(cfg: Config) -> dict[str, list[str]]:
    return {name: list(t.repos) for name, t in cfg.teams.items()}


def enriched_frame(engine: Engine, cfg: Config, since: date | None = None,
                   activity_ids: list[str] | None = None) -> pd.DataFrame:
    """Enriched activities: all, or (with a scope) the threads the scope touches."""
    tables = read_warehouse(engine, since, activity_ids)
    return enrich(tables["activities"], tables["people"], tables["identities"], tables["repositories"],
                  team_globs(cfg))


def compute_signals(df: pd.DataFrame, rules: list[Rule]) -> list[dict[str, Any]]:
    frame = Frame(df)
    out: list[dict[str, Any]] = []
    with gc_paused():
        for hits in match_all(frame, rules):
            out.extend(signal_records(frame, hits))
        for rec in out:
            ts = rec["occurred_at"]
            rec["occurred_at"] = ts.to_pydatetime() if isinstance(ts, pd.Timestamp) else ts
    return out


def classify_warehouse(engine: Engine, cfg: Config, since: date | None = None,
                       activity_ids: list[str] | None = None) -> dict[str, Any]:
    """Re-classify stored activity (all, or from ``since``, or the given ids) and store the signals."""
    ruleset = rules_for(cfg)
    df = enriched_frame(engine, cfg, since, activity_ids)
    scoped = select_rows(df, since, activity_ids)
    records = compute_signals(df if scoped.all() else df[scoped], ruleset.enabled())
    scope_ids = None if since is None and activity_ids is None else set(df.loc[scoped, "id"])
    stats = write_signals(engine, records, scope_ids)
    stats["activities"] = int(scoped.sum())
    stats["rules"] = len(ruleset.enabled())
    return stats


def _fingerprint(row: dict[str, Any]) -> tuple[Any, ...]:
    return tuple(json.dumps(row[c], sort_keys=True, default=str) if c == "why" else row[c] for c in COMPARED) + \
        (_ts(row["occurred_at"]),)


def _ts(v: Any) -> str | None:
    return v.astimezone(UTC).isoformat() if isinstance(v, datetime) else None


def write_signals(engine: Engine, records: list[dict[str, Any]], scope_ids: set[str] | None) -> dict[str, Any]:
    """Diff new records against stored signals (in scope) and apply the difference in one transaction."""
    t = m.Signal.__table__
    now = datetime.now(UTC)
    new = {(r["activity_id"], r["rule_id"]): r for r in records}
    with engine.begin() as conn:
        cols = [t.c.id, t.c.activity_id, t.c.rule_id, t.c.occurred_at, *[t.c[c] for c in COMPARED]]
        old = {}
        for row in conn.execute(select(*cols)).mappings():
            if scope_ids is None or row["activity_id"] in scope_ids:
                old[(row["activity_id"], row["rule_id"])] = dict(row)
        removed = [o["id"] for k, o in old.items() if k not in new]
        changed_keys = [k for k, o in old.items() if k in new and _fingerprint(o) != _fingerprint(new[k])]
        changed = [old[k]["id"] for k in changed_keys]
        added = [r for k, r in new.items() if k not in old]
        inserts = added + [new[k] for k in changed_keys]
        doomed = removed + changed
        for i in range(0, len(doomed), CHUNK):
            conn.execute(t.delete().where(t.c.id.in_(doomed[i:i + CHUNK])))
        rows = [{**r, "classified_at": now} for r in inserts]
        for i in range(0, len(rows), CHUNK):
            conn.execute(t.insert(), rows[i:i + CHUNK])
    by_type = Counter(r["signal_type"] for r in records)
    by_rule = Counter(r["rule_id"] for r in records)
    return {"signals": len(records), "by_type": dict(by_type), "by_rule": dict(by_rule), "added": len(added),
            "removed": len(removed), "changed": len(changed), "unchanged": len(new) - len(added) - len(changed)}
