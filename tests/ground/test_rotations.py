"""The rotations file: turns read as written, every mistake named with its line, all at once."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from leadsig.config import load_config
from leadsig.errors import UserError
from leadsig.rotations import load_rotations

GOOD = """\
rotations:
  - person: ana
    role: sprint-lead
    team: payments
    from: 2026-10-01
    to: 2026-10-14
  - {person: bo, role: release-captain, from: 2026-09-20, to: 2026-09-30, note: "v2 release"}
"""


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "rotations.yaml"
    path.write_text(text)
    return path


def test_turns_are_read_in_date_order(tmp_path: Path) -> None:
    turns = load_rotations(_write(tmp_path, GOOD), known_people={"ana", "bo"}, known_teams={"payments"})
    assert [(t.person, t.role, t.team, t.start, t.end) for t in turns] == [
        ("bo", "release-captain", None, date(2026, 9, 20), date(2026, 9, 30)),
        ("ana", "sprint-lead", "payments", date(2026, 10, 1), date(2026, 10, 14)),
    ]
    assert turns[1].line == 2 and turns[0].note == "v2 release"
    assert turns[1].overlaps(date(2026, 10, 14), date(2026, 10, 20))
    assert not turns[1].overlaps(date(2026, 10, 15), date(2026, 10, 20))


def test_every_mistake_is_reported_with_its_line(tmp_path: Path) -> None:
    text = """\
rotations:
  - person: anna
    role: Sprint Lead
    team: paymnets
    from: 2026-10-14
    to: 2026-10-01
  - person: bo
    role: sprint-lead
    from: someday
    colour: blue
  - role: sprint-lead
    from: 2026-10-01
    to: 2026-10-02
"""
    with pytest.raises(UserError) as err:
        load_rotations(_write(tmp_path, text), known_people={"ana", "bo"}, known_teams={"payments"})
    got = {(p.line, p.key, p.code) for p in err.value.problems}
    assert got == {
        (2, "rotations[0].person", "unknown-person"), (3, "rotations[0].role", "bad-value"),
        (4, "rotations[0].team", "unknown-team"), (6, "rotations[0].to", "bad-value"),
        (9, "rotations[1].from", "type"), (10, "rotations[1].colour", "unknown-key"),
        (7, "rotations[1].to", "missing"), (11, "rotations[2].person", "missing"),
    }
    hints = {p.key: p.hint for p in err.value.problems}
    assert hints["rotations[0].person"] == "did you mean 'ana'?"
    assert "rotations.yaml:2" in str(err.value)


def test_the_same_turn_twice_is_a_duplicate(tmp_path: Path) -> None:
    text = GOOD + "  - {person: ana, role: sprint-lead, team: payments, from: 2026-10-10, to: 2026-10-20}\n"
    with pytest.raises(UserError) as err:
        load_rotations(_write(tmp_path, text))
    (problem,) = err.value.problems
    assert problem.line == 8 and problem.code == "duplicate" and "line 2" in problem.message


@pytest.mark.parametrize("text", ["rotations: 3\n", "people: []\n", "- a\n"])
def test_wrong_shape_names_the_fix(tmp_path: Path, text: str) -> None:
    with pytest.raises(UserError) as err:
        load_rotations(_write(tmp_path, text))
    assert err.value.problems[0].line == 1 and "rotations:" in (err.value.problems[0].hint or "")


def test_an_empty_file_has_no_turns(tmp_path: Path) -> None:
    assert load_rotations(_write(tmp_path, "")) == []
    assert load_rotations(_write(tmp_path, "rotations: []\n")) == []


def test_config_names_the_file_relative_to_itself(tmp_path: Path) -> None:
    (tmp_path / "leadsig.yaml").write_text("rotations: team/rotations.yaml\n")
    assert load_config(tmp_path / "leadsig.yaml").rotations == tmp_path / "team" / "rotations.yaml"
    (tmp_path / "leadsig.yaml").write_text("rotations: [a]\n")
    with pytest.raises(UserError) as err:
        load_config(tmp_path / "leadsig.yaml")
    assert err.value.problems[0].key == "rotations" and err.value.problems[0].line == 1
