"""The warehouse. Model modules beside ``models.py`` are imported here so that ``Base.metadata`` (Alembic's
``env.py``, ``create_all`` in tests) always holds every table."""

from leadsig.warehouse import etags as _etags  # noqa: F401
from leadsig.warehouse import listings as _listings  # noqa: F401
