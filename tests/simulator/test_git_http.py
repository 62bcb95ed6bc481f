"""The simulator's repositories are real git over smart HTTP at the API's clone URLs, with the commits
(SHAs, authors, dates, messages, files and line counts) its REST answers report; auth and faults apply."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import httpx
import pytest

from leadsig.simulator import ForgeSimulator


def git(*args: str, token: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")} | {"GIT_TERMINAL_PROMPT": "0"}
    if token:
        env |= {"GIT_CONFIG_COUNT": "1", "GIT_CONFIG_KEY_0": "http.extraHeader",
                "GIT_CONFIG_VALUE_0": "Authorization: Bearer " + token}
    return subprocess.run(["git", *args], capture_output=True, text=True, env=env, timeout=120, check=False)


@pytest.mark.parametrize("forge", ["github", "gitlab"])
def test_a_clone_has_the_commits_the_rest_api_reports(sim: ForgeSimulator, tmp_path: Path, forge: str) -> None:
    repo = sim.org.repos_of(forge)[0]
    if forge == "github":
        meta = httpx.get(f"{sim.url}/repos/{repo.full_name}").json()
        url, listing = meta["clone_url"], f"{sim.url}/repos/{repo.full_name}/commits?per_page=100"
    else:
        pid = repo.full_name.replace("/", "%2F")
        url = httpx.get(f"{sim.url}/api/v4/projects/{pid}").json()["http_url_to_repo"]
        listing = f"{sim.url}/api/v4/projects/{pid}/repository/commits?per_page=100&with_stats=true"
    assert url == f"{sim.url}/{repo.full_name}.git"
    done = git("clone", "--bare", "--filter=blob:none", url, str(tmp_path / "c.git"))
    assert done.returncode == 0, done.stderr
    log = git("--git-dir", str(tmp_path / "c.git"), "log", "--no-renames", "--numstat",
              "--format=%x1e%H|%an|%ae|%aI|%P|%s").stdout
    from_git: dict[str, tuple] = {}
    for block in log.split("\x1e")[1:]:
        head, *stats = block.strip().splitlines()
        sha, name, email, date, parents, subject = head.split("|")
        lines = [s.split("\t") for s in stats if s]
        from_git[sha] = (name, email, date.replace(".000", ""), parents.split(), subject,
                         sum(int(a) for a, _, _ in lines), sum(int(d) for _, d, _ in lines))
    from_api = {}
    for c in httpx.get(listing).json():
        if forge == "github":
            a = c["commit"]["author"]
            full = httpx.get(c["url"]).json()
            from_api[c["sha"]] = (a["name"], a["email"], a["date"], [p["sha"] for p in c["parents"]],
                                  c["commit"]["message"].splitlines()[0], full["stats"]["additions"],
                                  full["stats"]["deletions"])
        else:
            from_api[c["id"]] = (c["author_name"], c["author_email"], c["authored_date"].replace(".000", ""),
                                 c["parent_ids"], c["title"], c["stats"]["additions"], c["stats"]["deletions"])
    assert from_api and from_api == from_git


def test_git_needs_a_token_when_the_repository_is_private_and_faults_apply(fresh_sim: ForgeSimulator,
                                                                           tmp_path: Path) -> None:
    url = f"{fresh_sim.url}/{fresh_sim.org.repos[0].full_name}.git"
    fresh_sim.switches.git_needs_token = True
    refused = git("ls-remote", url)
    assert refused.returncode != 0 and fresh_sim.statuses[401] >= 1
    assert git("ls-remote", url, token="tok-123456").returncode == 0
    fresh_sim.switches.error_rate = 1.0
    broken = git("ls-remote", url, token="tok-123456")
    assert broken.returncode != 0 and any(s in broken.stderr for s in ("500", "502", "503"))
    fresh_sim.switches.error_rate = 0.0
    assert git("clone", "--bare", url, str(tmp_path / "x.git"), token="tok-123456").returncode == 0
    assert git("push", url, "HEAD", token="tok-123456").returncode != 0  # read-only: no receive-pack
