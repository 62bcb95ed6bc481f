"""Stored check-ins are in the mentee's audit (when they arrive or change, not every night) and export."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from leadsig.config import CheckinsConfig
from leadsig.roster import IdentityResolver, Person, Roster
from leadsig.warehouse import people, store, trust
from leadsig.warehouse.db import open_warehouse
from leadsig.warehouse.tracks import sync_checkins

TODAY = datetime(2026, 4, 10, tzinfo=UTC)
BODY = ("---\nmentor: dana\nmentee: ana\nmonth: 2026-02\n---\n## Focus area\n{focus}\n"
        "## Progress on last month's goals\np\n## Challenges\nc\n## Mentor observation\no\n## Next month's focus\nn\n")


@pytest.fixture
def engine(warehouse_url: str):
    engine = open_warehouse(warehouse_url)
    yield engine
    engine.dispose()


def test_a_check_in_is_logged_when_stored_or_changed_and_exported(engine, tmp_path: Path) -> None:
    roster = Roster([Person(pid, pid.title()) for pid in ("dana", "ana")])
    store.sync_roster(engine, roster, IdentityResolver(roster))
    folder = tmp_path / "checkins"
    folder.mkdir()
    (folder / "ana-2026-02.md").write_text(BODY.format(focus="testing"))
    cfg = CheckinsConfig(folder=folder)
    sync_checkins(engine, cfg, roster, TODAY)
    sync_checkins(engine, cfg, roster, TODAY)  # the nightly run again, nothing changed: no new entry
    (folder / "ana-2026-02.md").write_text(BODY.format(focus="on-call"))
    sync_checkins(engine, cfg, roster, TODAY)
    entries = trust.access_entries(engine, "ana")
    assert [(e["action"], e["detail"]["month"]) for e in entries] == [("checkin-store", "2026-02")] * 2
    assert trust.access_entries(engine, "dana") == []  # the record is about the mentee
    people.export_person(engine, roster, "ana", tmp_path / "ex", "ana")
    exported = json.loads((tmp_path / "ex" / "export-ana" / "export.json").read_text())
    assert [(c["mentor_id"], c["month"], c["focus_area"]) for c in exported["checkins"]] == [
        ("dana", "2026-02", "on-call")]
    assert [e["action"] for e in people.audit_rows(engine, roster, "ana")] == ["checkin-store"] * 2 + ["export"]
