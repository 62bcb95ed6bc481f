"""Who is asking: the name the access log records for a report, an export or a sign-off."""

from __future__ import annotations

import getpass
import os


def viewer_name(as_name: str | None = None) -> str:
    """``--as NAME`` when given, else the operating-system user."""
    if as_name:
        return as_name
    try:
        return getpass.getuser()
    except Exception:  # no passwd entry in some containers
        return os.environ.get("USER", "unknown")
