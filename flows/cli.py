"""The ``leadsig`` command line. Commands load only what they need: no Prefect start-up for ``rules``."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import click
import typer
from rich.console import Console

from leadsig.errors import UserError

app = typer.Typer(
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    help="Mine forge activity into evidence-linked leadership signals.",
)
db_app = typer.Typer(no_args_is_help=True, help="Warehouse schema.")
app.add_typer(db_app, name="db")

console = Console(stderr=True)
ConfigOpt = Annotated[Path, typer.Option("--config", "-c", help="Config file.", envvar="LEADSIG_CONFIG")]
DEFAULT_CONFIG = Path("leadsig.yaml")
AsOpt = Annotated[str | None, typer.Option("--as", help="Who is asking (default: OS user); kept in the access log.")]


@app.callback()
def _root(
    verbose: Annotated[int, typer.Option("--verbose", "-v", count=True, help="More log output.")] = 0,
) -> None:
    from leadsig.logs import setup_logging

    setup_logging(verbose)


@db_app.command("upgrade")
def db_upgrade(config: ConfigOpt = DEFAULT_CONFIG) -> None:
    """Create or migrate the warehouse schema (a no-op when it is current)."""
    from leadsig.config import load_config
    from leadsig.warehouse.db import make_engine, upgrade

    cfg = load_config(config)
    applied = upgrade(make_engine(cfg.warehouse))
    console.print(
        "warehouse migrated to the latest schema" if applied else "warehouse schema already current"
    )


def _register() -> None:
    """Command groups live in their own modules so each stays small."""
    from leadsig.flows import cli_commands  # noqa: F401  (registers demo, init, mine, classify, serve, simulate)

    for mod in ("leadsig.flows.cli_rules", "leadsig.flows.cli_report", "leadsig.flows.cli_trust"):
        try:
            __import__(mod)
        except ModuleNotFoundError as exc:
            if exc.name != mod:
                raise


def main() -> None:
    _register()
    try:
        rc = app(standalone_mode=False)
    except (click.exceptions.ClickException, typer.TyperException) as exc:
        if not hasattr(exc, "show"):  # Typer's own non-usage errors keep their traceback
            raise
        exc.show()
        sys.exit(getattr(exc, "exit_code", 2))
    except (click.exceptions.Abort, typer.Abort):
        console.print("aborted")
        sys.exit(130)
    except UserError as exc:
        from leadsig.logs import redact

        console.print(redact(str(exc)), style="red", markup=False, highlight=False)
        sys.exit(exc.exit_code)
    sys.exit(rc if isinstance(rc, int) else 0)
