"""Rotations in the monthly report: who held which role, the turn's evidence under what the role asks for,
and each signal of the turn marked; turns of people the report may not name are left out."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

from leadsig.errors import UserError
from leadsig.reports.monthly import build_monthly
from leadsig.warehouse.trust import access_entries

TURNS = """\
rotations:
  - {person: ana, role: sprint-lead, team: payments, from: 2026-10-05, to: 2026-10-18, note: Sprint 42}
  - {person: cy, role: sprint-lead, team: search, from: 2026-10-05, to: 2026-10-18}
  - {person: gone, role: release-captain, team: payments, from: 2026-10-01, to: 2026-10-31}
  - {person: ana, role: sprint-lead, team: payments, from: 2026-11-02, to: 2026-11-15}
"""


def _at(day: int) -> datetime:
    return datetime(2026, 10, day, 12, tzinfo=UTC)


@pytest.fixture
def month(wh):
    wh.person("ana", name="Ana Lima")
    wh.person("bo", name="Bo Berg")
    wh.person("cy", name="Cy Diaz", team="search")
    wh.signal("ana", indicator="proposes_architecture", title="Sprint 42 plan", at=_at(6))
    wh.signal("ana", signal_type="operational", indicator="identifies_bottlenecks", title="Blocked on infra",
              at=_at(9))
    wh.signal("ana", signal_type="communication", indicator="summarizes_for_timezones", title="Sprint 42 recap",
              at=_at(18))
    wh.signal("ana", indicator="reviews_proactively", title="A review in the turn", at=_at(10))
    wh.signal("ana", indicator="reviews_proactively", title="A review after the turn", at=_at(19))
    wh.signal("bo", title="Bo's review", at=_at(10))
    (wh.tmp_path / "rotations.yaml").write_text(TURNS)
    cfg = wh.config(min_group_size=1)
    cfg.rotations = wh.tmp_path / "rotations.yaml"
    return wh, cfg


def _section(md: str) -> str:
    return md.split("## Rotations\n", 1)[1].split("\n## ", 1)[0]


def test_who_held_which_role_and_the_evidence_of_the_turn(month) -> None:
    wh, cfg = month
    md = build_monthly(wh.engine, cfg, "2026-10", team="payments", viewer="lead")["md"].read_text()
    rotations = _section(md)
    assert "| sprint-lead | payments | Ana Lima | 2026-10-05 | 2026-10-18 |" in rotations
    assert "search" not in rotations and "release-captain" not in rotations  # other team; a forgotten person
    assert "2026-11-02" not in rotations  # a turn of another month
    turn = rotations.split("### sprint-lead, payments: Ana Lima, 2026-10-05 to 2026-10-18\n", 1)[1]
    assert "Note: Sprint 42" in turn
    lines = [line for line in turn.splitlines() if line.startswith("- ")]
    assert lines == ["- Plans posted: 1", "- Blockers escalated: 1", "- Outcomes summarised: 1",
                     "- Other signals during the turn: 1"]
    assert "Sprint 42 plan" in turn and "Blocked on infra" in turn and "Sprint 42 recap" in turn
    assert "A review after the turn" not in turn
    assert [e["action"] for e in access_entries(wh.engine, "ana")] == ["report-monthly"]


def test_signals_during_a_turn_are_marked_in_the_persons_section(month) -> None:
    wh, cfg = month
    md = build_monthly(wh.engine, cfg, "2026-10", team="payments")["md"].read_text()
    marked = [line for line in md.splitlines() if "(during their sprint-lead (payments) turn)" in line]
    assert len(marked) == 4 and all("Bo" not in line for line in marked)
    assert not any("A review after the turn" in line for line in marked)
    html = build_monthly(wh.engine, cfg, "2026-10", team="payments")["html"].read_text()
    assert html.count('<span class="turn">(during their sprint-lead (payments) turn)</span>') == 4
    assert '<section id="rotations">' in html


def test_no_rotations_section_without_a_file_or_without_per_person_sections(month) -> None:
    wh, cfg = month
    off = build_monthly(wh.engine, _no_people(cfg), "2026-10")["md"].read_text()
    assert "## Rotations" not in off and "Ana Lima" not in off
    cfg.rotations = None
    assert "## Rotations" not in build_monthly(wh.engine, cfg, "2026-10")["md"].read_text()


def _no_people(cfg):
    return replace(cfg, reports=replace(cfg.reports, per_person=False))


def test_a_broken_rotations_file_stops_the_report_before_anything_is_written(month) -> None:
    wh, cfg = month
    Path(cfg.rotations).write_text(TURNS + "  - {person: ana, role: sprint-lead, from: 2026-10-40, to: x}\n")
    with pytest.raises(UserError) as err:
        build_monthly(wh.engine, cfg, "2026-10")
    assert {p.line for p in err.value.problems} == {6}
    assert not (wh.tmp_path / "out").exists()
