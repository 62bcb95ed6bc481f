"""`leadsig demo`: the whole pipeline offline against the built-in forge simulator, into SQLite.

It starts the simulator (GitHub and GitLab parts) on loopback with a generated organisation of a few
teams across several timezones and six months of activity, writes a config and roster for it, runs the
nightly flow through Prefect, writes the reports of the last complete month and one evidence pack, and
prints where they are.
"""

from __future__ import annotations

import contextlib
import shutil
import time
from datetime import UTC, datetime
from pathlib import Path

from rich.console import Console
from sqlalchemy import func, select

from leadsig.simulator.server import ForgeSimulator

console = Console(stderr=True)
DEMO_SIZE = "small"
DEMO_SEED = 7


def run_demo(workdir: Path, size: str = DEMO_SIZE, seed: int = DEMO_SEED, fresh: bool = True,
             sim: ForgeSimulator | None = None) -> dict[str, Path]:
    """Run the demo; ``sim`` lets a caller keep the simulator running afterwards (tests follow the links)."""
    from leadsig.logs import offline_prefect

    offline_prefect()
    from leadsig.flows.nightly import monthly_report, nightly
    from leadsig.reports.data import last_complete_month
    from leadsig.simulator.mentoring import add_checkins
    from leadsig.simulator.roster import write_config

    started = time.monotonic()
    if fresh and workdir.exists():
        for target in [*workdir.glob("leadsig.db*"), workdir / "reports"]:
            if target.is_dir():
                shutil.rmtree(target)
            elif target.exists():
                target.unlink()
    workdir.mkdir(parents=True, exist_ok=True)
    with contextlib.ExitStack() as stack:
        if sim is None:
            sim = stack.enter_context(ForgeSimulator(size=size, seed=seed, now=datetime.now(UTC)))
        add_checkins(sim.org)  # a few mentoring check-in issues, so the demo shows met and unmet milestones
        config, _roster = write_config(sim.org, sim.url, workdir / "leadsig.yaml")
        console.print(f"forge simulator on {sim.url}: {_describe(sim.org.counts())}")
        console.print(f"config: {config}")
        console.print("running the nightly flow through Prefect (a local Prefect API starts first) ...")
        state = nightly(config_path=str(config), return_state=True)
        if not state.is_completed():
            console.print(f"[red]nightly flow ended {state.name}: {state.message}[/red]")
        console.print(f"simulator answered {sim.request_count()} requests")
    month = last_complete_month()
    paths = {f"monthly {k}": Path(v) for k, v in monthly_report(config_path=str(config), month=month).items()}
    paths.update({f"packet {k}": v for k, v in _packet(config).items()})
    console.print(f"\nleadsig demo finished in {time.monotonic() - started:.0f} s. Reports for {month}:")
    for what, path in paths.items():
        console.print(f"  {what:16} {path}")
    console.print(f"\nTry: cd {workdir} && leadsig rules explain <evidence URL from the report>")
    return paths


def _describe(counts: dict[str, int]) -> str:
    keys = ("people", "github_repos", "gitlab_projects", "pulls", "merge_requests")
    return ", ".join(f"{counts[k]} {k.replace('_', ' ')}" for k in keys if k in counts)


def _packet(config: Path) -> dict[str, Path]:
    """The packet of the first person (by id) who held a rotating role and has signals, so the demo's packet
    shows a turn; else of the first person with signals. An example, not a ranking."""
    from leadsig.config import load_config
    from leadsig.reports.packet import build_packet
    from leadsig.rotations import load_rotations
    from leadsig.warehouse import models as m
    from leadsig.warehouse.db import open_warehouse

    cfg = load_config(config)
    engine = open_warehouse(cfg.warehouse)
    held = sorted({t.person for t in load_rotations(cfg.rotations)}) if cfg.rotations else []
    with engine.connect() as conn:
        person = conn.execute(select(func.min(m.Signal.person_id)).where(m.Signal.person_id.in_(held))).scalar() \
            or conn.execute(select(func.min(m.Signal.person_id))).scalar()
    if person is None:
        raise RuntimeError("the demo produced no signals; see the nightly run summary above")
    return build_packet(engine, cfg, person, months=6)
