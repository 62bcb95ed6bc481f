"""The installed shape of leadsig: one wheel built per test run and unpacked, as `pip install .` lays it out."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def built_wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Built from a clean copy of the tracked tree (a stale build/ folder could smuggle deleted modules into the
    wheel), without build isolation (the test extras bring setuptools and wheel), so it needs no network."""
    out = tmp_path_factory.mktemp("wheel")
    src = tmp_path_factory.mktemp("src") / "leadsig"
    shutil.copytree(ROOT, src, ignore=shutil.ignore_patterns(".venv", ".git", "build", "dist", "*.egg-info",
                                                             "__pycache__", "node_modules", "*.db", "leadsig-demo"))
    done = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
                           "-w", str(out), str(src)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-3000:]
    wheels = list(out.glob("leadsig-*.whl"))
    assert len(wheels) == 1, wheels
    return wheels[0]


@pytest.fixture(scope="session")
def installed_tree(built_wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel unpacked: the folder site-packages would hold."""
    site = tmp_path_factory.mktemp("site")
    with zipfile.ZipFile(built_wheel) as whl:
        whl.extractall(site)
    return site
