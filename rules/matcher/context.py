"""Pull-request facts every activity of the PR shares, and the teams a text reaches by @mention.

A review comment or a conversation comment is stored without the PR's review requests or changed files: the
miners keep those on the PR's own activities (``pr_opened``/``pr_merged``, and reviews), and a rule on the
comment needs them ("the commenter was not asked to review", "this is a docs PR"). They are spread here over
the thread, vectorised, once per run, as the other ``thread.*`` facts are (rules/matcher/enrich.py).
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import pandas as pd

PR_KINDS = ("pr_opened", "pr_merged")
REQUEST_CARRIERS = ("pr_opened", "pr_merged", "pr_review")
REQUEST_KEYS = ("requested_reviewers", "review_requested")  # pending requests; every request ever made
FILE_KEYS = ("paths", "pr_files")
# @login or @org/team (GitHub team, GitLab group); not an email's @ and not a path like a/@b
MENTION = re.compile(r"(?<![\w@./+-])@([A-Za-z0-9][A-Za-z0-9_.-]*(?:/[A-Za-z0-9][A-Za-z0-9_.-]*)*)")


def pr_facts(df: pd.DataFrame, thread: np.ndarray, n_threads: int) -> dict[str, Any]:
    """``thread.requested_reviewers`` / ``thread.actor_requested`` / ``thread.files`` / ``thread.path_groups``.

    Missing (None / NaN) where no activity of the thread says: an issue, a PR mined without those facts.
    """
    kinds = df["kind"].to_numpy(object)
    extras = df["extra"].to_numpy(object)
    carriers = np.flatnonzero((thread >= 0) & df["kind"].isin(REQUEST_CARRIERS).to_numpy())  # hashed, not sorted
    ex = [e if isinstance(e, dict) else {} for e in extras[carriers]]
    asked = _per_thread(thread[carriers], [[e[k] for k in REQUEST_KEYS if isinstance(e.get(k), list)] for e in ex],
                        lower=True)
    opening = pd.Series(kinds[carriers]).isin(PR_KINDS).to_numpy()
    rows, ex_open = carriers[opening], [e for e, o in zip(ex, opening, strict=True) if o]
    paths = [next((e[k] for k in FILE_KEYS if isinstance(e.get(k), list)), None) for e in ex_open]
    files = _per_thread(thread[rows], [[p] if p is not None else [] for p in paths], keep_order=True)
    groups_of = df["path_groups"].to_numpy(object)[rows]
    groups = _per_thread(thread[rows], [[list(g or ())] if p is not None else [] for g, p in
                                        zip(groups_of, paths, strict=True)])
    out: dict[str, Any] = {
        "thread.requested_reviewers": _spread({t: tuple(sorted(v)) for t, v in asked.items()}, thread, n_threads),
        "thread.files": _spread({t: tuple(v) for t, v in files.items()}, thread, n_threads),
        "thread.path_groups": _spread({t: tuple(sorted(v)) for t, v in groups.items()}, thread, n_threads),
    }
    out["thread.actor_requested"] = _actor_in(df["actor_login"].to_numpy(object), thread, asked)
    return out


def _per_thread(threads: np.ndarray, lists: list[list[list[Any]]], lower: bool = False, keep_order: bool = False
                ) -> dict[int, set[str] | list[str]]:
    """{thread: the union of the rows' lists} for threads where some row has a list at all (even an empty one)."""
    out: dict[int, Any] = {}
    for t, found in zip(threads.tolist(), lists, strict=True):
        if not found:
            continue
        seen = out.setdefault(t, [] if keep_order else set())
        for values in found:
            items = [str(x).lower() if lower else x for x in values if isinstance(x, str) and x]
            if keep_order:
                seen += [x for x in items if x not in seen]
            else:
                seen.update(items)
    return out


def _spread(per_thread: dict[int, tuple[str, ...]], thread: np.ndarray, n_threads: int) -> np.ndarray:
    """Each row's thread value (None for rows outside a thread or threads without the fact)."""
    table = np.full(n_threads + 1, None, dtype=object)
    for t, v in per_thread.items():
        table[t] = v
    return table[np.where(thread >= 0, thread, n_threads)]


def _actor_in(logins: np.ndarray, thread: np.ndarray, asked: dict[int, set[str]]) -> np.ndarray:
    """1.0 where the row's actor is among its thread's requested reviewers, 0.0 where not, NaN where unknown."""
    out = np.full(len(logins), np.nan)
    if not asked:
        return out
    known = np.isin(thread, np.fromiter(asked, np.int64, len(asked)))
    codes, uniques = pd.factorize(logins)  # stored lower case (warehouse.store)
    index = {u: c for c, u in enumerate(uniques)}
    width = len(uniques) + 1
    pairs = np.array([t * width + index[lg] for t, names in asked.items() for lg in names if lg in index], np.int64)
    keys = thread.astype(np.int64) * width + codes
    out[known] = np.isin(keys[known], pairs).astype(np.float64)
    return out


def mentioned_teams(df: pd.DataFrame, body: np.ndarray, actor_team: np.ndarray, people: pd.DataFrame,
                    identities: pd.DataFrame) -> dict[str, Any]:
    """``mentioned_teams``: teams of the people a text @mentions, and ``@org/team`` mentions of a roster team.

    A login is the person the identities table knows on that forge (the same host first); ``@org/payments``
    names the team ``payments`` when the roster has it (case, ``-``, ``_`` and spaces ignored).
    ``mentioned_other_teams`` leaves the actor's own team out (missing when the actor's team is unknown).
    """
    n = len(df)
    teams = np.empty(n, dtype=object)
    teams[:] = [()] * n
    rows = [i for i, b in enumerate(body) if "@" in b]
    if rows:
        lookup = _mention_lookup(people, identities)
        forge, host = df["forge"].to_numpy(object), df["host"].to_numpy(object)
        for i in rows:
            found = set()
            for name in MENTION.findall(body[i]):
                name = name.rstrip(".-").lower()
                team = lookup(forge[i], host[i], name)
                if team is not None:
                    found.add(team)
            if found:
                teams[i] = tuple(sorted(found))
    other = teams.copy()
    other[pd.isna(actor_team)] = None
    for i in rows:
        if teams[i] and actor_team[i] is not None:
            other[i] = tuple(t for t in teams[i] if t != actor_team[i])
    return {"mentioned_teams": teams, "mentioned_other_teams": other}


def _norm(team: str) -> str:
    return re.sub(r"[\s_-]+", "-", team.strip().lower())


def _mention_lookup(people: pd.DataFrame, identities: pd.DataFrame) -> Any:
    team_of = {p: t for p, t in zip(people["id"], people["team"], strict=True) if isinstance(t, str) and t}
    by_norm = {_norm(t): t for t in team_of.values()}
    exact: dict[tuple[str, str, str], str] = {}
    loose: dict[tuple[str, str], str] = {}
    for f, h, lg, p in zip(identities["forge"], identities["host"], identities["login"], identities["person_id"],
                           strict=True):
        team = team_of.get(p)
        if team is not None and isinstance(lg, str):
            exact[(f, h, lg.lower())] = team
            loose.setdefault((f, lg.lower()), team)

    def lookup(forge: str, host: str, name: str) -> str | None:
        if "/" in name:
            return by_norm.get(_norm(name.rsplit("/", 1)[1]))
        return exact.get((forge, host, name)) or loose.get((forge, name))

    return lookup
