"""Each forge's failures leave the miner as the named error of leadsig.errors, whatever library raised them,
so the retry policy can read the type: 5xx and dropped connections are Transient, an exhausted rate limit is
RateLimited with the wait the server asked for, a missing repo NotFound, a refused token Refused."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from mining import FORGES, make, mine_one, repo_of
from stubforge import stub_forge

from leadsig.config import DEFAULT_BOT_PATTERNS, DEFAULT_PATH_GROUPS, Config, ScheduleConfig
from leadsig.errors import NotFound, RateLimited, Refused, Transient
from leadsig.miners.runner import mine_repo
from leadsig.roster import IdentityResolver
from leadsig.simulator import ForgeSimulator
from leadsig.warehouse.db import open_warehouse


@pytest.fixture(scope="module")
def sim() -> Iterator[ForgeSimulator]:
    with ForgeSimulator(size="tiny", seed=11) as s:
        yield s


@pytest.fixture(autouse=True)
def calm(sim: ForgeSimulator) -> Iterator[None]:
    yield
    for knob, off in (("error_rate", 0.0), ("drop_rate", 0.0), ("budget", None)):
        setattr(sim.switches, knob, off)
    sim.faults.reset()


@pytest.mark.parametrize("forge", FORGES)
def test_a_5xx_that_outlasts_the_retries_is_transient(sim: ForgeSimulator, forge: str) -> None:
    sim.switches.error_rate = 1.0
    with pytest.raises(Transient) as caught:
        mine_one(make(forge, sim.url), repo_of(forge))
    assert caught.value.status in (500, 502, 503)


@pytest.mark.parametrize("forge", FORGES)
def test_a_dropped_connection_is_transient(sim: ForgeSimulator, forge: str) -> None:
    sim.switches.drop_rate = 1.0
    with pytest.raises(Transient) as caught:
        mine_one(make(forge, sim.url), repo_of(forge))
    assert caught.value.status is None


@pytest.mark.parametrize("forge", FORGES)
def test_an_exhausted_rate_limit_is_rate_limited_with_the_wait_asked_for(sim: ForgeSimulator, forge: str) -> None:
    sim.switches.budget = 0
    sim.switches.reset_after = 30.0
    with pytest.raises(RateLimited) as caught:
        mine_one(make(forge, sim.url), repo_of(forge))
    assert caught.value.status == (403 if forge == "github" else 429)
    assert caught.value.wait is not None and 20 < caught.value.wait <= 32


@pytest.mark.parametrize("forge", FORGES)
def test_a_missing_repo_is_not_found(sim: ForgeSimulator, forge: str) -> None:
    with pytest.raises(NotFound):
        mine_one(make(forge, sim.url), "acme/does-not-exist")


@pytest.mark.parametrize("forge", FORGES)
def test_a_refused_token_is_refused_and_asked_once(forge: str) -> None:
    body = b'{"message": "Bad credentials"}' if forge == "github" else b'{"message": "401 Unauthorized"}'
    with stub_forge(401, body) as (url, seen), pytest.raises(Refused) as caught:
        make(forge, url, **({"orgs": ["acme"]} if forge == "github" else {"groups": ["acme"]})).list_repos()
    assert caught.value.status == 401
    assert len(seen) == 1  # neither library retries a 401


@pytest.mark.parametrize("forge", FORGES)
def test_a_truncated_body_is_transient(forge: str) -> None:
    with stub_forge(200, b'[{"full_name": "acme/api", "path_with_name') as (url, _), pytest.raises(Transient):
        make(forge, url, **({"orgs": ["acme"]} if forge == "github" else {"groups": ["acme"]})).list_repos()


def test_the_runner_keeps_the_named_error_and_the_librarys_words(sim: ForgeSimulator, tmp_path: Path) -> None:
    """The run summary still shows what the library said; the retry policy gets the type."""
    miner = make("github", sim.url)
    cfg = Config(path=tmp_path / "leadsig.yaml", warehouse=f"sqlite:///{tmp_path / 'w.db'}", roster=None,
                 since=date(2000, 1, 1), rules=["default"], path_groups=dict(DEFAULT_PATH_GROUPS),
                 sources=[miner.source], teams={}, schedule=ScheduleConfig(), reports_out_dir=tmp_path,
                 bot_patterns=DEFAULT_BOT_PATTERNS)
    result = mine_repo(open_warehouse(cfg.warehouse), cfg, miner.source, miner, "acme/does-not-exist",
                       IdentityResolver(None, cfg.bot_patterns))
    assert isinstance(result.exception, NotFound)
    assert result.error is not None and "UnknownObjectException, HTTP 404, Not Found" in result.error
    assert result.error.startswith(f"acme/does-not-exist was not found on source gh (github at {sim.url})")
