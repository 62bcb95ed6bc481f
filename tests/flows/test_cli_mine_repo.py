"""``leadsig mine --repo`` says which repo was not found on which source, in words, not the forge's JSON."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console
from simconfig import write_sim_config

from leadsig.flows.cli import mine as mine_cli
from leadsig.simulator import ForgeSimulator


@pytest.fixture(scope="module")
def sim() -> Iterator[ForgeSimulator]:
    with ForgeSimulator(size="tiny", seed=7) as s:
        yield s


def mine_repo(sim: ForgeSimulator, tmp_path: Path, repo: str, monkeypatch: pytest.MonkeyPatch) -> tuple[Any, str]:
    """``leadsig mine --repo REPO`` on a config with both forges, without the classify stage (slow, beside
    the point); the console's text unwrapped."""
    console = Console(file=io.StringIO(), width=300)
    monkeypatch.setattr(mine_cli, "console", console)
    cfg = write_sim_config(tmp_path / "leadsig.yaml", sim.url, f"sqlite:///{tmp_path / 'w.db'}")
    summary = mine_cli.run_mine(str(cfg), None, repo, None, False, classify=False)
    return summary, console.file.getvalue()


def test_a_repo_no_source_has_fails_naming_each_source(sim, tmp_path, monkeypatch):
    summary, out = mine_repo(sim, tmp_path, "acme/nope", monkeypatch)
    assert set(summary.failed) == {"gh/acme/nope", "gl/acme/nope"}  # `mine` exits 1
    assert f"acme/nope was not found on source gh (github at {sim.url})" in out
    assert f"acme/nope was not found on source gl (gitlab at {sim.url})" in out
    assert '"errors"' not in out and '"data"' not in out  # no raw GraphQL document


def test_a_repo_one_source_has_is_mined_and_the_other_source_is_only_mentioned(sim, tmp_path, monkeypatch):
    summary, out = mine_repo(sim, tmp_path, "acme/api", monkeypatch)
    assert summary.failed == {} and summary.activities_by_kind
    assert f"acme/api was not found on source gl (gitlab at {sim.url}): GitlabListError, HTTP 404, 404 " \
           "Not Found (mined from another source)" in out
