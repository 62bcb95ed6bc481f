"""leadsig against Perceval on the same simulated org, in one run: requests, rate-limit points, items, wall time.

Perceval (GrimoireLab's collector, PyPI ``perceval``) is installed by this script into its own virtual
environment under ``$LEADSIG_BENCH_CACHE`` (default ``~/.cache/leadsig-bench``), never into the project's; the
first run needs PyPI. Its GitHub backend runs for the categories it shares with leadsig (``issue`` and
``pull_request``), repo by repo, against the same simulator; leadsig mines the same org with no path groups
(Perceval's GitHub backend reads no commit files). Items are checked equal: Perceval's pull requests against
leadsig's ``pr_opened``, Perceval's issues (GitHub's issue listing, PRs included) against ``issue_opened`` +
``pr_opened``. Points are the simulator's count as GitHub's (:meth:`ForgeSimulator.rate_points`).

GitLab is not compared yet: the simulator lacks the ``award_emoji`` and ``/merge_requests/N/versions``
endpoints Perceval's GitLab backend reads.

    .venv/bin/python benchmarks/perceval_peer.py [--size small]
Writes benchmarks/results/perceval_peer.md. Not part of ``run.py --smoke`` (installing Perceval takes about
90 s here on a cold cache).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import date
from pathlib import Path

from leadsig.config import DEFAULT_BOT_PATTERNS, Config, ScheduleConfig, SourceConfig
from leadsig.miners.runner import mine_source
from leadsig.roster import IdentityResolver
from leadsig.simulator import GITHUB, ForgeSimulator, build_org
from leadsig.warehouse.db import open_warehouse

PERCEVAL = "perceval==1.6.1"
OUT = Path(__file__).resolve().parent / "results" / "perceval_peer.md"
CACHE = Path(os.environ.get("LEADSIG_BENCH_CACHE", Path.home() / ".cache" / "leadsig-bench"))


def perceval_bin() -> Path:
    """Perceval in its own virtual environment, made once per version."""
    venv = CACHE / ("venv-" + PERCEVAL.replace("==", "-"))
    exe = venv / "bin" / "perceval"
    if not exe.exists():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run([str(venv / "bin" / "pip"), "install", "-q", PERCEVAL], check=True)
    return exe


def leadsig_run(sim: ForgeSimulator, tmp: Path) -> tuple[int, int, float, Counter[str]]:
    src = SourceConfig(kind="github", url=sim.url, name="gh", orgs=["acme"], seconds_between_requests=0)
    cfg = Config(path=tmp / "leadsig.yaml", warehouse=f"sqlite:///{tmp / 'w.db'}", roster=None,
                 since=date(2000, 1, 1), rules=["default"], path_groups={}, sources=[src], teams={},
                 schedule=ScheduleConfig(), reports_out_dir=tmp, bot_patterns=DEFAULT_BOT_PATTERNS)
    engine = open_warehouse(cfg.warehouse)
    sim.reset_requests()
    started = time.perf_counter()
    result = mine_source(engine, cfg, src, IdentityResolver(None, cfg.bot_patterns))
    seconds = time.perf_counter() - started
    if result.error or result.stats.failed_repos:
        raise SystemExit(f"leadsig failed: {result.error or result.stats.failed_repos}")
    return sim.request_count(), sim.rate_points(), seconds, Counter(result.stats.by_kind)


def perceval_run(sim: ForgeSimulator, exe: Path) -> tuple[int, int, float, Counter[str]]:
    sim.reset_requests()
    items: Counter[str] = Counter()
    started = time.perf_counter()
    for repo in sim.org.repos_of(GITHUB):
        owner, name = repo.full_name.split("/")
        for category in ("issue", "pull_request"):
            cmd = [str(exe.parent / "python"), str(exe), "github", owner, name, "--category", category,
                   "--json-line", "--enterprise-url", sim.url, "-t", "not-a-real-token", "--from-date", "2000-01-01"]
            out = subprocess.run(cmd, capture_output=True, text=True, timeout=3600)
            if out.returncode != 0:
                raise SystemExit(f"perceval failed on {repo.full_name} {category}: {out.stderr[-2000:]}")
            items[category] += sum(1 for line in out.stdout.splitlines() if line.strip() and json.loads(line))
    seconds = time.perf_counter() - started
    return sim.request_count(), sim.rate_points(), seconds, items


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--size", default="small", help="simulator size")
    args = ap.parse_args()
    exe = perceval_bin()
    org = build_org(42, args.size)
    with ForgeSimulator(org) as sim, tempfile.TemporaryDirectory() as d:
        ours, our_points, our_s, kinds = leadsig_run(sim, Path(d))
        theirs, their_points, their_s, items = perceval_run(sim, exe)
    prs, issues = kinds["pr_opened"], kinds["issue_opened"]
    same = items["pull_request"] == prs and items["issue"] == issues + prs
    lines = [
        "# leadsig against Perceval (same org, same run)",
        "",
        f"Simulated org `{args.size}` (seed 42): {len(org.repos_of(GITHUB))} GitHub repos, {prs} PRs, {issues} "
        f"issues. {PERCEVAL} (its own virtual environment), GitHub backend, categories `issue` and "
        "`pull_request`; leadsig's PR and issue streams (no path groups).",
        "",
        "| figure | leadsig | Perceval | ratio leadsig / Perceval |",
        "|---|---|---|---|",
        f"| requests | {ours} | {theirs} | {ours / max(1, theirs):.3f} |",
        f"| rate-limit points | {our_points} | {their_points} | {our_points / max(1, their_points):.3f} |",
        f"| requests per PR | {ours / max(1, prs):.3f} | {theirs / max(1, prs):.3f} | |",
        f"| wall time (s) | {our_s:.1f} | {their_s:.1f} | {our_s / max(1e-9, their_s):.2f} |",
        f"| items: pull requests | {prs} | {items['pull_request']} | |",
        f"| items: issues (PRs included, as GitHub lists them) | {issues + prs} | {items['issue']} | |",
        "",
        f"Items retrieved equal: {'yes' if same else 'NO'}. Perceval's wall time includes starting one Perceval "
        "process per repo and category.",
        "",
    ]
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text("\n".join(lines))
    print("\n".join(lines))
    if not same:
        raise SystemExit("the items retrieved differ")


if __name__ == "__main__":
    main()
