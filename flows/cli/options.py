"""What every command group shares: the --config and --as options, and the date argument parser."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Annotated

import typer

from leadsig.errors import Problem, UserError

ConfigOpt = Annotated[Path, typer.Option("--config", "-c", help="Config file.", envvar="LEADSIG_CONFIG")]
DEFAULT_CONFIG = Path("leadsig.yaml")
AsOpt = Annotated[str | None, typer.Option("--as", help="Who is asking (default: OS user); kept in the access log.")]


def parse_date(value: str | None, option: str) -> date | None:
    """A YYYY-MM-DD option, or a located error naming the option (Typer has no date type without a time)."""
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise UserError(
            Problem(
                f"not a date: {value!r}",
                key=option,
                hint="use YYYY-MM-DD, e.g. 2026-01-31",
                code="bad-argument",
            )
        ) from None


def parse_moment(value: str | None, option: str) -> datetime | None:
    """An ISO 8601 date or time (UTC unless it says otherwise), or a located error naming the option."""
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise UserError(Problem(f"not a date or time: {value!r}", key=option,
                                hint="use ISO 8601, e.g. 2026-11-01 or 2026-11-01T12:00:00Z",
                                code="bad-argument")) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
