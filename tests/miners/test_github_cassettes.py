"""The PyGithub-facing code replayed from vcrpy cassettes (pytest-recording), with no server and no token.

Cassettes live in tests/cassettes/github and are recorded from the forge simulator (or from a real GitHub:
see docs/recording-cassettes.md). Replay matches on method, path, query and body (GraphQL pages differ only
in their body), never host or port, so the recording's host and port do not matter; URLs of the recording
host inside responses are rewritten to ``FAKE`` on record.
CI (``CI`` set) replays with recording off; locally a missing cassette is recorded once.
"""

from __future__ import annotations

import os
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
from leadsig.miners.github import GitHubMiner
from leadsig.miners.paths import PathGroups
from leadsig.miners.runner import with_overlap

CASSETTES = Path(__file__).resolve().parents[1] / "cassettes" / "github"
FAKE = "http://github.test"
TOKEN_ENV = "LEADSIG_CASSETTE_TOKEN"
RECORD_URL = os.environ.get("LEADSIG_CASSETTE_GITHUB_URL")  # re-record against a real GitHub
RECORD_REPO = os.environ.get("LEADSIG_CASSETTE_GITHUB_REPO", "acme/api")
START = datetime(2000, 1, 1, tzinfo=UTC)
HOSTS = HostRewriter(FAKE)


@pytest.fixture(scope="module")
def vcr_cassette_dir() -> str:
    return str(CASSETTES)


@pytest.fixture
def vcr_config(request: pytest.FixtureRequest) -> dict[str, Any]:
    # body: GraphQL pages differ only there
    return HOSTS.vcr_config(request, ["authorization"], ["method", "path", "query", "body"])


@pytest.fixture
def base_url(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """FAKE when replaying; while recording, the simulator (or LEADSIG_CASSETTE_GITHUB_URL)."""
    cassette = CASSETTES / f"{request.node.name}.yaml"
    mode = request.config.getoption("--record-mode")
    if cassette.exists() and mode not in ("rewrite", "all"):
        monkeypatch.setenv(TOKEN_ENV, "replay-token")
        yield FAKE
        return
    if RECORD_URL:
        HOSTS.bases[:] = [RECORD_URL.rstrip("/")]
        yield RECORD_URL
        return
    from leadsig.simulator import ForgeSimulator

    monkeypatch.setenv(TOKEN_ENV, "fake-gh-recording-token-never-stored")
    with ForgeSimulator(size="tiny", seed=7) as sim:
        HOSTS.bases[:] = [sim.url]
        yield sim.url


def miner(url: str) -> GitHubMiner:
    src = SourceConfig(kind="github", url=url, name="gh", token_env=TOKEN_ENV, repos=[RECORD_REPO],
                       seconds_between_requests=0)
    return GitHubMiner(src, PathGroups(DEFAULT_PATH_GROUPS), START)


def run(m: GitHubMiner, watermarks: dict[str, datetime | None], positions: dict[str, str] | None = None,
        etags: dict[str, str] | None = None) -> list[Batch]:
    return list(m.mine_repo(RECORD_REPO, with_overlap(watermarks), positions, etags))


def positions(batches: list[Batch]) -> dict[str, str]:
    return {b.stream: b.position for b in batches if b.position}


def cursors(batches: list[Batch]) -> dict[str, datetime | None]:
    out: dict[str, datetime | None] = {}
    for b in batches:
        if b.watermark is not None:
            out[b.stream] = b.watermark
    return out


@pytest.mark.vcr
def test_full_then_nothing_new_run_of_one_repo(base_url):
    m = miner(base_url)
    etags: dict[str, str] = {}  # the runner keeps them in the warehouse between runs
    first = run(m, {}, etags=etags)
    acts = [a for b in first for a in b.activities]
    kinds = Counter(a.kind for a in acts)
    assert set(kinds) == set(k.KINDS), kinds
    assert len({a.id for a in acts}) == len(acts)  # nothing twice within a run
    assert all(a.url.startswith(("https://github.com/", FAKE + "/", base_url + "/")) for a in acts)
    assert {a.state for a in acts if a.kind == k.PR_REVIEW} <= {"approved", "changes_requested", "commented",
                                                                "dismissed"}
    assert all(a.path_groups and a.files for a in acts if a.kind == k.COMMIT)
    assert any(a.review_comment_count for a in acts if a.kind == k.PR_REVIEW)
    assert all(a.occurred_at.tzinfo is not None for a in acts)
    full_requests = m.stats.requests
    assert positions(first).get("commits")  # the branch head, for the next run's compare
    assert len(etags) == 5  # one probe per stream
    second = run(m, cursors(first), positions(first), etags)
    assert m.stats.requests - full_requests == 5  # the five probes, each a 304: free on GitHub
    assert {a.id for b in second for a in b.activities} <= {a.id for a in acts}


@pytest.mark.vcr
def test_list_repos_expands_the_org_and_applies_excludes(base_url):
    src = SourceConfig(kind="github", url=base_url, name="gh", token_env=TOKEN_ENV, orgs=["acme"],
                       repos=["acme/api", "other/tool"], exclude=["acme/w*"], seconds_between_requests=0)
    repos = GitHubMiner(src, PathGroups({}), START).list_repos()
    assert repos == ["acme/api", "other/tool"]


def test_cassettes_hold_no_token():
    for path in CASSETTES.glob("*.yaml"):
        text = path.read_text()
        assert "ghp_" not in text and "replay-token" not in text and "Authorization" not in text, path
