"""Alembic environment: runs on the engine leadsig hands over (no alembic.ini needed)."""

from alembic import context
from sqlalchemy import create_engine

import leadsig.warehouse.etags  # noqa: F401 - its table, on Base.metadata
from leadsig.warehouse.models import Base

config = context.config
engine = config.attributes.get("engine") or create_engine(config.get_main_option("sqlalchemy.url"))

with engine.begin() as connection:
    context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()
