"""`leadsig db upgrade` creates the schema on an empty database and is a no-op the second time."""

from __future__ import annotations

from sqlalchemy import inspect

from leadsig.warehouse.db import current_revision, head_revision, make_engine, upgrade

TABLES = {
    "repositories", "people", "identities", "activities", "signals", "cursors", "mining_runs",
    "settings", "suppressions", "access_log",
}


def test_upgrade_creates_schema_then_is_a_noop(warehouse_url: str) -> None:
    engine = make_engine(warehouse_url)
    assert current_revision(engine) is None
    assert upgrade(engine) is True
    assert set(inspect(engine).get_table_names()) >= TABLES
    assert current_revision(engine) == head_revision()
    assert upgrade(engine) is False
    engine.dispose()


def test_sqlite_runs_in_wal_mode(sqlite_url: str) -> None:
    engine = make_engine(sqlite_url)
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"


def test_the_migrations_build_exactly_the_models(warehouse_url: str) -> None:
    """No drift: a column or index added to warehouse/models.py needs its migration, and the reverse."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from leadsig.warehouse.schema import Base

    engine = make_engine(warehouse_url)
    upgrade(engine)
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    engine.dispose()
    assert diff == []
