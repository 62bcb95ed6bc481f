"""Commands that start something: the offline demo, a starter folder, the Prefect deployments, the simulator."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from leadsig.flows.cli.options import DEFAULT_CONFIG, ConfigOpt


def demo(
    workdir: Annotated[
        Path, typer.Option(help="Where the demo writes its config, warehouse and reports.")
    ] = Path("leadsig-demo"),
) -> None:
    """The whole pipeline offline, against the built-in forge simulator, into SQLite."""
    from leadsig.flows.demo import run_demo

    run_demo(workdir)


def init(directory: Annotated[Path, typer.Argument()] = Path(".")) -> None:
    """Write a starter config, roster and local rules folder."""
    from leadsig.flows.serve import write_starter

    for path in write_starter(directory):
        typer.echo(f"wrote {path}")
    typer.echo("next: edit leadsig.yaml and people.yaml, export GITHUB_TOKEN, then run: leadsig mine")


def serve(config: ConfigOpt = DEFAULT_CONFIG) -> None:
    """Serve the nightly and monthly deployments with their schedules (Ctrl-C stops)."""
    from leadsig.flows.serve import serve_deployments

    serve_deployments(config)


def simulate(
    port: Annotated[int, typer.Option(help="Port on 127.0.0.1 (0: any free port).")] = 0,
    size: Annotated[str, typer.Option(help="tiny | small | medium | large")] = "small",
    seed: Annotated[int, typer.Option(help="Same seed, same organisation.")] = 1,
    write_config: Annotated[Path | None, typer.Option(
        help="Write a leadsig config (with roster and rotations) for it here.")] = None,
    force: Annotated[bool, typer.Option("--force", help="Let --write-config replace an existing config, roster "
                                        "and rotations (the config's rule layers are kept).")] = False,
    error_rate: Annotated[float, typer.Option(help="Fraction of API responses that are 5xx.")] = 0.0,
    drop_rate: Annotated[float, typer.Option(help="Fraction of requests answered by a dropped connection.")] = 0.0,
    latency: Annotated[float, typer.Option(help="Seconds added to every API response.")] = 0.0,
    budget: Annotated[int | None, typer.Option(help="Primary rate-limit budget per window.")] = None,
    secondary_every: Annotated[int, typer.Option(help="Every Nth request hits a secondary limit.")] = 0,
    now: Annotated[str | None, typer.Option(help="The org's present (ISO 8601, UTC by default): the same seed and "
                                            "--now serve the same data; without it, the current time.")] = None,
) -> None:
    """Serve the forge simulator alone until stopped (Ctrl-C)."""
    from leadsig.errors import Problem, UserError
    from leadsig.flows.cli.options import parse_moment
    from leadsig.simulator.cli import run_simulator
    from leadsig.simulator.org import SIZES

    if size not in SIZES:
        raise UserError(Problem(f"unknown size {size!r}", key="--size", hint="one of: " + ", ".join(SIZES),
                                code="bad-argument"))
    if write_config is not None and not force:
        _refuse_overwrite(write_config)
    run_simulator(port, size, seed, write_config, error_rate=error_rate, drop_rate=drop_rate, latency=latency,
                  budget=budget, secondary_every=secondary_every, now=parse_moment(now, "--now"))



def _refuse_overwrite(config: Path) -> None:
    """--write-config after ``leadsig init`` would replace the user's config, roster and rotations: only with
    --force."""
    from leadsig.errors import Problem, UserError
    from leadsig.simulator.roster import roster_path_for, rotations_path_for

    for path in (config, roster_path_for(config), rotations_path_for(config)):
        if path.exists() or path.is_symlink():
            raise UserError(Problem("already exists; simulate --write-config does not overwrite it", file=str(path),
                                    hint="pass --force to replace it (the config's rule layers are kept), "
                                         "or write elsewhere: --write-config sim/leadsig.yaml",
                                    code="exists"))
