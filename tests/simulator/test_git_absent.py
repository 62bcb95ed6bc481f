"""Without a git binary the simulator still serves its API (the demo runs on a machine without git): clones
answer 404, so a miner falls back to the API as it would against a forge that refuses clones."""

from __future__ import annotations

import shutil

import httpx
import pytest

from leadsig.simulator import ForgeSimulator


def test_no_git_binary_serves_the_api_and_refuses_clones(monkeypatch: pytest.MonkeyPatch) -> None:
    real_which = shutil.which
    monkeypatch.setattr(shutil, "which", lambda cmd, *a, **k: None if cmd == "git" else real_which(cmd, *a, **k))
    with ForgeSimulator(size="tiny", seed=7) as sim:
        repo = sim.org.repos_of("github")[0]
        meta = httpx.get(f"{sim.url}/repos/{repo.full_name}")
        assert meta.status_code == 200
        commits = httpx.get(f"{sim.url}/repos/{repo.full_name}/commits?per_page=5")
        assert commits.status_code == 200 and commits.json()
        refs = httpx.get(f"{meta.json()['clone_url']}/info/refs?service=git-upload-pack")
        assert refs.status_code == 404
