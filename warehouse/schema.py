"""Every module that defines warehouse tables, so Alembic and the drift test see the whole schema.

New features keep their models in their own module (sharing ``models.Base``) instead of growing
models.py; a module listed here registers its tables on ``Base.metadata`` when imported.
"""

from __future__ import annotations

import importlib

from sqlalchemy import MetaData

MODEL_MODULES = ("leadsig.warehouse.models", "leadsig.warehouse.signoff")


def load_all_models() -> MetaData:
    """Import every model module; returns the metadata they share."""
    for name in MODEL_MODULES:
        importlib.import_module(name)
    from leadsig.warehouse.models import Base

    return Base.metadata
