"""Check-ins are stored from the folder and from labelled issues already mined; a broken one stores none;
an opted-out person's are refused; forget removes the ones about them and keeps the mentor's as a pseudonym."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import insert, select

from leadsig.config import CheckinsConfig
from leadsig.errors import UserError
from leadsig.roster import IdentityResolver, Person, Roster
from leadsig.warehouse import models as m
from leadsig.warehouse import store, trust
from leadsig.warehouse.db import open_warehouse
from leadsig.warehouse.track_tables import CheckIn
from leadsig.warehouse.tracks import sync_checkins

TODAY = datetime(2026, 4, 10, tzinfo=UTC)
BODY = ("---\nmentor: {mentor}\nmentee: {mentee}\nmonth: {month}\n---\n## Focus area\nf\n"
        "## Progress on last month's goals\np\n## Challenges\nc\n## Mentor observation\no\n## Next month's focus\nn\n")


def _issue(engine, n: int, body: str, labels: list[str], repo: str = "acme/mentoring", author: str = "dana") -> str:
    url = f"https://github.com/{repo}/issues/{n}"
    with engine.begin() as conn:
        conn.execute(insert(m.Activity), [{
            "id": f"github:github.com:issue_opened:{repo}#{n}", "forge": "github", "host": "github.com",
            "kind": "issue_opened", "native_id": f"{repo}#{n}", "repo": repo, "actor_login": author,
            "person_id": author, "occurred_at": TODAY, "url": url, "parent_number": n, "parent_labels": labels,
            "body": body, "content_hash": "x", "mined_at": TODAY}])
    return url


@pytest.fixture
def engine(warehouse_url: str):
    engine = open_warehouse(warehouse_url)
    yield engine
    engine.dispose()


def _roster(opted_out: str | None = None) -> Roster:
    return Roster([Person(pid, pid.title(), opt_out=pid == opted_out) for pid in ("dana", "ana", "bo")])


def test_folder_and_labelled_issues_are_stored(engine, tmp_path: Path) -> None:
    (tmp_path / "ana-2026-02.md").write_text(BODY.format(mentor="dana", mentee="ana", month="2026-02"))
    url = _issue(engine, 1, BODY.format(mentor="dana", mentee="ana", month="2026-03").replace("mentor: dana\n", ""),
                 ["mentoring-checkin"])
    _issue(engine, 2, "not a check-in", ["bug"])
    _issue(engine, 3, "elsewhere", ["mentoring-checkin"], repo="acme/api")
    cfg = CheckinsConfig(folder=tmp_path, repo="acme/mentoring")
    assert sync_checkins(engine, cfg, _roster(), TODAY) == {"files": 1, "issues": 1}
    assert sync_checkins(engine, cfg, _roster(), TODAY) == {"files": 1, "issues": 1}  # again: replaced, not doubled
    with engine.connect() as conn:
        rows = conn.execute(select(CheckIn.month, CheckIn.mentor_id, CheckIn.source).order_by(CheckIn.month)).all()
    assert [tuple(r) for r in rows] == [("2026-02", "dana", str(tmp_path / "ana-2026-02.md")),
                                        ("2026-03", "dana", url)]


def test_a_broken_issue_stores_nothing_and_is_named(engine, tmp_path: Path) -> None:
    (tmp_path / "ana-2026-02.md").write_text(BODY.format(mentor="dana", mentee="ana", month="2026-02"))
    url = _issue(engine, 1, BODY.format(mentor="dana", mentee="ann", month="2026-03"), ["mentoring-checkin"])
    with pytest.raises(UserError, match=f"{url}:3:"):
        sync_checkins(engine, CheckinsConfig(folder=tmp_path, repo="acme/mentoring"), _roster(), TODAY)
    with engine.connect() as conn:
        assert conn.execute(select(CheckIn.id)).all() == []


def test_an_opted_out_mentee_is_refused(engine, tmp_path: Path) -> None:
    (tmp_path / "bo.md").write_text(BODY.format(mentor="dana", mentee="bo", month="2026-02"))
    with pytest.raises(UserError, match="'bo' is not on the roster"):
        sync_checkins(engine, CheckinsConfig(folder=tmp_path), _roster(opted_out="bo"), TODAY)


def test_forget_removes_check_ins_about_them_and_hides_them_as_mentor(engine, tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text(BODY.format(mentor="dana", mentee="ana", month="2026-02"))
    (tmp_path / "b.md").write_text(BODY.format(mentor="ana", mentee="bo", month="2026-02"))
    sync_checkins(engine, CheckinsConfig(folder=tmp_path), _roster(), TODAY)
    counts = trust.forget(engine, "ana", [], [], "admin")
    assert counts["checkins"] == 1
    with engine.connect() as conn:
        (row,) = conn.execute(select(CheckIn.mentor_id, CheckIn.mentee_id)).all()
    assert row[1] == "bo" and row[0].startswith("anon-")


def test_opting_out_deletes_the_check_ins_about_them(engine, tmp_path: Path) -> None:
    (tmp_path / "bo.md").write_text(BODY.format(mentor="dana", mentee="bo", month="2026-02"))
    sync_checkins(engine, CheckinsConfig(folder=tmp_path), _roster(), TODAY)
    roster = _roster(opted_out="bo")
    store.sync_roster(engine, roster, IdentityResolver(roster))
    with engine.connect() as conn:
        assert conn.execute(select(CheckIn.id)).all() == []
