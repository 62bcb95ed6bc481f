"""The python-gitlab-facing code replayed from vcrpy cassettes (pytest-recording), with no server and no token.

Cassettes live in tests/cassettes/gitlab and are recorded from the forge simulator. Replay matches on
method, path, query and body (the GraphQL queries share one path), so the recording's host and port do
not matter; the recording's base URL
inside bodies and Link headers is rewritten to ``FAKE`` on record. CI (``CI`` set) replays with recording
off; locally a missing cassette is recorded once. PRIVATE-TOKEN and Authorization headers are filtered.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from cassettes import HostRewriter

from leadsig import activity as k
from leadsig.batch import Batch
from leadsig.config import DEFAULT_PATH_GROUPS, SourceConfig
from leadsig.miners.gitlab import GitLabMiner
from leadsig.miners.paths import PathGroups
from leadsig.miners.runner import with_overlap

CASSETTES = Path(__file__).resolve().parents[1] / "cassettes" / "gitlab"
FAKE = "http://gitlab.test"
TOKEN_ENV = "LEADSIG_CASSETTE_GITLAB_TOKEN"
PROJECT = "acme/payments/ledger"  # the tiny org's (seed 7) GitLab project
START = datetime(2000, 1, 1, tzinfo=UTC)
HOSTS = HostRewriter(FAKE)


@pytest.fixture(scope="module")
def vcr_cassette_dir() -> str:
    return str(CASSETTES)


@pytest.fixture
def vcr_config(request: pytest.FixtureRequest) -> dict[str, Any]:
    return HOSTS.vcr_config(request, ["authorization", "private-token"], ["method", "path", "query", "body"])


@pytest.fixture
def base_url(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """FAKE when replaying; the simulator while recording."""
    cassette = CASSETTES / f"{request.node.name}.yaml"
    if cassette.exists() and request.config.getoption("--record-mode") not in ("rewrite", "all"):
        monkeypatch.setenv(TOKEN_ENV, "replay-token")
        yield FAKE
        return
    from leadsig.simulator import ForgeSimulator

    monkeypatch.setenv(TOKEN_ENV, "fake-gl-recording-token-never-stored")
    with ForgeSimulator(size="tiny", seed=7) as sim:
        HOSTS.bases[:] = [sim.url]
        yield sim.url


def miner(url: str, **over: Any) -> GitLabMiner:
    src = SourceConfig(kind="gitlab", url=url, name="gl", token_env=TOKEN_ENV, groups=["acme"], **over)
    return GitLabMiner(src, PathGroups(DEFAULT_PATH_GROUPS), START)


def cursors(batches: list[Batch]) -> dict[str, datetime | None]:
    return {b.stream: b.watermark for b in batches if b.watermark is not None}


@pytest.mark.vcr
def test_full_then_nothing_new_run_of_one_project(base_url):
    m = miner(base_url)
    first = list(m.mine_repo(PROJECT, {}))
    acts = [a for b in first for a in b.activities]
    kinds = Counter(a.kind for a in acts)
    assert set(kinds) == set(k.KINDS), kinds
    assert len({a.id for a in acts}) == len(acts)  # nothing twice within a run
    assert all(a.url.startswith(base_url + "/" + PROJECT + "/-/") for a in acts)
    assert all("#note_" in a.url for a in acts if a.kind in (k.REVIEW_COMMENT, k.PR_COMMENT, k.ISSUE_COMMENT))
    assert {a.state for a in acts if a.kind == k.PR_REVIEW} == {"approved"}
    assert all(a.path_groups and a.files for a in acts if a.kind == k.COMMIT)
    assert set(cursors(first)) == {"pulls", "issues", "commits"}
    full_requests = m.stats.requests
    heads = {b.stream: b.position for b in first if b.position}
    assert heads.get("commits")  # the branch head, for the next run's compare
    second = list(m.mine_repo(PROJECT, with_overlap(cursors(first)), heads))
    assert m.stats.requests - full_requests <= 5
    assert {a.id for b in second for a in b.activities} <= {a.id for a in acts}


@pytest.mark.vcr
def test_list_repos_expands_subgroups_and_applies_excludes(base_url):
    repos = miner(base_url, projects=["other/tool"], exclude=["acme/payments/*"]).list_repos()
    assert repos == ["other/tool"]


def test_cassettes_hold_no_token():
    paths = list(CASSETTES.glob("*.yaml"))
    for path in paths:
        text = path.read_text()
        assert "glpat-" not in text and "replay-token" not in text and "PRIVATE-TOKEN" not in text, path
