"""``leadsig db upgrade``: the warehouse schema."""

from __future__ import annotations

import typer
from rich.console import Console

from leadsig.flows.cli.options import DEFAULT_CONFIG, ConfigOpt

app = typer.Typer(no_args_is_help=True, help="Warehouse schema.")
console = Console(stderr=True)


@app.command("upgrade")
def upgrade(config: ConfigOpt = DEFAULT_CONFIG) -> None:
    """Create or migrate the warehouse schema (a no-op when it is current)."""
    from leadsig.config import load_config
    from leadsig.warehouse.db import make_engine
    from leadsig.warehouse.db import upgrade as migrate

    cfg = load_config(config)
    applied = migrate(make_engine(cfg.warehouse))
    console.print(
        "warehouse migrated to the latest schema" if applied else "warehouse schema already current"
    )
