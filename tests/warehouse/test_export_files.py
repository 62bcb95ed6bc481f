"""Export files are safe to open and to keep: no formula a spreadsheet would run, nothing written outside the
output folder whatever the roster id, readable by their owner only, and none left behind unlogged."""

from __future__ import annotations

import csv
import stat
from pathlib import Path

import pytest
from factories import make_activity, make_person, make_resolver
from sqlalchemy import text

from leadsig.roster import Login
from leadsig.warehouse import people, store, trust
from leadsig.warehouse.db import open_warehouse

HOSTILE = ["=HYPERLINK(\"https://evil.example\",\"click\")", "@SUM(1+1)*cmd|' /C calc'!A0", "+cmd", "-2+3"]


def _loaded(url: str, pid: str = "alice"):
    engine = open_warehouse(url)
    resolver = make_resolver(make_person(pid, github=[Login("alice")]), make_person("bob"))
    resolver.suppression = trust.Suppression.load(engine)
    store.sync_roster(engine, resolver.roster, resolver)
    batch = [make_activity(actor_login="alice", body=b, parent_title=b) for b in HOSTILE]
    store.save_batch(engine, "gh", "acme/api", "review_comments", batch, None, resolver)
    return engine, resolver.roster


def test_export_csvs_hold_no_formula(sqlite_url: str, tmp_path: Path) -> None:
    engine, roster = _loaded(sqlite_url)
    people.export_person(engine, roster, "alice", tmp_path, "alice")
    with (tmp_path / "export-alice" / "activities.csv").open(newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    cells = [r["body"] for r in rows] + [r["parent_title"] for r in rows]
    assert len(cells) == 2 * len(HOSTILE)
    assert all(c[0] not in "=+-@\t\r" for c in cells)
    assert sorted({c.lstrip("'") for c in cells}) == sorted(HOSTILE)  # the text is kept, only neutralised


def test_a_roster_id_cannot_steer_the_export_out_of_its_folder(sqlite_url: str, tmp_path: Path) -> None:
    pid = "../../../escaped/x"
    engine, roster = _loaded(sqlite_url, pid)
    out = tmp_path / "a" / "b" / "out"
    files = people.export_person(engine, roster, pid, out, "admin")
    assert len(files) == 13 and all(f.resolve().is_relative_to(out.resolve()) for f in files)
    written = [p for p in tmp_path.rglob("*") if p.is_file() and not p.name.startswith("warehouse.db")]
    assert sorted(written) == sorted(files)


def test_export_files_and_the_sqlite_warehouse_are_private(sqlite_url: str, tmp_path: Path) -> None:
    engine, roster = _loaded(sqlite_url)
    files = people.export_person(engine, roster, "alice", tmp_path, "alice")
    for path in [*files, files[0].parent, Path(sqlite_url.split("///", 1)[1])]:
        assert stat.S_IMODE(path.stat().st_mode) & 0o077 == 0, path


def test_an_export_whose_access_log_entry_fails_leaves_no_files(sqlite_url: str, tmp_path: Path) -> None:
    engine, roster = _loaded(sqlite_url)
    with engine.begin() as conn:
        conn.execute(text("DROP TABLE access_log"))
    with pytest.raises(Exception, match="access_log"):
        people.export_person(engine, roster, "alice", tmp_path, "alice")
    assert [p for p in tmp_path.rglob("*") if not p.name.startswith("warehouse.db")] == []
