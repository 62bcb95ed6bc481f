"""Every table of the warehouse on one ``Base``: models.py and the modules that keep their tables apart.

Alembic's environment and the drift test read the metadata from here, so a table in a module of its own
(sign-offs, ...) is never missed by a migration check.
"""

from leadsig.warehouse import etags, feedback, invites, listings, month_counts, signoff, track_tables
from leadsig.warehouse.models import Base

__all__ = ["Base", "etags", "feedback", "invites", "listings", "month_counts", "signoff", "track_tables"]
