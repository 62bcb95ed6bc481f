"""A forge without a GraphQL endpoint (HTTP 404) is mined through REST; a missing repository still fails."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from mining import first_run, github_config, make, mine_one, stored

from leadsig import activity as k
from leadsig.errors import NotFound
from leadsig.simulator import GITHUB, ForgeSimulator


@pytest.fixture
def sim() -> Iterator[ForgeSimulator]:
    with ForgeSimulator(size="tiny", seed=7) as s:
        yield s


def test_a_404_from_the_graphql_endpoint_falls_back_to_rest_for_the_source(sim, tmp_path, caplog):
    sim.switches.graphql_absent = True
    with caplog.at_level("WARNING", logger="leadsig.mine.github"):
        engine = first_run(github_config(tmp_path, sim.url))
    assert set(stored(engine, k.PR_REVIEW)) == {str(r.id) for r in sim.org.all_reviews()}
    assert set(stored(engine, k.PR_COMMENT)) == {str(c.id) for c in sim.org.all_pr_comments(GITHUB)}
    assert sim.request_count("POST /graphql") == 1  # asked once, then REST for every repo of the source
    assert "endpoint not found (HTTP 404)" in caplog.text and "using REST" in caplog.text
    merged = {f"{p.repo}#{p.number}": p.merged_by.gh_login for p in sim.org.all_pulls(GITHUB) if p.merged_at}
    assert {nid for nid in stored(engine, k.PR_MERGED)} == set(merged)


def test_a_repository_graphql_does_not_know_still_fails_as_not_found(sim, caplog):
    miner = make("github", sim.url)
    with caplog.at_level("WARNING", logger="leadsig.mine.github"), pytest.raises(NotFound):
        mine_one(miner, "acme/nope")
    assert miner.use_graphql and "using REST" not in caplog.text
