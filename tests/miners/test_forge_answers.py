"""Answers neither client library questions: a 200 whose body is a login page or JSON cut short is retried
and, when it persists, a Transient error that names the cause; a redirect to another host never receives
the token, and fails the repo with a named error instead."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from mining import FORGES, make, mine_one, repo_of
from stubforge import stub_forge

from leadsig.errors import ForgeError, Transient
from leadsig.simulator import ForgeSimulator

TOKEN = "answers-canary-7Hq2Lm9Zx4"
CAUSES = {"html": "HTML page", "truncated": "cut short"}


@pytest.fixture(scope="module")
def sim() -> Iterator[ForgeSimulator]:
    with ForgeSimulator(size="tiny", seed=11) as s:
        yield s


@pytest.fixture(autouse=True)
def calm(sim: ForgeSimulator, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("LEADSIG_ANSWERS_PAT", TOKEN)
    yield
    sim.switches.bad_body, sim.switches.bad_body_max, sim.switches.redirect_to = "", None, ""
    sim.faults.reset()


@pytest.mark.parametrize("kind", ["html", "truncated"])
@pytest.mark.parametrize("forge", FORGES)
def test_a_bad_body_that_persists_is_transient_and_named(sim: ForgeSimulator, forge: str, kind: str) -> None:
    sim.switches.bad_body = kind
    with pytest.raises(Transient) as caught:
        mine_one(make(forge, sim.url), repo_of(forge))
    assert caught.value.status == 200
    assert CAUSES[kind] in str(caught.value), str(caught.value)


@pytest.mark.parametrize("kind", ["html", "truncated"])
@pytest.mark.parametrize("forge", FORGES)
def test_a_bad_body_once_is_retried_and_mining_goes_on(sim: ForgeSimulator, forge: str, kind: str) -> None:
    sim.switches.bad_body, sim.switches.bad_body_max = kind, 1
    miner = make(forge, sim.url, max_retries=2)
    mine_one(miner, repo_of(forge))
    assert miner.stats.retries == 1
    cause = "an HTML page" if kind == "html" else "JSON cut short"
    assert [reason for reason, _ in miner.stats.waits] == [f"HTTP 200 with {cause}"]


@pytest.mark.parametrize("forge", FORGES)
def test_a_redirect_to_another_host_never_gets_the_token(sim: ForgeSimulator, forge: str) -> None:
    received: list[dict[str, str]] = []
    with stub_forge(200, b"[]", headers=received) as (other, _):
        sim.switches.redirect_to = other.replace("127.0.0.1", "localhost")
        with pytest.raises(ForgeError) as caught:
            mine_one(make(forge, sim.url, token_env="LEADSIG_ANSWERS_PAT"), repo_of(forge))
    assert not isinstance(caught.value, Transient)  # the URL is the fix: another try goes the same way
    assert "redirect" in str(caught.value) and "localhost" in str(caught.value)
    assert not any(TOKEN in value for h in received for value in h.values())
