"""GitLab mining cost: requests per MR for a full run, requests per project with nothing new.

Mines the simulator's "large" org (20 GitLab projects, 5,200 MRs) over HTTP through python-gitlab into a
fresh SQLite warehouse, then runs again with nothing new. Requests are counted by the simulator per
endpoint template (and checked against the miner's own count). The baseline, in the same run, is a
``--full`` re-mine of the same warehouse (cursors cleared), which pays every per-item call again.
Two more full runs into fresh warehouses, same simulator: one with the approvals API switched on
(``approvals_api``: the former plan, one more call per MR) and one whose path groups are all folders
(``dir/**``), where path-filtered commit listings pick the commits worth a diff call.

    .venv/bin/python benchmarks/gitlab_mining.py [--size large]

Writes benchmarks/results/gitlab_mining.md.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections import Counter
from datetime import date
from pathlib import Path

from leadsig.config import DEFAULT_BOT_PATTERNS, DEFAULT_PATH_GROUPS, Config, ScheduleConfig, SourceConfig
from leadsig.miners.runner import SourceResult, mine_source
from leadsig.roster import IdentityResolver
from leadsig.simulator import GITLAB, ForgeSimulator
from leadsig.warehouse.db import open_warehouse
from leadsig.warehouse.store import clear_cursors

OUT = Path(__file__).resolve().parent / "results" / "gitlab_mining.md"
PERCEVAL_PER_MR_10_NOTES = 17  # from the issue: Perceval's request plan for one MR with 10 notes


FOLDER_GROUPS = {"tests": ["tests/**"], "docs": ["docs/**"], "ci": [".gitlab/**"]}


def config(tmp: Path, url: str, name: str = "w", path_groups: dict | None = None, **source: object) -> Config:
    src = SourceConfig(kind="gitlab", url=url, name="gl", groups=["acme"])
    for key, value in source.items():
        setattr(src, key, value)
    groups = dict(DEFAULT_PATH_GROUPS) if path_groups is None else path_groups
    return Config(path=tmp / "leadsig.yaml", warehouse=f"sqlite:///{tmp / name}.db", roster=None,
                  since=date(2000, 1, 1), rules=["default"], path_groups=groups, sources=[src],
                  teams={}, schedule=ScheduleConfig(), reports_out_dir=tmp, bot_patterns=DEFAULT_BOT_PATTERNS)


def run(sim: ForgeSimulator, cfg: Config) -> tuple[SourceResult, Counter[str], float]:
    sim.reset_requests()
    began = time.monotonic()
    resolver = IdentityResolver(None, DEFAULT_BOT_PATTERNS)
    result = mine_source(open_warehouse(cfg.warehouse), cfg, cfg.sources[0], resolver)
    took = time.monotonic() - began
    if result.error or result.stats.failed_repos:
        raise SystemExit(f"mining failed: {result.error or result.stats.failed_repos}")
    return result, Counter(sim.requests), took


def per_stream(counts: Counter[str]) -> dict[str, int]:
    def stream(template: str) -> str:
        if "/merge_requests" in template or template.endswith("/graphql"):  # GraphQL carries the MRs and notes
            return "pulls (MR listing, notes)"
        if "/issues" in template:
            return "issues (listing, notes)"
        if "/repository/commits" in template:
            return "commits (listing, one diff per new default-branch commit)"
        return "projects (group listing)"

    out: Counter[str] = Counter()
    for template, n in counts.items():
        out[stream(template)] += n
    return dict(out)


def git_lines(counts: Counter[str], took: float, again: Counter[str], again_s: float, api_total: int,
              api_s: float, mrs: int, projects: int) -> list[str]:
    """The same org mined with commits from git (``commits: git``), against the API full run above."""
    git = sum(n for t, n in counts.items() if ".git/" in t)
    api = sum(counts.values()) - git
    again_api = sum(n for t, n in again.items() if ".git/" not in t)
    return [
        "Commits from git (`commits: git`, blobless clones in a cache folder), same simulator, same run:",
        "",
        "| run | API requests | per MR | git HTTP requests | wall time (s) |",
        "|---|---|---|---|---|",
        f"| full run, commits through the API (above) | {api_total:,} | {api_total / mrs:.2f} | 0 | {api_s:.1f} |",
        f"| full run, commits from git | {api:,} | **{api / mrs:.2f}** | {git:,} | {took:.1f} |",
        f"| nothing-new run, commits from git | {again_api:,} | {again_api / projects:.2f} per project | "
        f"{sum(again.values()) - again_api:,} | {again_s:.1f} |",
        "",
        f"API requests, git vs API commits: {api / api_total:.2f}x; wall time {took / max(api_s, 1e-9):.2f}x.",
        "",
    ]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", default="large")
    args = parser.parse_args()
    with ForgeSimulator(size=args.size, seed=42) as sim, tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        org = sim.org
        mrs = org.all_pulls(GITLAB)
        projects = len(org.repos_of(GITLAB))
        notes = sum(1 for p in mrs for c in p.comments)
        cfg = config(tmp, sim.url)
        full, full_counts, full_s = run(sim, cfg)
        again, again_counts, again_s = run(sim, cfg)
        clear_cursors(open_warehouse(cfg.warehouse), "gl")
        base, base_counts, base_s = run(sim, cfg)
        _, api_counts, api_s = run(sim, config(tmp, sim.url, "api", approvals_api=True))
        _, folder_counts, folder_s = run(sim, config(tmp, sim.url, "folders", FOLDER_GROUPS))
        assert full.stats.requests == sum(full_counts.values()), "miner and simulator disagree on requests"
        git_cfg = config(tmp, sim.url, "git", commits="git", git_cache=tmp / "cache")
        _, git_counts, git_s = run(sim, git_cfg)  # commits from a clone: the same items, no diff call per commit
        _, git_again, git_again_s = run(sim, git_cfg)
    total = sum(full_counts.values())
    streams = per_stream(full_counts)
    pulls = streams["pulls (MR listing, notes)"]
    api_pulls = per_stream(api_counts)["pulls (MR listing, notes)"]
    commits = streams["commits (listing, one diff per new default-branch commit)"]
    folder_commits = per_stream(folder_counts)["commits (listing, one diff per new default-branch commit)"]
    folder_total = sum(folder_counts.values())
    nothing_new = sum(again_counts.values())
    per_project_new = nothing_new - per_stream(again_counts)["projects (group listing)"]  # the listing is per source
    lines = [
        "# GitLab mining (python-gitlab against the forge simulator)",
        "",
        f"Org: size `{args.size}`, seed 42: {projects} GitLab projects, {len(mrs):,} merge requests "
        f"({notes / len(mrs):.1f} notes each on average, system notes included), "
        f"{len(org.all_approvals()):,} approvals, {len(org.all_issues(GITLAB)):,} issues, "
        f"{len(org.all_commits(GITLAB)):,} default-branch commits. per_page 100; SQLite warehouse.",
        "",
        "| run | requests | requests per MR | requests per project | wall time (s) |",
        "|---|---|---|---|---|",
        f"| full (first) run | {total:,} | {total / len(mrs):.2f} | {total / projects:,.0f} | {full_s:.1f} |",
        f"| full run, MR stream only | {pulls:,} | **{pulls / len(mrs):.2f}** | {pulls / projects:,.0f} | |",
        f"| second run, nothing new | {nothing_new:,} | | **{nothing_new / projects:.2f}** | {again_s:.1f} |",
        f"| same, without the group listing (once per source) | {per_project_new:,} | | "
        f"**{per_project_new / projects:.2f}** | |",
        f"| baseline: `--full` re-mine, same run | {sum(base_counts.values()):,} | "
        f"{sum(base_counts.values()) / len(mrs):.2f} | {sum(base_counts.values()) / projects:,.0f} | {base_s:.1f} |",
        f"| full run, `approvals_api: true` (former plan): MR stream only | {api_pulls:,} | "
        f"{api_pulls / len(mrs):.2f} | {api_pulls / projects:,.0f} | {api_s:.1f} (whole run) |",
        f"| full run, folder path groups `{', '.join(p for ps in FOLDER_GROUPS.values() for p in ps)}` | "
        f"{folder_total:,} | {folder_total / len(mrs):.2f} | {folder_total / projects:,.0f} | {folder_s:.1f} |",
        "",
        f"MR stream: {pulls / len(mrs):.2f} requests per MR with approvals read from the MR's system notes vs "
        f"{api_pulls / len(mrs):.2f} with the approvals API as well ({api_pulls / pulls:.2f}x). Commit stream: "
        f"{commits / len(mrs):.2f} per MR with the default (glob) path groups, "
        f"{folder_commits / len(mrs):.2f} with folder path groups ({commits / max(folder_commits, 1):.1f}x fewer).",
        "",
        f"Nothing-new run vs baseline: {sum(base_counts.values()) / max(nothing_new, 1):,.0f}x fewer requests. "
        f"Targets: <= 3 requests per MR (Perceval: about {PERCEVAL_PER_MR_10_NOTES} for an MR with 10 notes), "
        "<= 3 requests per project with nothing new besides the group listing: one listing per stream (merge",
        "requests, issues, the compare of the stored head). GitLab counts every request, a 304 too, so",
        "conditional requests would save nothing there.",
        "",
        *git_lines(git_counts, git_s, git_again, git_again_s, total, full_s, len(mrs), projects),
        "Full-run requests by stream:",
        "",
        "| stream | requests | per MR |",
        "|---|---|---|",
        *[f"| {name} | {n:,} | {n / len(mrs):.2f} |" for name, n in sorted(streams.items())],
        "",
        "Full-run requests by endpoint:",
        "",
        "| endpoint | requests |",
        "|---|---|",
        *[f"| `{t}` | {n:,} |" for t, n in full_counts.most_common()],
        "",
        "With the default path groups (`**/*.md`, ...) the commit stream costs one diff call per new "
        "default-branch commit:",
        "GitLab's commit listing names no files, and globs cannot be expressed as the API's `path` filter. When "
        "every group is a",
        "folder, one `path=` listing per folder picks the commits worth a diff call (the diff still gives the "
        "file count).",
        "",
    ]
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
