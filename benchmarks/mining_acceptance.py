"""Issue 15's acceptance figures on one simulated org, all from one run of this script.

One simulator (seed 42, ``--size large`` by default), both forges, a fresh warehouse and git cache per run:

1. GitHub full run as shipped (commits from git, conditional probes, GraphQL pulls): rate-limit points per PR
   (the simulator counts them as GitHub does: a 304 is free, GraphQL by GitHub's formula), next to requests.
2. GitLab full run as shipped (commits from git): requests per MR (GitLab counts every request).
3. A nothing-new run of each: GitHub points per repo, GitLab requests per project.
4. Wall time of the full runs (both forges) with 10 ms simulated latency on every API and git request, against
   the same runs with ``commits: api`` (one API request per commit, the design before), in this run; the
   stored activities are checked equal.

    nice .venv/bin/python benchmarks/mining_acceptance.py [--size large]
Writes benchmarks/results/mining_acceptance.md.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy import select

from leadsig.config import DEFAULT_BOT_PATTERNS, DEFAULT_PATH_GROUPS, Config, ScheduleConfig, SourceConfig
from leadsig.miners.runner import mine_source
from leadsig.roster import IdentityResolver
from leadsig.simulator import GITHUB, GITLAB, ForgeSimulator
from leadsig.warehouse import models as m
from leadsig.warehouse.db import open_warehouse

OUT = Path(__file__).resolve().parent / "results" / "mining_acceptance.md"
LATENCY = 0.010


@dataclass
class Run:
    requests: int  # API requests (git smart-HTTP requests apart)
    git: int  # git smart-HTTP requests
    points: int  # rate-limit points as the forge counts them
    seconds: float
    kinds: Counter[str]
    ids: frozenset[str]
    by_endpoint: Counter[str]


def config(tmp: Path, url: str, forge: str, name: str, commits: str) -> Config:
    if forge == GITHUB:
        src = SourceConfig(kind="github", url=url, name="gh", orgs=["acme"], seconds_between_requests=0,
                           commits=commits, git_cache=tmp / f"cache-{name}")
    else:
        src = SourceConfig(kind="gitlab", url=url, name="gl", groups=["acme"], commits=commits,
                           git_cache=tmp / f"cache-{name}")
    return Config(path=tmp / "leadsig.yaml", warehouse=f"sqlite:///{tmp / name}.db", roster=None,
                  since=date(2000, 1, 1), rules=["default"], path_groups=dict(DEFAULT_PATH_GROUPS), sources=[src],
                  teams={}, schedule=ScheduleConfig(), reports_out_dir=tmp, bot_patterns=DEFAULT_BOT_PATTERNS,
                  git_cache=tmp / f"cache-{name}")


def run(sim: ForgeSimulator, cfg: Config) -> Run:
    engine = open_warehouse(cfg.warehouse)
    sim.reset_requests()
    began = time.perf_counter()
    result = mine_source(engine, cfg, cfg.sources[0], IdentityResolver(None, cfg.bot_patterns))
    took = time.perf_counter() - began
    if result.error or result.stats.failed_repos:
        raise SystemExit(f"mining failed: {result.error or result.stats.failed_repos}")
    forge = cfg.sources[0].kind
    with engine.connect() as conn:
        ids = frozenset(conn.execute(select(m.Activity.id)).scalars())
    engine.dispose()
    points = sim.rate_points("gitlab") if forge == GITLAB else sim.rate_points("core") + sim.rate_points("graphql")
    return Run(sim.request_count(), sim.git_request_count(), points, took, Counter(result.stats.by_kind), ids,
               Counter(sim.requests))


def measure(sim: ForgeSimulator, tmp: Path) -> dict[str, Run]:
    out: dict[str, Run] = {}
    for forge in (GITHUB, GITLAB):
        cfg = config(tmp, sim.url, forge, f"{forge}-full", "git")
        out[f"{forge} full"] = run(sim, cfg)
        out[f"{forge} nothing new"] = run(sim, cfg)
    sim.switches.latency = LATENCY
    try:
        for forge in (GITHUB, GITLAB):
            for commits in ("git", "api"):
                out[f"{forge} {commits} latency"] = run(sim, config(tmp, sim.url, forge, f"{forge}-{commits}-l",
                                                                    commits))
    finally:
        sim.switches.latency = 0.0
    return out


def report(size: str, sim: ForgeSimulator, r: dict[str, Run], built: float) -> list[str]:
    org = sim.org
    prs, mrs = len(org.all_pulls(GITHUB)), len(org.all_pulls(GITLAB))
    gh_repos, gl_projects = len(org.repos_of(GITHUB)), len(org.repos_of(GITLAB))
    ghf, glf, ghn, gln = r["github full"], r["gitlab full"], r["github nothing new"], r["gitlab nothing new"]
    wall_git = r["github git latency"].seconds + r["gitlab git latency"].seconds
    wall_api = r["github api latency"].seconds + r["gitlab api latency"].seconds
    same = all(r[f"{f} git latency"].ids == r[f"{f} api latency"].ids for f in (GITHUB, GITLAB))
    listing = ghn.by_endpoint["GET /orgs/{org_name}/repos"]
    pts_repo = ghn.points / gh_repos

    def verdict(ok: bool) -> str:
        return "**met**" if ok else "**NOT met**"

    return [
        "# Mining at the floor: acceptance figures (issue 15)",
        "",
        f"`nice .venv/bin/python benchmarks/mining_acceptance.py --size {size}`, one run, one simulator (seed 42; "
        f"org built in {built:.1f} s): {gh_repos} GitHub repos with {prs:,} PRs, {gl_projects} GitLab projects "
        f"with {mrs:,} MRs; default path groups, SQLite, fresh warehouse and git cache per run.",
        "",
        "| figure | measured | target | verdict |",
        "|---|---|---|---|",
        f"| GitHub full run: rate-limit points per PR ({ghf.points:,} points / {prs:,} PRs; {ghf.requests:,} API "
        f"requests = {ghf.requests / prs:.3f} per PR; {ghf.git} git HTTP requests, no points) | "
        f"**{ghf.points / prs:.3f}** | <= 0.12 | {verdict(ghf.points / prs <= 0.12)} |",
        f"| GitLab full run: requests per MR ({glf.requests:,} / {mrs:,}; {glf.git} git HTTP requests) | "
        f"**{glf.requests / mrs:.3f}** | <= 1.1 | {verdict(glf.requests / mrs <= 1.1)} |",
        f"| GitHub nothing-new run: rate-limit points per repo ({ghn.points} points, {ghn.requests} requests of "
        f"which {listing} the org listing) | **{pts_repo:.2f}** | 0 | {verdict(ghn.points == 0)} |",
        f"| GitLab nothing-new run: requests per project ({gln.requests} / {gl_projects}, the group listing "
        f"included) | **{gln.requests / gl_projects:.2f}** | <= 3 | {verdict(gln.requests / gl_projects <= 3)} |",
        f"| wall time of the full runs with {LATENCY * 1000:.0f} ms latency, commits from git vs `commits: api` "
        f"({wall_git:.1f} s vs {wall_api:.1f} s) | **{wall_git / wall_api:.2f}x** | <= 0.5x | "
        f"{verdict(wall_git / wall_api <= 0.5)} |",
        "",
        "| run | API requests | rate-limit points | git HTTP requests | wall time (s) | activities |",
        "|---|---:|---:|---:|---:|---:|",
        *[f"| {name} | {x.requests:,} | {x.points:,} | {x.git:,} | {x.seconds:.1f} | {len(x.ids):,} |"
          for name, x in r.items()],
        "",
        f"Same activities stored with commits from git as with `commits: api` (ids, both forges): "
        f"{'yes' if same else 'NO'}.",
        "",
        "API requests by endpoint, GitHub full run: "
        + ", ".join(f"`{k}` {n}" for k, n in ghf.by_endpoint.most_common() if ".git/" not in k) + ".",
        "",
        "API requests by endpoint, GitLab full run: "
        + ", ".join(f"`{k}` {n}" for k, n in glf.by_endpoint.most_common() if ".git/" not in k) + ".",
        "",
    ]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--size", default="large", help="simulator size")
    args = ap.parse_args()
    began = time.perf_counter()
    with ForgeSimulator(size=args.size, seed=42) as sim, tempfile.TemporaryDirectory() as d:
        built = time.perf_counter() - began
        lines = report(args.size, sim, measure(sim, Path(d)), built)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
