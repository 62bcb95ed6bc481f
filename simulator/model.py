"""Plain dataclasses of the synthetic organisation.

One model serves both forges: every repository belongs to exactly one forge (``Repo.forge``), so the
GitHub org ``acme`` and the GitLab group ``acme`` are two halves of one company with one roster (people
have accounts on both).  Renderers in ``github_render``/``gitlab_render`` turn these objects into the
forges' JSON shapes; nothing here knows about HTTP.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

GITHUB = "github"
GITLAB = "gitlab"


@dataclass(eq=False)
class Person:
    """A human or a bot.  ``gh_*`` and ``gl_*`` are the two forge accounts (GitLab usernames differ on purpose)."""

    key: str  # roster id
    name: str
    email: str
    gh_login: str
    gl_username: str
    gh_id: int
    gl_id: int
    team: str
    level: str  # junior / mid / senior / staff / principal; "bot" for bots
    start_date: datetime
    timezone: str  # IANA
    region: str  # Americas / Europe / Asia-Pacific / Africa
    utc_offset_minutes: int  # standard offset used for commit dates
    is_bot: bool = False
    extra_emails: list[str] = field(default_factory=list)

    def login(self, forge: str) -> str:
        """The account name on ``forge``."""
        return self.gh_login if forge == GITHUB else self.gl_username


@dataclass(eq=False)
class Repo:
    """A GitHub repository (``acme/api``) or GitLab project (``acme/platform/ledger``)."""

    forge: str
    full_name: str  # owner/name or group/subgroup/project
    name: str
    team: str
    id: int  # GitHub repo id or GitLab project id
    created_at: datetime
    description: str = ""
    default_branch: str = "main"
    namespace_id: int = 0  # GitLab subgroup id

    @property
    def owner(self) -> str:
        return self.full_name.rsplit("/", 1)[0]


@dataclass(eq=False)
class FileChange:
    """One file of a commit.  ``status`` is GitHub's vocabulary (added/modified/removed/renamed)."""

    filename: str
    additions: int
    deletions: int
    status: str = "modified"

    @property
    def changes(self) -> int:
        return self.additions + self.deletions


@dataclass(eq=False)
class Commit:
    """A git commit.  ``authored_at`` is UTC; ``offset_minutes`` is the author's UTC offset at that time."""

    sha: str
    repo: str
    author: Person | None  # None: an email no forge account is linked to
    author_name: str
    author_email: str
    authored_at: datetime
    offset_minutes: int
    committed_at: datetime
    message: str
    files: list[FileChange]
    branch: str = "main"
    parents: list[str] = field(default_factory=list)
    linked: bool = True  # False: the author email is linked to no forge account (GitHub shows author: null)


@dataclass(eq=False)
class Comment:
    """Any text comment: PR/MR conversation, issue comment, inline review comment / diff note, system note.

    ``kind`` is one of ``conversation`` (PR conversation or issue comment / MR or issue note),
    ``review_comment`` (GitHub inline comment or GitLab DiffNote) and ``system`` (GitLab system note).
    """

    id: int
    kind: str
    repo: str
    parent_type: str  # "pull" (PR/MR) or "issue"
    number: int  # PR/issue number (GitLab iid)
    author: Person
    body: str
    created_at: datetime
    updated_at: datetime
    review_id: int | None = None  # GitHub pull_request_review_id
    in_reply_to_id: int | None = None
    path: str | None = None
    line: int | None = None
    diff_hunk: str | None = None
    commit_id: str | None = None
    discussion_id: str | None = None  # GitLab discussion this note belongs to
    resolvable: bool = False
    resolved: bool = False


@dataclass(eq=False)
class Review:
    """A GitHub pull request review (state APPROVED / CHANGES_REQUESTED / COMMENTED / DISMISSED)."""

    id: int
    repo: str
    number: int
    author: Person
    state: str
    body: str
    submitted_at: datetime
    commit_id: str


@dataclass(eq=False)
class Approval:
    """A GitLab MR approval.  GitLab's approvals API has no timestamp; ``approved_at`` is kept in the model
    and surfaces as the time of the matching "approved this merge request" system note (``note_id``)."""

    repo: str
    number: int
    user: Person
    approved_at: datetime
    note_id: int


@dataclass(eq=False)
class PullRequest:
    """A GitHub pull request or a GitLab merge request (``number`` is the iid on GitLab)."""

    id: int
    repo: str
    number: int
    author: Person
    title: str
    body: str
    labels: list[str]
    created_at: datetime
    updated_at: datetime
    state: str  # open / closed / merged (merged is rendered per forge)
    head_ref: str
    head_sha: str
    closed_at: datetime | None = None
    merged_at: datetime | None = None
    merged_by: Person | None = None
    requested_reviewers: list[Person] = field(default_factory=list)  # pending: asked and not reviewed yet
    review_requests: list[tuple[Person, datetime]] = field(default_factory=list)  # every request, as the timeline
    commits: list[str] = field(default_factory=list)
    reviews: list[Review] = field(default_factory=list)
    approvals: list[Approval] = field(default_factory=list)
    comments: list[Comment] = field(default_factory=list)  # conversation + review comments + system notes

    def touch(self, when: datetime) -> None:
        """Move ``updated_at`` forward, as any new activity on a PR/MR does on both forges."""
        if when > self.updated_at:
            self.updated_at = when


@dataclass(eq=False)
class Issue:
    """A GitHub issue or GitLab issue."""

    id: int
    repo: str
    number: int
    author: Person
    title: str
    body: str
    labels: list[str]
    created_at: datetime
    updated_at: datetime
    state: str  # open / closed
    closed_at: datetime | None = None
    closed_by: Person | None = None
    comments: list[Comment] = field(default_factory=list)

    def touch(self, when: datetime) -> None:
        if when > self.updated_at:
            self.updated_at = when


def iso_z(dt: datetime) -> str:
    """GitHub's timestamp format: UTC, seconds, ``Z``."""
    return dt.strftime("%Y-%m-%dT%H:%M:%SZ")


def iso_ms(dt: datetime) -> str:
    """GitLab's timestamp format: UTC with milliseconds and ``Z``."""
    return dt.strftime("%Y-%m-%dT%H:%M:%S.") + f"{dt.microsecond // 1000:03d}Z"


def iso_offset(dt_utc: datetime, offset_minutes: int) -> str:
    """A UTC time shown in local time with its offset, as git records commit dates."""
    local = dt_utc + timedelta(minutes=offset_minutes)
    sign = "+" if offset_minutes >= 0 else "-"
    hh, mm = divmod(abs(offset_minutes), 60)
    return local.strftime("%Y-%m-%dT%H:%M:%S") + f"{sign}{hh:02d}:{mm:02d}"
