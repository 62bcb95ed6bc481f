"""Shared fixtures: a warehouse URL on SQLite and, when LEADSIG_TEST_POSTGRES names a server, on PostgreSQL."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import create_engine, text

PG_ENV = "LEADSIG_TEST_POSTGRES"
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
# compiled Hyperscan databases go to a directory of this run, not the user's cache (rules.matcher.scancache)
if "LEADSIG_TEXTSCAN_CACHE" not in os.environ:
    os.environ["LEADSIG_TEXTSCAN_CACHE"] = tempfile.mkdtemp(prefix="leadsig-textscan-")
    atexit.register(shutil.rmtree, os.environ["LEADSIG_TEXTSCAN_CACHE"], True)


def _pg_database() -> Iterator[str]:
    """A fresh PostgreSQL database per test, dropped afterwards, so tests never see each other's rows."""
    admin_url = os.environ[PG_ENV]
    name = "leadsig_t_" + uuid.uuid4().hex[:12]
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    base, _, _ = admin_url.rpartition("/")
    try:
        yield f"{base}/{name}"
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def warehouse_url(request: pytest.FixtureRequest, tmp_path) -> Iterator[str]:
    """Every warehouse test runs on both backends; PostgreSQL is skipped (with a reason) only when unset."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'warehouse.db'}"
        return
    if not os.environ.get(PG_ENV):
        pytest.skip(f"{PG_ENV} is not set (CI sets it; see .ci/run)")
    yield from _pg_database()


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def module_warehouse_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``warehouse_url`` shared by a module's tests, for fixtures that are costly to build (a served app
    and its browser): the module runs once per backend."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path_factory.mktemp('warehouse') / 'warehouse.db'}"
        return
    if not os.environ.get(PG_ENV):
        pytest.skip(f"{PG_ENV} is not set (CI sets it; see .ci/run)")
    yield from _pg_database()


@pytest.fixture
def sqlite_url(tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'warehouse.db'}"


@pytest.fixture(scope="session")
def prefect_harness():
    """Prefect's local test API, started once per test run (it costs seconds to start)."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """The work-pool test (minutes: a Prefect server, two workers) runs only when ``-m`` asks for it, so the
    default command, which CI runs twice, leaves it to its own line in .ci/run (``-m slow``)."""
    if config.option.markexpr:
        return
    keep = [item for item in items if item.get_closest_marker("workpool") is None]
    if len(keep) != len(items):
        config.hook.pytest_deselected(items=[item for item in items if item not in keep])
        items[:] = keep
