"""Stored activity to the enriched DataFrame rules are matched on.

Enrichment is computed once per run, vectorised: the actor's and parent author's roster facts, the
owning team of the repository, thread facts (from sibling activities of the same PR/issue) and review
facts. Rules then say what leads mean ("a senior explaining to a junior in another team's repo")
without any per-record lookups.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Iterable
from datetime import date
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import Engine, select

from warehouse import models as m

COMMENT_KINDS = ("pr_comment", "issue_comment", "review_comment")
ACTIVITY_COLUMNS = ("id", "forge", "host", "kind", "repo", "actor_login", "actor_is_bot", "person_id", "occurred_at",
                    "actor_utc_offset_minutes", "url", "parent_number", "parent_title", "parent_author",
                    "parent_labels", "body", "state", "review_comment_count", "files", "additions", "deletions",
                    "path_groups", "extra")
PERSON_FACTS = ("team", "level", "timezone", "region")


def read_warehouse(engine: Engine) -> dict[str, pd.DataFrame]:
    """Activities, people, identities and repositories as frames (one read each, no per-row queries)."""
    t = m.Activity.__table__
    with engine.connect() as conn:
        acts = pd.DataFrame(conn.execute(select(*[t.c[c] for c in ACTIVITY_COLUMNS])).all(),
                            columns=list(ACTIVITY_COLUMNS))
        people = pd.DataFrame(conn.execute(select(m.Person.id, m.Person.team, m.Person.level, m.Person.start_date,
                                                  m.Person.timezone, m.Person.region)).all(),
                              columns=["id", "team", "level", "start_date", "timezone", "region"])
        idents = pd.DataFrame(conn.execute(select(m.Identity.forge, m.Identity.host, m.Identity.login,
                                                  m.Identity.person_id)).all(),
                              columns=["forge", "host", "login", "person_id"])
        repos = pd.DataFrame(conn.execute(select(m.Repository.forge, m.Repository.host, m.Repository.full_name,
                                                 m.Repository.team)).all(),
                             columns=["forge", "host", "full_name", "team"])
    return {"activities": acts, "people": people, "identities": idents, "repositories": repos}


def enrich(acts: pd.DataFrame, people: pd.DataFrame, identities: pd.DataFrame, repos: pd.DataFrame,
           teams: dict[str, Iterable[str]] | None = None) -> pd.DataFrame:
    """Add every enrichment field of rules/fields.py to a frame of stored activities."""
    df = acts.reset_index(drop=True).copy()
    df["occurred_at"] = pd.to_datetime(df["occurred_at"], utc=True)
    for col in ("parent_labels", "path_groups"):
        df[col] = [tuple(v) if isinstance(v, list | tuple) else () for v in df[col]]
    df["extra"] = [v if isinstance(v, dict) else {} for v in df["extra"]]
    df["body"] = df["body"].fillna("")
    df["body_length"] = df["body"].str.len().astype(np.float64)
    for col in ("parent_number", "review_comment_count", "files", "additions", "deletions",
                "actor_utc_offset_minutes"):
        df[col] = pd.to_numeric(df[col], errors="coerce").astype(np.float64)
    df["lines_changed"] = df[["additions", "deletions"]].sum(axis=1, min_count=1)
    _person_facts(df, "actor", df["person_id"], people)
    df["parent_author.person"] = _author_person(df, identities)
    _person_facts(df, "parent_author", df["parent_author.person"], people)
    df["repo.team"] = _repo_team(df, repos, teams or {})
    df["cross_team"] = _flag(df["repo.team"].notna() & df["actor.team"].notna(),
                             df["repo.team"].ne(df["actor.team"]))
    _thread_facts(df)
    _review_facts(df)
    return df


def _flag(known: pd.Series, value: pd.Series) -> np.ndarray:
    """Boolean field as float: 1 / 0, NaN where the facts to decide are missing."""
    return np.where(known.to_numpy(bool), value.to_numpy(bool).astype(np.float64), np.nan)


def _person_facts(df: pd.DataFrame, prefix: str, person: pd.Series, people: pd.DataFrame) -> None:
    df[f"{prefix}.person"] = person.astype(object).where(person.notna(), None)
    by_id = people.set_index("id")
    for fact in PERSON_FACTS:
        df[f"{prefix}.{fact}"] = person.map(by_id[fact]).astype(object).where(lambda s: s.notna(), None)
    start = pd.to_datetime(person.map(by_id["start_date"]), errors="coerce")
    day = df["occurred_at"].dt.tz_convert(None).dt.normalize()
    df[f"{prefix}.tenure_days"] = (day - start).dt.days.astype(np.float64)


def _author_person(df: pd.DataFrame, identities: pd.DataFrame) -> pd.Series:
    out = pd.Series(None, index=df.index, dtype=object)
    known = identities[identities["person_id"].notna()]
    for (forge, host), group in known.groupby(["forge", "host"]):
        rows = (df["forge"] == forge) & (df["host"] == host)
        out[rows] = df.loc[rows, "parent_author"].map(dict(zip(group["login"], group["person_id"], strict=True)))
    return out.where(out.notna(), None)


def _repo_team(df: pd.DataFrame, repos: pd.DataFrame, teams: dict[str, Iterable[str]]) -> pd.Series:
    """The repositories table's team, else the first config team whose repo globs match."""
    key = df["forge"] + "\x1f" + df["host"] + "\x1f" + df["repo"]
    stored = dict(zip(repos["forge"] + "\x1f" + repos["host"] + "\x1f" + repos["full_name"], repos["team"],
                      strict=True))
    found: dict[str, Any] = {}
    for k in pd.unique(key):
        team = stored.get(k)
        if team is None:
            name = k.rsplit("\x1f", 1)[-1]
            team = next((t for t, globs in teams.items() if any(fnmatch.fnmatchcase(name, g) for g in globs)), None)
        found[k] = team
    return key.map(found).astype(object).where(lambda s: s.notna(), None)


def _thread_facts(df: pd.DataFrame) -> None:
    has = df["parent_number"].notna().to_numpy()
    thread = np.full(len(df), -1, np.int64)
    if has.any():
        sub = df.loc[has, ["forge", "host", "repo", "parent_number"]]
        thread[has] = sub.groupby(["forge", "host", "repo", "parent_number"], sort=False).ngroup().to_numpy()
    n_threads = int(thread.max()) + 1 if has.any() else 0
    human = has & ~df["actor_is_bot"].fillna(False).to_numpy(bool)
    actor_code = pd.factorize(df["actor_login"])[0].astype(np.int64)
    pair = thread * (actor_code.max() + 1 if len(df) else 1) + actor_code
    uniq_human = np.unique(pair[human])
    participants = np.bincount(uniq_human // (actor_code.max() + 1), minlength=n_threads) if len(df) else []
    comment = np.isin(df["kind"].to_numpy(object), COMMENT_KINDS) & has
    comments = np.bincount(thread[comment], minlength=n_threads)
    pair_codes, pair_index = np.unique(pair, return_inverse=True)
    actor_comments = np.bincount(pair_index[comment], minlength=len(pair_codes))[pair_index]
    inline = (df["kind"] == "review_comment").to_numpy() & has
    df["_actor_inline"] = np.where(has, np.bincount(pair_index[inline], minlength=len(pair_codes))[pair_index], np.nan)
    nan = np.float64(np.nan)
    df["thread.participants"] = np.where(has, np.take(participants, np.maximum(thread, 0)) if n_threads else nan, nan)
    df["thread.comment_count"] = np.where(has, np.take(comments, np.maximum(thread, 0)) if n_threads else nan, nan)
    df["thread.actor_comments"] = np.where(has, actor_comments, nan)
    opened = df["actor_login"].to_numpy(object) == df["parent_author"].to_numpy(object)
    df["thread.actor_opened"] = np.where(has & df["parent_author"].notna().to_numpy(), opened.astype(float), nan)
    for fact, plural in (("team", "teams"), ("region", "regions")):
        sets, counts = _thread_sets(df[f"actor.{fact}"].to_numpy(object), thread, human, n_threads)
        df[f"thread.{plural}"] = pd.Series(sets, dtype=object).where(has, None)
        df[f"thread.{fact}_count"] = np.where(has, counts, nan)


def _thread_sets(values: np.ndarray, thread: np.ndarray, human: np.ndarray, n_threads: int
                 ) -> tuple[list[Any], np.ndarray]:
    """Per row, the sorted distinct values among its thread's human participants (bitmask per thread)."""
    codes, names = pd.factorize(values)
    if len(names) > 62 or n_threads == 0:  # too many to pack in a bitmask: per-thread sets
        groups: dict[int, set[Any]] = {}
        for t, v, h in zip(thread, values, human, strict=True):
            if h and v is not None:
                groups.setdefault(int(t), set()).add(v)
        sets = [tuple(sorted(groups.get(int(t), ()))) for t in thread]
        return sets, np.array([len(s) for s in sets], np.float64)
    ok = human & (codes >= 0)
    mask = np.zeros(n_threads, np.int64)
    np.bitwise_or.at(mask, thread[ok], np.left_shift(np.int64(1), codes[ok].astype(np.int64)))
    row_mask = mask[np.maximum(thread, 0)]
    distinct = pd.unique(row_mask)
    decode = {int(mk): tuple(sorted(str(names[b]) for b in range(len(names)) if int(mk) >> b & 1)) for mk in distinct}
    sets = [decode[int(mk)] for mk in row_mask] if len(distinct) > 1 else [decode[int(distinct[0])]] * len(row_mask)
    return sets, np.array([len(decode[int(mk)]) for mk in row_mask], np.float64) if len(row_mask) else np.array([])


def _review_facts(df: pd.DataFrame) -> None:
    review = (df["kind"] == "pr_review").to_numpy()
    counted = df["review_comment_count"].to_numpy(np.float64)
    # Fallback when the forge gives no count: the actor's inline comments in the same PR.
    fallback = df["_actor_inline"].to_numpy(np.float64)
    df["review.inline_comments"] = np.where(review, np.where(np.isnan(counted), fallback, counted), np.nan)
    requested = np.full(len(df), np.nan)
    extras = df["extra"].to_numpy(object)
    logins = df["actor_login"].to_numpy(object)
    for i in np.flatnonzero(review):
        asked = extras[i].get("requested_reviewers")
        if isinstance(asked, list):
            requested[i] = float(logins[i] in {str(a).lower() for a in asked})
    df["review.requested"] = requested


def select_rows(df: pd.DataFrame, since: date | None, activity_ids: list[str] | None) -> np.ndarray:
    keep = np.ones(len(df), bool)
    if since is not None:
        keep &= (df["occurred_at"] >= pd.Timestamp(since, tz="UTC")).to_numpy()
    if activity_ids is not None:
        keep &= df["id"].isin(activity_ids).to_numpy()
    return keep
