"""What a forge miner hands to the loader: batches of activity, each with the watermark it covers.

A miner never touches the warehouse. The runner stores each batch and moves the batch's cursor
in one transaction, so a crash between batches loses nothing and duplicates nothing.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Protocol

from leadsig.activity import Activity

OVERLAP = timedelta(minutes=10)  # re-read a little before each watermark: forge clocks and indexes lag

# Streams a cursor is kept for, per (source, repo). Commits and PR-level streams move independently.
STREAM_PULLS = "pulls"  # PR/MR opened/merged + reviews/approvals (per-PR calls only for PRs updated since)
STREAM_REVIEW_COMMENTS = "review_comments"  # repo-wide listing with since
STREAM_ISSUES = "issues"  # issues opened
STREAM_ISSUE_COMMENTS = "issue_comments"  # repo-wide listing with since (PR conversation + issue comments)
STREAM_COMMITS = "commits"
STREAMS = (STREAM_PULLS, STREAM_REVIEW_COMMENTS, STREAM_ISSUES, STREAM_ISSUE_COMMENTS, STREAM_COMMITS)


@dataclass(frozen=True)
class ThreadPart:
    """The stored activities of one PR/MR or issue whose id starts with ``prefix`` (e.g. an MR's approvals)."""

    forge: str
    host: str
    repo: str
    number: int
    prefix: str


@dataclass
class Batch:
    """Activities of one stream of one repo, and the watermark to store with them.

    ``watermark`` is the newest forge ``updated_at`` fully covered by this and earlier batches of the
    stream; ``None`` leaves the cursor where it was.
    """

    repo: str
    stream: str
    activities: list[Activity]
    watermark: datetime | None = None
    position: str | None = None  # stored with the watermark (commits: "<head sha> <branch>")
    # what the forge still has in a part of a thread: stored activities in that part but not in the set are
    # gone from the forge (a revoked approval) and are deleted, with their signals, in the batch's transaction
    current: dict[ThreadPart, set[str]] = field(default_factory=dict)


@dataclass
class MiningStats:
    """Counters the CLI summary and the mining-run table report."""

    requests: int = 0
    waits: list[tuple[str, float]] = field(default_factory=list)  # (reason, seconds)
    retries: int = 0
    by_kind: Counter[str] = field(default_factory=Counter)
    failed_repos: dict[str, str] = field(default_factory=dict)  # repo -> error (no token in it)


class Miner(Protocol):
    """One forge source. Implementations: miners.github.GitHubMiner, miners.gitlab.GitLabMiner."""

    stats: MiningStats

    def list_repos(self) -> list[str]:
        """Repos/projects of the source (orgs/groups expanded, excludes applied)."""
        ...

    def mine_repo(
        self, repo: str, watermarks: dict[str, datetime | None], positions: dict[str, str] | None = None,
        etags: dict[str, str] | None = None,
    ) -> Iterator[Batch]:
        """Yield batches for every stream of ``repo``; ``watermarks`` maps stream -> stored cursor,
        ``positions`` stream -> stored position (see Batch); ``etags`` the ETags of the last run's
        conditional requests, replaced in place by this run's after the last batch."""
        ...
