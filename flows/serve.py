"""`leadsig init` and `leadsig serve`: starter files, and the scheduled Prefect deployments."""

from __future__ import annotations

import contextlib
import os
import socket
from collections.abc import Callable, Iterator
from importlib import resources
from pathlib import Path

from leadsig.errors import Problem, UserError

SERVER_START_SECONDS = 90  # a loaded machine starts Prefect's API slowly; serve waits once, then runs for days


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


def serve_deployments(config_path: Path, say: Callable[[str], None] = print) -> None:
    from leadsig.logs import offline_prefect

    offline_prefect()
    import prefect

    with local_api(say):
        prefect.serve(*deployments(config_path))


@contextlib.contextmanager
def local_api(say: Callable[[str], None] = print) -> Iterator[str]:
    """The Prefect API every run of ``serve`` talks to: the configured one, or one local server for them all.

    Without PREFECT_API_URL each flow run that ``serve`` starts (a child process) would start a temporary API
    of its own, on the same database: two overlapping runs then time out connecting. One server, started
    here and named to the children through the settings they inherit, lives as long as ``serve``.
    """
    from prefect.settings import PREFECT_API_URL, PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS, temporary_settings

    configured = PREFECT_API_URL.value()
    if configured:
        yield configured
        return
    from prefect.server.api.server import SubprocessASGIServer

    server = SubprocessASGIServer(port=_free_port())  # its own instance: Prefect shares the port-less one
    server.start(timeout=max(PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS.value(), SERVER_START_SECONDS))
    before = os.environ.get("PREFECT_API_URL")
    try:
        say(f"a local Prefect API for every run: {server.api_url} (set PREFECT_API_URL to use a Prefect server)")
        os.environ["PREFECT_API_URL"] = server.api_url
        with temporary_settings(updates={PREFECT_API_URL: server.api_url}):
            yield server.api_url
    finally:
        if before is None:
            os.environ.pop("PREFECT_API_URL", None)
        else:
            os.environ["PREFECT_API_URL"] = before
        server.stop()


def _free_port() -> int:
    with contextlib.closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])
