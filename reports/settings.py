"""The ``reports:`` section of the config: where reports go, group-size threshold, per-person sections."""

from __future__ import annotations

from dataclasses import dataclass

from leadsig.config import Config
from leadsig.errors import Problem, UserError

DEFAULT_MIN_GROUP = 5


@dataclass(frozen=True)
class ReportSettings:
    min_group_size: int = DEFAULT_MIN_GROUP  # team/group aggregates only for groups at least this large
    per_person: bool = True  # False: no per-person sections and no per-person CSV rows


def report_settings(cfg: Config) -> ReportSettings:
    """Read and check reports.min_group_size and reports.per_person (config.py only knows their names)."""
    raw = cfg.extra.get("reports") or {}
    size = raw.get("min_group_size", DEFAULT_MIN_GROUP)
    per_person = raw.get("per_person", True)
    problems = []
    if isinstance(size, bool) or not isinstance(size, int) or size < 1:
        problems.append(Problem(f"expected a whole number of people >= 1, got {size!r}", file=str(cfg.path),
                                key="reports.min_group_size", hint="reports: {min_group_size: 5}", code="type"))
        size = DEFAULT_MIN_GROUP
    if not isinstance(per_person, bool):
        problems.append(Problem(f"expected true or false, got {per_person!r}", file=str(cfg.path),
                                key="reports.per_person", hint="reports: {per_person: false}", code="type"))
    if problems:
        raise UserError(problems)
    return ReportSettings(min_group_size=size, per_person=per_person)
