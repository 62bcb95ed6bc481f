"""An unknown --person is answered with the roster ids it most likely meant: by id, by name or first name."""

from __future__ import annotations

import pytest

from leadsig.errors import UserError
from leadsig.roster import Person, Roster, person_hint

PEOPLE = [("uma-kapoor", "Uma Kapoor"), ("viktor-patel", "Viktor Patel"), ("uma-ito", "Uma Ito"),
          ("jonas-moreau", "Jonas Moreau")]


def test_a_first_name_suggests_every_person_of_that_name() -> None:
    hint = person_hint("Uma", PEOPLE)
    assert hint == ("did you mean 'uma-ito' (Uma Ito) or 'uma-kapoor' (Uma Kapoor)? "
                    "--person takes a roster id, not a name")


def test_a_full_name_or_a_surname_suggests_the_id() -> None:
    assert person_hint("Viktor Patel", PEOPLE) == (
        "did you mean 'viktor-patel' (Viktor Patel)? --person takes a roster id, not a name")
    assert "'jonas-moreau'" in (person_hint("moreau", PEOPLE) or "")


def test_a_typo_in_an_id_suggests_the_id() -> None:
    assert person_hint("viktor-patell", PEOPLE) == "did you mean 'viktor-patel' (Viktor Patel)?"


def test_nothing_close_suggests_nothing() -> None:
    assert person_hint("zzz", PEOPLE) is None


def test_roster_get_carries_the_suggestion() -> None:
    roster = Roster([Person(pid, name) for pid, name in PEOPLE])
    with pytest.raises(UserError) as err:
        roster.get("Uma")
    assert "did you mean 'uma-ito' (Uma Ito) or 'uma-kapoor' (Uma Kapoor)?" in err.value.problems[0].hint
