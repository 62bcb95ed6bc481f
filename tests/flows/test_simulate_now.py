"""``leadsig simulate --now``: the same seed and the same --now serve byte-identical data.

Two starts a minute apart used to differ: the org's present was the wall clock (and ``simulate`` had no way
to fix it), so every generated time, and with them ids and order, moved with the start.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import threading
from datetime import UTC, datetime
from typing import Any

import pytest
from typer.testing import CliRunner

from leadsig.errors import UserError
from leadsig.flows.cli import app
from leadsig.simulator import cli as sim_cli

NOW = "2026-11-01T06:00:00Z"


def started(monkeypatch: pytest.MonkeyPatch, *args: str) -> list[Any]:
    """Run ``leadsig simulate ARGS`` until it serves, then stop it; the orgs it built."""
    built: list[Any] = []
    real = sim_cli.build_org

    def build(*a: Any, **kw: Any) -> Any:
        built.append(real(*a, **kw))
        return built[-1]

    real_run = sim_cli.run_simulator
    stop = threading.Event()
    stop.set()  # serve, then stop at once

    def run(*a: Any, **kw: Any) -> None:
        real_run(*a, **{**kw, "stop": stop})

    monkeypatch.setattr(sim_cli, "build_org", build)
    monkeypatch.setattr(sim_cli, "run_simulator", run)
    result = CliRunner().invoke(app, ["simulate", "--size", "tiny", *args])
    assert result.exit_code == 0, result.output
    return built


def test_now_fixes_the_orgs_present(monkeypatch):
    org = started(monkeypatch, "--now", NOW)[0]
    assert org.now == datetime(2026, 11, 1, 6, tzinfo=UTC)


def test_a_bad_now_is_refused_naming_the_option(monkeypatch):
    with pytest.raises(UserError, match="--now"):
        raise CliRunner().invoke(app, ["simulate", "--size", "tiny", "--now", "yesterday"]).exception


SERVE = """
import hashlib, requests
from datetime import datetime
from leadsig.simulator import ForgeSimulator, build_org
org = build_org(5, "tiny", datetime.fromisoformat("2026-11-01T06:00:00+00:00"))
with ForgeSimulator(org) as sim:
    h = hashlib.sha256()
    for path in ["/repos/acme/api/pulls?state=all&per_page=100", "/repos/acme/api/issues/comments?per_page=100",
                 "/repos/acme/api/commits?per_page=100", "/api/v4/projects?per_page=100"]:
        h.update(requests.get(sim.url + path, timeout=10).content.replace(sim.url.split("//")[1].encode(), b"H"))
    print(h.hexdigest())
"""


def test_two_starts_serve_byte_identical_data():
    """Separate processes with different hash seeds: nothing may depend on set order or the clock."""
    digests = set()
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        out = subprocess.run([sys.executable, "-c", SERVE], env=env, capture_output=True, text=True, timeout=120)
        assert out.returncode == 0, out.stderr
        digests.add(hashlib.sha256(out.stdout.encode()).hexdigest())
    assert len(digests) == 1
