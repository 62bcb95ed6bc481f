"""Progress for the long, silent stages (classify, rules diff): a Rich bar on a terminal, nothing elsewhere.

The stages report (activities done, activities in all, what is happening); a pipe, a log file or CI gets no
bar and no stray control characters, only the commands' usual output.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

Step = Callable[[int, int | None, str], None]


def stderr_console() -> Console:
    return Console(stderr=True)


@contextlib.contextmanager
def stage_progress(label: str, console: Console | None = None) -> Iterator[Step]:
    """A callback for a stage's ``progress``: ``label: what`` with a bar in activities and the time taken."""
    console = console or stderr_console()
    columns = (SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
               TextColumn("activities"), TimeElapsedColumn())
    with Progress(*columns, console=console, transient=True, disable=not console.is_terminal) as bar:
        task = bar.add_task(label, total=None)

        def step(done: int, total: int | None, what: str) -> None:
            if total is not None:
                bar.update(task, total=total or None)
            bar.update(task, completed=done, description=f"{label}: {what}")

        yield step
