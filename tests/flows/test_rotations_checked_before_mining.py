"""The rotations file is checked against the roster when a run starts: a misspelt id is named with its line
before anything is mined or written (the reports then trust the file)."""

from __future__ import annotations

from pathlib import Path

import pytest

from leadsig.config import load_config
from leadsig.errors import UserError
from leadsig.flows.pipeline import prepare


def test_a_misspelt_person_in_the_rotations_file_stops_the_run(tmp_path: Path) -> None:
    (tmp_path / "people.yaml").write_text("people:\n  - {id: ana, name: Ana Lima}\n")
    (tmp_path / "rotations.yaml").write_text(
        "rotations:\n  - {person: ana, role: sprint-lead, from: 2026-10-01, to: 2026-10-14}\n"
        "  - {person: anna, role: sprint-lead, from: 2026-10-15, to: 2026-10-28}\n")
    (tmp_path / "leadsig.yaml").write_text("warehouse: sqlite:///w.db\nroster: people.yaml\n"
                                           "rotations: rotations.yaml\nrules: []\n")
    with pytest.raises(UserError) as err:
        prepare(load_config(tmp_path / "leadsig.yaml"))
    (problem,) = err.value.problems
    assert (problem.file, problem.line, problem.key) == (str(tmp_path / "rotations.yaml"), 3, "rotations[1].person")
    assert problem.hint == "did you mean 'ana'?"
    assert not (tmp_path / "w.db").exists()
