"""The commit stream read from git, shared by both forges: which commits are new, the watermark and the
stored head, exactly as the API path decides them (so a source can switch between the two at any run).

- The stored head ("<sha> <branch>") is still on the branch: the commits ``head..tip`` are new, whatever
  their dates (a PR merged today brings commits dated last week).
- First run, a renamed branch, or the stored head is gone (force push): the branch's commits committed
  since the watermark, those after the stored watermark being new.
- Merge commits are skipped (their changes are their parents'); only commits touching a path group get
  their line counts (one batched blob fetch).

When git cannot be used (no git binary, no cache folder, ``commits: api`` on the source, or the forge
refuses the clone) the miner reads commits through the API as before, and the run says so once.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from leadsig.config import SourceConfig
from leadsig.miners.git_commits import GitCommit, GitRepo, GitUnavailable, cache_path, git_binary
from leadsig.miners.paths import PathGroups

log = logging.getLogger("leadsig.mine.git")


@dataclass
class GitRead:
    commits: list[GitCommit]  # new, not merges, touching a path group, with line counts; newest first
    newest: datetime | None  # the stream's new watermark
    head: str | None  # the new stored head "<sha> <branch>"
    web_url: str = ""  # the repository's web page (evidence URLs are built on it)


class FallbackNotice:
    """Whether a source's run has already said that its commits come through the API.

    Why shared: the nightly flow builds one miner per repository task (threads), so a flag on the miner
    would say it once per repository; the flow hands every miner of a source the same notice."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._said = False

    def first(self) -> bool:
        """True the first time only."""
        with self._lock:
            said, self._said = self._said, True
            return not said


class GitCommits:
    """The git side of one source: whether it is usable, its cache, and the one fallback message."""

    def __init__(self, source: SourceConfig, user: str):
        self.source, self.user = source, user
        self.reason: str | None = None
        if source.commits == "api":
            self.reason = "the source sets commits: api"
        elif source.git_cache is None:
            self.reason = "no git cache folder is configured"
        elif git_binary() is None:
            self.reason = "no git binary on PATH (install git)"
        self.notice = FallbackNotice()  # replaced by the run's shared one where several miners mine a source

    @property
    def usable(self) -> bool:
        return self.reason is None

    def fall_back(self, repo: str, why: str) -> None:
        """Log that commits come through the API: once per run and source, then quietly."""
        if not self.notice.first():
            log.debug("%s: commits through the API (%s)", repo, why)
            return
        log.warning("source %s: reading commits through the API, not git (%s: %s)", self.source.name, repo, why)

    def repo(self, repo: str, url: str) -> GitRepo:
        root = self.source.git_cache
        assert root is not None
        Path(root).mkdir(mode=0o700, parents=True, exist_ok=True)  # the forges' history: its owner's eyes only
        return GitRepo(cache_path(Path(root), self.source.name, repo), url, self.source.token(), self.user, repo)

    def read(self, git: GitRepo, branch: str, position: str | None, mark: datetime | None, since: datetime,
             overlap: timedelta, groups: PathGroups) -> GitRead:
        """Fetch, then the new commits (see the module docstring). Raises GitUnavailable."""
        tip = git.update(branch)
        landed = self._landed(git, tip, branch, position)
        if landed is None:
            listed = [c for c in git.commits([tip]) if c.committed >= since]
            fresh = [c for c in listed if mark is None or c.committed > mark + overlap]
            head = f"{listed[0].sha} {branch}" if listed else None
        else:
            listed = fresh = landed
            head = f"{tip} {branch}" if landed else None
        wanted = [c for c in fresh if len(c.parents) <= 1 and groups.match(f.path for f in c.files)]
        git.count_lines(wanted)
        newest = max((c.committed for c in listed), default=None)
        if newest is not None and mark is not None:  # a late old-dated commit must not move the watermark back
            newest = max(newest, mark + overlap)
        return GitRead(wanted, newest, head)

    @staticmethod
    def _landed(git: GitRepo, tip: str, branch: str, position: str | None) -> list[GitCommit] | None:
        stored = (position or "").split()
        if len(stored) != 2 or stored[1] != branch:
            return None
        if not git.is_ancestor(stored[0], tip):  # force-pushed away (it may linger in the clone, off the branch)
            log.info("%s: stored head %s of %s is gone; listing commits by date", git.name, stored[0][:12], branch)
            return None
        return git.commits([f"{stored[0]}..{tip}"])


__all__ = ["FallbackNotice", "GitCommits", "GitRead", "GitUnavailable"]
