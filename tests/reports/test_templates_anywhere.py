"""Report templates load from the installed package, whatever the working folder (``leadsig demo`` and
``leadsig report`` run from anywhere, not only from a checkout of the repository)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


def test_templates_load_outside_the_repository(tmp_path: Path) -> None:
    code = ("from leadsig.reports.render import html_env, md_env\n"
            "md_env().get_template('monthly.md.j2')\n"
            "md_env().get_template('packet.md.j2')\n"
            "html_env().get_template('monthly.html.j2')\n")
    done = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
