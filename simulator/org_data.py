"""The synthetic org's data: what it holds, lookups by key, and ground-truth listings for tests.

Read-only: every change goes through :class:`~leadsig.simulator.org.Org`, which adds the mutations (and
takes ``lock``) on top of this class.
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime

from leadsig.simulator.model import GITHUB, GITLAB, Approval, Comment, Commit, Issue, Person, PullRequest, Repo, Review


class IdSeq:
    """Disjoint id ranges per object type, so an id alone identifies its kind in tests and logs."""

    BASES = {
        "gh_repo": 10_000,
        "gh_pull": 100_000_000,
        "gh_issue": 200_000_000,
        "gh_review": 300_000_000,
        "gh_review_comment": 400_000_000,
        "gh_issue_comment": 500_000_000,
        "gl_project": 1_000,
        "gl_group": 100,
        "gl_mr": 60_000,
        "gl_issue": 70_000,
        "gl_note": 800_000,
        "sha": 0,
    }

    def __init__(self) -> None:
        self._counters = {name: itertools.count(base + 1) for name, base in self.BASES.items()}

    def next(self, name: str) -> int:
        return next(self._counters[name])


@dataclass
class OrgData:
    """The whole company on both forges, with indexes for the routes and ground truth for tests; its
    mutations live on :class:`~leadsig.simulator.org.Org`, so reading and writing the org read apart."""

    seed: int
    size: str
    now: datetime
    github_org: str = "acme"
    gitlab_group: str = "acme"
    people: list[Person] = field(default_factory=list)
    teams: list[str] = field(default_factory=list)
    repos: list[Repo] = field(default_factory=list)
    gitlab_groups: dict[str, int] = field(default_factory=dict)  # full_path -> group id
    pulls: dict[str, list[PullRequest]] = field(default_factory=dict)
    issues: dict[str, list[Issue]] = field(default_factory=dict)
    commits: dict[str, list[Commit]] = field(default_factory=dict)
    lock: threading.RLock = field(default_factory=threading.RLock, repr=False)
    ids: IdSeq = field(default_factory=IdSeq, repr=False)
    _comments: dict[tuple[str, int], Comment] = field(default_factory=dict, repr=False)
    _next_number: dict[str, int] = field(default_factory=dict, repr=False)
    _repo_ix: dict[str, Repo] = field(default_factory=dict, repr=False)
    _pull_ix: dict[tuple[str, int], PullRequest] = field(default_factory=dict, repr=False)
    _issue_ix: dict[tuple[str, int], Issue] = field(default_factory=dict, repr=False)
    _commit_ix: dict[tuple[str, str], Commit] = field(default_factory=dict, repr=False)
    git_dirty: set[str] = field(default_factory=set, repr=False)  # repos whose git repository needs a rebuild

    # ---------------------------------------------------------------- lookups
    def repo(self, full_name: str) -> Repo:
        """Repo by full name (``acme/api`` or ``acme/platform/ledger``); KeyError if unknown."""
        if len(self._repo_ix) != len(self.repos):
            self._repo_ix = {r.full_name: r for r in self.repos}
        return self._repo_ix[full_name]

    def repos_of(self, forge: str) -> list[Repo]:
        return [r for r in self.repos if r.forge == forge]

    def person(self, key_or_login: str | Person) -> Person:
        """Person by roster id, GitHub login or GitLab username (a Person is returned as it is)."""
        if isinstance(key_or_login, Person):
            return key_or_login
        for p in self.people:
            if key_or_login in (p.key, p.gh_login, p.gl_username):
                return p
        raise KeyError(key_or_login)

    def humans(self) -> list[Person]:
        return [p for p in self.people if not p.is_bot]

    def bots(self) -> list[Person]:
        return [p for p in self.people if p.is_bot]

    def pull(self, repo: str, number: int) -> PullRequest:
        return self._pull_ix[(repo, number)]

    def issue(self, repo: str, number: int) -> Issue:
        return self._issue_ix[(repo, number)]

    def comment(self, forge: str, comment_id: int) -> Comment:
        return self._comments[(forge, comment_id)]

    def commit(self, repo: str, sha: str) -> Commit:
        found = self._commit_ix.get((repo, sha))
        if found is not None:
            return found
        if len(sha) >= 7:  # abbreviated sha, as both forges accept
            for c in self.commits.get(repo, []):
                if c.sha.startswith(sha):
                    return c
        raise KeyError((repo, sha))

    def forge_of(self, repo: str) -> str:
        return self.repo(repo).forge

    # ---------------------------------------------------------------- ground truth
    def all_pulls(self, forge: str) -> list[PullRequest]:
        """Every PR (github) or MR (gitlab)."""
        return [pr for r in self.repos_of(forge) for pr in self.pulls.get(r.full_name, [])]

    def all_issues(self, forge: str) -> list[Issue]:
        return [it for r in self.repos_of(forge) for it in self.issues.get(r.full_name, [])]

    def all_reviews(self) -> list[Review]:
        """Every GitHub pull request review (all states, including the empty COMMENTED reviews replies create)."""
        return [rv for pr in self.all_pulls(GITHUB) for rv in pr.reviews]

    def all_approvals(self) -> list[Approval]:
        """Every GitLab MR approval."""
        return [a for pr in self.all_pulls(GITLAB) for a in pr.approvals]

    def _pull_comments(self, forge: str, kind: str) -> list[Comment]:
        return [c for pr in self.all_pulls(forge) for c in pr.comments if c.kind == kind]

    def all_review_comments(self, forge: str = GITHUB) -> list[Comment]:
        """GitHub inline review comments, or GitLab diff notes."""
        return self._pull_comments(forge, "review_comment")

    def all_pr_comments(self, forge: str = GITHUB) -> list[Comment]:
        """PR conversation comments (GitHub issue comments on PRs), or MR notes that are neither diff nor system."""
        return self._pull_comments(forge, "conversation")

    def all_issue_comments(self, forge: str = GITHUB) -> list[Comment]:
        """Comments on issues (GitHub) or non-system issue notes (GitLab)."""
        return [c for it in self.all_issues(forge) for c in it.comments if c.kind == "conversation"]

    def all_system_notes(self) -> list[Comment]:
        """GitLab system notes on MRs and issues (never activity; miners must filter them out)."""
        mr = self._pull_comments(GITLAB, "system")
        return mr + [c for it in self.all_issues(GITLAB) for c in it.comments if c.kind == "system"]

    def all_commits(self, forge: str = GITHUB, branch: str | None = "main") -> list[Commit]:
        """Commits of every repo on ``forge``; ``branch=None`` includes unmerged PR branches."""
        return [
            c
            for r in self.repos_of(forge)
            for c in self.commits.get(r.full_name, [])
            if branch is None or c.branch == branch
        ]

    def counts(self) -> dict[str, int]:
        """A summary for logs, the CLI banner and benchmarks."""
        return {
            "people": len(self.humans()),
            "bots": len(self.bots()),
            "github_repos": len(self.repos_of(GITHUB)),
            "gitlab_projects": len(self.repos_of(GITLAB)),
            "pulls": len(self.all_pulls(GITHUB)),
            "merge_requests": len(self.all_pulls(GITLAB)),
            "reviews": len(self.all_reviews()),
            "approvals": len(self.all_approvals()),
            "review_comments": len(self.all_review_comments(GITHUB)),
            "diff_notes": len(self.all_review_comments(GITLAB)),
            "github_issues": len(self.all_issues(GITHUB)),
            "gitlab_issues": len(self.all_issues(GITLAB)),
            "github_commits": len(self.all_commits(GITHUB)),
            "gitlab_commits": len(self.all_commits(GITLAB)),
        }

    def iter_items(self, forge: str) -> Iterator[PullRequest | Issue]:
        """PRs/MRs and issues of ``forge``, for html pages and the issues listing."""
        yield from self.all_pulls(forge)
        yield from self.all_issues(forge)
