"""Reading and checking labelled corpus files (docs/eval-corpus.md): JSON Lines, one item per line.

Every problem of every file is collected before anything is built, each naming the file, the line, the
item id and the key, with the fix: a labeller fixes a whole file in one pass instead of one error a run.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from leadsig.activity import ISSUE_COMMENT, ISSUE_OPENED, KINDS, PR_MERGED, PR_OPENED, REVIEW_COMMENT
from leadsig.errors import Problem, UserError
from leadsig.rules.language.indicators import BY_ID
from leadsig.yamlfile import did_you_mean

ITEM_KEYS = ("id", "labels", "tags", "repo", "forge", "teams", "people", "thread", "before", "item", "at")
PERSON_KEYS = ("team", "level", "timezone", "start_date", "name")
THREAD_KEYS = ("type", "number", "author", "title", "body", "labels", "files", "requested_reviewers",
               "author_association", "merged", "merged_by")
PR_ONLY = ("files", "requested_reviewers", "merged", "merged_by")
ASSOCIATIONS = ("OWNER", "MEMBER", "COLLABORATOR", "CONTRIBUTOR", "FIRST_TIME_CONTRIBUTOR", "FIRST_TIMER", "NONE")
STATES = ("approved", "changes_requested", "commented")
OPENINGS = (PR_OPENED, ISSUE_OPENED)
ISSUE_KINDS = (ISSUE_OPENED, ISSUE_COMMENT)
COMMENT_KINDS = ("review_comment", "pr_comment", ISSUE_COMMENT)
KEY_KINDS: dict[str, tuple[str, ...]] = {  # activity keys that only some kinds take
    "state": ("pr_review",), "inline_comments": ("pr_review",), "path": (REVIEW_COMMENT,),
    "in_reply_to": COMMENT_KINDS, "files": ("commit",)}
ACTIVITY_KEYS = ("kind", "actor", "body", *KEY_KINDS)
FILE_KEYS = ("path", "additions", "deletions")


@dataclass(frozen=True)
class Item:
    """One checked corpus item; ``data`` is the JSON object as written (the builder reads its defaults)."""

    file: str
    line: int
    id: str
    labels: tuple[str, ...]
    tags: tuple[str, ...]
    data: dict[str, Any] = field(repr=False, hash=False, compare=False)

    @property
    def negative(self) -> bool:
        return not self.labels


def read_corpus(paths: list[Path]) -> list[Item]:
    """Every item of every file, checked; raises one UserError with all problems when any item is wrong."""
    items: list[Item] = []
    problems: list[Problem] = []
    for path in paths:
        got, bad = read_file(path)
        items += got
        problems += bad
    if problems:
        raise UserError(problems)
    if not items:
        raise UserError(Problem("no items in the corpus", file=", ".join(map(str, paths)), code="empty-corpus",
                                hint="one JSON object per line (see docs/eval-corpus.md)"))
    return items


def read_file(path: Path) -> tuple[list[Item], list[Problem]]:
    shown = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return [], [Problem("corpus file not found", file=shown, code="missing-file", hint="check the path")]
    except (OSError, UnicodeDecodeError) as exc:
        return [], [Problem(f"cannot read the corpus file: {exc}", file=shown, code="encoding",
                            hint="corpus files are UTF-8 JSON Lines")]
    items: list[Item] = []
    problems: list[Problem] = []
    first_line: dict[str, int] = {}
    for n, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("//"):
            continue
        check = Check(shown, n)
        try:
            data = json.loads(line)
        except json.JSONDecodeError as exc:
            check.bad("", f"not valid JSON: {exc.msg} (column {exc.colno})",
                      "one JSON object per line; blank lines and lines starting with // are ignored", "bad-json")
            problems += check.problems
            continue
        item = check_item(check, data)
        if item is not None and item.id in first_line:
            check.bad("id", f"duplicate id, first used on line {first_line[item.id]}", "give every item its own id",
                      "duplicate-id")
        elif item is not None:
            first_line[item.id] = n
        problems += check.problems
        if item is not None and not check.problems:
            items.append(item)
    return items, problems


class Check:
    """The problems of one line; ``who`` is the item id once it is known."""

    def __init__(self, file: str, line: int) -> None:
        self.file, self.line, self.who = file, line, ""
        self.problems: list[Problem] = []

    def bad(self, key: str, message: str, hint: str | None = None, code: str = "bad-value") -> None:
        where = f"item {self.who!r}" if self.who else "item"
        self.problems.append(Problem(f"{where}: {message}", file=self.file, line=self.line, key=key or None,
                                     hint=hint, code=code))

    def keys(self, obj: dict[str, Any], allowed: tuple[str, ...], where: str) -> None:
        for k in obj:
            if k not in allowed:
                hint = did_you_mean(str(k), allowed) or "known keys: " + ", ".join(allowed)
                self.bad(_dot(where, str(k)), f"unknown key {k!r}", hint, "unknown-key")

    def text(self, obj: dict[str, Any], key: str, where: str, required: bool = False) -> str | None:
        v = obj.get(key)
        if v is None:
            if required:
                self.bad(_dot(where, key), "missing", f'add "{key}": "..."', "missing-key")
            return None
        if not isinstance(v, str) or (required and not v.strip()):
            self.bad(_dot(where, key), f"expected text, got {_show(v)}", f'"{key}": "..."', "type")
            return None
        return v

    def texts(self, obj: dict[str, Any], key: str, where: str) -> list[str]:
        v = obj.get(key, [])
        if not isinstance(v, list) or not all(isinstance(x, str) for x in v):
            self.bad(_dot(where, key), f"expected a list of strings, got {_show(v)}", f'"{key}": ["a", "b"]', "type")
            return []
        return v

    def count(self, obj: dict[str, Any], key: str, where: str, least: int = 0) -> int | None:
        v = obj.get(key)
        if v is not None and (isinstance(v, bool) or not isinstance(v, int) or v < least):
            self.bad(_dot(where, key), f"expected a whole number of at least {least}, got {_show(v)}",
                     f'"{key}": {max(least, 1)}', "type")
            return None
        return v

    def choice(self, obj: dict[str, Any], key: str, where: str, choices: tuple[str, ...]) -> str | None:
        v = obj.get(key)
        if v is not None and v not in choices:
            hint = (did_you_mean(v, choices) if isinstance(v, str) else None) or "one of " + ", ".join(choices)
            self.bad(_dot(where, key), f"unknown value {_show(v)}", hint)
            return None
        return v

    def mapping(self, obj: dict[str, Any], key: str, where: str) -> dict[str, Any]:
        v = obj.get(key, {})
        if not isinstance(v, dict):
            self.bad(_dot(where, key), f"expected an object, got {_show(v)}", f'"{key}": {{...}}', "type")
            return {}
        return v


def _dot(where: str, key: str) -> str:
    return f"{where}.{key}" if where else key


def _show(v: Any) -> str:
    return json.dumps(v)[:60]


def check_item(c: Check, data: Any) -> Item | None:
    """Check one decoded line; None when it cannot even be named (not an object, no id)."""
    if not isinstance(data, dict):
        c.bad("", f"expected a JSON object, got {_show(data)}", 'one item per line: {"id": ..., "labels": [...], '
              '"item": {...}}', "type")
        return None
    item_id = c.text(data, "id", "", required=True)
    c.who = item_id or ""
    c.keys(data, ITEM_KEYS, "")
    labels = _labels(c, data)
    tags = c.texts(data, "tags", "")
    _top(c, data)
    people = c.mapping(data, "people", "")
    for login, facts in people.items():
        _person(c, login, facts)
    thread = c.mapping(data, "thread", "")
    if "item" not in data:
        c.bad("item", "missing: every item needs the scored activity", '"item": {"kind": ..., "actor": ..., '
              '"body": ...}', "missing-key")
    elif not isinstance(data["item"], dict):
        c.bad("item", f"expected an object, got {_show(data['item'])}", '"item": {"kind": ..., "actor": ...}', "type")
    else:
        _thread(c, thread, data["item"], "thread" in data)
        before = data.get("before", [])
        if not isinstance(before, list) or not all(isinstance(b, dict) for b in before):
            c.bad("before", "expected a list of activity objects", '"before": [{"kind": ..., "actor": ...}]', "type")
            before = []
        for i, act in enumerate(before):
            _activity(c, act, f"before[{i}]", i, scored=False)
        _activity(c, data["item"], "item", len(before), scored=True)
        if before and before[0].get("kind") in OPENINGS:
            _written_opening(c, before[0], thread, data["item"])
        if before and data["item"].get("kind") in OPENINGS:
            c.bad("before", "an opening (pr_opened, issue_opened) has nothing before it in its thread",
                  "remove before, or score a later activity of the thread", "bad-context")
    if item_id is None:
        return None
    return Item(c.file, c.line, item_id, labels, tuple(tags), data)


def _labels(c: Check, data: dict[str, Any]) -> tuple[str, ...]:
    if "labels" not in data:
        c.bad("labels", "missing: say what a careful reader credits, [] for nothing", '"labels": []', "missing-key")
        return ()
    labels = c.texts(data, "labels", "")
    for lb in labels:
        if lb not in BY_ID:
            c.bad("labels", f"unknown indicator {lb!r}", did_you_mean(lb, tuple(BY_ID)) or
                  "indicator ids are listed in rules/indicators.py", "unknown-indicator")
    return tuple(dict.fromkeys(lb for lb in labels if lb in BY_ID))


def _top(c: Check, data: dict[str, Any]) -> None:
    repo = c.text(data, "repo", "")
    if repo is not None and ("/" not in repo.strip("/") or " " in repo):
        c.bad("repo", f"expected owner/name, got {_show(repo)}", '"repo": "acme/billing-api"')
    c.choice(data, "forge", "", ("github", "gitlab"))
    at = c.text(data, "at", "")
    if at is not None:
        try:
            date.fromisoformat(at)
        except ValueError:
            c.bad("at", f"not a date: {_show(at)}", '"at": "2026-06-15"')
    for team, globs in c.mapping(data, "teams", "").items():
        if not isinstance(globs, list) or not all(isinstance(g, str) for g in globs):
            c.bad(f"teams.{team}", "expected a list of repo globs", f'"{team}": ["acme/{team}-*"]', "type")


def _person(c: Check, login: str, facts: Any) -> None:
    where = f"people.{login}"
    if not isinstance(facts, dict):
        c.bad(where, f"expected an object of roster facts, got {_show(facts)}",
              '{"team": "billing", "level": "senior"}', "type")
        return
    c.keys(facts, PERSON_KEYS, where)
    for key in PERSON_KEYS:
        c.text(facts, key, where)
    tz, start = facts.get("timezone"), facts.get("start_date")
    if isinstance(tz, str):
        try:
            ZoneInfo(tz)
        except (ZoneInfoNotFoundError, ValueError):
            c.bad(f"{where}.timezone", f"unknown time zone {tz!r}", "an IANA name such as Europe/Berlin")
    if isinstance(start, str):
        try:
            date.fromisoformat(start)
        except ValueError:
            c.bad(f"{where}.start_date", f"not a date: {start!r}", '"start_date": "2024-04-01"')


def thread_type(thread: dict[str, Any], item: dict[str, Any]) -> str:
    """The thread's type as written, else what the scored activity's kind implies."""
    return thread.get("type") or ("issue" if item.get("kind") in ISSUE_KINDS else "pr")


def _thread(c: Check, thread: dict[str, Any], item: dict[str, Any], given: bool) -> None:
    kind = item.get("kind")
    if not given:
        if kind in KINDS and kind not in (*OPENINGS, "commit"):
            c.bad("thread", f"a {kind} belongs to a PR or issue: the item needs its thread",
                  '"thread": {"type": "pr", "author": "...", "title": "..."}', "missing-key")
        return
    c.keys(thread, THREAD_KEYS, "thread")
    c.choice(thread, "type", "thread", ("pr", "issue"))
    c.count(thread, "number", "thread", least=1)
    for key in ("author", "title", "body", "author_association", "merged_by"):
        c.text(thread, key, "thread")
    for key in ("labels", "files", "requested_reviewers"):
        c.texts(thread, key, "thread")
    c.choice(thread, "author_association", "thread", ASSOCIATIONS)
    if not isinstance(thread.get("merged", False), bool):
        c.bad("thread.merged", f"expected true or false, got {_show(thread['merged'])}", '"merged": true', "type")
    author = thread.get("author")
    if not author and kind not in OPENINGS:
        c.bad("thread.author", "missing: who opened the PR or issue", '"author": "login"', "missing-key")
    elif author and kind in OPENINGS and isinstance(item.get("actor"), str) and author != item["actor"]:
        c.bad("thread.author", f"the item opens the thread, so its actor {item['actor']!r} is the author",
              "leave thread.author out, or make it the item's actor", "bad-context")
    ttype = thread_type(thread, item)
    if ttype == "issue":
        for key in PR_ONLY:
            if key in thread:
                c.bad(f"thread.{key}", "only a PR has this", 'remove it, or set "type": "pr"', "bad-context")
    if kind in KINDS and kind != "commit" and (kind in ISSUE_KINDS) != (ttype == "issue"):
        c.bad("thread.type", f"a {kind} cannot be in a thread of type {ttype!r}",
              f'"type": "{"issue" if kind in ISSUE_KINDS else "pr"}"', "bad-context")


def _written_opening(c: Check, opening: dict[str, Any], thread: dict[str, Any], item: dict[str, Any]) -> None:
    """before[0] may be the thread's opening (its body the description): the thread's kind, by its author."""
    want = PR_OPENED if thread_type(thread, item) == "pr" else ISSUE_OPENED
    if opening["kind"] != want:
        c.bad("before[0].kind", f"the thread is a{'' if want == PR_OPENED else 'n'} {thread_type(thread, item)}: "
              f"its opening is {want}", f'"kind": "{want}"', "bad-context")
    author = thread.get("author")
    if author and isinstance(opening.get("actor"), str) and opening["actor"] != author:
        c.bad("before[0].actor", f"the opening's actor {opening['actor']!r} is not the thread's author {author!r}",
              "make them the same login", "bad-context")


def _activity(c: Check, act: dict[str, Any], where: str, index: int, scored: bool) -> None:
    """One activity (the item or an entry of before); ``index`` is its place after the before entries."""
    c.keys(act, ACTIVITY_KEYS, where)
    kind = act.get("kind")
    if kind is None:
        c.bad(f"{where}.kind", "missing", "one of " + ", ".join(KINDS), "missing-key")
    elif c.choice(act, "kind", where, KINDS) is not None:
        for key, kinds in KEY_KINDS.items():
            if key in act and kind not in kinds:
                c.bad(f"{where}.{key}", f"a {kind} has no {key} (only {', '.join(kinds)})", f"remove {key}",
                      "bad-context")
        if not scored and (kind == PR_MERGED or (kind in OPENINGS and index > 0)):
            c.bad(f"{where}.kind", f"a {kind} here is not the thread's first entry",
                  "the opening may only be before[0] (or describe it in thread), the merge is thread.merged",
                  "bad-context")
    c.text(act, "actor", where, required=True)
    c.text(act, "body", where)
    c.choice(act, "state", where, STATES)
    _inline(c, act, where)
    c.text(act, "path", where)
    reply = c.count(act, "in_reply_to", where)
    if reply is not None and reply >= index:
        c.bad(f"{where}.in_reply_to", f"{reply} is not an earlier entry of before (0 to {index - 1})",
              "in_reply_to is the 0-based index in before of the comment answered", "bad-context")
    files = act.get("files", [])
    if not isinstance(files, list):
        c.bad(f"{where}.files", "expected a list of files", '"files": [{"path": "docs/x.md", "additions": 10}]',
              "type")
        return
    for i, f in enumerate(files):
        _file(c, f, f"{where}.files[{i}]")


def _inline(c: Check, act: dict[str, Any], where: str) -> None:
    """A review's inline comments: how many, or the comments themselves ({"path": ..., "body": ...})."""
    v = act.get("inline_comments")
    if not isinstance(v, list):
        c.count(act, "inline_comments", where)
        return
    for i, comment in enumerate(v):
        if not isinstance(comment, dict):
            c.bad(f"{where}.inline_comments[{i}]", f"expected {{\"path\": ..., \"body\": ...}}, got {_show(comment)}",
                  '{"path": "src/x.py", "body": "..."}', "type")
            continue
        c.keys(comment, ("path", "body"), f"{where}.inline_comments[{i}]")
        c.text(comment, "path", f"{where}.inline_comments[{i}]")
        c.text(comment, "body", f"{where}.inline_comments[{i}]")


def _file(c: Check, f: Any, where: str) -> None:
    if not isinstance(f, dict):
        c.bad(where, f"expected {{\"path\": ..., \"additions\": n, \"deletions\": n}}, got {_show(f)}",
              '{"path": "docs/guide.md", "additions": 40, "deletions": 2}', "type")
        return
    c.keys(f, FILE_KEYS, where)
    c.text(f, "path", where, required=True)
    c.count(f, "additions", where)
    c.count(f, "deletions", where)
