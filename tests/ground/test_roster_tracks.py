"""The roster's track:, stage: and stage_since: are checked against the tracks file, each problem on its line."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from leadsig.errors import UserError
from leadsig.roster import load_roster
from leadsig.tracks import load_tracks


def _roster(tmp_path: Path, people: str) -> Path:
    path = tmp_path / "people.yaml"
    path.write_text("people:\n" + people)
    return path


def test_a_person_on_a_track_has_its_stage_and_start(tmp_path: Path) -> None:
    path = _roster(tmp_path, "  - id: ana\n    track: technical\n    stage: early\n    stage_since: 2026-02-02\n")
    (ana,) = load_roster(path, tracks=load_tracks()).people
    assert (ana.track, ana.stage, ana.stage_since) == ("technical", "early", date(2026, 2, 2))


def test_track_mistakes_are_located(tmp_path: Path) -> None:
    path = _roster(tmp_path, """\
  - id: ana
    track: tecnical
    stage: early
  - id: bo
    track: technical
    stage: senior
  - id: cy
    track: technical
  - id: di
    stage_since: 2026-01-01
""")
    with pytest.raises(UserError) as err:
        load_roster(path, tracks=load_tracks())
    found = {(p.line, p.code) for p in err.value.problems}
    assert found == {(3, "unknown-track"), (7, "unknown-stage"), (9, "missing"), (11, "missing")}
    assert "did you mean 'technical'" in str(err.value)
