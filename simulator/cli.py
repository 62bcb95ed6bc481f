"""``leadsig simulate``: serve the forge simulator until Ctrl-C (the lead wires Typer to this)."""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from pathlib import Path

from leadsig.simulator.faults import Switches
from leadsig.simulator.generate import build_org
from leadsig.simulator.roster import write_config
from leadsig.simulator.server import ForgeSimulator


def run_simulator(
    port: int = 0,
    size: str = "small",
    seed: int = 42,
    write_config_path: Path | None = None,
    *,
    now: datetime | None = None,
    host: str = "127.0.0.1",
    error_rate: float = 0.0,
    drop_rate: float = 0.0,
    slow_rate: float = 0.0,
    latency: float = 0.0,
    budget: int | None = None,
    secondary_every: int = 0,
    stop: threading.Event | None = None,
    echo: object = print,
) -> None:
    """Build the org (``now`` defaults to the real current time, so data covers the last ~6 months),
    serve it, print the URL, optionally write a config + roster, and block until Ctrl-C or ``stop`` is set."""
    org = build_org(seed, size, now or datetime.now(UTC))
    switches = Switches(
        budget=budget,
        error_rate=error_rate,
        drop_rate=drop_rate,
        slow_rate=slow_rate,
        latency=latency,
        secondary_every=secondary_every,
    )
    say = echo if callable(echo) else print
    with ForgeSimulator(org, host=host, port=port, switches=switches) as sim:
        say(f"forge simulator: {sim.url}  (GitHub: {sim.url} or {sim.url}/api/v3, GitLab: {sim.url}/api/v4)")
        counts = org.counts()
        say("  " + ", ".join(f"{k}={v}" for k, v in counts.items()))
        if write_config_path is not None:
            cfg, roster = write_config(org, sim.url, Path(write_config_path))
            say(f"  wrote {cfg} and {roster}")
        say("  Ctrl-C to stop")
        waiter = stop or threading.Event()
        try:
            while not waiter.wait(0.5):
                pass
        except KeyboardInterrupt:
            say("stopped")
