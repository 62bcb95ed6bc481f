"""The tracks file: the built-in technical track is complete, and a lead's custom file with mistakes gets every
problem at once with its file and line."""

from __future__ import annotations

from pathlib import Path

import pytest

from leadsig.errors import UserError
from leadsig.tracks import load_tracks

INDICATORS = {"mentors_in_reviews", "writes_documentation", "facilitates_async_discussion", "proposes_architecture",
              "documents_decisions", "volunteers_cross_functional", "coordinates_handoffs"}


def test_the_built_in_track_has_the_frameworks_three_stages_and_twelve_milestones() -> None:
    t = load_tracks(known_indicators=INDICATORS).get("technical")
    assert [(s.id, s.months, len(s.milestones)) for s in t.stages] == [("early", 3, 4), ("emerging", 6, 4),
                                                                       ("established", 12, 4)]
    early = {ms.id: ms for ms in t.stage("early").milestones}
    mentor = early["mentored-juniors"].measure
    assert (mentor.indicators, mentor.where, mentor.distinct, mentor.at_least) == (
        ("mentors_in_reviews",), ("merged", "junior_author"), "thread_author", 2)
    assert {ms.kind for ms in t.stage("established").milestones} == {"attested"}


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "tracks.yaml"
    path.write_text(text)
    return path


CUSTOM = """\
tracks:
  - id: operational
    title: Operational leadership
    stages:
      - id: early
        months: three
        milestones:
          - id: fixed-bottlenecks
            measured:
              signals: [identifies_botlenecks]
              distinct: threads
              at_least: 0
          - id: ran-incident
            title: Ran an incident review
          - id: process-docs
            measured:
              activities: [pr_merge]
              at_least: 2
            colour: blue
"""


def test_a_custom_track_with_mistakes_gets_every_problem_with_its_line(tmp_path: Path) -> None:
    path = _write(tmp_path, CUSTOM)
    with pytest.raises(UserError) as err:
        load_tracks(path, known_indicators=INDICATORS | {"identifies_bottlenecks"})
    found = {(p.line, p.code) for p in err.value.problems}
    assert found == {(6, "bad-value"),  # months: three
                     (10, "unknown-indicator"), (11, "bad-value"), (12, "bad-value"),
                     (13, "missing"),  # neither measured nor attested
                     (17, "unknown-kind"), (19, "unknown-key")}
    text = str(err.value)
    assert f"{path}:10:" in text and "did you mean 'identifies_bottlenecks'?" in text
    assert "did you mean 'thread'?" in text


def test_a_valid_custom_track_loads_with_its_own_junior_levels(tmp_path: Path) -> None:
    path = _write(tmp_path, """\
junior_levels: [apprentice]
docs_paths: ["handbook/**"]
tracks:
  - id: hybrid
    stages:
      - id: first
        months: 4
        milestones:
          - id: checkins
            measured: {checkins: mentee, distinct: month, at_least: 2}
          - id: talk
            attested: a lead links the recording
""")
    tracks = load_tracks(path)
    assert tracks.junior_levels == ("apprentice",)
    assert tracks.docs_paths == ("handbook/**",)
    assert load_tracks().docs_paths[0] == "docs/**"  # the built-in file's
    stage, ms = tracks.milestone("hybrid", "checkins")
    assert (stage.id, ms.measure.role, ms.measure.at_least) == ("first", "mentee", 2)


def test_unknown_milestone_names_the_ones_that_exist() -> None:
    with pytest.raises(UserError, match="did you mean 'presented-vision'"):
        load_tracks().milestone("technical", "presented-visoin")


def test_docs_paths_that_are_not_a_list_of_globs_are_an_error_on_their_line(tmp_path: Path) -> None:
    path = _write(tmp_path, "tracks:\n  - id: t\n    stages: []\ndocs_paths: {handbook: yes}\n")
    with pytest.raises(UserError) as err:
        load_tracks(path)
    assert (4, "type") in {(p.line, p.code) for p in err.value.problems}
