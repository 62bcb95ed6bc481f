"""Each measured milestone of the built-in technical track: a thread that meets it, and one that falls one short.

"Documentation used" has its own file (test_milestone_documentation_used.py): it counts three ways of use."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.orm import Session
from threads import T0, Threads

from leadsig.reports.milestones import MilestoneStatus, milestone_status
from leadsig.warehouse.db import open_warehouse

AS_OF = datetime(2026, 4, 1, tzinfo=UTC)


@pytest.fixture
def th(warehouse_url: str) -> Iterator[Threads]:
    engine = open_warehouse(warehouse_url)
    yield Threads(engine)
    engine.dispose()


def status(th: Threads, pid: str, milestone: str, as_of: datetime = AS_OF) -> MilestoneStatus:
    with Session(th.engine) as s:
        return {x.milestone_id: x for x in milestone_status(s, pid, as_of)}[milestone]


def _mentor(th: Threads) -> str:
    th.on_track(th.person("mia"))
    for pid in ("jo", "jules"):
        th.person(pid, level="junior")
    th.person("sam", level="senior")
    return "mia"


def test_mentoring_two_juniors_through_merged_prs_meets_it(th: Threads) -> None:
    _mentor(th)
    urls = [th.signal("mia", th.thread(j, merged=True), "mentors_in_reviews", author=j) for j in ("jo", "jules")]
    got = status(th, "mia", "mentored-juniors")
    assert (got.met, got.count, got.threshold) == (True, 2, 2)
    assert [u for u, _ in got.evidence] == urls
    assert "2 distinct thread authors (jo, jules)" in got.why and "merged" in got.why


@pytest.mark.parametrize("second", ["not merged", "senior author", "same junior again"])
def test_one_junior_short_does_not_meet_it(th: Threads, second: str) -> None:
    _mentor(th)
    th.signal("mia", th.thread("jo", merged=True), "mentors_in_reviews", author="jo")
    author = {"not merged": "jules", "senior author": "sam", "same junior again": "jo"}[second]
    th.signal("mia", th.thread(author, merged=second != "not merged"), "mentors_in_reviews", author=author)
    got = status(th, "mia", "mentored-juniors")
    assert (got.met, got.count) == (False, 1)


def test_a_merge_after_as_of_does_not_count_yet(th: Threads) -> None:
    _mentor(th)
    for j in ("jo", "jules"):
        th.signal("mia", th.thread(j, merged=True), "mentors_in_reviews", author=j)
    assert status(th, "mia", "mentored-juniors", as_of=T0 + timedelta(hours=1)).count == 0


def test_a_proposal_in_another_teams_repository_meets_the_cross_team_initiative(th: Threads) -> None:
    th.on_track(th.person("mia"))
    th.repo("acme/ledger", "ledger")
    th.repo("acme/api", "payments")
    th.signal("mia", th.thread("sam", repo="acme/ledger"), "proposes_architecture", repo="acme/ledger", author="sam")
    got = status(th, "mia", "cross-team-initiative")
    assert (got.met, got.count, got.threshold) == (True, 1, 1)


def test_proposals_only_in_the_own_teams_repository_fall_short(th: Threads) -> None:
    th.on_track(th.person("mia"))
    th.repo("acme/api", "payments")
    th.repo("acme/misc", None)  # a repository no team owns is not another team's
    th.signal("mia", th.thread("sam"), "proposes_architecture", author="sam")
    th.signal("mia", th.thread("sam", repo="acme/misc"), "coordinates_handoffs", repo="acme/misc", author="sam")
    got = status(th, "mia", "cross-team-initiative")
    assert (got.met, got.count) == (False, 0)


def test_three_facilitated_discussions_meet_it(th: Threads) -> None:
    th.on_track(th.person("mia"))
    for _ in range(3):
        th.signal("mia", th.thread("sam"), "facilitates_async_discussion", author="sam")
    got = status(th, "mia", "architecture-discussions")
    assert (got.met, got.count, got.threshold) == (True, 3, 3)


def test_three_signals_in_two_discussions_fall_one_short(th: Threads) -> None:
    th.on_track(th.person("mia"))
    first = th.thread("sam")
    th.signal("mia", first, "facilitates_async_discussion", author="sam")
    th.signal("mia", first, "proposes_architecture", at=T0 + timedelta(hours=2), author="sam")
    th.signal("mia", th.thread("sam"), "facilitates_async_discussion", author="sam")
    got = status(th, "mia", "architecture-discussions")
    assert (got.met, got.count) == (False, 2)
    assert len(got.evidence) == 2  # one link per discussion


def test_check_ins_in_three_months_as_mentor_meet_coaching(th: Threads) -> None:
    th.on_track(th.person("mia"), stage="emerging")
    th.person("jo", level="junior")
    for month in ("2026-01", "2026-02", "2026-03"):
        th.checkin("mia", "jo", month)
    got = status(th, "mia", "coached-through-blockers")
    assert (got.met, got.count, got.threshold) == (True, 3, 3)
    assert got.evidence[0] == ("checkins/jo-2026-01.md", got.evidence[0][1])


def test_check_ins_in_two_months_fall_one_short(th: Threads) -> None:
    th.on_track(th.person("mia"), stage="emerging")
    th.person("jo", level="junior")
    th.person("jules", level="junior")
    th.checkin("mia", "jo", "2026-01")
    th.checkin("mia", "jules", "2026-01")
    th.checkin("mia", "jo", "2026-02")
    th.checkin("jo", "mia", "2026-03")  # as mentee: not coaching
    th.checkin("mia", "jo", "2026-04")  # after as_of
    got = status(th, "mia", "coached-through-blockers")
    assert (got.met, got.count) == (False, 2)
