"""Opening the warehouse: engine, SQLite pragmas, and Alembic migrations applied on first use."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

from alembic import command
from alembic.config import Config as AlembicConfig
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.exc import OperationalError

from leadsig.errors import Problem, UserError
from leadsig.warehouse.locks import warehouse_lock

MIGRATIONS = Path(__file__).parent / "migrations"


def make_engine(url: str) -> Engine:
    """Create an engine; SQLite gets WAL and foreign keys so it behaves like the PostgreSQL warehouse."""
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            parent = Path(path).parent
            if not parent.exists():
                raise UserError(
                    Problem(
                        f"folder {parent} does not exist",
                        key="warehouse",
                        hint="create the folder or change the warehouse URL",
                    )
                )
            # the warehouse holds people's data: owner-only, like reports (SQLite gives its -wal and -shm
            # files the database file's permissions)
            with contextlib.suppress(FileExistsError):
                os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
        engine = create_engine(url, connect_args={"timeout": 60})

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn, _record):  # noqa: ANN001 - DB-API objects
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.close()

        return engine
    return create_engine(url, pool_pre_ping=True)


def alembic_config(engine: Engine) -> AlembicConfig:
    cfg = AlembicConfig()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["engine"] = engine
    return cfg


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def head_revision() -> str | None:
    return ScriptDirectory(str(MIGRATIONS)).get_current_head()


def upgrade(engine: Engine) -> bool:
    """Bring the schema to head; returns True when something was applied (False: already current)."""
    try:
        if current_revision(engine) == head_revision():
            return False
        with warehouse_lock(engine, "migrate", timeout=600):  # two first runs at once must not both migrate
            if current_revision(engine) == head_revision():
                return False
            command.upgrade(alembic_config(engine), "head")
    except OperationalError as exc:
        raise UserError(
            Problem(
                f"cannot open the warehouse: {exc.orig}",
                key="warehouse",
                hint="check the warehouse URL and that the database server is running",
            )
        ) from None
    return True


def open_warehouse(url: str) -> Engine:
    """Engine with the schema at head, migrating a new or old database on first use."""
    engine = make_engine(url)
    upgrade(engine)
    return engine


ROLLED_BACK_SQLSTATES = {"40001", "40P01"}  # serialization failure, deadlock detected (PostgreSQL)


def rolled_back(exc: BaseException | None) -> bool:
    """The database gave up on the transaction to let a concurrent one finish: the same batch, tried again,
    commits (its rows and cursor went back together)."""
    orig = getattr(exc, "orig", None)  # SQLAlchemy's DBAPIError wraps the driver's error
    return getattr(orig, "sqlstate", None) in ROLLED_BACK_SQLSTATES
