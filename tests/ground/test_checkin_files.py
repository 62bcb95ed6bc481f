"""Mentoring check-ins in Markdown: a whole one is read; a broken one is refused with its file and line."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from leadsig.checkins import parse_checkin, read_folder
from leadsig.errors import UserError

TODAY = datetime(2026, 4, 10, tzinfo=UTC)
PEOPLE = {"dana", "ana", "bo"}
GOOD = """\
---
mentor: dana
mentee: ana
month: 2026-03
---
## Focus area
Owning the retry design.
## Progress on last month's goals
Wrote the ADR; two reviews done.
## Challenges
Time zones: reviewers in Sydney.
## Mentor observation
Explains trade-offs clearly.
## Next month's focus
Run the design review.
"""


def test_a_whole_check_in_is_read() -> None:
    record, problems = parse_checkin(GOOD, "c.md", PEOPLE, today=TODAY)
    assert problems == []
    assert (record.mentor_id, record.mentee_id, record.month) == ("dana", "ana", "2026-03")
    assert record.challenges == "Time zones: reviewers in Sydney."


def test_every_problem_is_located() -> None:
    text = (GOOD.replace("mentee: ana", "mentee: anna").replace("month: 2026-03", "month: 2026-05")
            .replace("## Challenges\nTime zones: reviewers in Sydney.\n", "## Blockers\nnone\n")
            .replace("Explains trade-offs clearly.", ""))
    record, problems = parse_checkin(text, "c.md", PEOPLE, today=TODAY)
    assert record is None
    assert {(p.line, p.code) for p in problems} == {(3, "unknown-person"), (4, "bad-value"), (10, "unknown-key"),
                                                   (12, "missing"), (15, "missing")}
    assert any("did you mean 'ana'" in (p.hint or "") for p in problems)


def test_an_issue_author_is_the_mentor_unless_named() -> None:
    text = GOOD.replace("mentor: dana\n", "")
    record, _ = parse_checkin(text, "https://forge/issues/3", PEOPLE, default_mentor="bo", today=TODAY)
    assert record.mentor_id == "bo"


def test_a_folder_with_one_bad_file_stores_nothing_and_names_it(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text(GOOD)
    (tmp_path / "b.md").write_text("no front matter\n")
    with pytest.raises(UserError) as err:
        read_folder(tmp_path, PEOPLE, today=TODAY)
    assert f"{tmp_path / 'b.md'}:1:" in str(err.value)
    (tmp_path / "b.md").write_text(GOOD)
    with pytest.raises(UserError, match="a second check-in of dana with ana for 2026-03"):
        read_folder(tmp_path, PEOPLE, today=TODAY)
