"""Kill a real `leadsig mine` process with SIGKILL at many points; a re-run must end like an uninterrupted run."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from dumps import dump, wipe
from simconfig import write_sim_config

from leadsig.simulator.server import ForgeSimulator
from leadsig.warehouse.db import open_warehouse

KILL_POINTS = 20
pytestmark = pytest.mark.slow


def _mine(cfg: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "leadsig", "mine", "--config", str(cfg)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env={**os.environ, "NO_COLOR": "1"})


def _kill_at(proc: subprocess.Popen, sim: ForgeSimulator, requests: int | None, seconds: float | None) -> bool:
    """SIGKILL once the simulator has served ``requests`` requests (or after ``seconds``); False if it ended first."""
    start = time.monotonic()
    while proc.poll() is None:
        hit = requests is not None and sim.request_count() >= requests
        late = seconds is not None and time.monotonic() - start >= seconds
        if hit or late:
            proc.send_signal(signal.SIGKILL)
            proc.wait()
            return True
        time.sleep(0.002)
    return False


def test_killed_runs_resume_to_the_same_warehouse(tmp_path: Path, warehouse_url: str) -> None:
    engine = open_warehouse(warehouse_url)
    with ForgeSimulator(size="tiny", seed=21) as sim:
        sim.switches.latency = 0.003  # spread the run out so kills land mid-page and between batches
        cfg = write_sim_config(tmp_path / "leadsig.yaml", sim.url, warehouse_url)
        sim.reset_requests()
        t0 = time.monotonic()
        assert _mine(cfg).wait() == 0
        run_seconds = time.monotonic() - t0
        total = sim.request_count()
        expected = dump(engine)
        assert expected["activities"], "the uninterrupted run stored nothing"
        # request thresholds over the whole mining phase, then a few time points at its end (classification)
        points: list[tuple[int | None, float | None]] = [
            (max(1, total * i // (KILL_POINTS - 3)), None) for i in range(1, KILL_POINTS - 2)
        ]
        points += [(None, run_seconds * f) for f in (0.9, 0.97, 1.0)]
        killed = 0
        for requests, seconds in points:
            wipe(engine)
            sim.reset_requests()
            killed += _kill_at(_mine(cfg), sim, requests, seconds)
            assert _mine(cfg).wait() == 0
            assert dump(engine) == expected, f"differs after a kill at requests={requests} seconds={seconds}"
    assert killed >= KILL_POINTS - 3
