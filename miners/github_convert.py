"""GitHub REST JSON -> Activity. Pure functions over plain dicts, so each is testable without HTTP.

Every optional field is read with ``.get``: real old objects lack fields newer ones have (a 2012 PR has
no ``requested_reviewers``, old reviews say ``REQUESTED_CHANGES``), and ghost users come back as null.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from leadsig import activity as k
from leadsig.activity import Activity, utc
from leadsig.miners.paths import PathGroups

FORGE = "github"
GHOST = "ghost"  # GitHub's name for deleted accounts; a null user is shown as this

STATES = {
    "APPROVED": "approved",
    "CHANGES_REQUESTED": "changes_requested",
    "REQUESTED_CHANGES": "changes_requested",  # pre-2017 spelling
    "COMMENTED": "commented",
    "DISMISSED": "dismissed",
}


def ts(value: str | None) -> datetime | None:
    """GitHub timestamps (``2025-01-02T03:04:05Z`` or with an offset) as aware UTC."""
    if not value:
        return None
    return utc(datetime.fromisoformat(value.replace("Z", "+00:00")))


def utc_offset_minutes(value: str | None) -> int | None:
    """The offset written in a git date, or None when GitHub normalised it to ``Z`` (offset unknown)."""
    if not value or value.endswith("Z"):
        return None
    offset = datetime.fromisoformat(value).utcoffset()
    return None if offset is None else int(offset.total_seconds() // 60)


def login(user: dict[str, Any] | None) -> str:
    return (user or {}).get("login") or GHOST


def is_bot(user: dict[str, Any] | None) -> bool:
    return (user or {}).get("type") == "Bot"


def logins(users: list[dict[str, Any]] | None) -> list[str]:
    return [login(u) for u in users or []]


def review_state(state: str | None) -> str | None:
    return STATES.get((state or "").upper(), (state or "").lower() or None)


def number_from_url(url: str | None) -> int | None:
    """``.../pulls/12`` or ``.../issues/12`` -> 12 (comments carry their parent only as a URL)."""
    tail = (url or "").rstrip("/").rsplit("/", 1)[-1]
    return int(tail) if tail.isdigit() else None


@dataclass(frozen=True)
class Parent:
    """The PR or issue an activity belongs to, as rules and reports see it."""

    number: int
    title: str
    author: str | None
    labels: tuple[str, ...]
    is_pr: bool
    requested_reviewers: tuple[str, ...] = ()


def parent_of(item: dict[str, Any], is_pr: bool | None = None) -> Parent:
    """From a PR (pulls API) or an issue (issues API; PRs there carry a ``pull_request`` key)."""
    if is_pr is None:
        is_pr = "pull_request" in item or "merged_at" in item
    return Parent(
        number=int(item["number"]),
        title=item.get("title") or "",
        author=login(item.get("user")),
        labels=tuple(lb.get("name", "") for lb in item.get("labels") or [] if isinstance(lb, dict)),
        is_pr=is_pr,
        requested_reviewers=tuple(logins(item.get("requested_reviewers"))),
    )


def _base(host: str, repo: str, kind: str, native_id: str, user: dict | None, at: datetime, url: str,
          parent: Parent, **fields: Any) -> Activity:
    return Activity(forge=FORGE, host=host, kind=kind, native_id=native_id, repo=repo, actor_login=login(user),
                    actor_is_bot=is_bot(user), occurred_at=at, url=url, parent_number=parent.number,
                    parent_title=parent.title, parent_author=parent.author, parent_labels=parent.labels,
                    **fields)


def pr_activities(host: str, repo: str, pr: dict[str, Any], groups: PathGroups | None = None) -> list[Activity]:
    """pr_opened, and pr_merged when merged; the author stands in only when ``merged_by`` is null (a deleted
    account). The REST pulls listing lacks the key: the miner fills it from the issue events first.

    Where the PR comes with its files (GraphQL), both carry the paths, their path groups and line counts;
    where with its review-request history, ``extra.review_requested`` names everyone ever asked.
    """
    parent = parent_of(pr, is_pr=True)
    extra: dict[str, Any] = {"is_pr": True, "state": pr.get("state"), "draft": bool(pr.get("draft")),
                             "requested_reviewers": list(parent.requested_reviewers),
                             "requested_teams": [t.get("slug") for t in pr.get("requested_teams") or []]}
    if "review_requested" in pr:
        extra["review_requested"] = logins(pr["review_requested"])
        extra["review_requested_teams"] = [t.get("slug") for t in pr.get("review_requested_teams") or []]
    common: dict[str, Any] = {"url": pr.get("html_url") or "", "body": pr.get("body") or "",
                              "updated_at": ts(pr.get("updated_at"))}
    if isinstance(pr.get("files"), list):
        paths = [f.get("filename") for f in pr["files"] if f.get("filename")]
        extra["paths"] = paths
        common.update(files=pr.get("changed_files", len(paths)), additions=pr.get("additions"),
                      deletions=pr.get("deletions"), path_groups=groups.match(paths) if groups else ())
    out = [_base(host, repo, k.PR_OPENED, f"{repo}#{parent.number}", pr.get("user"), ts(pr["created_at"]),
                 parent=parent, extra=extra, **common)]
    merged_at = ts(pr.get("merged_at"))
    if merged_at:
        merger = pr.get("merged_by")
        out.append(_base(host, repo, k.PR_MERGED, f"{repo}#{parent.number}", merger or pr.get("user"), merged_at,
                         parent=parent, extra={**extra, "merged_by_known": merger is not None}, **common))
    return out


def review_activity(host: str, repo: str, parent: Parent, review: dict[str, Any],
                    comment_count: int | None) -> Activity | None:
    """A submitted review; pending reviews (no ``submitted_at``) are not activity yet."""
    at = ts(review.get("submitted_at"))
    if at is None:
        return None
    reviewer = login(review.get("user"))
    return _base(host, repo, k.PR_REVIEW, str(review["id"]), review.get("user"), at,
                 review.get("html_url") or "", parent, body=review.get("body") or "",
                 state=review_state(review.get("state")), review_comment_count=comment_count,
                 extra={"is_pr": True, "commit_id": review.get("commit_id"),
                        "requested_reviewers": list(parent.requested_reviewers),
                        "was_requested": reviewer.lower() in {r.lower() for r in parent.requested_reviewers},
                        "author_association": review.get("author_association")})


def review_comment_activity(host: str, repo: str, parent: Parent, c: dict[str, Any]) -> Activity:
    return _base(host, repo, k.REVIEW_COMMENT, str(c["id"]), c.get("user"), ts(c["created_at"]),
                 c.get("html_url") or "", parent, body=c.get("body") or "", updated_at=ts(c.get("updated_at")),
                 extra={"is_pr": True, "review_id": c.get("pull_request_review_id"),
                        "in_reply_to_id": c.get("in_reply_to_id"), "path": c.get("path"),
                        "line": c.get("line") if c.get("line") is not None else c.get("original_line"),
                        "author_association": c.get("author_association")})


def issue_comment_activity(host: str, repo: str, parent: Parent, c: dict[str, Any]) -> Activity:
    """A conversation comment: pr_comment on a PR, issue_comment on an issue."""
    kind = k.PR_COMMENT if parent.is_pr else k.ISSUE_COMMENT
    return _base(host, repo, kind, str(c["id"]), c.get("user"), ts(c["created_at"]), c.get("html_url") or "",
                 parent, body=c.get("body") or "", updated_at=ts(c.get("updated_at")),
                 extra={"is_pr": parent.is_pr, "author_association": c.get("author_association")})


def issue_activity(host: str, repo: str, issue: dict[str, Any]) -> Activity:
    parent = parent_of(issue, is_pr=False)
    return _base(host, repo, k.ISSUE_OPENED, f"{repo}#{parent.number}", issue.get("user"),
                 ts(issue["created_at"]), issue.get("html_url") or "", parent, body=issue.get("body") or "",
                 updated_at=ts(issue.get("updated_at")),
                 extra={"is_pr": False, "state": issue.get("state"), "comments": issue.get("comments"),
                        "assignees": logins(issue.get("assignees"))})


def commit_activity(host: str, repo: str, commit: dict[str, Any], groups: tuple[str, ...],
                    group_lines: dict[str, dict[str, int]] | None = None) -> Activity:
    """A commit (full object, with ``files`` and ``stats``). Actor: the linked account, else the email.
    ``group_lines``: lines added and removed per path group (:meth:`PathGroups.lines`), kept in ``extra``."""
    git = commit.get("commit") or {}
    author = git.get("author") or {}
    user = commit.get("author")
    email = author.get("email") or None
    actor = user if user else {"login": email or author.get("name") or GHOST}
    stats = commit.get("stats") or {}
    files = commit.get("files") or []
    lines = (git.get("message") or "").splitlines()
    title = lines[0] if lines else ""
    return Activity(forge=FORGE, host=host, kind=k.COMMIT, native_id=commit["sha"], repo=repo,
                    actor_login=login(actor), actor_is_bot=is_bot(user), actor_email=email,
                    actor_utc_offset_minutes=utc_offset_minutes(author.get("date")),
                    occurred_at=ts(author.get("date")) or ts((git.get("committer") or {}).get("date")),
                    url=commit.get("html_url") or "", parent_title=title, body=git.get("message") or "",
                    files=len(files), additions=stats.get("additions"), deletions=stats.get("deletions"),
                    path_groups=groups,
                    extra={"paths": [f.get("filename") for f in files][:50],
                           "parents": len(commit.get("parents") or []),
                           "committer_email": (git.get("committer") or {}).get("email"),
                           "group_lines": group_lines or {}})


def file_lines(commit: dict[str, Any]) -> list[tuple[str, int | None, int | None]]:
    """``(path, additions, deletions)`` per file of a full REST commit, for :meth:`PathGroups.lines`."""
    return [(f.get("filename") or "", f.get("additions"), f.get("deletions")) for f in commit.get("files") or []]


def git_commit_json(c: Any, user: dict[str, Any] | None, html_url: str) -> dict[str, Any]:
    """A commit read from git (:class:`~leadsig.miners.git_commits.GitCommit`) in the REST shape
    :func:`commit_activity` reads, so both paths make the same activity. ``user``: the linked account."""
    return {
        "sha": c.sha,
        "commit": {"author": {"name": c.author_name, "email": c.author_email, "date": c.author_date},
                   "committer": {"name": c.committer_name, "email": c.committer_email, "date": c.committer_date},
                   "message": c.message},
        "author": user,
        "html_url": f"{html_url}/commit/{c.sha}",
        "parents": [{"sha": p} for p in c.parents],
        "stats": {"additions": c.additions, "deletions": c.deletions, "total": c.additions + c.deletions},
        "files": [{"filename": f.path, "status": f.status, "additions": f.additions, "deletions": f.deletions}
                  for f in c.files],
    }
