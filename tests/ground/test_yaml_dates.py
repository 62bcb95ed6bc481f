"""A date-shaped value that is no real date (2025-02-30) names its file, line and column, in any YAML file."""

from __future__ import annotations

from pathlib import Path

import pytest

from leadsig.config import load_config
from leadsig.errors import UserError
from leadsig.roster import load_roster


@pytest.mark.parametrize("value", ["2025-02-30", "2025-13-01", "2025-02-29T10:00:00"])
def test_an_impossible_date_in_the_config_names_its_line(tmp_path: Path, value: str) -> None:
    path = tmp_path / "leadsig.yaml"
    path.write_text(f"warehouse: sqlite:///x.db\n# a comment\nsince: {value}\n", encoding="utf-8")
    with pytest.raises(UserError) as err:
        load_config(path)
    problem = err.value.problems[0]
    assert (problem.file, problem.line, problem.col) == (str(path), 3, 8)
    assert value in problem.message and "not a date" in problem.message
    assert "YYYY-MM-DD" in problem.hint


def test_an_impossible_start_date_in_the_roster_names_its_line(tmp_path: Path) -> None:
    path = tmp_path / "people.yaml"
    path.write_text("people:\n  - id: ann\n    name: Ann\n    start_date: 2023-04-31\n", encoding="utf-8")
    with pytest.raises(UserError) as err:
        load_roster(path)
    problem = err.value.problems[0]
    assert (problem.line, problem.col) == (4, 17)
    assert "day is out of range" in problem.message


def test_real_dates_still_load_as_dates(tmp_path: Path) -> None:
    path = tmp_path / "leadsig.yaml"
    path.write_text("warehouse: sqlite:///x.db\nsince: 2024-02-29\n", encoding="utf-8")
    assert load_config(path).since.isoformat() == "2024-02-29"
