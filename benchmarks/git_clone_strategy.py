"""Which clone the commit stream keeps: bytes received and time, per strategy, on the simulator's org.

Strategies, each reading what the miner needs (every default-branch commit's files; line counts of the
commits that touch a default path group), over smart HTTP from the simulator (``git http-backend``):

- ``blobless``: ``clone --bare --filter=blob:none`` (commits and trees), then the blobs of the path-group
  commits in ONE batched fetch (what :mod:`leadsig.miners.git_commits` does);
- ``blobless, lazy``: the same clone, letting ``git log --numstat`` fetch missing blobs on demand;
- ``shallow-since``: ``clone --bare --shallow-since=<first run's start>`` (all blobs of those commits;
  a late commit with an older date, and the diff of the boundary commit, are lost: it cannot keep the
  contract, measured for the bytes only);
- ``full``: ``clone --bare`` (everything), for scale.

Bytes received are the pack files the clone holds afterwards (git stores a received pack as it came),
plus the git requests the simulator counted.

    .venv/bin/python benchmarks/git_clone_strategy.py [--size medium]
Writes benchmarks/results/git_clone_strategy.md.
"""

from __future__ import annotations

import argparse
import subprocess
import tempfile
import time
from pathlib import Path

from leadsig.config import DEFAULT_PATH_GROUPS
from leadsig.miners.git_commits import GitRepo
from leadsig.miners.paths import PathGroups
from leadsig.simulator import ForgeSimulator, build_org

OUT = Path(__file__).resolve().parent / "results" / "git_clone_strategy.md"


def pack_bytes(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*.pack"))


def strategy(sim: ForgeSimulator, root: Path, name: str, since: str) -> tuple[int, float, int]:
    """(pack bytes received, seconds, git requests) over every repository of the org."""
    groups = PathGroups(dict(DEFAULT_PATH_GROUPS))
    total_bytes, git_requests = 0, 0
    sim.reset_requests()
    started = time.perf_counter()
    for repo in sim.org.repos:
        path = root / name / f"{repo.full_name}.git"
        url = f"{sim.url}/{repo.full_name}.git"
        g = GitRepo(path, url, None, "x", repo.full_name)
        if name.startswith("blobless"):
            tip = g.update(repo.default_branch)
            wanted = [c for c in g.commits([tip]) if len(c.parents) <= 1 and groups.match(f.path for f in c.files)]
            if name == "blobless":
                g.count_lines(wanted)
            else:
                g.run("log", "--no-walk=unsorted", "--numstat", "--format=%H", "--stdin",
                      stdin="\n".join(c.sha for c in wanted) + "\n")
        else:
            extra = [f"--shallow-since={since}"] if name == "shallow-since" else []
            g.run("clone", "--quiet", "--bare", "--single-branch", "--branch", repo.default_branch, *extra, "--",
                  url, str(path), repo=False)
            g.run("log", "--numstat", "--format=%H", repo.default_branch)
        total_bytes += pack_bytes(path)
    seconds = time.perf_counter() - started
    git_requests = sum(n for k, n in sim.requests.items() if ".git/" in k)
    return total_bytes, seconds, git_requests


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--size", default="medium", help="large works too, but its lazy strategy takes an hour")
    args = ap.parse_args()
    org = build_org(42, args.size)
    n_commits = sum(1 for r in org.repos for c in org.commits.get(r.full_name, []) if c.branch == r.default_branch)
    since = min(c.committed_at for r in org.repos for c in org.commits.get(r.full_name, [])).strftime("%Y-%m-%d")
    rows = []
    with ForgeSimulator(org) as sim, tempfile.TemporaryDirectory() as d:
        for name in ("blobless", "blobless, lazy", "shallow-since", "full"):
            b, s, n = strategy(sim, Path(d), name, since)
            rows.append(f"| {name} | {b / 1e6:.2f} MB | {s:.1f} s | {n} |")
    git_version = subprocess.run(["git", "--version"], capture_output=True, text=True).stdout.strip()
    lines = [
        "# Commit stream: which clone to keep",
        "",
        f"Simulated org ({args.size}, seed 42): {len(org.repos)} repositories, {n_commits} default-branch commits;"
        f" {git_version}, served by the simulator's `git http-backend`; default path groups.",
        "",
        "| strategy | pack bytes received | time | git requests |",
        "|---|---|---|---|",
        *rows,
        "",
        "Reading: the blobless clone with one batched blob fetch is chosen. It keeps the contract (every commit",
        "since the stored head, late old-dated ones included; exact line counts), and later runs fetch only new",
        "commits and trees. Letting git fetch blobs lazily costs one request per commit, the very cost this",
        "replaces. A shallow-since clone carries the blobs of every file of every commit and loses late",
        "old-dated commits and the boundary commit's diff. The simulator's files are small, so here the full",
        "and shallow clones cost about what the blobless one does; in a real repository blobs are most of the",
        "pack (not measured here), and the blobless clone skips every blob outside the path-group commits.",
        "",
    ]
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text("\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
