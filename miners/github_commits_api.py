"""The commit stream through the API (``commits: api``, or where git cannot clone): the path of before git.

The commits the default branch gained since the stored head (``/compare``), else by date, then one
``/commits/SHA`` (files, line counts) for each but merges (their changes are their parents').
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import Any, Protocol

from github import UnknownObjectException

from leadsig.activity import Activity
from leadsig.batch import STREAM_COMMITS, Batch
from leadsig.miners import github_convert as cv
from leadsig.miners.github_pages import chunks

log = logging.getLogger("leadsig.mine.github")
BATCH = 100  # activities' parents per stored batch: small transactions, bounded memory


def raw(obj: Any) -> dict[str, Any]:
    """The JSON a PyGithub object was built from, without triggering a completing request."""
    return obj._rawData  # noqa: SLF001 - the public raw_data property re-fetches partial objects


class RepoRun(Protocol):
    """What the API commit path reads of :class:`miners.github.RepoRun` (named apart: no import cycle)."""

    repo: str
    gh_repo: Any
    m: Any
    wm: dict[str, datetime | None]
    positions: dict[str, str]

    def since(self, *streams: str) -> datetime: ...
    def is_new(self, stream: str, when: datetime | None) -> bool: ...
    def fact(self, key: str) -> str: ...
    def keep(self, activities: Iterable[Activity | None]) -> list[Activity]: ...


def api_commits(run: RepoRun) -> Iterator[Batch]:
    """The commits through the API (``commits: api``, or git unusable): one ``/commits/SHA`` per candidate."""
    landed = landed_since_head(run)
    if landed is None:  # first run, or the stored head is gone: by date
        since = run.since(STREAM_COMMITS)
        listed = [raw(c) for c in run.gh_repo.get_commits(since=since)]
        fresh = [c for c in listed if run.is_new(STREAM_COMMITS, _committed(c))]
        head = f"{listed[0]['sha']} {run.fact('default_branch')}" if listed else None  # newest first
    else:
        listed, head = landed
        fresh = listed  # every commit the branch gained is new, whatever its date
        since = min((d for d in map(_committed, listed) if d is not None), default=run.since(STREAM_COMMITS))
    wanted = [c["sha"] for c in fresh if len(c.get("parents") or []) <= 1]  # a merge's changes are its parents'
    wanted = path_candidates(run, wanted, since)
    newest = max((d for d in map(_committed, listed) if d is not None), default=None)
    mark = run.wm.get(STREAM_COMMITS)
    if newest is not None and mark is not None:  # a late old-dated commit must not move the watermark back
        newest = max(newest, mark + run.m.overlap)
    groups = list(chunks(wanted, BATCH)) or [[]]
    for i, shas in enumerate(groups):
        out = []
        for sha in shas:
            full = run.gh_repo.get_commit(sha).raw_data  # lazy object: raw_data fetches it
            hit = run.m.groups.match(f.get("filename", "") for f in full.get("files") or [])
            if hit:
                out.append(cv.commit_activity(run.m.host, run.repo, full, hit,
                                              run.m.groups.lines(cv.file_lines(full))))
        last = i == len(groups) - 1
        yield Batch(run.repo, STREAM_COMMITS, run.keep(out), newest if last else None,
                    head if last and newest is not None else None)


def landed_since_head(run: RepoRun) -> tuple[list[dict[str, Any]], str | None] | None:
    """(commits the default branch gained since the stored head, the new head), or None: list by date.

    ``/compare/HEAD_BEFORE...BRANCH``: a PR merged today brings commits dated last week, which a date filter
    misses. None on a first run, or when the stored head is gone (force push, renamed branch): the caller
    lists ``/commits?since=`` and learns the branch and its head. When every path group is a folder,
    ``/commits?path=FOLDER`` listings pick the candidates first (:func:`path_candidates`)."""
    stored = run.positions.get(STREAM_COMMITS, "").split()
    if len(stored) != 2:
        return None
    sha, branch = stored
    try:
        landed = [raw(c) for c in run.gh_repo.compare(sha, branch).commits]
    except UnknownObjectException:  # force-pushed away, or the branch renamed
        log.info("%s: stored head %s of %s is gone; listing commits by date", run.repo, sha[:12], branch)
        return None
    return landed, (f"{landed[-1]['sha']} {branch}" if landed else None)


def path_candidates(run: RepoRun, shas: list[str], since: datetime) -> list[str]:
    """When every group is a folder, a path-filtered listing per folder beats one request per commit."""
    folders = run.m.groups.folder_prefixes()
    if not folders or not shas:
        return shas
    prefixes = sorted({p for ps in folders.values() for p in ps})
    if len(prefixes) >= len(shas):
        return shas
    touched: set[str] = set()
    for prefix in prefixes:
        touched |= {raw(c)["sha"] for c in run.gh_repo.get_commits(since=since, path=prefix)}
    return [sha for sha in shas if sha in touched]


def _committed(c: dict[str, Any]) -> datetime | None:
    return cv.ts(((c.get("commit") or {}).get("committer") or {}).get("date"))
