"""`leadsig init` and `leadsig serve`: starter files, and the scheduled Prefect deployments."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from leadsig.errors import Problem, UserError


def write_starter(directory: Path) -> list[Path]:
    """Write leadsig.yaml, people.yaml and rules-local/; refuses to overwrite anything."""
    templates = resources.files("leadsig.flows") / "templates"
    targets = {
        directory / "leadsig.yaml": templates / "leadsig.yaml",
        directory / "people.yaml": templates / "people.yaml",
        directory / "rules-local" / "README.md": templates / "rules-local-README.md",
    }
    dangling = [p for p in _paths_written(directory, targets) if p.is_symlink() and not p.exists()]
    if dangling:  # writing would create the file wherever the link points, outside the folder asked for
        raise UserError(Problem("is a symbolic link to nothing; leadsig init does not write through it",
                                file=str(dangling[0]), hint="remove the link, or pick another folder: leadsig init DIR",
                                code="dangling-link"))
    existing = [p for p in targets if p.exists()]
    if existing:
        raise UserError(Problem("already exists; leadsig init never overwrites", file=str(existing[0]),
                                hint="remove it or pick another folder: leadsig init DIR"))
    if directory.exists() and not directory.is_dir():
        raise UserError(Problem("is not a folder", file=str(directory), hint="leadsig init DIR, with DIR a folder"))
    for target, source in targets.items():
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(source.read_text(encoding="utf-8"), encoding="utf-8")
    return list(targets)


def _paths_written(directory: Path, targets: dict[Path, object]) -> list[Path]:
    """The folder, every file, and every folder between them: what init writes to or through."""
    paths = [directory]
    for target in targets:
        between = [p for p in target.parents if p != directory and directory in p.parents]
        paths += [*reversed(between), target]
    return list(dict.fromkeys(paths))


def deployments(config_path: Path) -> list:
    """The two deployments with the config's cron schedules (used by serve and by prefect.yaml users)."""
    from prefect.schedules import Cron

    from leadsig.config import load_config
    from leadsig.flows.nightly import monthly_report, nightly

    cfg = load_config(config_path)
    params = {"config_path": str(config_path.resolve())}
    tz = cfg.schedule.timezone
    return [
        nightly.to_deployment(name="nightly", parameters=params, schedules=[Cron(cfg.schedule.nightly, timezone=tz)]),
        monthly_report.to_deployment(name="monthly-report", parameters=params,
                                     schedules=[Cron(cfg.schedule.monthly_report, timezone=tz)]),
    ]


def serve_deployments(config_path: Path) -> None:
    from leadsig.logs import offline_prefect

    offline_prefect()
    from prefect import serve

    serve(*deployments(config_path))
