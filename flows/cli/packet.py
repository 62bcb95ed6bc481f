"""``leadsig packet sign``: a senior leader's decision on a person's promotion packet, recorded and logged.

The decision itself is the leader's; leadsig stores it (warehouse/signoff.py), writes it to the access log
and shows in the packet whether FRAMEWORK.md's "at least three senior leaders agree" holds.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import typer

from leadsig.flows.cli.options import DEFAULT_CONFIG, AsOpt, ConfigOpt

app = typer.Typer(no_args_is_help=True, help="Sign-off on promotion packets by senior leaders.")


class Decision(StrEnum):
    agree = "agree"
    disagree = "disagree"


@app.command("sign")
def sign(
    person: Annotated[str, typer.Option("--person", help="Roster id of the nominee.")],
    by: Annotated[str, typer.Option("--by", help="The senior leader's name.")],
    decision: Annotated[Decision, typer.Option("--decision", help="agree or disagree.", case_sensitive=False)],
    note: Annotated[str | None, typer.Option("--note", help="Why, in a sentence or a link.")] = None,
    config: ConfigOpt = DEFAULT_CONFIG,
    as_: AsOpt = None,
) -> None:
    """Record a senior leader's decision on a person's promotion packet (the latest per leader counts)."""
    from leadsig.config import load_config
    from leadsig.flows.pipeline import prepare
    from leadsig.warehouse import signoff

    p = prepare(load_config(str(config)))
    p.roster.get(person)  # an unknown nominee is an error with a did-you-mean, never a stray row
    signoff.record(p.engine, person, by, decision.value, note, viewer=as_)
    now = signoff.standing(p.engine, person)
    p.engine.dispose()
    verdict = "holds" if now.holds else "does not hold yet"
    typer.echo(f"recorded: {by.strip()} {decision.value}s. {now.agree} agree, {now.disagree} disagree; "
               f"\"at least {signoff.REQUIRED_AGREEMENTS} senior leaders agree\" {verdict}.")
