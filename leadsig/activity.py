"""The normalized Activity record: the one shape every forge is mined into.

Everything downstream (warehouse, rules, reports) reads only this, so a rule written for
``pr_review`` matches GitHub reviews and GitLab approvals alike.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

PR_OPENED = "pr_opened"
PR_MERGED = "pr_merged"
PR_REVIEW = "pr_review"
REVIEW_COMMENT = "review_comment"
PR_COMMENT = "pr_comment"
ISSUE_OPENED = "issue_opened"
ISSUE_COMMENT = "issue_comment"
COMMIT = "commit"

KINDS: tuple[str, ...] = (
    PR_OPENED,
    PR_MERGED,
    PR_REVIEW,
    REVIEW_COMMENT,
    PR_COMMENT,
    ISSUE_OPENED,
    ISSUE_COMMENT,
    COMMIT,
)

REVIEW_STATES: tuple[str, ...] = ("approved", "changes_requested", "commented", "dismissed")


@dataclass(frozen=True, slots=True)
class Activity:
    """One piece of forge activity.

    ``native_id`` is the forge's own id for the thing (review id, comment id, commit sha, or
    ``<repo>#<number>`` for PR/issue events); together with forge, host and kind it forms the
    stable ``id`` so re-mining never duplicates.
    """

    forge: str  # "github" | "gitlab"
    host: str  # e.g. "github.com", "gitlab.example.org", "127.0.0.1:8080"
    kind: str  # one of KINDS
    native_id: str
    repo: str  # "owner/name" or "group/sub/project"
    actor_login: str
    occurred_at: datetime  # timezone-aware UTC
    url: str  # evidence URL: the exact review, comment, commit or PR page
    actor_is_bot: bool = False
    actor_email: str | None = None
    actor_utc_offset_minutes: int | None = None  # where the forge gives one (commit dates)
    parent_number: int | None = None  # PR/MR/issue number (iid on GitLab)
    parent_title: str = ""
    parent_author: str | None = None
    parent_labels: tuple[str, ...] = ()
    body: str = ""
    state: str | None = None  # review state, see REVIEW_STATES
    updated_at: datetime | None = None  # forge's last edit time, so edits are picked up
    review_comment_count: int | None = None  # inline comments attached to a review
    files: int | None = None
    additions: int | None = None
    deletions: int | None = None
    path_groups: tuple[str, ...] = ()  # configured path groups a commit touches
    extra: dict[str, Any] = field(default_factory=dict)  # forge facts rules may use (JSON-safe)

    @property
    def id(self) -> str:
        return activity_id(self.forge, self.host, self.kind, self.native_id)

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown activity kind {self.kind!r}; expected one of {', '.join(KINDS)}")
        if self.occurred_at.tzinfo is None:
            raise ValueError("occurred_at must be timezone-aware (UTC)")


def activity_id(forge: str, host: str, kind: str, native_id: str) -> str:
    return f"{forge}:{host}:{kind}:{native_id}"


def utc(ts: datetime) -> datetime:
    """Normalise a forge timestamp to aware UTC (PyGithub returns aware or naive depending on version)."""
    if ts.tzinfo is None:
        return ts.replace(tzinfo=UTC)
    return ts.astimezone(UTC)
