""""Created documentation used by 5+ people": five other people who later reviewed or discussed it in its
thread, edited its files, or linked it from elsewhere; each way with a case that meets it and one one short."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.orm import Session
from threads import T0, Threads

from leadsig.reports.doc_links import shared_index
from leadsig.reports.milestones import MilestoneStatus, milestone_status
from leadsig.tracks import Tracks, load_tracks
from leadsig.warehouse.db import open_warehouse

AS_OF = datetime(2026, 6, 1, tzinfo=UTC)
LATER = T0 + timedelta(days=3)


@pytest.fixture
def th(warehouse_url: str) -> Iterator[Threads]:
    engine = open_warehouse(warehouse_url)
    t = Threads(engine)
    t.on_track(t.person("mia"))
    yield t
    engine.dispose()


def status(th: Threads, as_of: datetime = AS_OF, tracks: Tracks | None = None) -> MilestoneStatus:
    with Session(th.engine) as s:
        return {x.milestone_id: x for x in milestone_status(s, "mia", as_of, tracks)}["documentation-used"]


def docs_commit(th: Threads, paths: tuple[str, ...] = ("docs/setup.md", "src/app.py")) -> str:
    """Mia's documentation commit (no thread): what it wrote is known only from its file list."""
    aid = th.activity("mia", None, "commit", T0, paths=list(paths))
    th.signal_on(aid, "mia", "writes_documentation")
    return aid


def docs_pr(th: Threads, number: int = 77) -> str:
    aid = th.activity("mia", number, "pr_opened", T0, author="mia", paths=["docs/guides/deploy.md"])
    return th.signal_on(aid, "mia", "writes_documentation", number=number)


def readers(th: Threads, n: int, prefix: str = "r") -> list[str]:
    return [th.person(f"{prefix}{i}") for i in range(n)]


# -- edited: later commits or PRs whose file list names one of its documentation files

def test_five_others_later_editing_its_file_meet_it(th: Threads) -> None:
    docs_commit(th)
    people = readers(th, 5)
    for i, pid in enumerate(people[:4]):
        th.activity(pid, None, "commit", LATER + timedelta(days=i), paths=["docs/setup.md"])
    th.activity(people[4], 900, "pr_opened", LATER, author=people[4], paths=["README.md", "docs/setup.md"])
    got = status(th)
    assert (got.met, got.count, got.threshold) == (True, 5, 5)
    assert "r0 edited docs/setup.md" in got.why and "r4 edited docs/setup.md" in got.why
    assert len(got.evidence) == 6  # the documentation itself, then each person's first use


def test_four_editors_and_near_misses_fall_one_short(th: Threads) -> None:
    docs_commit(th)
    people = readers(th, 8)
    for pid in people[:4]:
        th.activity(pid, None, "commit", LATER, paths=["docs/setup.md"])
    th.activity(people[4], None, "commit", LATER, paths=["src/app.py"])  # not a documentation file
    th.activity(people[5], None, "commit", LATER, paths=["docs/setup.md.orig"])  # a longer name
    th.activity(people[6], None, "commit", T0 - timedelta(days=1), paths=["docs/setup.md"])  # before it
    th.activity(people[7], None, "commit", LATER, repo="acme/web", paths=["docs/setup.md"])  # another repository
    th.activity("bot", None, "commit", LATER, bot=True, paths=["docs/setup.md"])
    got = status(th)
    assert (got.met, got.count) == (False, 4)


def test_the_writers_own_later_edits_do_not_count(th: Threads) -> None:
    docs_commit(th)
    for i in range(3):
        th.activity("mia", None, "commit", LATER + timedelta(days=i), paths=["docs/setup.md"])
    th.activity("mia", 901, "pr_opened", LATER, author="mia", paths=["docs/setup.md"])
    for pid in readers(th, 4):
        th.activity(pid, None, "commit", LATER, paths=["docs/setup.md"])
    got = status(th)
    assert (got.met, got.count) == (False, 4)
    assert "mia" not in got.why.split("(", 1)[1]


def test_which_files_are_documentation_comes_from_the_tracks_file(th: Threads, tmp_path) -> None:
    docs_commit(th, paths=("handbook/oncall.txt",))
    for pid in readers(th, 5):
        th.activity(pid, None, "commit", LATER, paths=["handbook/oncall.txt"])
    assert status(th).count == 0  # not documentation by the built-in docs_paths
    custom = tmp_path / "tracks.yaml"
    custom.write_text(load_tracks().path.read_text().replace('docs_paths: ["docs/**"', 'docs_paths: ["handbook/**"'))
    assert (status(th, tracks=load_tracks(custom)).met, status(th, tracks=load_tracks(custom)).count) == (True, 5)


# -- linked: the file's path, blob URL or docs page, or a mention of its PR/issue, in later text anywhere

LINKS = [
    ("acme/web", "See https://github.com/acme/api/blob/main/docs/guides/deploy.md#rollback for the steps."),
    ("acme/api", "Followed docs/guides/deploy.md and it worked."),
    ("acme/web", "The page https://acme.github.io/api/guides/deploy/ answers this."),
    ("acme/web", "Same as acme/api#77, please read it first."),
    ("acme/api", "Covered in #77."),
]


def test_five_others_linking_it_meet_it(th: Threads) -> None:
    docs_pr(th)
    for pid, (repo, body) in zip(readers(th, 5), LINKS, strict=True):
        th.activity(pid, 300, "issue_comment", LATER, repo=repo, body=body)
    got = status(th)
    assert (got.met, got.count) == (True, 5)
    assert "r0 linked docs/guides/deploy.md" in got.why
    assert "r2 linked docs/guides/deploy.md (its page)" in got.why
    assert "r3 mentioned acme/api#77" in got.why and "r4 mentioned acme/api#77" in got.why


def test_four_links_and_near_misses_fall_one_short(th: Threads) -> None:
    docs_pr(th)
    people = readers(th, 9)
    for pid, (repo, body) in zip(people[:4], LINKS[:4], strict=True):
        th.activity(pid, 300, "issue_comment", LATER, repo=repo, body=body)
    misses = [("acme/web", "Followed docs/guides/deploy.md too."),  # a bare path means this repository's file
              ("acme/api", "Fixed in #770 and #7."),  # other numbers
              ("acme/web", "Unrelated: see #77 here."),  # #77 of another repository
              ("acme/api", "See https://github.com/acme/apiary/blob/main/docs/guides/deploy.md"),  # another repo's
              ("acme/api", "Read olddocs/guides/deploy.md")]  # another file
    for pid, (repo, body) in zip(people[4:], misses, strict=True):
        th.activity(pid, 300, "issue_comment", LATER, repo=repo, body=body)
    th.activity("r0", 300, "issue_comment", T0 - timedelta(hours=2), body="Covered in #77.")  # before it
    got = status(th)
    assert (got.met, got.count) == (False, 4)


def test_a_top_level_file_named_without_a_slash_is_found_by_its_name(th: Threads) -> None:
    docs_commit(th, paths=("README.md",))
    bodies = ["Read README.md first", "README.md covers it", "see README.md, then #4", "per README.md", "README.md!"]
    for pid, body in zip(readers(th, 5), bodies, strict=True):
        th.activity(pid, 300, "issue_comment", LATER, body=body)
    th.activity(th.person("other"), 300, "issue_comment", LATER, repo="acme/web", body="README.md")  # its own
    got = status(th)
    assert (got.met, got.count) == (True, 5) and "r2 linked README.md" in got.why


def test_a_runbook_issue_mentioned_by_five_people_meets_it(th: Threads) -> None:
    aid = th.activity("mia", 55, "issue_opened", T0, author="mia")
    th.signal_on(aid, "mia", "writes_documentation", number=55)
    for i, pid in enumerate(readers(th, 5)):
        body = f"Used the runbook https://github.com/acme/api/issues/55 tonight ({i})"
        th.activity(pid, 400 + i, "pr_comment", LATER, repo="acme/ops", body=body)
    assert (status(th).met, status(th).count) == (True, 5)
    assert status(th, as_of=T0 + timedelta(days=1)).count == 0  # the use came later than that


# -- discussed: later reviewers and commenters in its own thread

def _discussed(th: Threads, later: int, earlier: int = 0, bots: int = 0) -> None:
    number = th.thread("mia")
    th.signal("mia", number, "writes_documentation", author="mia")
    for i in range(later + earlier + bots):
        pid = th.person(f"reader{i}")
        at = T0 + timedelta(days=1 + i) if i < later or i >= later + earlier else T0 - timedelta(minutes=5)
        th.activity(pid, number, "pr_review", at, author="mia", bot=i >= later + earlier)
    th.activity("mia", number, "pr_comment", T0 + timedelta(days=9), author="mia")  # the author is no reader


def test_five_others_later_reviewing_meet_it(th: Threads) -> None:
    _discussed(th, later=5)
    got = status(th)
    assert (got.met, got.count, got.threshold) == (True, 5, 5)
    assert "reader0 reviewed acme/api#" in got.why


def test_four_later_reviewers_fall_one_short(th: Threads) -> None:
    _discussed(th, later=4, earlier=1, bots=1)
    got = status(th)
    assert (got.met, got.count) == (False, 4)


def test_ways_add_up_and_a_person_counts_once(th: Threads) -> None:
    docs_pr(th)
    a, b, c, d, e = readers(th, 5)
    th.activity(a, 77, "pr_review", LATER, author="mia")
    th.activity(a, None, "commit", LATER, paths=["docs/guides/deploy.md"])  # a again: still one person
    th.activity(b, None, "commit", LATER, paths=["docs/guides/deploy.md"])
    th.activity(c, 301, "issue_comment", LATER, repo="acme/web", body="see acme/api#77")
    th.activity(d, 302, "pr_comment", LATER, body="as in #77")
    assert (status(th).met, status(th).count) == (False, 4)
    th.activity(e, 78, "pr_opened", LATER, author=e, paths=["docs/guides/deploy.md"])
    got = status(th)
    assert (got.met, got.count) == (True, 5)
    urls = [u for u, _ in got.evidence]
    assert urls[0].startswith("https://github.com/acme/api/pull/77#") and len(urls) == 6


def test_a_report_shares_one_text_index_and_each_writer_gets_their_own_readers(th: Threads) -> None:
    """progress_by_person reads the warehouse's text once for everyone: the answers are the ones worked out
    person by person, and one writer's links to another's documentation count for that other only."""
    docs_pr(th, number=77)
    th.on_track(th.person("noa"))
    aid = th.activity("noa", 88, "issue_opened", T0, author="noa")
    th.signal_on(aid, "noa", "writes_documentation", number=88)
    th.activity("noa", 301, "issue_comment", LATER, repo="acme/web", body="see acme/api#77")
    th.activity("mia", 302, "issue_comment", LATER, repo="acme/web", body="see acme/api#88 and acme/api#77")
    for pid in readers(th, 3):
        th.activity(pid, 303, "issue_comment", LATER, repo="acme/web", body="acme/api#77, acme/api#88")

    def both() -> list[tuple[bool, int, str]]:
        with Session(th.engine) as s:
            return [(st.met, st.count, st.why) for pid in ("mia", "noa") for st in milestone_status(s, pid, AS_OF)
                    if st.milestone_id == "documentation-used"]

    alone = both()
    with shared_index():
        shared = both()
    assert shared == alone
    assert [c for _, c, _ in alone] == [4, 4]  # noa + 3 readers for mia; mia + 3 readers for noa
    assert "noa mentioned acme/api#77" in alone[0][2] and "mia mentioned acme/api#88" in alone[1][2]
