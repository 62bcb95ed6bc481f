"""``leadsig report monthly`` and ``leadsig report packet``: the report stages called directly.

They read only the warehouse, so they skip Prefect's start-up; the ``monthly_report`` flow calls the
same ``build_monthly`` when it runs on a schedule.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from leadsig.flows.cli.options import DEFAULT_CONFIG, AsOpt, ConfigOpt

app = typer.Typer(no_args_is_help=True, help="Monthly signal reports and evidence packs.")
err = Console(stderr=True)
OutOpt = Annotated[Path | None, typer.Option("--out", help="Folder for the files (default: reports.out_dir).")]


@app.command("monthly")
def monthly(
    month: Annotated[str | None, typer.Option(help="YYYY-MM (default: last complete month).")] = None,
    team: Annotated[str | None, typer.Option(help="Only this team.")] = None,
    config: ConfigOpt = DEFAULT_CONFIG,
    out: OutOpt = None,
    as_: AsOpt = None,
) -> None:
    """Write the monthly signal report as Markdown, self-contained HTML and CSV."""
    from leadsig.config import load_config
    from leadsig.reports.data import last_complete_month, parse_month
    from leadsig.reports.monthly import build_monthly
    from leadsig.warehouse.db import open_warehouse

    month = month or last_complete_month()
    parse_month(month)  # a bad --month is reported before the warehouse is touched
    cfg = load_config(config)
    with err.status(f"building the {month} report"):
        engine = open_warehouse(cfg.warehouse)
        paths = build_monthly(engine, cfg, month, team=team, out_dir=out, viewer=as_)
        engine.dispose()
    for fmt, path in paths.items():
        typer.echo(f"{fmt}: {path}")


@app.command("packet")
def packet(
    person: Annotated[str, typer.Option(help="Person id from the roster.")],
    months: Annotated[int, typer.Option(help="How many months of evidence.", min=1, max=120)] = 12,
    config: ConfigOpt = DEFAULT_CONFIG,
    out: OutOpt = None,
    as_: AsOpt = None,
) -> None:
    """Write a promotion packet for one person as Markdown and self-contained HTML (file names carry the period)."""
    from leadsig.config import load_config
    from leadsig.reports.packet import build_packet
    from leadsig.warehouse.db import open_warehouse

    cfg = load_config(config)
    with err.status(f"building the evidence pack for {person}"):
        engine = open_warehouse(cfg.warehouse)
        paths = build_packet(engine, cfg, person, months=months, out_dir=out, viewer=as_)
        engine.dispose()
    for fmt, path in paths.items():
        typer.echo(f"{fmt}: {path}")
