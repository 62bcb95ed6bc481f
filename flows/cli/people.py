"""``leadsig export``, ``forget`` and ``audit``: what the people being measured can ask for.

The rules of each live in :mod:`leadsig.warehouse.people`; these commands load the config and roster
(``prepare``: the roster is synced first, so a person added since the last run is known), call them and print.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.table import Table

from leadsig.flows.cli.options import DEFAULT_CONFIG, AsOpt, ConfigOpt

if TYPE_CHECKING:
    from leadsig.flows.pipeline import Prepared

console = Console(stderr=True)


def _prepared(config: Path) -> Prepared:
    from leadsig.config import load_config
    from leadsig.flows.pipeline import prepare

    return prepare(load_config(str(config)))


def export(
    person: Annotated[str, typer.Option("--person", help="Roster id.")],
    out: Annotated[Path, typer.Option(help="Folder for the export.")] = Path("exports"),
    config: ConfigOpt = DEFAULT_CONFIG,
    as_: AsOpt = None,
) -> None:
    """Everything stored about a person (activity, signals with their why, sign-offs, access log) as JSON and CSV,
    with their promotion packet."""
    from leadsig.reports.packet import build_packet
    from leadsig.warehouse.people import export_person

    p = _prepared(config)

    def packet(target: Path) -> list[Path]:  # the same pack a manager reads, so the two views cannot differ
        return list(build_packet(p.engine, p.cfg, person, out_dir=target).values())

    for path in export_person(p.engine, p.roster, person, out, as_, packet=packet):
        typer.echo(str(path))


def forget(
    person: Annotated[str | None, typer.Option("--person", help="Roster id.")] = None,
    login: Annotated[list[str] | None, typer.Option(help="github:LOGIN or gitlab:LOGIN (repeatable).")] = None,
    email: Annotated[list[str] | None, typer.Option(help="An email address (repeatable).")] = None,
    yes: Annotated[bool, typer.Option("--yes", help="Do not ask for confirmation.")] = False,
    config: ConfigOpt = DEFAULT_CONFIG,
    as_: AsOpt = None,
) -> None:
    """Delete a person's activity, signals and identities; later runs store nothing of theirs, and others' rows
    name them only by a pseudonym."""
    from leadsig.miners.git_commits import human_bytes, remove_cache
    from leadsig.warehouse.people import forget_person

    if not yes and not typer.confirm(f"Forget {person or login or email} for good?", default=False):
        raise typer.Exit(1)
    p = _prepared(config)
    counts = forget_person(p.engine, p.roster, person, login or [], email or [], as_)
    freed = remove_cache(p.cfg.git_cache)  # the clones hold their commits: gone too, re-cloned by the next run
    console.print(
        "deleted: " + ", ".join(f"{k} {v}" for k, v in counts.items()) + ". Remove them from the roster file too."
    )
    if freed:
        console.print(f"git cache {p.cfg.git_cache} deleted ({human_bytes(freed)}); the next run clones again.")


def audit(
    person: Annotated[str, typer.Option("--person", help="Roster id.")], config: ConfigOpt = DEFAULT_CONFIG
) -> None:
    """What was generated or exported about a person, by whom and when."""
    from leadsig.warehouse.people import audit_rows

    p = _prepared(config)
    table = Table(title=f"access log about {person}")
    for col in ("when", "who", "what", "detail"):
        table.add_column(col)
    for r in audit_rows(p.engine, p.roster, person):
        table.add_row(str(r["at"])[:19], r["viewer"], r["action"], str(r["detail"])[:80])
    Console().print(table)
