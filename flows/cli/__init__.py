"""The ``leadsig`` command line, one module per command group; each command parses its options, calls one
domain function and prints. Commands import their stage when they run: ``rules`` never pays Prefect's start-up.

The command table is written out below, in the order ``leadsig --help`` lists the commands.
"""

from __future__ import annotations

import sys
from typing import Annotated

import click
import typer
from rich.console import Console

from leadsig.errors import UserError
from leadsig.flows.cli import db, mine, packet, people, report, rules, start, tracks, web

app = typer.Typer(
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    help="Mine forge activity into evidence-linked leadership signals.",
)
console = Console(stderr=True)

for command in (start.demo, start.init, mine.mine, mine.classify, start.serve, start.simulate,
                people.export, people.forget, people.audit):
    app.command()(command)
app.add_typer(db.app, name="db")
app.add_typer(rules.app, name="rules")
app.add_typer(report.app, name="report")
app.add_typer(packet.app, name="packet")
app.add_typer(web.app, name="web")
app.add_typer(tracks.app, name="tracks")
app.add_typer(tracks.milestone_app, name="milestone")
app.add_typer(tracks.checkins_app, name="checkins")


@app.callback()
def _root(
    verbose: Annotated[int, typer.Option("--verbose", "-v", count=True, help="More log output.")] = 0,
) -> None:
    from leadsig.logs import setup_logging

    setup_logging(verbose)


def main() -> None:
    """The console script: user errors print located and exit 2, Ctrl-C exits 130, usage errors as Click's."""
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
