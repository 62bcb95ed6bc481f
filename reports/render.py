"""Jinja2 environments: HTML with autoescape, Markdown with an escape-by-default finalizer.

Markdown has no autoescape in Jinja2, so the Markdown environment gets the same default by other
means: every ``{{ value }}`` passes through ``reports.text.md`` unless the value is ``MdSafe`` (built by
``md_link`` or by the template filters below). Forgetting a filter therefore shows text escaped, never
raw.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from functools import cache
from pathlib import Path

from jinja2 import Environment, PackageLoader, StrictUndefined

from leadsig.reports.text import clean, md, md_link, safe_url

TEMPLATES = "templates"


class MdSafe(str):
    """Markdown that is already escaped and may be emitted as is."""


def _md_finalize(value: object) -> str:
    if isinstance(value, MdSafe):
        return value
    if value is None:
        return ""
    if isinstance(value, int | float):
        return str(value)
    return md(value, limit=20_000)


def _pct(value: float | None) -> str:
    return "" if value is None else f"{value:.0%}"


@cache
def html_env() -> Environment:
    env = Environment(loader=PackageLoader("leadsig.reports", TEMPLATES), autoescape=True, undefined=StrictUndefined,
                      trim_blocks=True, lstrip_blocks=True)
    env.filters.update(clean=clean, safe_url=safe_url, pct=_pct)
    return env


@cache
def md_env() -> Environment:
    env = Environment(loader=PackageLoader("leadsig.reports", TEMPLATES), autoescape=False, undefined=StrictUndefined,
                      finalize=_md_finalize, trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
    env.filters.update(link=lambda title, url: MdSafe(md_link(title, url)), pct=lambda v: MdSafe(_pct(v)),
                       raw=MdSafe)  # only for the output of the template's own macros, never for data
    return env


def render(env: Environment, template: str, context: dict) -> str:
    return env.get_template(template).render(**context)


def write_atomic(path: Path, text: str) -> None:
    """Write beside the target, then rename: a reader never sees half a report."""
    with staged({path: text}):
        pass


@contextlib.contextmanager
def staged(files: dict[Path, str]) -> Iterator[None]:
    """Write every file beside its target; they take their targets' places only when the block succeeds.

    The block records the access log entry: a report whose entry cannot be written is not left behind.
    """
    temps: list[tuple[str, Path]] = []
    try:
        for path, text in files.items():
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
            temps.append((tmp, path))
            with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
                fh.write(text)
        yield
        while temps:
            tmp, path = temps.pop(0)
            os.replace(tmp, path)
    finally:
        for tmp, _ in temps:
            Path(tmp).unlink(missing_ok=True)
