"""The org listing is asked with the ETag of the last run: unchanged, a free 304 reads back the stored repos;
changed (or dropped by ``--full``), it is read whole and stored anew."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from leadsig.simulator import GITHUB, ForgeSimulator
from leadsig.warehouse import listings
from leadsig.warehouse.store import clear_cursors
from tests.support.mining import first_run, github_config, mine

LISTING = "GET /orgs/{org_name}/repos"


@pytest.fixture(scope="module")
def sim() -> Iterator[ForgeSimulator]:
    with ForgeSimulator(size="tiny", seed=3) as s:
        yield s


def listing_statuses(sim: ForgeSimulator) -> list[int]:
    return [status for _, path, status in sim.log if path.split("?")[0].endswith("/orgs/acme/repos")]


def test_an_unchanged_org_listing_is_a_304_and_its_stored_repos_are_mined(sim, tmp_path):
    cfg = github_config(tmp_path, sim.url)
    engine = first_run(cfg)
    stored = listings.get_listings(engine, "gh")
    assert {r["full_name"] for _, repos in stored.values() for r in repos} == {
        r.full_name for r in sim.org.repos_of(GITHUB)}
    sim.reset_requests()
    again = mine(cfg, engine)
    assert listing_statuses(sim) == [304]
    assert {r.repo for r in again.repos} == {r.full_name for r in sim.org.repos_of(GITHUB)}


def test_a_changed_listing_is_read_whole_and_full_drops_the_stored_one(sim, tmp_path):
    cfg = github_config(tmp_path, sim.url)
    engine = first_run(cfg)
    (key, (etag, repos)), = listings.get_listings(engine, "gh").items()
    listings.save_listings(engine, "gh", {key: ('W/"changed-since"', repos[:1])})  # as if the org changed
    sim.reset_requests()
    again = mine(cfg, engine)
    assert listing_statuses(sim) == [200] and len(again.repos) == len(repos)
    assert listings.get_listings(engine, "gh") == {key: (etag, repos)}
    clear_cursors(engine, "gh")  # --full
    assert listings.get_listings(engine, "gh") == {}
