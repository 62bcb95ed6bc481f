"""Commits read from a local clone of the default branch instead of one API request per commit.

Why: a commit's file list costs one API request each, which dominated the request count of a full run.
A clone costs no API request at all: the first run clones, later runs fetch what is new.

Strategy (measured in ``benchmarks/git_clone_strategy.py``): a *blobless partial clone*
(``--filter=blob:none``, bare): commits and trees come down whole, file contents only on demand. Which
files a commit touched, and their blob ids, need no contents (``git log --raw``); the line counts of the
commits that touch a path group do, so their missing blobs are fetched in ONE batch (a ``--stdin`` fetch
of those object ids, as git's own promisor fetch does) before ``git log --numstat`` reads them.

Tokens: git gets the token only through its environment (``GIT_CONFIG_COUNT`` / ``http.extraHeader`` as
HTTP basic auth): never in argv (visible in ``ps``), never in the remote URL, never in ``.git/config``.
Redirects are not followed (a redirect to another host would carry the header), prompts are off, and
git's error text passes through the secret redaction before it reaches a log or an error message.
"""

from __future__ import annotations

import base64
import logging
import os
import re
import shutil
import subprocess
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from leadsig.logs import redact

log = logging.getLogger("leadsig.mine.git")
GIT_TIMEOUT = 600  # seconds for one git command: a first clone of a large repository takes a while
META = "%H%x1f%P%x1f%an%x1f%ae%x1f%aI%x1f%cn%x1f%ce%x1f%cI%x1f%B%x1e"


class GitUnavailable(Exception):
    """git cannot give this repository's commits (no git binary, the forge refuses the clone, ...)."""


@dataclass
class FileStat:
    path: str
    additions: int | None = None
    deletions: int | None = None
    status: str = "modified"  # GitHub's vocabulary: added / modified / removed
    blobs: tuple[str, str] = ("", "")  # (before, after); all zeros for a side that does not exist


@dataclass
class GitCommit:
    sha: str
    parents: list[str]
    author_name: str
    author_email: str
    author_date: str  # ISO 8601 with the author's offset, as the forges' APIs write git dates
    committer_name: str
    committer_email: str
    committer_date: str
    message: str
    files: list[FileStat] = field(default_factory=list)

    @property
    def committed(self) -> datetime:
        return datetime.fromisoformat(self.committer_date).astimezone(UTC)

    @property
    def additions(self) -> int:
        return sum(f.additions or 0 for f in self.files)

    @property
    def deletions(self) -> int:
        return sum(f.deletions or 0 for f in self.files)


def git_binary() -> str | None:
    return shutil.which("git")


class GitRepo:
    """One bare blobless clone in the cache; every git call goes through :meth:`run`."""

    def __init__(self, path: Path, url: str, token: str | None, user: str, name: str = "",
                 timeout: float = GIT_TIMEOUT):
        self.path, self.url, self.name, self.timeout = path, url, name or url, timeout
        self._env = _git_env(token, user)

    def run(self, *args: str, stdin: str | None = None, repo: bool = True) -> str:
        cmd = ["git"] + (["--git-dir", str(self.path)] if repo else []) + list(args)
        try:
            done = subprocess.run(cmd, input=stdin, capture_output=True, text=True, env=self._env,
                                  timeout=self.timeout, check=False, errors="replace")
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise GitUnavailable(f"git {args[0]} failed: {type(exc).__name__}") from None
        if done.returncode != 0:
            last = (done.stderr.strip().splitlines() or ["no message"])[-1]
            raise GitUnavailable(f"git {args[0]} failed: {redact(last)[:300]}")
        return done.stdout

    def update(self, branch: str) -> str:
        """Clone (first run) or fetch ``branch``; its tip SHA."""
        ref = f"refs/heads/{branch}"
        if not (self.path / "HEAD").exists():
            self.path.parent.mkdir(parents=True, exist_ok=True)
            tmp = self.path.with_name(self.path.name + ".partial")
            shutil.rmtree(tmp, ignore_errors=True)
            try:
                self.run("clone", "--quiet", "--bare", "--filter=blob:none", "--single-branch", "--branch", branch,
                         "--", self.url, str(tmp), repo=False)
            except GitUnavailable:
                shutil.rmtree(tmp, ignore_errors=True)
                raise
            tmp.rename(self.path)  # a clone killed half-way never looks like a finished one
        else:  # through the promisor remote "origin" (its URL, no token, in the clone's config): blobless still
            if self.run("config", "--get", "remote.origin.url").strip() != self.url:
                self.run("remote", "set-url", "origin", self.url)  # the forge moved the repository
            self.run("fetch", "--quiet", "--no-tags", "--filter=blob:none", "--", "origin", f"+{ref}:{ref}")
        return self.run("rev-parse", "--verify", f"{ref}^{{commit}}").strip()

    def is_ancestor(self, sha: str, tip: str) -> bool:
        if not re.fullmatch(r"[0-9a-f]{40}", sha):
            return False
        try:
            self.run("merge-base", "--is-ancestor", sha, tip)
        except GitUnavailable:
            return False
        return True

    def commits(self, spec: list[str]) -> list[GitCommit]:
        """Commits of ``spec`` (rev-list arguments), newest first, with their files but no line counts."""
        out = self.run("log", "--no-renames", "--raw", "--no-abbrev", "-z", "--format=%x1d" + META, *spec, "--")
        commits = []
        for chunk in out.split("\x1d")[1:]:
            meta, _, raw = chunk.partition("\x1e")
            sha, parents, an, ae, ad, cn, ce, cd, msg = meta.split("\x1f")
            c = GitCommit(sha, parents.split(), an, ae, ad, cn, ce, cd, msg)
            c.files = _raw_files(raw)
            commits.append(c)
        return commits

    def count_lines(self, commits: list[GitCommit]) -> None:
        """Line counts of ``commits``: their missing blobs in one fetch, then ``--numstat``."""
        if not commits:
            return
        blobs = self._blob_ids(commits)
        if blobs:
            self.run("-c", "fetch.negotiationAlgorithm=noop", "fetch", "--quiet", "--no-tags",
                     "--no-write-fetch-head", "--recurse-submodules=no", "--filter=blob:none", "--stdin",
                     "origin", stdin="\n".join(blobs) + "\n")
        out = self.run("log", "--no-walk=unsorted", "--no-renames", "--numstat", "-z", "--format=%x1d%H",
                       "--stdin", stdin="\n".join(c.sha for c in commits) + "\n")
        by_sha = {c.sha: c for c in commits}
        for chunk in out.split("\x1d")[1:]:
            sha, _, rest = chunk.partition("\x00")  # "<sha>\0\n<adds>\t<dels>\t<path>\0..."
            stats = {}
            for entry in rest.split("\x00"):
                parts = entry.strip("\n").split("\t")
                if len(parts) == 3:
                    stats[parts[2]] = parts
            for f in by_sha[sha.strip()].files:
                if f.path in stats:
                    adds, dels = stats[f.path][:2]
                    f.additions, f.deletions = (int(adds), int(dels)) if adds != "-" else (0, 0)

    def _blob_ids(self, commits: list[GitCommit]) -> list[str]:
        """Both sides of every changed file. Asking git which are missing would fetch them one by one (git
        2.39 has no GIT_NO_LAZY_FETCH), so all are asked for; those already here come again, once."""
        return sorted({b for c in commits for f in c.files for b in f.blobs if b and set(b) != {"0"}})


def _raw_files(raw: str) -> list[FileStat]:
    """``--raw -z`` entries: ``:100644 100644 OLD NEW M\\0path\\0`` per file."""
    files, parts = [], raw.lstrip("\x00\n").split("\x00")
    i = 0
    while i + 1 < len(parts):
        head, path = parts[i].lstrip("\n"), parts[i + 1]
        i += 2
        if not head.startswith(":"):
            continue
        fields = head[1:].split()
        status = {"A": "added", "D": "removed"}.get(fields[4][:1], "modified")
        files.append(FileStat(path, status=status, blobs=(fields[2], fields[3])))
    return files


def _git_env(token: str | None, user: str) -> dict[str, str]:
    """git's environment: the token as an extra header through environment-only config (see module doc)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    pairs = [("http.followRedirects", "false"), ("credential.helper", ""), ("core.askPass", ""),
             ("protocol.version", "2"), ("fetch.writeCommitGraph", "false")]
    if token:
        basic = base64.b64encode(f"{user}:{token}".encode()).decode()
        pairs.append(("http.extraHeader", f"Authorization: Basic {basic}"))
    env.update({"GIT_TERMINAL_PROMPT": "0", "GIT_ASKPASS": "true", "GIT_CONFIG_COUNT": str(len(pairs)),
                "GIT_CONFIG_NOSYSTEM": "1", "LC_ALL": "C"})
    for i, (key, value) in enumerate(pairs):
        env[f"GIT_CONFIG_KEY_{i}"], env[f"GIT_CONFIG_VALUE_{i}"] = key, value
    return env


def cache_path(root: Path, source: str, repo: str) -> Path:
    """Where one repository's clone lives: ``<root>/<source>/<owner>/<repo>.git`` (path-safe parts only)."""
    parts = [_safe(p) for p in repo.split("/") if p not in ("", ".", "..")]
    return root / _safe(source) / Path(*parts[:-1]) / f"{parts[-1]}.git"


def _safe(part: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]", "_", part) or "_"


def _clones(folder: Path) -> Iterator[Path]:
    """Clone folders under ``folder`` (``*.git``, and ``*.git.partial`` left by a killed clone); not inside them."""
    for child in sorted(folder.iterdir()) if folder.is_dir() else []:
        if child.is_dir() and (child.name.endswith(".git") or child.name.endswith(".git.partial")):
            yield child
        elif child.is_dir() and not child.is_symlink():
            yield from _clones(child)


def _only_clones(folder: Path) -> bool:
    """Whether ``folder`` holds nothing but clone folders (so it is the cache's own and safe to delete)."""
    for child in folder.iterdir():
        if child.is_dir() and not child.is_symlink():
            if not (child.name.endswith(".git") or child.name.endswith(".git.partial") or _only_clones(child)):
                return False
        else:
            return False
    return True


def _drop(path: Path, stop: Path) -> int:
    """Delete ``path``, then its parents up to ``stop`` while they are empty: bytes freed."""
    freed = disk_use(path)
    shutil.rmtree(path, ignore_errors=True)
    parent = path.parent
    while parent != stop and parent.is_dir() and not any(parent.iterdir()):
        parent.rmdir()
        parent = parent.parent
    return freed


def prune_cache(root: Path | None, source: str, keep: Iterable[str]) -> int:
    """Delete ``source``'s clones of repositories it no longer mines: bytes freed.

    Why: a clone holds its repository's whole history, authors' names and emails included. Kept only while
    it serves a mined repository, it leaves the disk with the repository (removed from the config, deleted
    or renamed on the forge, or the source switched to ``commits: api``, which keeps nothing)."""
    if root is None or not (root / _safe(source)).is_dir():
        return 0
    wanted = {cache_path(root, source, repo) for repo in keep}
    return sum(_drop(clone, root) for clone in list(_clones(root / _safe(source))) if clone not in wanted)


def prune_sources(root: Path | None, sources: Iterable[str]) -> int:
    """Delete the clones of sources no longer in the config (folders holding nothing but clones): bytes freed."""
    if root is None or not root.is_dir():
        return 0
    names = {_safe(s) for s in sources}
    stale = [d for d in root.iterdir() if d.is_dir() and d.name not in names and _only_clones(d)]
    return sum(_drop(d, root) for d in stale)


def disk_use(root: Path) -> int:
    """Bytes the cache takes on disk."""
    if not root.exists():
        return 0
    return sum(p.stat().st_size for p in root.rglob("*") if p.is_file())


def remove_cache(root: Path | None) -> int:
    """Delete the whole cache (``forget``): bytes freed. The next run clones again."""
    if root is None or not root.exists():
        return 0
    freed = disk_use(root)
    shutil.rmtree(root)
    return freed


def human_bytes(n: int) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024  # type: ignore[assignment]
    return f"{n} B"
