"""Links to a person's documentation from anywhere in the warehouse: the ``linked`` way of using it.

A link is text with a document's file path, blob URL or docs-site page, or a mention of the issue/PR that
holds it. Finding them means reading text written after the documentation, in every repository: the costly
part of "documentation used". SQL lets through, a month at a time, only text that can hold a link at all
(a ``/``, ``#`` or ``!``), and each text is reduced once to its keys (the word after each of those: path
segments, file names, issue and PR numbers). A document is looked up by its keys (its thread number, its
files' names), and only the texts that hold one are read again and checked with the exact patterns. A
month's keys are kept in a :class:`LinkIndex`; a report about many people shares one (:func:`shared_index`),
so the warehouse's text is read once per report, not once per person.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any, NamedTuple

from sqlalchemy import ColumnElement, Connection, or_, select
from sqlalchemy.orm import Session

from leadsig.activity import COMMIT, KINDS, PR_OPENED
from leadsig.warehouse import models as m

Executor = Session | Connection
DOC_ROOTS = ("docs/", "doc/")  # a docs site serves docs/guides/setup.md as .../guides/setup/
# what a text is found by: the word after each / # ! (path segments and file names, issue and PR numbers)
KEYS = re.compile(r"[/#!]([\w-]+)")
EDIT_KINDS = (COMMIT, PR_OPENED)  # a merge is not an edit: the PR's author edited
GATE = ("/", "#", "!")  # every link but a bare top-level file name holds one


class Row(NamedTuple):
    id: str
    forge: str
    host: str
    repo: str
    number: int | None
    at: datetime
    person_id: str | None
    login: str
    url: str


def keys(text: str) -> set[str]:
    """What a text can be found by: the issue and PR numbers it mentions, the path segments and files in it."""
    return set(KEYS.findall(text))


def key_of(path: str) -> str:
    """The key every link to a file holds: its name up to the first dot (docs/v1.2-notes.md -> v1)."""
    last = path.rsplit("/", 1)[-1]
    found = re.match(r"[\w-]+", last)
    return found.group() if found else last


class LinkIndex:
    """Per calendar month, which texts hold which key (rows without their text: memory stays small)."""

    def __init__(self) -> None:
        self.bind: Any = None
        self.months: dict[tuple[int, int], dict[str, list[Row]]] = {}
        self.edits: dict[tuple[int, int], dict[tuple[str, str, str, str], list[Row]]] = {}

    def month(self, db: Executor, year: int, month: int) -> dict[str, list[Row]]:
        if (year, month) not in self.months:
            self.months[(year, month)] = self._scan(db, year, month)
        return self.months[(year, month)]

    def edited(self, db: Executor, year: int, month: int) -> dict[tuple[str, str, str, str], list[Row]]:
        """The month's commits and PRs by (forge, host, repo, file) in their file lists."""
        if (year, month) not in self.edits:
            a, out = m.Activity, {}
            stmt = select(a.id, a.forge, a.host, a.repo, a.parent_number, a.occurred_at, a.person_id,
                          a.actor_login, a.url, a.extra).where(a.kind.in_(EDIT_KINDS), *_month(year, month),
                                                               a.actor_is_bot.is_not(True))
            for *fields, extra in db.execute(stmt):
                row = Row(*fields)
                found = extra.get("paths") if isinstance(extra, dict) else None
                for path in found if isinstance(found, list) else ():
                    out.setdefault((row.forge, row.host, row.repo, str(path).lstrip("/")), []).append(row)
            self.edits[(year, month)] = out
        return self.edits[(year, month)]

    def _scan(self, db: Executor, year: int, month: int) -> dict[str, list[Row]]:
        a = m.Activity
        stmt = select(a.id, a.forge, a.host, a.repo, a.parent_number, a.occurred_at, a.person_id, a.actor_login,
                      a.url, a.body).where(a.kind.in_(KINDS), *_month(year, month), a.actor_is_bot.is_not(True),
                                           or_(*(a.body.contains(c, autoescape=True) for c in GATE)))
        out: dict[str, list[Row]] = {}
        for *fields, body in db.execute(stmt):
            row = Row(*fields)
            for key in keys(body or ""):
                out.setdefault(key, []).append(row)
        return out


def _month(year: int, month: int) -> tuple[ColumnElement[bool], ColumnElement[bool]]:
    a = m.Activity
    lo, hi = datetime(year, month, 1, tzinfo=UTC), datetime(year + month // 12, month % 12 + 1, 1, tzinfo=UTC)
    return a.occurred_at >= lo, a.occurred_at < hi


_SHARED: ContextVar[LinkIndex | None] = ContextVar("leadsig_doc_links", default=None)


@contextmanager
def shared_index() -> Iterator[LinkIndex]:
    """Within it, every "documentation used" worked out on one warehouse shares one index of its text."""
    token = _SHARED.set(LinkIndex())
    try:
        yield _SHARED.get()  # type: ignore[misc]
    finally:
        _SHARED.reset(token)


def index_for(db: Executor) -> LinkIndex:
    shared, bind = _SHARED.get(), db.get_bind() if isinstance(db, Session) else db.engine
    if shared is None:
        return LinkIndex()
    if shared.bind is None:
        shared.bind = bind
    return shared if shared.bind is bind else LinkIndex()


def month_keys(start: datetime, end: datetime) -> Iterator[tuple[int, int]]:
    y, mo = start.year, start.month
    while (y, mo) <= (end.year, end.month):
        yield y, mo
        y, mo = y + mo // 12, mo % 12 + 1


def linked(db: Executor, writer: str, docs: list[Any], as_of: datetime) -> list[tuple]:
    """(who, how, url, activity id, when, document) for each later text outside a document's own thread that
    links it; ``docs`` are :class:`~leadsig.reports.doc_use.Doc`."""
    if not docs:
        return []
    by_key: dict[str, list[_Finder]] = {}
    for d in docs:
        f = _Finder(d)
        for key in f.words:
            by_key.setdefault(key, []).append(f)
    index = index_for(db)
    candidates: dict[str, tuple[Row, set[_Finder]]] = {}
    for year, month in month_keys(min(d.start for d in docs), as_of):
        found = index.month(db, year, month)
        for key, finders in by_key.items():
            for row in found.get(key, ()):
                if row.at <= as_of and row.person_id != writer:
                    candidates.setdefault(row.id, (row, set()))[1].update(finders)
    candidates.update(_top_level(db, writer, docs, as_of, by_key, candidates))
    out = []
    for aid, body in _bodies(db, sorted(candidates)):
        row, finders = candidates[aid]
        for f in sorted(finders, key=lambda f: (f.doc.start, f.doc.url)):
            d = f.doc
            if row.at <= d.start or (row.forge, row.host, row.repo, row.number) == d.thread:
                continue  # its own thread is discussion, counted there
            how = f.find(body or "", (row.forge, row.host, row.repo))
            if how:
                out.append((row.person_id or f"{row.forge}:{row.login}", how, row.url, aid, row.at, d))
    return out


def _top_level(db: Executor, writer: str, docs: list[Any], as_of: datetime, by_key: dict[str, list[_Finder]],
               seen: dict[str, tuple[Row, set[_Finder]]]) -> dict[str, tuple[Row, set[_Finder]]]:
    """A top-level file (README.md) can be named with none of the gate's characters: looked for by name."""
    a = m.Activity
    tops = sorted({p for d in docs for p in d.paths if "/" not in p})
    if not tops:
        return {}
    stmt = select(a.id, a.forge, a.host, a.repo, a.parent_number, a.occurred_at, a.person_id, a.actor_login,
                  a.url).where(a.kind.in_(KINDS), a.occurred_at > min(d.start for d in docs), a.occurred_at <= as_of,
                               a.actor_is_bot.is_not(True), or_(*(a.body.contains(t, autoescape=True) for t in tops)))
    out: dict[str, tuple[Row, set[_Finder]]] = {}
    for fields in db.execute(stmt):
        row = Row(*fields)
        if row.person_id != writer and row.id not in seen:
            out[row.id] = (row, {f for t in tops for f in by_key.get(key_of(t), ())})
    return out


def _bodies(db: Executor, ids: list[str]) -> Iterator[tuple[str, str]]:
    a = m.Activity
    for i in range(0, len(ids), 500):
        yield from db.execute(select(a.id, a.body).where(a.id.in_(ids[i:i + 500]))).tuples()


class _Finder:
    """A word every link to one document contains (to find candidates) and the exact patterns (to decide)."""

    def __init__(self, doc: Any) -> None:
        self.doc = doc
        repo, n = re.escape(doc.repo), doc.number
        self.words: set[str] = set()  # every link to it contains one of these words (its number, a file's stem)
        self.patterns: list[tuple[str, bool, str]] = []  # (regex, own repository only, how); compiled on use
        self.compiled: list[tuple[re.Pattern[str], bool, str]] | None = None
        for p in doc.paths:
            self.words.add(key_of(p))
            self.patterns.append((rf"{repo}/(?:-/)?(?:blob|tree|raw|edit|blame)/\S+?/{re.escape(p)}(?![\w/.-])",
                                  False, f"linked {p}"))
            self.patterns.append((rf"(?<![\w./-]){re.escape(p)}(?![\w/-])", True, f"linked {p}"))
            page = _page(p)
            if page:
                self.patterns.append((rf"https?://\S*?/{re.escape(page)}(?:/|\.html?\b|(?=[\s)#\]>\"']|$))",
                                      False, f"linked {p} (its page)"))
        if n is not None:
            self.words.add(str(n))
            self.patterns.append((rf"(?:(?<![\w/.-]){repo}[#!]|/{repo}/(?:pull|issues|-/merge_requests|"
                                  rf"-/issues)/){n}(?!\d)", False, f"mentioned {doc.name()}"))
            self.patterns.append((rf"(?<![\w/&#!])[#!]{n}(?!\d)", True, f"mentioned {doc.name()}"))

    def find(self, body: str, where: tuple[str, str, str]) -> str | None:
        if self.compiled is None:  # a report has more patterns than re's own cache holds
            self.compiled = [(re.compile(rx), own, how) for rx, own, how in self.patterns]
        home = where == self.doc.thread[:3]
        return next((how for rx, own, how in self.compiled if (home or not own) and rx.search(body)), None)


def _page(path: str) -> str | None:
    """The page a docs site serves a file under docs/ as (docs/guides/setup.md -> guides/setup), or None."""
    root = next((r for r in DOC_ROOTS if path.startswith(r)), None)
    if root is None or "." not in path.rsplit("/", 1)[-1]:
        return None
    page = path[len(root):].rsplit(".", 1)[0]
    for tail in ("/index", "/README", "index", "README"):
        if page.endswith(tail):
            page = page[: -len(tail)].rstrip("/")
            break
    return page if "/" in page or len(page) >= 4 else None
