"""``leadsig tracks validate|show`` and ``leadsig milestone attest|withdraw``: errors located, exit 2; every
attestation and withdrawal stored, in the access log, the export, and gone after forget."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from clirun import run_cli, write_config
from sqlalchemy import select

from leadsig.roster import load_roster
from leadsig.warehouse import people
from leadsig.warehouse.db import open_warehouse
from leadsig.warehouse.track_tables import Attestation, PersonTrack

ROSTER = """\
people:
  - id: ana
    name: Ana
    level: senior
    github: [ana]
    track: technical
    stage: emerging
    stage_since: 2026-01-05
  - id: bo
    name: Bo
  - id: cy
    name: Cy
    track: technical
    stage: early
    opt_out: true
"""


@pytest.fixture
def config(tmp_path: Path) -> Path:
    return write_config(tmp_path, "warehouse: sqlite:///w.db\nroster: people.yaml\nreports: {out_dir: out}\n", ROSTER)



def test_validate_names_file_and_line_of_a_mistake(monkeypatch, capsys, tmp_path: Path) -> None:
    bad = tmp_path / "tracks.yaml"
    bad.write_text("tracks:\n  - id: ops\n    stages:\n      - id: s1\n        months: 3\n        milestones:\n"
                   "          - id: m1\n            measured: {signals: [mentors_in_review], at_least: 1}\n")
    code, _, err = run_cli(monkeypatch, capsys, "tracks", "validate", str(bad), "--config", str(tmp_path / "none.yaml"))
    assert code == 2
    assert f"{bad}:8:" in err and "unknown-indicator" in err and "mentors_in_reviews" in err


def test_validate_the_built_in_track(monkeypatch, capsys, tmp_path: Path) -> None:
    code, out, _ = run_cli(monkeypatch, capsys, "tracks", "validate", "--config", str(tmp_path / "none.yaml"))
    assert code == 0 and "1 track(s), 12 milestones" in out


def test_a_roster_stage_the_track_does_not_have_is_a_located_error(monkeypatch, capsys, config: Path) -> None:
    (config.parent / "people.yaml").write_text(ROSTER.replace("stage: emerging", "stage: emergent"))
    code, _, err = run_cli(monkeypatch, capsys, "milestone", "status", "--person", "ana", "--config", str(config))
    assert code == 2 and "people.yaml:7:" in err and "did you mean 'emerging'" in err


def test_attest_withdraw_are_stored_logged_exported_and_forgotten(monkeypatch, capsys, config: Path) -> None:
    url = "https://docs.example/vision-deck"
    args = ["--person", "ana", "--milestone", "presented-vision", "--config", str(config), "--as", "lead"]
    code, _, _ = run_cli(monkeypatch, capsys, "milestone", "attest", *args, "--evidence", url, "--by", "Dana")
    assert code == 0
    code, _, _ = run_cli(monkeypatch, capsys, "milestone", "withdraw", *args, "--by", "Dana")
    assert code == 0
    code, _, err = run_cli(monkeypatch, capsys, "milestone", "withdraw", *args, "--by", "Dana")
    assert code == 2 and "no standing attestation" in err
    engine = open_warehouse(f"sqlite:///{config.parent / 'w.db'}")
    with engine.connect() as conn:
        (row,) = conn.execute(select(Attestation.evidence_url, Attestation.attested_by, Attestation.withdrawn_by)).all()
        assert tuple(row) == (url, "Dana", "Dana")
        assert conn.execute(select(PersonTrack.stage).where(PersonTrack.person_id == "ana")).scalar() == "emerging"
    roster = load_roster(config.parent / "people.yaml")
    assert [e["action"] for e in people.audit_rows(engine, roster, "ana")] == ["milestone-attest", "milestone-withdraw"]
    people.export_person(engine, roster, "ana", config.parent / "ex", "ana")
    exported = json.loads((config.parent / "ex" / "export-ana" / "export.json").read_text())
    assert [a["evidence_url"] for a in exported["attestations"]] == [url]
    assert exported["track"][0]["stage"] == "emerging"
    assert people.forget_person(engine, roster, "ana", [], [], "admin")["attestations"] == 1
    with engine.connect() as conn:
        assert conn.execute(select(Attestation.id)).all() == []
        assert conn.execute(select(PersonTrack.person_id)).all() == []
    engine.dispose()


@pytest.mark.parametrize(("milestone", "person", "says"), [
    ("mentored-juniors", "ana", "is measured from the forge"),
    ("presented-visoin", "ana", "did you mean 'presented-vision'"),
    ("presented-vision", "bo", "is on no track"),
    ("presented-vision", "cy", "opted out"),
])
def test_attest_refuses_what_cannot_be_attested(monkeypatch, capsys, config, milestone, person, says) -> None:
    code, _, err = run_cli(monkeypatch, capsys, "milestone", "attest", "--person", person, "--milestone", milestone,
                        "--evidence", "https://x.example/a", "--by", "Dana", "--config", str(config))
    assert code == 2 and says in err
