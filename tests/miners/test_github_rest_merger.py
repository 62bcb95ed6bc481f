"""With ``graphql: false`` a merge is credited to whoever merged the PR, not to its author."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from mining import first_run, mine
from mining import github_config as make_config
from sqlalchemy import Engine, select

from leadsig import activity as k
from leadsig.simulator import GITHUB, ForgeSimulator
from leadsig.warehouse import models as m

EVENTS = "GET /repos/{owner}/{repo}/issues/events"


@pytest.fixture
def sim() -> Iterator[ForgeSimulator]:
    with ForgeSimulator(size="tiny", seed=7) as s:
        yield s


def mergers(engine: Engine) -> dict[str, str]:
    with engine.connect() as conn:
        rows = conn.execute(select(m.Activity.native_id, m.Activity.actor_login)
                            .where(m.Activity.kind == k.PR_MERGED)).all()
    return dict(rows)


def test_rest_credits_each_merge_to_the_merger(sim, tmp_path):
    engine = first_run(make_config(tmp_path, sim.url, graphql=False))
    truth = {f"{p.repo}#{p.number}": p.merged_by.gh_login for p in sim.org.all_pulls(GITHUB) if p.merged_at}
    assert any(p.merged_by is not p.author for p in sim.org.all_pulls(GITHUB) if p.merged_at)  # else proves nothing
    assert mergers(engine) == truth
    assert sim.request_count("POST /graphql") == 0
    per_pr = sim.request_count("GET /repos/{owner}/{repo}/pulls/{number}")
    assert per_pr == 0  # every merger came from the events listing, none from a per-PR call


def test_a_merge_since_the_last_run_is_credited_to_its_merger_and_old_merges_keep_theirs(sim, tmp_path):
    cfg = make_config(tmp_path, sim.url, graphql=False)
    engine = first_run(cfg)
    before = mergers(engine)
    pr = next(p for p in sim.org.all_pulls(GITHUB) if p.state == "open")
    merger = next(p for p in sim.org.people if p is not pr.author and p.gh_login)
    at = sim.org.now + timedelta(hours=1)
    with sim.org.lock:
        pr.state, pr.merged_at, pr.closed_at, pr.merged_by = "merged", at, at, merger
        pr.touch(at)
    sim.reset_requests()
    mine(cfg, engine)
    assert mergers(engine) == {**before, f"{pr.repo}#{pr.number}": merger.gh_login}
    assert sim.request_count(EVENTS) == 1  # one page of events reaches back to the new merge


def test_etags_left_behind_by_wiped_cursors_do_not_skip_a_stream(sim, tmp_path):
    """Cursors and activities restored or wiped by hand (not through --full): the probes ask afresh."""
    from sqlalchemy import delete

    from leadsig.warehouse import models as m2

    cfg = make_config(tmp_path, sim.url)
    engine = first_run(cfg)
    before = mergers(engine)
    with engine.begin() as conn:
        conn.execute(delete(m2.Activity))
        conn.execute(delete(m2.Cursor))
    mine(cfg, engine)
    assert mergers(engine) == before
