"""Stored activity to the enriched DataFrame rules are matched on.

Enrichment is computed once per run, vectorised: the actor's and parent author's roster facts, the
owning team of the repository, thread facts (from sibling activities of the same PR/issue) and review
facts. Rules then say what leads mean ("a senior explaining to a junior in another team's repo")
without any per-record lookups.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import Connection, Engine, select, tuple_

from leadsig.rules.matcher import context
from leadsig.warehouse import models as m

COMMENT_KINDS = ("pr_comment", "issue_comment", "review_comment")
ACTIVITY_COLUMNS = ("id", "forge", "host", "kind", "repo", "actor_login", "actor_is_bot", "person_id", "occurred_at",
                    "actor_utc_offset_minutes", "url", "parent_number", "parent_title", "parent_author",
                    "parent_labels", "body", "state", "review_comment_count", "files", "additions", "deletions",
                    "path_groups", "extra")
PERSON_FACTS = ("team", "level", "timezone", "region")
SCOPE_CHUNK = 400  # ids (or 4-column thread keys / 4) per IN (...): far below every driver's parameter limit


def read_warehouse(engine: Engine, since: date | None = None, activity_ids: list[str] | None = None,
                   repos: list[tuple[str, str, str]] | None = None) -> dict[str, pd.DataFrame]:
    """Activities, people, identities and repositories as frames (one read each, no per-row queries).

    With a scope (``since``, ``activity_ids``) only the threads it touches are read: the activities in
    scope and every sibling of their parents (thread facts need the whole thread), so classifying one
    night's activity does not load years of history. ``repos`` ((forge, host, repo) keys) reads every
    activity of those repos: whole threads, as a thread never spans repos.
    """
    with engine.connect() as conn:
        if repos is not None:
            acts = _repo_activities(conn, repos)
        elif since is None and activity_ids is None:
            acts = _frame(conn.execute(select(*_activity_cols())).all())
        else:
            acts = _scoped_activities(conn, since, activity_ids)
        people = pd.DataFrame(conn.execute(select(m.Person.id, m.Person.name, m.Person.team, m.Person.level,
                                                  m.Person.start_date, m.Person.timezone, m.Person.region)).all(),
                              columns=["id", "name", "team", "level", "start_date", "timezone", "region"])
        idents = pd.DataFrame(conn.execute(select(m.Identity.forge, m.Identity.host, m.Identity.login,
                                                  m.Identity.person_id)).all(),
                              columns=["forge", "host", "login", "person_id"])
        repos = pd.DataFrame(conn.execute(select(m.Repository.forge, m.Repository.host, m.Repository.full_name,
                                                 m.Repository.team)).all(),
                             columns=["forge", "host", "full_name", "team"])
        people, idents = _with_pseudonyms(conn, people, idents, repos)
    return {"activities": acts, "people": people, "identities": idents, "repositories": repos}


def _with_pseudonyms(conn: Connection, people: pd.DataFrame, idents: pd.DataFrame, repos: pd.DataFrame
                     ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Opted-out people as the pseudonyms others' rows name them by: roster facts without a name, so a rule on
    the PR author's level still holds while nothing says who the author was."""
    p = m.Pseudonym
    rows = conn.execute(select(p.pseudonym, p.forge, p.team, p.level, p.start_date, p.timezone, p.region)
                        .where(p.forge != "email")).all()
    if not rows:
        return people, idents
    facts = pd.DataFrame([(r.pseudonym, None, r.team, r.level, r.start_date, r.timezone, r.region) for r in rows],
                         columns=list(people.columns))
    hosts = repos.groupby("forge")["host"].unique().to_dict()
    links = pd.DataFrame([(r.forge, h, r.pseudonym, r.pseudonym) for r in rows for h in hosts.get(r.forge, ())],
                         columns=list(idents.columns))
    return (pd.concat([people, facts], ignore_index=True) if len(people) else facts,
            pd.concat([idents, links], ignore_index=True) if len(idents) else links)


def _activity_cols() -> list[Any]:
    t = m.Activity.__table__
    return [t.c[c] for c in ACTIVITY_COLUMNS]


def _frame(rows: list[Any]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=list(ACTIVITY_COLUMNS))


def _repo_activities(conn: Connection, repos: list[tuple[str, str, str]]) -> pd.DataFrame:
    t = m.Activity.__table__
    key = tuple_(t.c.forge, t.c.host, t.c.repo)
    rows: list[Any] = []
    for i in range(0, len(repos), SCOPE_CHUNK // 3):
        rows += conn.execute(select(*_activity_cols()).where(key.in_(repos[i:i + SCOPE_CHUNK // 3]))).all()
    return _frame(rows)


def _scoped_activities(conn: Connection, since: date | None, activity_ids: list[str] | None) -> pd.DataFrame:
    """Activities in scope plus the rest of their threads; select_rows later picks the scope exactly."""
    t = m.Activity.__table__
    where = []
    if since is not None:  # a day early: the exact cut is select_rows' (time zones, stored precision)
        where.append(t.c.occurred_at >= datetime.combine(since, time(), UTC) - timedelta(days=1))
    chunks = [None] if activity_ids is None else \
        [activity_ids[i:i + SCOPE_CHUNK] for i in range(0, len(activity_ids), SCOPE_CHUNK)]
    rows: dict[str, Any] = {}
    for chunk in chunks:
        cond = [*where, t.c.id.in_(chunk)] if chunk is not None else where
        for r in conn.execute(select(*_activity_cols()).where(*cond)).all():
            rows[r.id] = r
    threads = sorted({(r.forge, r.host, r.repo, r.parent_number) for r in rows.values()
                      if r.parent_number is not None})
    key = tuple_(t.c.forge, t.c.host, t.c.repo, t.c.parent_number)
    for i in range(0, len(threads), SCOPE_CHUNK // 4):
        for r in conn.execute(select(*_activity_cols()).where(key.in_(threads[i:i + SCOPE_CHUNK // 4]))).all():
            rows.setdefault(r.id, r)
    return _frame(list(rows.values()))


def enrich(acts: pd.DataFrame, people: pd.DataFrame, identities: pd.DataFrame, repos: pd.DataFrame,
           teams: dict[str, Iterable[str]] | None = None) -> pd.DataFrame:
    """Add every enrichment field of rules/language/fields.py to a frame of stored activities."""
    df = acts.reset_index(drop=True)
    cols: dict[str, Any] = {c: df[c] for c in df.columns}
    cols["occurred_at"] = pd.to_datetime(df["occurred_at"], utc=True)
    for col in ("parent_labels", "path_groups"):
        cols[col] = np.array([tuple(v) if v else () for v in df[col]] + [None], dtype=object)[:-1]
    cols["extra"] = df["extra"]
    body = df["body"].to_numpy(object)
    if pd.isna(body).any():
        body = np.where(pd.isna(body), "", body)
    cols["body"] = body
    cols["body_length"] = np.fromiter(map(len, body), np.float64, len(body))
    for col in ("parent_number", "review_comment_count", "files", "additions", "deletions",
                "actor_utc_offset_minutes"):
        cols[col] = pd.to_numeric(df[col], errors="coerce").to_numpy(np.float64)
    adds, dels = cols["additions"], cols["deletions"]
    cols["lines_changed"] = np.where(np.isnan(adds) & np.isnan(dels), np.nan, np.nan_to_num(adds) + np.nan_to_num(dels))
    day = cols["occurred_at"].dt.tz_convert(None).dt.normalize().to_numpy()
    person = _obj(df["person_id"])
    cols.update(_person_facts("actor", person, people, day))
    author = _author_person(df, identities)
    cols.update(_person_facts("parent_author", author, people, day))
    cols["actor.name"] = _display_names(cols.get("actor.name"), _obj(df["actor_login"]))
    cols["parent_author.name"] = _display_names(cols.get("parent_author.name"), _obj(df["parent_author"]))
    repo_team = _repo_team(df, repos, teams or {})
    cols["repo.team"] = repo_team
    actor_team = cols["actor.team"]
    known = (repo_team != None) & (actor_team != None)  # noqa: E711 - elementwise on object arrays
    cols["cross_team"] = np.where(known, (repo_team != actor_team).astype(np.float64), np.nan)
    cols.update(_thread_facts(df, cols))
    thread = cols.pop("_thread")
    cols.update(context.pr_facts(df, thread, int(thread.max()) + 1 if len(thread) else 0))
    cols.update(context.mentioned_teams(df, body, actor_team, people, identities))
    out = pd.DataFrame(cols, copy=False)  # no block consolidation: 40x faster on a million rows
    _review_facts(out)
    return out


def _obj(series: pd.Series) -> np.ndarray:
    """Object array with None for missing values (NaN / NA become None)."""
    arr = series.to_numpy(object)
    return np.where(pd.isna(arr), None, arr)


def _lookup(keys: np.ndarray, table: dict[Any, Any], factorized: tuple[np.ndarray, Any] | None = None
            ) -> np.ndarray:
    """table[key] per row, None where absent; one dict lookup per distinct key."""
    codes, uniques = factorized if factorized is not None else pd.factorize(keys)
    values = np.empty(len(uniques) + 1, dtype=object)
    values[:-1] = [table.get(u) for u in uniques]
    values[-1] = None
    return values[codes]


def _person_facts(prefix: str, person: np.ndarray, people: pd.DataFrame, day: np.ndarray) -> dict[str, Any]:
    out: dict[str, Any] = {f"{prefix}.person": person}
    by_id = people.set_index("id")
    keyed = pd.factorize(person)  # once for every fact
    for fact in (*PERSON_FACTS, "name") if "name" in by_id.columns else PERSON_FACTS:
        out[f"{prefix}.{fact}"] = _lookup(person, {k: v for k, v in by_id[fact].items() if v is not None
                                                   and v == v}, keyed)
    start = _lookup(person, {k: np.datetime64(v, "ns") for k, v in by_id["start_date"].items() if v is not None
                             and v == v}, keyed)
    start_ns = np.array([np.datetime64("NaT") if v is None else v for v in start], dtype="datetime64[ns]") \
        if len(start) else np.array([], dtype="datetime64[ns]")
    tenure = (day.astype("datetime64[ns]") - start_ns).astype("timedelta64[D]").astype(np.float64)
    tenure[np.isnat(start_ns)] = np.nan
    out[f"{prefix}.tenure_days"] = tenure
    return out


def _display_names(names: np.ndarray | None, logins: np.ndarray) -> np.ndarray:
    """The roster name where known, else the login; an email login shows only its part before the @.

    Summaries are read by people who should see who did something, not an address (GitLab commits carry
    the author email as their actor login).
    """
    fallback = _lookup(logins, {lg: display_login(lg) for lg in pd.unique(logins) if isinstance(lg, str)})
    if names is None:
        return fallback
    return np.where(pd.isna(names), fallback, names)


def display_login(login: str) -> str:
    return login.split("@", 1)[0] if "@" in login else login


def _author_person(df: pd.DataFrame, identities: pd.DataFrame) -> np.ndarray:
    known = identities[identities["person_id"].notna()]
    table = {(f, h, lg): p for f, h, lg, p in zip(known["forge"], known["host"], known["login"], known["person_id"],
                                                  strict=True)}
    out = np.full(len(df), None, dtype=object)
    authors = _obj(df["parent_author"])
    for (forge, host), rows in df.groupby(["forge", "host"], sort=False).indices.items():
        sub = {lg: p for (f, h, lg), p in table.items() if f == forge and h == host}
        out[rows] = _lookup(authors[rows], sub)
    return out


def _repo_team(df: pd.DataFrame, repos: pd.DataFrame, teams: dict[str, Iterable[str]]) -> np.ndarray:
    """The repositories table's team, else the first config team whose repo globs match."""
    stored = {(f, h, n): t for f, h, n, t in zip(repos["forge"], repos["host"], repos["full_name"], repos["team"],
                                                 strict=True)}
    out = np.full(len(df), None, dtype=object)
    names = df["repo"].to_numpy(object)
    for (forge, host), rows in df.groupby(["forge", "host"], sort=False).indices.items():
        table = {}
        for name in pd.unique(names[rows]):
            team = stored.get((forge, host, name))
            if team is None:
                team = next((t for t, globs in teams.items() if any(fnmatch.fnmatchcase(name, g) for g in globs)),
                            None)
            table[name] = team
        out[rows] = _lookup(names[rows], table)
    return out


def _thread_facts(df: pd.DataFrame, cols: dict[str, Any]) -> dict[str, Any]:
    has = ~np.isnan(cols["parent_number"])
    thread = np.full(len(df), -1, np.int64)
    if has.any():
        sub = df.loc[has, ["forge", "host", "repo", "parent_number"]]
        thread[has] = sub.groupby(["forge", "host", "repo", "parent_number"], sort=False).ngroup().to_numpy()
    n_threads = int(thread.max()) + 1 if has.any() else 0
    human = has & ~df["actor_is_bot"].fillna(False).to_numpy(bool)
    actor_code = pd.factorize(df["actor_login"])[0].astype(np.int64)
    width = int(actor_code.max()) + 1 if len(df) else 1
    pair = thread * width + actor_code
    safe = np.maximum(thread, 0)
    participants = np.bincount(pd.unique(pair[human]) // width, minlength=n_threads) if n_threads else np.zeros(1)
    kinds = df["kind"].to_numpy(object)
    comment = np.isin(kinds, COMMENT_KINDS) & has
    comments = np.bincount(thread[comment], minlength=n_threads) if n_threads else np.zeros(1)
    pair_index, pair_values = pd.factorize(pair)
    n_pairs = len(pair_values)
    inline = (kinds == "review_comment") & has
    nan = np.nan
    out: dict[str, Any] = {
        "thread.participants": np.where(has, participants[safe] if n_threads else nan, nan),
        "thread.comment_count": np.where(has, comments[safe] if n_threads else nan, nan),
        "thread.actor_comments": np.where(has, np.bincount(pair_index[comment], minlength=n_pairs)[pair_index], nan),
        "_actor_inline": np.where(has, np.bincount(pair_index[inline], minlength=n_pairs)[pair_index], nan),
        "_thread": thread,
    }
    logins, authors = df["actor_login"].to_numpy(object), _obj(df["parent_author"])
    out["thread.actor_opened"] = np.where(has & (authors != None), (logins == authors).astype(float), nan)  # noqa: E711
    for fact, plural in (("team", "teams"), ("region", "regions")):
        sets, counts = _thread_sets(cols[f"actor.{fact}"], thread, human, n_threads)
        sets[~has] = None
        out[f"thread.{plural}"] = sets
        out[f"thread.{fact}_count"] = np.where(has, counts, nan)
    return out


def _thread_sets(values: np.ndarray, thread: np.ndarray, human: np.ndarray, n_threads: int
                 ) -> tuple[np.ndarray, np.ndarray]:
    """Per row, the sorted distinct values among its thread's human participants (bitmask per thread)."""
    codes, names = pd.factorize(values)
    if len(names) > 62 or n_threads == 0:  # too many to pack in a bitmask: per-thread sets
        groups: dict[int, set[Any]] = {}
        for t, v, h in zip(thread, values, human, strict=True):
            if h and v is not None:
                groups.setdefault(int(t), set()).add(v)
        sets = np.empty(len(thread), dtype=object)
        sets[:] = [tuple(sorted(groups.get(int(t), ()))) for t in thread]
        return sets, np.array([len(s) for s in sets], np.float64)
    ok = human & (codes >= 0)
    mask = np.zeros(n_threads, np.int64)
    np.bitwise_or.at(mask, thread[ok], np.left_shift(np.int64(1), codes[ok].astype(np.int64)))
    mask_codes, distinct = pd.factorize(mask[np.maximum(thread, 0)])
    decoded = [tuple(sorted(str(names[b]) for b in range(len(names)) if int(mk) >> b & 1)) for mk in distinct]
    table = np.empty(len(decoded), dtype=object)
    table[:] = decoded
    sizes = np.array([len(d) for d in decoded], np.float64)
    return table[mask_codes], sizes[mask_codes]


def _review_facts(df: pd.DataFrame) -> None:
    review = (df["kind"] == "pr_review").to_numpy()
    counted = df["review_comment_count"].to_numpy(np.float64)
    # Fallback when the forge gives no count: the actor's inline comments in the same PR.
    fallback = df["_actor_inline"].to_numpy(np.float64)
    df["review.inline_comments"] = np.where(review, np.where(np.isnan(counted), fallback, counted), np.nan)
    # every request the PR's activities record (pending ones, and past ones where the forge lists them)
    df["review.requested"] = np.where(review, df["thread.actor_requested"].to_numpy(np.float64), np.nan)


def select_rows(df: pd.DataFrame, since: date | None, activity_ids: list[str] | None) -> np.ndarray:
    keep = np.ones(len(df), bool)
    if since is not None:
        keep &= (df["occurred_at"] >= pd.Timestamp(since, tz="UTC")).to_numpy()
    if activity_ids is not None:
        keep &= df["id"].isin(activity_ids).to_numpy()
    return keep
