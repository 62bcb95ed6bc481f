"""Commands for the people being measured: export, forget, audit."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from leadsig.flows.cli import DEFAULT_CONFIG, AsOpt, ConfigOpt, app

console = Console(stderr=True)


@app.command()
def export(
    person: Annotated[str, typer.Option("--person", help="Roster id.")],
    out: Annotated[Path, typer.Option(help="Folder for the export.")] = Path("exports"),
    config: ConfigOpt = DEFAULT_CONFIG,
    as_: AsOpt = None,
) -> None:
    """Everything stored about a person (activity, signals with their why, access log) as JSON and CSV."""
    from leadsig.flows.trust_cli import export_person

    for path in export_person(str(config), person, out, as_):
        typer.echo(str(path))


@app.command()
def forget(
    person: Annotated[str | None, typer.Option("--person", help="Roster id.")] = None,
    login: Annotated[list[str] | None, typer.Option(help="github:LOGIN or gitlab:LOGIN (repeatable).")] = None,
    email: Annotated[list[str] | None, typer.Option(help="An email address (repeatable).")] = None,
    yes: Annotated[bool, typer.Option("--yes", help="Do not ask for confirmation.")] = False,
    config: ConfigOpt = DEFAULT_CONFIG,
    as_: AsOpt = None,
) -> None:
    """Delete a person's activity, signals and identities; later runs store nothing of theirs."""
    from leadsig.flows.trust_cli import forget_person

    if not yes and not typer.confirm(f"Forget {person or login or email} for good?", default=False):
        raise typer.Exit(1)
    counts = forget_person(str(config), person, login or [], email or [], as_)
    console.print(
        "deleted: " + ", ".join(f"{k} {v}" for k, v in counts.items()) + ". Remove them from the roster file too."
    )


@app.command()
def audit(
    person: Annotated[str, typer.Option("--person", help="Roster id.")], config: ConfigOpt = DEFAULT_CONFIG
) -> None:
    """What was generated or exported about a person, by whom and when."""
    from leadsig.flows.trust_cli import audit_rows

    table = Table(title=f"access log about {person}")
    for col in ("when", "who", "what", "detail"):
        table.add_column(col)
    for r in audit_rows(str(config), person):
        table.add_row(str(r["at"])[:19], r["viewer"], r["action"], str(r["detail"])[:80])
    Console().print(table)
