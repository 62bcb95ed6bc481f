"""Classification: stored activity -> rules -> signal rows, idempotently, in one transaction.

A signal is kept as it is (same row, same classified_at) when its rule's hash and every column it
would get are unchanged; rows of changed rules are replaced, rows no rule produces any more are
deleted. No forge API is called: a rule edit re-classifies history for free.
"""

from __future__ import annotations

import gc
import json
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pandas as pd
from sqlalchemy import Connection, Engine, Text, cast, func, select, tuple_

from leadsig.config import Config
from leadsig.rules.language.loader import load_rules
from leadsig.rules.language.model import Rule, RuleSet
from leadsig.rules.matcher.engine import Frame, match_all
from leadsig.rules.matcher.enrich import enrich, read_warehouse, select_rows
from leadsig.rules.matcher.giveway import give_way
from leadsig.rules.matcher.overlap import one_per_act
from leadsig.rules.matcher.rows import build_rows
from leadsig.rules.matcher.signals import gc_paused, signal_records
from leadsig.warehouse import models as m

CHUNK = 500
Progress = Callable[[int, int | None, str], None]  # (activities done, in all (None: as before), what happens now)
FULL_PASS = 100_000  # activities per pass of a full re-classification: memory stays bounded on any warehouse
COMPARED = ("rule_version", "rule_hash", "person_id", "signal_type", "indicator", "impact", "evidence_url",
            "summary", "why")
PLAIN = COMPARED[:-1]  # compared as values; ``why`` (last) as JSON


def rules_for(cfg: Config) -> RuleSet:
    return load_rules(cfg.rules, Path(cfg.path).resolve().parent)


def team_globs(cfg: Config) -> dict[str, list[str]]:
    return {name: list(t.repos) for name, t in cfg.teams.items()}


def enriched_frame(engine: Engine, cfg: Config, since: date | None = None,
                   activity_ids: list[str] | None = None, repos: list[tuple[str, str, str]] | None = None
                   ) -> pd.DataFrame:
    """Enriched activities: all, or (with a scope) the threads the scope touches, or whole repos."""
    tables = read_warehouse(engine, since, activity_ids, repos)
    return enrich(tables["activities"], tables["people"], tables["identities"], tables["repositories"],
                  team_globs(cfg))


def compute_signals(df: pd.DataFrame, rules: list[Rule]) -> list[dict[str, Any]]:
    """Every signal row of ``df`` (one per act: rules.matcher.overlap), built as columns (rules.matcher.rows)."""
    frame = Frame(df)
    with gc_paused():
        return build_rows(frame, match_all(frame, rules), rules)


def per_row_signals(df: pd.DataFrame, rules: list[Rule]) -> list[dict[str, Any]]:
    """compute_signals as it was built before, one dict per matched row: the reference its rows are tested against."""
    frame = Frame(df)
    out: list[dict[str, Any]] = []
    with gc_paused():
        for hits in match_all(frame, rules):
            out.extend(signal_records(frame, hits))
        out = give_way(one_per_act(out, rules, df), rules)
        for rec in out:
            ts = rec["occurred_at"]
            rec["occurred_at"] = ts.to_pydatetime() if isinstance(ts, pd.Timestamp) else ts
    return out


def classify_warehouse(engine: Engine, cfg: Config, since: date | None = None,
                       activity_ids: list[str] | None = None, progress: Progress | None = None) -> dict[str, Any]:
    """Re-classify stored activity (all, or from ``since``, or the given ids) and store the signals.

    Everything is classified a few repositories at a time (about FULL_PASS activities a pass, whole
    threads, each pass its own transaction), so a warehouse of millions of activities never sits in memory
    at once; a scoped run reads only the threads it touches, in one transaction. ``progress`` hears each
    step, so a long run on a terminal is not silent.
    """
    ruleset = rules_for(cfg)
    step = progress or _silent
    if since is None and activity_ids is None:
        total = _empty_stats()
        for repos, df in frames_in_passes(engine, cfg, step):
            step(total["activities"], None, "matching rules")
            stats = write_signals(engine, compute_signals(df, ruleset.enabled()), set(df["id"]), repos)
            _add_stats(total, {**stats, "activities": len(df)})
        step(total["activities"], total["activities"], "done")
        total["rules"] = len(ruleset.enabled())
        return total
    step(0, 0, "reading activities")
    df = enriched_frame(engine, cfg, since, activity_ids)
    scoped = select_rows(df, since, activity_ids)
    step(0, int(scoped.sum()), "matching rules")
    records = compute_signals(df if scoped.all() else df[scoped], ruleset.enabled())
    stats = write_signals(engine, records, set(df.loc[scoped, "id"]))
    stats["activities"] = int(scoped.sum())
    stats["rules"] = len(ruleset.enabled())
    step(stats["activities"], stats["activities"], "done")
    return stats


def _silent(done: int, total: int | None, what: str) -> None:
    """No one is watching."""


def frames_in_passes(engine: Engine, cfg: Config, progress: Progress | None = None
                     ) -> Iterator[tuple[list[tuple[str, str, str]], pd.DataFrame]]:
    """Every stored activity, enriched, a few whole repositories (about FULL_PASS activities) at a time.

    A pass's frame is garbage once the caller moves on: it is collected before the next pass is read.
    ``progress`` hears (activities read before this pass, all activities, "reading ...") as each pass starts.
    """
    step = progress or _silent
    passes = counted_passes(engine, FULL_PASS)
    total = sum(n for counted in passes for *_key, n in counted)
    done = 0
    for i, counted in enumerate(passes, 1):
        repos = [(forge, host, repo) for forge, host, repo, _n in counted]
        step(done, total, f"reading activities (pass {i} of {len(passes)})" if len(passes) > 1 else
             "reading activities")
        yield repos, enriched_frame(engine, cfg, repos=repos)
        done += sum(n for *_key, n in counted)
        gc.collect()


def repo_passes(engine: Engine, size: int) -> list[list[tuple[str, str, str]]]:
    """Repositories ((forge, host, repo) keys) in groups of about ``size`` activities; a bigger repo alone."""
    return [[(forge, host, repo) for forge, host, repo, _n in counted] for counted in counted_passes(engine, size)]


def counted_passes(engine: Engine, size: int) -> list[list[tuple[str, str, str, int]]]:
    """repo_passes with each repository's number of activities, so progress can be told in activities."""
    t = m.Activity.__table__
    with engine.connect() as conn:
        counts = conn.execute(select(t.c.forge, t.c.host, t.c.repo, func.count()).group_by(
            t.c.forge, t.c.host, t.c.repo).order_by(t.c.forge, t.c.host, t.c.repo)).all()
    return group_passes(counts, size)


def group_passes(counts: Iterable[tuple[str, str, str, int]], size: int) -> list[list[tuple[str, str, str, int]]]:
    """(forge, host, repo, activities) in the order given, in consecutive groups of about ``size`` activities: a
    repository joins the current group unless that takes it past ``size``; a bigger repository is a group alone.

    counted_passes groups the warehouse's repositories with it (ordered by key); benchmarks/classify.py groups a
    generated frame's the same way, so its "in passes" figure is the passes classify_warehouse makes.
    """
    passes: list[list[tuple[str, str, str, int]]] = []
    filled = size
    for forge, host, repo, n in counts:
        if filled + n > size:
            passes.append([])
            filled = 0
        passes[-1].append((forge, host, repo, n))
        filled += n
    return passes


def _empty_stats() -> dict[str, Any]:
    return {"signals": 0, "by_type": Counter(), "by_rule": Counter(), "added": 0, "removed": 0, "changed": 0,
            "unchanged": 0, "activities": 0}


def _add_stats(total: dict[str, Any], part: dict[str, Any]) -> None:
    for key in ("signals", "added", "removed", "changed", "unchanged", "activities"):
        total[key] += part[key]
    total["by_type"].update(part["by_type"])
    total["by_rule"].update(part["by_rule"])


def _changed(old: dict[str, Any], new: dict[str, Any]) -> bool:
    """Whether a stored signal differs from its new row as their JSON texts would (the fingerprint the tests keep
    as reference), without a ``json.dumps`` of both ``why`` where they are
    plainly the same (a dumps of every stored and every new row was 0.6 s per 200,000 activities)."""
    return _plain_changed([old[c] for c in PLAIN], old["occurred_at"], new) or _why_changed(old["why"], new["why"])


def _stored_changed(row: Any, new: dict[str, Any]) -> bool:
    """``_changed`` of a row as write_signals reads it: (id, activity_id, rule_id, occurred_at, *PLAIN, the text
    of ``why``).

    ``why`` stays the JSON text the warehouse holds: where it is the very text ``json.dumps`` makes of the new
    ``why`` (what SQLAlchemy wrote it with), the two are the same JSON, so the fingerprint is too; one dumps
    of the new ``why`` costs less than reading the stored one back and comparing them (per 200,000 activities,
    0.15 s against 0.23 s). Any other text (another writer's spacing or key order, a value ``json.dumps``
    cannot write) is read back and compared as before.
    """
    if _plain_changed(row[4:-1], row[3], new):
        return True
    text = row[-1]
    if text is not None:
        try:
            if text == json.dumps(new["why"], default=str):
                return False
        except (TypeError, ValueError):
            pass
    return _why_changed(None if text is None else json.loads(text), new["why"])


def _plain_changed(old: Any, occurred_at: Any, new: dict[str, Any]) -> bool:
    """Whether the PLAIN values (in that order) or the timestamp differ from the new row's."""
    for c, v in zip(PLAIN, old, strict=True):
        if not (v is new[c] or v == new[c]):
            return True
    return not _same_instant_utc(occurred_at, new["occurred_at"]) and _ts(occurred_at) != _ts(new["occurred_at"])


def _why_changed(old: Any, new: Any) -> bool:
    if same_json(old, new):
        return False
    return json.dumps(old, sort_keys=True, default=str) != json.dumps(new, sort_keys=True, default=str)


def _same_instant_utc(a: Any, b: Any) -> bool:
    """True only where ``_ts`` of both is the same text: equal datetimes both at UTC offset zero."""
    return type(a) is datetime and type(b) is datetime and a.utcoffset() == ZERO and b.utcoffset() == ZERO and a == b


ZERO = timedelta(0)
JSON_SCALARS = (str, int, bool, type(None))


def same_json(a: Any, b: Any) -> bool:
    """True only where ``json.dumps`` (sort_keys) of both is the same text: the same JSON types all the way
    down, equal values (1, 1.0 and True are equal in Python, not in JSON); False leaves it to json.dumps."""
    t = type(a)
    if t is not type(b):
        return False
    if t in JSON_SCALARS:
        return a == b
    if t is float:
        return repr(a) == repr(b)  # -0.0 == 0.0, but JSON writes them apart
    if t is dict:
        return len(a) == len(b) and all(type(k) is str and k in b and same_json(v, b[k]) for k, v in a.items())
    if t is list or t is tuple:
        return len(a) == len(b) and all(same_json(x, y) for x, y in zip(a, b, strict=True))
    return False


def _ts(v: Any) -> str | None:
    return v.astimezone(UTC).isoformat() if isinstance(v, datetime) else None


def write_signals(engine: Engine, records: list[dict[str, Any]], scope_ids: set[str] | None,
                  repos: list[tuple[str, str, str]] | None = None) -> dict[str, Any]:
    """Diff new records against stored signals (of ``scope_ids``; read through ``repos`` when given) and
    apply the difference in one transaction."""
    t = m.Signal.__table__
    now = datetime.now(UTC)
    new = {(r["activity_id"], r["rule_id"]): r for r in records}
    with engine.begin() as conn:
        cols = [t.c.id, t.c.activity_id, t.c.rule_id, t.c.occurred_at, *[t.c[c] for c in PLAIN],
                cast(t.c.why, Text)]  # rows as tuples, ``why`` as its JSON text: see _stored_changed
        old = {}
        for row in _stored_signals(conn, cols, repos):
            if scope_ids is None or row[1] in scope_ids:
                old[(row[1], row[2])] = row
        removed = [o[0] for k, o in old.items() if k not in new]
        changed_keys = [k for k, o in old.items() if k in new and _stored_changed(o, new[k])]
        changed = [old[k][0] for k in changed_keys]
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


def _stored_signals(conn: Connection, cols: list[Any], repos: list[tuple[str, str, str]] | None) -> Iterator[Any]:
    """Stored signals: all, or those of activities in ``repos`` (read in groups of keys)."""
    if repos is None:
        yield from conn.execute(select(*cols))
        return
    a = m.Activity.__table__
    key = tuple_(a.c.forge, a.c.host, a.c.repo)
    for i in range(0, len(repos), 100):
        stmt = select(*cols).join(a, a.c.id == m.Signal.__table__.c.activity_id).where(key.in_(repos[i:i + 100]))
        yield from conn.execute(stmt)
