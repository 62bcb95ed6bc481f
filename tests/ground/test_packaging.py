"""An install adds one top-level name, `leadsig`, and everything a command needs at run time ships in it."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _top_level_names(wheel: Path) -> set[str]:
    with zipfile.ZipFile(wheel) as whl:
        names = {n.split("/")[0] for n in whl.namelist()}
    return {n for n in names if not n.endswith(".dist-info")}


def test_the_wheel_installs_one_top_level_package(built_wheel: Path) -> None:
    assert _top_level_names(built_wheel) == {"leadsig"}


def test_every_source_package_ships_in_the_wheel(installed_tree: Path) -> None:
    """A package folder forgotten in pyproject.toml would be missing from the wheel but not from the checkout."""
    shipped = {p.parent.relative_to(installed_tree / "leadsig").as_posix()
               for p in (installed_tree / "leadsig").rglob("__init__.py")}
    mapping = {"": "leadsig", "warehouse": "warehouse", "miners": "miners", "rules": "rules",
               "reports": "reports", "flows": "flows", "simulator": "simulator"}
    in_checkout = set()
    for sub, folder in mapping.items():
        for init in (ROOT / folder).rglob("__init__.py"):
            rel = init.parent.relative_to(ROOT / folder).as_posix()
            in_checkout.add("/".join(p for p in (sub, rel) if p and p != "."))
    assert in_checkout - {p if p != "." else "" for p in shipped} == set()


def test_package_data_ships(installed_tree: Path) -> None:
    pkg = installed_tree / "leadsig"
    assert list((pkg / "rules" / "default").glob("*.yaml")), "the default rule pack"
    assert (pkg / "warehouse" / "migrations" / "env.py").is_file(), "Alembic's environment"
    assert list((pkg / "warehouse" / "migrations" / "versions").glob("*.py")), "the migrations"
    assert list((pkg / "reports" / "templates").glob("*.j2")), "the report templates"
    assert (pkg / "flows" / "templates" / "leadsig.yaml").is_file(), "the starter config of `leadsig init`"


def test_the_installed_tree_runs_without_the_checkout(installed_tree: Path, tmp_path: Path) -> None:
    """Run from the unpacked wheel alone: `init`, `db upgrade`, `rules validate` and `report monthly` need
    templates, migrations and the default pack from inside the package, not from the repository folders."""
    env = {**os.environ, "PYTHONPATH": str(installed_tree), "NO_COLOR": "1"}
    run = [sys.executable, "-P", "-m", "leadsig"]  # -P: the working folder is not put on sys.path
    for args in (["init", str(tmp_path)], ["db", "upgrade", "--config", str(tmp_path / "leadsig.yaml")],
                 ["rules", "validate", "--config", str(tmp_path / "leadsig.yaml")],
                 ["report", "monthly", "--month", "2026-10", "--config", str(tmp_path / "leadsig.yaml")]):
        if args[0] == "report":  # a report refuses a warehouse nothing was mined into: record a finished run
            with sqlite3.connect(tmp_path / "leadsig.db") as db:
                db.execute("INSERT INTO mining_runs (started_at, ended_at, status, sources, counts, requests, waits, "
                           "errors) VALUES ('2026-11-01 02:00:00', '2026-11-01 02:05:00', 'ok', '[]', '{}', 0, '[]', "
                           "'{}')")
        done = subprocess.run(run + args, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, (args, done.stdout[-2000:], done.stderr[-2000:])
    probe = "import leadsig, leadsig.rules.language.loader as l; print(leadsig.__file__); print(l.__file__)"
    where = subprocess.run([sys.executable, "-P", "-c", probe], cwd=tmp_path, env=env, capture_output=True,
                           text=True, check=True).stdout
    assert all(line.startswith(str(installed_tree)) for line in where.split()), where
