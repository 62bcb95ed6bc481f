"""A folder whose config points at the forge simulator on loopback, when the simulator is not running (the
demo's folder after the demo): `leadsig mine` says so at once, and how to start it, instead of retrying for
half a minute into a raw ConnectionError. Nothing is written."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

from leadsig.simulator import ForgeSimulator
from leadsig.simulator.roster import write_config


def test_mine_says_the_simulator_is_not_running(tmp_path: Path) -> None:
    with ForgeSimulator(size="tiny", seed=7) as sim:  # the config a simulator wrote, as the demo does
        config, _ = write_config(sim.org, sim.url, tmp_path / "leadsig.yaml")
        port = int(sim.url.rsplit(":", 1)[1])
    with socket.socket() as probe:
        assert probe.connect_ex(("127.0.0.1", port)) != 0  # stopped: nothing listens there now
    started = time.monotonic()
    proc = subprocess.run([sys.executable, "-m", "leadsig", "mine"], cwd=tmp_path, capture_output=True, text=True,
                          env=dict(os.environ), timeout=300)
    elapsed = time.monotonic() - started
    err = " ".join(proc.stderr.split())  # Rich wraps long lines
    assert proc.returncode == 2, err
    assert "simulator is not running" in err and f"leadsig simulate --port {port}" in err
    assert "sources[0].url" in err and "ConnectionError" not in err
    assert elapsed < 15, f"took {elapsed:.1f} s"
    assert not (tmp_path / "leadsig.db").exists()  # refused before anything was written
