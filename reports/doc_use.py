"""Who used a piece of documentation a person wrote, and how: what "documentation used by 5+ people" counts.

A piece of documentation is what a docs commit or docs PR wrote (its files that ``docs_paths`` calls
documentation) or a runbook issue or write-up (its thread). Someone used it when, after it was written, they
- reviewed or commented in its thread (``discussed``),
- edited one of its files: a later commit or PR whose file list names it (``edited``), or
- linked it from anywhere: the file's path or blob URL, its docs-site page, or a mention of the issue/PR that
  holds it in their text (``linked``, in :mod:`~leadsig.reports.doc_links`).
A guide is mostly used from other threads, so counting only the people in its own thread missed most use.

Each way is SQL that returns only candidates (the thread keys; per month, the commits and PRs whose file list
names a document's file), checked exactly in Python: the warehouse is never walked once per document.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, Connection, and_, or_, select
from sqlalchemy.orm import Session

from leadsig.activity import COMMIT, PR_MERGED, PR_OPENED, PR_REVIEW, REVIEW_COMMENT
from leadsig.paths import glob_to_regex
from leadsig.reports.doc_links import index_for, linked, month_keys
from leadsig.warehouse import models as m

Executor = Session | Connection
WAYS = ("discussed", "edited", "linked")
VERBS = {PR_REVIEW: "reviewed", REVIEW_COMMENT: "reviewed", PR_MERGED: "merged", PR_OPENED: "opened",
         COMMIT: "committed to"}  # in its own thread; anything else there is "discussed"


@dataclass(frozen=True)
class Doc:
    """One piece of documentation: where it lives, when it was written, which documentation files it wrote."""

    url: str
    activity_id: str | None
    start: datetime
    forge: str
    host: str
    repo: str
    number: int | None
    paths: tuple[str, ...] = ()

    @property
    def thread(self) -> tuple[str, str, str, int | None]:
        return (self.forge, self.host, self.repo, self.number)

    def name(self) -> str:
        return f"{self.repo}#{self.number}" if self.number is not None else self.url


@dataclass(frozen=True)
class Use:
    who: str  # person id, or forge:login for someone not on the roster
    way: str  # one of WAYS
    how: str  # e.g. "edited docs/setup.md", "reviewed acme/api#12"
    url: str
    activity_id: str
    at: datetime
    doc: Doc


def documents(db: Executor, items: Iterable[tuple[str, str | None, datetime | None, tuple]],
              docs_paths: Iterable[str]) -> list[Doc]:
    """The pieces of documentation behind ``items`` ((url, activity id, when, (forge, host, repo, number))):
    one per thread, or per commit, at its earliest item, with the documentation files it wrote."""
    rx = re.compile("^(?:" + "|".join(glob_to_regex(g) for g in docs_paths) + ")$")
    items = [it for it in items if it[2] is not None and it[3] is not None]
    a = m.Activity
    facts: dict[str, tuple[str, dict]] = {}
    ids = sorted({it[1] for it in items if it[1]})
    for i in range(0, len(ids), 500):
        rows = db.execute(select(a.id, a.kind, a.extra).where(a.id.in_(ids[i:i + 500]))).all()
        facts.update({r[0]: (r[1], r[2] or {}) for r in rows})
    pr_paths = _pr_paths(db, {it[3] for it in items if facts.get(it[1] or "", ("",))[0] in (PR_OPENED, PR_MERGED)})
    out: dict[tuple, Doc] = {}
    for url, aid, at, thread in items:
        kind, extra = facts.get(aid or "", ("", {}))
        written = _paths(extra) or (pr_paths.get(thread, ()) if kind in (PR_OPENED, PR_MERGED) else ())
        paths = tuple(p for p in written if rx.match(p))
        key = thread if thread[3] is not None else (aid or url,)
        old = out.get(key)
        if old is None or at < old.start:
            out[key] = Doc(url, aid, at, *thread, paths=tuple(dict.fromkeys((*paths, *(old.paths if old else ())))))
        else:
            out[key] = Doc(old.url, old.activity_id, old.start, *old.thread,
                           paths=tuple(dict.fromkeys((*old.paths, *paths))))
    return sorted(out.values(), key=lambda d: (d.start, d.url))


def _paths(extra: dict) -> tuple[str, ...]:
    found = extra.get("paths") if isinstance(extra, dict) else None
    return tuple(str(p).lstrip("/") for p in found if p) if isinstance(found, list) else ()


def _pr_paths(db: Executor, threads: set[tuple]) -> dict[tuple, tuple[str, ...]]:
    """A PR's files from its opening or merge (the REST listing may leave one of them without)."""
    a = m.Activity
    if not threads:
        return {}
    rows = db.execute(select(a.forge, a.host, a.repo, a.parent_number, a.extra).where(
        a.kind.in_((PR_OPENED, PR_MERGED)), *_in_threads(threads))).all()
    out: dict[tuple, tuple[str, ...]] = {}
    for forge, host, repo, number, extra in rows:
        key = (forge, host, repo, number)
        if key in threads:
            out[key] = tuple(dict.fromkeys((*out.get(key, ()), *_paths(extra or {}))))
    return out


def _in_threads(threads: Iterable[tuple]) -> list[ColumnElement[bool]]:
    """Conditions on all four columns of ix_activities_thread, so the index serves them (repo and number
    alone leave it unused: a whole-table scan); the caller drops the cross-product rows it did not ask for."""
    a, threads = m.Activity, list(threads)
    return [a.forge.in_(sorted({t[0] for t in threads})), a.host.in_(sorted({t[1] for t in threads})),
            a.repo.in_(sorted({t[2] for t in threads})), a.parent_number.in_(sorted({t[3] for t in threads}))]


def uses(db: Executor, writer: str, docs: list[Doc], as_of: datetime, ways: Iterable[str] = WAYS) -> list[Use]:
    """Every later use of ``docs`` by someone other than ``writer`` (not bots), up to ``as_of``, in time order."""
    found: list[Use] = []
    if "discussed" in ways:
        found += _discussed(db, writer, [d for d in docs if d.number is not None], as_of)
    if "edited" in ways:
        found += _edited(db, writer, [d for d in docs if d.paths], as_of)
    if "linked" in ways:
        found += [Use(who, "linked", how, url, aid, at, doc)
                  for who, how, url, aid, at, doc in linked(db, writer, docs, as_of)]
    return sorted(found, key=lambda u: (u.at, WAYS.index(u.way), u.who, u.activity_id))


def _who(pid: str | None, forge: str, login: str) -> str:
    return pid or f"{forge}:{login}"


def _others(writer: str) -> ColumnElement[bool]:
    a = m.Activity
    return and_(a.actor_is_bot.is_not(True), or_(a.person_id.is_(None), a.person_id != writer))


def _discussed(db: Executor, writer: str, docs: list[Doc], as_of: datetime) -> list[Use]:
    a = m.Activity
    by_thread = {d.thread: d for d in docs}
    if not by_thread:
        return []
    rows = db.execute(select(a.id, a.forge, a.host, a.repo, a.parent_number, a.occurred_at, a.person_id,
                             a.actor_login, a.kind, a.url)
                      .where(*_in_threads(by_thread), a.occurred_at <= as_of, _others(writer))).all()
    out = []
    for aid, forge, host, repo, number, at, pid, login, kind, url in rows:
        doc = by_thread.get((forge, host, repo, number))
        if doc is not None and at > doc.start:
            out.append(Use(_who(pid, forge, login), "discussed", f"{VERBS.get(kind, 'discussed')} {doc.name()}",
                           url, aid, at, doc))
    return out


def _edited(db: Executor, writer: str, docs: list[Doc], as_of: datetime) -> list[Use]:
    """Later commits and PRs in a document's repository whose file list names one of its files.

    Looked up by (repository, file) in each month's file lists, read once per month into the link index
    (shared by a report's people, like the text): no query per document or per person."""
    if not docs:
        return []
    index, out = index_for(db), []
    for year, month in month_keys(min(d.start for d in docs), as_of):
        found = index.edited(db, year, month)
        for d in docs:
            for p in d.paths:
                for row in found.get((d.forge, d.host, d.repo, p), ()):
                    if d.start < row.at <= as_of and row.person_id != writer:
                        out.append(Use(_who(row.person_id, row.forge, row.login), "edited", f"edited {p}", row.url,
                                       row.id, row.at, d))
    return out


def summary(found: list[Use]) -> tuple[list[str], list[tuple[str, str | None]]]:
    """Per person, their first use (``who how``), and the evidence: each used document, then each first use."""
    first: dict[str, Use] = {}
    for u in found:
        first.setdefault(u.who, u)
    keys = [f"{who} {u.how}" for who, u in sorted(first.items())]
    used = list(dict.fromkeys((u.doc.url, u.doc.activity_id) for u in first.values()))
    return keys, used + [(u.url, u.activity_id) for _, u in sorted(first.items())]
