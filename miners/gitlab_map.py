"""GitLab JSON (as python-gitlab hands it over: plain dicts) -> normalized Activity records.

Pure functions, no HTTP: each takes the forge's dicts and returns activities, so they are tested with
small hand-made dicts in GitLab's real shapes.

Mapping (DESIGN.md): MR -> pr_opened / pr_merged; each approval -> pr_review (state ``approved``); each
DiffNote (``type == "DiffNote"`` or a ``position``) -> review_comment; any other non-system MR note ->
pr_comment; issue -> issue_opened; non-system issue note -> issue_comment; a default-branch commit that
touches a path group -> commit. System notes are never activity.

Approvals: read from the MR's system notes, which the notes call returns anyway (no approvals call). GitLab
writes "approved this merge request" for every approval and "unapproved this merge request" when it is
revoked; replayed per user (note author id) in time order they give the current approvers, each dated
and linked (``#note_<id>``) by their latest "approved" note. native_id stays ``<project>!<iid>:approval:
<user id>``, as when the approvals API was read. A push that resets approvals writes "reset approvals from
@a, @b, and @c by pushing to the branch" (GitLab EE's wording; its author is the pusher): the users it
names lose their approvals. Not seen in notes: approvals whose note was deleted. The approvals API
answer, when the caller still reads it (opt-in), decides who approved; it has no time (newer servers may
add ``approved_at``: used when present), so the note dates it, else the MR's ``updated_at`` at the time of
mining.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from leadsig.activity import (
    COMMIT,
    ISSUE_COMMENT,
    ISSUE_OPENED,
    PR_COMMENT,
    PR_MERGED,
    PR_OPENED,
    PR_REVIEW,
    REVIEW_COMMENT,
    Activity,
    utc,
)
from leadsig.miners.paths import PathGroups

FORGE = "gitlab"
APPROVAL_NOTE = "approved this merge request"
UNAPPROVAL_NOTE = "unapproved this merge request"
RESET_NOTE = ("reset approvals from ", " by pushing to the branch")  # EE: "... from @a, @b, and @c by pushing ..."
MENTION = re.compile(r"@([A-Za-z0-9_][A-Za-z0-9_.\-]*)")


def parse_ts(value: str | None) -> datetime | None:
    """GitLab timestamps (``...Z`` or ``...+02:00``) as aware UTC."""
    if not value:
        return None
    return utc(datetime.fromisoformat(value.replace("Z", "+00:00")))


def utc_offset_minutes(value: str | None) -> int | None:
    """The author's offset from a git date such as ``2025-06-01T10:00:00.000+02:00``."""
    if not value:
        return None
    off = datetime.fromisoformat(value.replace("Z", "+00:00")).utcoffset()
    return None if off is None else int(off.total_seconds() // 60)


def _login(user: dict[str, Any] | None) -> str:
    return str((user or {}).get("username") or "ghost")


def _is_bot(user: dict[str, Any] | None) -> bool:
    return bool((user or {}).get("bot"))


def is_diff_note(note: dict[str, Any]) -> bool:
    return note.get("type") == "DiffNote" or bool(note.get("position"))


def note_url(parent_web_url: str, note_id: int) -> str:
    return f"{parent_web_url}#note_{note_id}"


class ParentFacts:
    """The parent (MR or issue) facts every activity of that parent repeats."""

    def __init__(self, repo: str, host: str, item: dict[str, Any]):
        self.repo, self.host = repo, host
        self.iid = int(item["iid"])
        self.title = str(item.get("title") or "")
        self.author = _login(item.get("author"))
        self.labels = tuple(sorted(_label_names(item.get("labels") or [])))
        self.web_url = str(item.get("web_url") or "")

    def make(self, kind: str, native_id: str, user: dict[str, Any] | None, at: datetime, url: str,
             **more: Any) -> Activity:
        return Activity(forge=FORGE, host=self.host, kind=kind, native_id=native_id, repo=self.repo,
                        actor_login=_login(user), actor_is_bot=_is_bot(user), occurred_at=at, url=url,
                        parent_number=self.iid, parent_title=self.title, parent_author=self.author,
                        parent_labels=self.labels, **more)


def _label_names(labels: Iterable[Any]) -> list[str]:
    """Labels come as names, or as objects with ``with_labels_details=true``."""
    return [str(lb.get("name") if isinstance(lb, dict) else lb) for lb in labels]


def mr_activities(repo: str, host: str, mr: dict[str, Any], notes: list[dict[str, Any]],
                  approvals: dict[str, Any] | None, start: datetime) -> list[Activity]:
    """Everything one MR contributes: opened, merged, approvals, diff notes and conversation notes."""
    p = ParentFacts(repo, host, mr)
    ref = f"{repo}!{p.iid}"
    updated = parse_ts(mr.get("updated_at"))
    out: list[Activity] = []
    created = parse_ts(mr.get("created_at"))
    asked = _reviewers(mr)
    if created:
        out.append(p.make(PR_OPENED, ref, mr.get("author"), created, p.web_url, body=str(mr.get("description") or ""),
                          updated_at=updated, extra={"state": mr.get("state"), "draft": bool(mr.get("draft")),
                                                     **asked}))
    merged = parse_ts(mr.get("merged_at"))
    if merged and mr.get("state") == "merged":
        merger = mr.get("merge_user") or mr.get("merged_by") or mr.get("author")
        out.append(p.make(PR_MERGED, ref, merger, merged, p.web_url, updated_at=updated, extra=asked))
    out += approval_activities(p, approvals, notes, updated)
    out += note_activities(p, notes, REVIEW_COMMENT, PR_COMMENT)
    return [a for a in out if a.occurred_at >= start]


def _reviewers(mr: dict[str, Any]) -> dict[str, Any]:
    """The MR's reviewers (GitLab 13.7+ lists them in the MR listing; they stay after reviewing), as GitHub's
    ``requested_reviewers``; nothing where the server does not say (older versions)."""
    if not isinstance(mr.get("reviewers"), list):
        return {}
    return {"requested_reviewers": [_login(u).lower() for u in mr["reviewers"] if isinstance(u, dict)]}


def approval_notes(notes: list[dict[str, Any]]) -> dict[int | str, dict[str, Any]]:
    """Who approves the MR now, from its system notes: user id -> their latest "approved" note.

    Notes are replayed in time order; an "unapproved this merge request" note by the same user removes
    the approval, as does a "reset approvals from @user ... by pushing to the branch" note naming them; a
    later "approved" note restores it (dated and linked by that later note).
    """
    current: dict[int | str, dict[str, Any]] = {}
    system = [n for n in notes if n.get("system") and n.get("created_at")]
    for n in sorted(system, key=lambda n: (parse_ts(n["created_at"]), n.get("id") or 0)):
        body = str(n.get("body") or "").strip().lower()
        author = n.get("author") or {}
        key = author.get("id") if author.get("id") is not None else _login(author)
        if body == APPROVAL_NOTE:
            current[key] = n
        elif body == UNAPPROVAL_NOTE:
            current.pop(key, None)
        elif body.startswith(RESET_NOTE[0]) and body.endswith(RESET_NOTE[1]):
            reset = {name.rstrip(".").lower() for name in MENTION.findall(body)}
            for gone in [k for k, note in current.items() if _login(note.get("author")).lower() in reset]:
                del current[gone]
    return current


def approval_ids(repo: str, host: str, mr: dict[str, Any], notes: list[dict[str, Any]],
                 approvals: dict[str, Any] | None) -> set[str]:
    """Activity ids of the MR's current approvals, however old (the miner deletes stored ones not among them)."""
    p = ParentFacts(repo, host, mr)
    return {a.id for a in approval_activities(p, approvals, notes, parse_ts(mr.get("updated_at")))}


def approval_activities(p: ParentFacts, approvals: dict[str, Any] | None, notes: list[dict[str, Any]],
                        mr_updated: datetime | None) -> list[Activity]:
    """One approved review per current approver; dated and linked as the module docstring says.

    ``approvals`` (the approvals API answer) is optional: without it the approvers are read from the
    system notes alone.
    """
    latest = approval_notes(notes)
    if approvals is None:
        return [p.make(PR_REVIEW, f"{p.repo}!{p.iid}:approval:{key}", n.get("author"), parse_ts(n["created_at"]),
                       note_url(p.web_url, n["id"]), state="approved", extra={"dated_by": "system_note"})
                for key, n in latest.items() if parse_ts(n["created_at"])]
    by_login = {_login(n.get("author")): n for n in latest.values()}
    out = []
    for entry in approvals.get("approved_by") or []:
        user = entry.get("user") or {}
        note = latest.get(user.get("id")) or by_login.get(_login(user))
        at = parse_ts(entry.get("approved_at")) or (parse_ts(note["created_at"]) if note else None) or mr_updated
        if at is None:
            continue
        url = note_url(p.web_url, note["id"]) if note else p.web_url
        out.append(p.make(PR_REVIEW, f"{p.repo}!{p.iid}:approval:{user.get('id')}", user, at, url,
                          state="approved", extra={"dated_by": "approved_at" if entry.get("approved_at")
                                                   else "system_note" if note else "mr_updated_at"}))
    return out


def note_activities(p: ParentFacts, notes: list[dict[str, Any]], diff_kind: str | None,
                    plain_kind: str) -> list[Activity]:
    """Non-system notes: DiffNotes as ``diff_kind`` (MRs), the rest as ``plain_kind``."""
    out = []
    for n in notes:
        if n.get("system"):
            continue
        at = parse_ts(n.get("created_at"))
        if at is None:
            continue
        diff = diff_kind is not None and is_diff_note(n)
        extra: dict[str, Any] = {"note_type": n.get("type"), "resolvable": bool(n.get("resolvable"))}
        if diff:
            pos = n.get("position") or {}
            extra.update(path=pos.get("new_path") or pos.get("old_path"),
                         line=pos.get("new_line") or pos.get("old_line"), resolved=bool(n.get("resolved")))
        out.append(p.make(diff_kind if diff else plain_kind, str(n["id"]), n.get("author"), at,
                          note_url(p.web_url, n["id"]), body=str(n.get("body") or ""),
                          updated_at=parse_ts(n.get("updated_at")), extra=extra))
    return out


def issue_activities(repo: str, host: str, issue: dict[str, Any], notes: list[dict[str, Any]],
                     start: datetime) -> list[Activity]:
    p = ParentFacts(repo, host, issue)
    out: list[Activity] = []
    created = parse_ts(issue.get("created_at"))
    if created:
        out.append(p.make(ISSUE_OPENED, f"{repo}#{p.iid}", issue.get("author"), created, p.web_url,
                          body=str(issue.get("description") or ""), updated_at=parse_ts(issue.get("updated_at")),
                          extra={"state": issue.get("state")}))
    out += note_activities(p, notes, None, ISSUE_COMMENT)
    return [a for a in out if a.occurred_at >= start]


def diff_paths(diff: Iterable[dict[str, Any]]) -> list[str]:
    """Every path a commit diff touches (both sides of a rename)."""
    paths: list[str] = []
    for d in diff:
        for key in ("new_path", "old_path"):
            if d.get(key) and d[key] not in paths:
                paths.append(d[key])
    return paths


def diff_lines(diff: Iterable[dict[str, Any]]) -> list[tuple[str, int, int]]:
    """``(path, additions, deletions)`` per file of a commit diff, counted from its ``+``/``-`` lines (the diff
    API gives no counts; its text has no ``---``/``+++`` file headers, only hunks)."""
    out = []
    for d in diff:
        adds = dels = 0
        for line in str(d.get("diff") or "").splitlines():
            if line.startswith("+"):
                adds += 1
            elif line.startswith("-"):
                dels += 1
        out.append((str(d.get("new_path") or d.get("old_path") or ""), adds, dels))
    return out


def commit_activity(repo: str, host: str, commit: dict[str, Any], paths: list[str], n_files: int | None,
                    groups: PathGroups, file_lines: list[tuple[str, int | None, int | None]] | None = None
                    ) -> Activity | None:
    """A commit, or None when it touches no path group. ``file_lines`` (``(path, additions, deletions)``
    per file) gives the lines per path group, kept in ``extra``.

    The commits API names no GitLab user, only the git author: the actor login is the author email
    (lower-cased), which the identity resolver matches against roster emails.
    """
    hit = groups.match(paths)
    if not hit:
        return None
    at = parse_ts(commit.get("authored_date") or commit.get("created_at"))
    if at is None:
        return None
    email = str(commit.get("author_email") or "").lower()
    stats = commit.get("stats") or {}
    return Activity(forge=FORGE, host=host, kind=COMMIT, native_id=str(commit["id"]), repo=repo,
                    actor_login=email or str(commit.get("author_name") or "unknown"), actor_email=email or None,
                    actor_utc_offset_minutes=utc_offset_minutes(commit.get("authored_date")), occurred_at=at,
                    url=str(commit.get("web_url") or ""), body=str(commit.get("message") or ""),
                    parent_title=str(commit.get("title") or (commit.get("message") or "").split("\n", 1)[0]),
                    files=n_files, additions=stats.get("additions"), deletions=stats.get("deletions"),
                    path_groups=hit, updated_at=parse_ts(commit.get("committed_date")),
                    extra={"author_name": commit.get("author_name"), "title": commit.get("title"),
                           "group_lines": groups.lines(file_lines or []),
                           "paths": paths[:50]})  # as GitHub's commits carry them: "documentation used" reads them


def git_commit_attrs(c: Any, web_url: str) -> dict[str, Any]:
    """A commit read from git (:class:`~leadsig.miners.git_commits.GitCommit`) in the shape of the commits
    API, so :func:`commit_activity` makes the same activity from either path."""
    return {"id": c.sha, "title": c.message.split("\n", 1)[0], "message": c.message, "author_name": c.author_name,
            "author_email": c.author_email, "authored_date": c.author_date, "committed_date": c.committer_date,
            "parent_ids": list(c.parents), "web_url": f"{web_url}/-/commit/{c.sha}",
            "stats": {"additions": c.additions, "deletions": c.deletions, "total": c.additions + c.deletions}}
