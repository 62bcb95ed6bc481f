"""The organisation's repositories as real git repositories, built with ``git fast-import`` from the model.

Why the model's SHAs are rewritten: a git SHA is the hash of the commit's content, so the simulator
cannot keep the SHAs it invented. Each (re)build imports a repository's commits in landing order and
then rewrites every SHA the model holds (commits, parents, PR heads, review and comment commit ids) to
the git SHA, so REST, GraphQL and ``git log`` report the same commits. A rebuild is deterministic: the
same model gives byte-identical objects, so unchanged commits keep their SHAs.

History: the default branch is linear in landing order (a late commit with an old date lands last, as a
rebase merge does); a merge keeps its extra model parents that are on the default branch. A PR branch
starts from the default branch's tip at the time its first commit was added. File contents are chosen so
that ``git diff`` counts exactly the lines the model says: a change drops the file's first ``deletions``
lines for ``additions`` new unique ones (the rest is a common suffix, which every diff algorithm trims, so
the counts are exact); a file change the tree cannot show (a deletion of lines
a file does not have, an "added" file that exists) is normalised in the model first, so the REST numbers
and git's agree.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path

from leadsig.simulator.model import Commit, FileChange

GIT_CONFIG = {
    "uploadpack.allowFilter": "true",  # partial clones (--filter=blob:none)
    "uploadpack.allowAnySHA1InWant": "true",  # lazy blob fetches by SHA
    "http.receivepack": "false",
    "core.logAllRefUpdates": "false",
}


class GitStore:
    """Bare repositories under one temporary folder, rebuilt for repos whose commits changed."""

    def __init__(self, org: object, root: Path | None = None) -> None:
        self.org = org
        self._own = root is None
        self.root = Path(root or tempfile.mkdtemp(prefix="forge-git-"))
        self.paths: dict[str, Path] = {}  # full_name -> current bare repo
        self._gen = 0
        self._lock = threading.Lock()

    def close(self) -> None:
        """Remove the repositories; a later :meth:`sync` builds them again."""
        with self._lock:
            if self._own:
                shutil.rmtree(self.root, ignore_errors=True)
            self.paths.clear()

    def repo_path(self, full_name: str) -> Path | None:
        """The bare repository serving ``full_name``, built now if its commits changed."""
        self.sync()
        return self.paths.get(full_name)

    def sync(self) -> None:
        """Rebuild every repository whose commits changed since it was last built (a few at once). Without a
        git binary there is nothing to build: the API keeps its invented SHAs and clones answer 404, so a
        miner falls back to the API as it would against a forge that refuses clones."""
        if shutil.which("git") is None:
            return
        org = self.org
        with self._lock, org.lock:  # type: ignore[attr-defined]
            dirty = [r for r in org.repos if r.full_name not in self.paths or r.full_name in org.git_dirty]
            if not dirty:
                return
            jobs = []
            for repo in dirty:
                self._gen += 1
                commits = list(org.commits.get(repo.full_name, []))
                jobs.append((repo, commits, self.root / f"g{self._gen}" / f"{repo.full_name}.git"))
            with ThreadPoolExecutor(max_workers=4) as pool:  # fast-import is a process: overlap them
                results = list(pool.map(lambda j: _import(j[2], j[1], j[0].default_branch), jobs))
            for (repo, commits, path), new_sha in zip(jobs, results, strict=True):
                if commits:
                    dag = _dag(commits, repo.default_branch)
                    _rewrite(org, repo.full_name, new_sha, {c.sha: ps for c, ps in dag.items()})
                self.paths[repo.full_name] = path
                org.git_dirty.discard(repo.full_name)


def _import(path: Path, commits: list[Commit], default_branch: str) -> dict[str, str]:
    """A bare repository at ``path`` holding ``commits``; model SHA -> git SHA."""
    _init_bare(path, default_branch)
    if not commits:
        return {}
    stream, marks = _fast_import_stream(commits, default_branch)
    marks_file = path / "leadsig-marks"
    _git(path, "fast-import", "--quiet", "--done", f"--export-marks={marks_file}", stdin=stream)
    by_mark = dict(line.split() for line in marks_file.read_text().splitlines())
    marks_file.unlink()
    return {old: by_mark[f":{m}"] for old, m in marks.items()}


def _init_bare(path: Path, default_branch: str) -> None:
    """What ``git init --bare`` writes, without a process per repository (tests build many small orgs)."""
    for sub in ("objects/info", "objects/pack", "refs/heads", "refs/tags"):
        (path / sub).mkdir(parents=True, exist_ok=True)
    (path / "HEAD").write_text(f"ref: refs/heads/{default_branch}\n")
    lines = ["[core]", "\trepositoryformatversion = 0", "\tfilemode = true", "\tbare = true"]
    for key, value in GIT_CONFIG.items():
        section, name = key.split(".")
        lines += [f"[{section}]", f"\t{name} = {value}"]
    (path / "config").write_text("\n".join(lines) + "\n")


def _git(repo: Path | None, *args: str, stdin: bytes | None = None) -> bytes:
    cmd = ["git"] + (["--git-dir", str(repo)] if repo else []) + list(args)
    env = {"PATH": "/usr/bin:/bin:/usr/local/bin", "GIT_CONFIG_NOSYSTEM": "1", "HOME": "/nonexistent"}
    return subprocess.run(cmd, input=stdin, capture_output=True, check=True, env=env).stdout


def _dag(commits: list[Commit], default_branch: str) -> dict[Commit, list[str]]:
    """Each commit's parents (model SHAs): see the module docstring."""
    tips: dict[str, str] = {}
    on_default = {c.sha for c in commits if c.branch == default_branch}
    out: dict[Commit, list[str]] = {}
    for c in commits:
        first = tips.get(c.branch) or tips.get(default_branch)
        parents = [first] if first else []
        if c.branch == default_branch:
            parents += [p for p in c.parents[1:] if p in on_default and p not in parents and p != c.sha]
        out[c] = parents
        tips[c.branch] = c.sha
    return out


def _normalise(f: FileChange, lines: list[str] | None) -> None:
    """Make ``f`` a change the tree can show (see the module docstring)."""
    if lines is None:
        f.status, f.deletions = "added", 0
    elif f.status == "removed":
        f.additions, f.deletions = 0, len(lines)
    else:
        f.status = "modified"
        f.deletions = min(f.deletions, len(lines))
    if f.status != "removed" and f.additions == 0 and f.deletions == 0:
        f.additions = 1  # a change of nothing is no change to git


def _fast_import_stream(commits: list[Commit], default_branch: str) -> tuple[bytes, dict[str, int]]:
    """The fast-import commands for ``commits`` and the mark of each model SHA."""
    dag = _dag(commits, default_branch)
    seen: set[int] = set()
    for c in commits:  # a FileChange shared by two commits would be normalised twice; files in git's diff order
        c.files = sorted((f if id(f) not in seen else replace(f) for f in c.files), key=lambda f: f.filename)
        seen.update(id(f) for f in c.files)
    marks: dict[str, int] = {}
    tip_tree: dict[str, dict[str, list[str]]] = {}  # model SHA -> tree after it
    counter = 0
    out: list[bytes] = []
    for n, c in enumerate(commits, start=1):
        parents = dag[c]
        tree = dict(tip_tree[parents[0]]) if parents else {}
        body: list[bytes] = []
        for f in c.files:
            lines = tree.get(f.filename)
            _normalise(f, lines)
            if f.status == "removed":
                tree.pop(f.filename, None)
                body.append(b"D " + _quote(f.filename) + b"\n")
                continue
            counter += 1
            new = [f"{counter}.{i}\n" for i in range(f.additions)] + (lines or [])[f.deletions:]
            tree[f.filename] = new
            data = "".join(new).encode()
            body.append(b"M 100644 inline " + _quote(f.filename) + b"\n" + _data(data))
        marks[c.sha] = n
        tip_tree[c.sha] = tree
        head = [f"commit refs/heads/{_ref(c.branch)}", f"mark :{n}",
                f"author {_ident(c.author_name, c.author_email, c.authored_at, c.offset_minutes)}",
                f"committer {_ident(c.author_name, c.author_email, c.committed_at, c.offset_minutes)}"]
        out.append("\n".join(head).encode() + b"\n" + _data(c.message.encode()))
        if parents:
            out.append(f"from :{marks[parents[0]]}\n".encode())
            out += [f"merge :{marks[p]}\n".encode() for p in parents[1:]]
        out += body
        out.append(b"\n")
    out.append(b"done\n")
    return b"".join(out), marks


def _rewrite(org: object, full_name: str, new_sha: dict[str, str], parents: dict[str, list[str]]) -> None:
    """Every SHA the model holds for ``full_name`` becomes the git SHA."""
    ix = org._commit_ix  # type: ignore[attr-defined]  # noqa: SLF001 - the store keeps the index in step
    for c in org.commits.get(full_name, []):  # type: ignore[attr-defined]
        old = c.sha
        c.parents = [new_sha[p] for p in parents[old]]
        c.sha = new_sha[old]
        ix.pop((full_name, old), None)
        ix[(full_name, c.sha)] = c
    for pr in org.pulls.get(full_name, []):  # type: ignore[attr-defined]
        pr.head_sha = new_sha.get(pr.head_sha, pr.head_sha)
        pr.commits = [new_sha.get(s, s) for s in pr.commits]
        for rv in pr.reviews:
            rv.commit_id = new_sha.get(rv.commit_id, rv.commit_id)
        for cm in pr.comments:
            if cm.commit_id:
                cm.commit_id = new_sha.get(cm.commit_id, cm.commit_id)


def _ident(name: str, email: str, when: object, offset_minutes: int) -> str:
    sign = "+" if offset_minutes >= 0 else "-"
    hh, mm = divmod(abs(offset_minutes), 60)
    clean = name.replace("<", "").replace(">", "").replace("\n", " ").strip() or "unknown"
    return f"{clean} <{email.replace('>', '').replace(chr(10), '')}> {int(when.timestamp())} {sign}{hh:02d}{mm:02d}"  # type: ignore[attr-defined]


def _ref(branch: str) -> str:
    """A branch name git accepts (a bot's login ``dependabot[bot]`` is not one)."""
    return re.sub(r"[\[\]~^:?*\\ ]|\.\.|@\{", "-", branch).strip("/.") or "branch"


def _data(payload: bytes) -> bytes:
    return f"data {len(payload)}\n".encode() + payload + b"\n"


def _quote(path: str) -> bytes:
    if any(ch in path for ch in ' "\n\\') or path.startswith('"'):
        return ('"' + path.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"').encode()
    return path.encode()
