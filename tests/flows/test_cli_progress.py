"""``leadsig classify`` and ``rules diff`` show a Rich progress bar on a terminal and stay quiet elsewhere."""

from __future__ import annotations

import io
from pathlib import Path

from rich.console import Console
from typer.testing import CliRunner

from leadsig.flows.cli import app
from leadsig.flows.cli import mine as mine_cli
from leadsig.flows.cli import progress as progress_mod
from leadsig.flows.cli.progress import stage_progress
from leadsig.warehouse.db import open_warehouse


def _terminal() -> tuple[Console, io.StringIO]:
    buf = io.StringIO()
    return Console(file=buf, force_terminal=True, width=100), buf


def _site(tmp_path: Path) -> Path:
    config = tmp_path / "leadsig.yaml"
    config.write_text(f"warehouse: sqlite:///{tmp_path / 'w.db'}\nrules: [default]\n")
    open_warehouse(f"sqlite:///{tmp_path / 'w.db'}").dispose()
    return config


def test_the_bar_draws_on_a_terminal() -> None:
    console, buf = _terminal()
    with stage_progress("classifying", console) as step:
        step(0, 10, "reading activities")
        step(10, 10, "done")
    assert "classifying" in buf.getvalue()


def test_nothing_is_drawn_when_not_a_terminal() -> None:
    buf = io.StringIO()
    with stage_progress("classifying", Console(file=buf)) as step:
        step(0, 10, "reading activities")
    assert buf.getvalue() == ""


def test_classify_shows_progress_on_a_terminal(tmp_path: Path, monkeypatch) -> None:
    console, buf = _terminal()
    monkeypatch.setattr(mine_cli, "console", console)
    mine_cli.run_classify(str(_site(tmp_path)), None)
    assert "classifying" in buf.getvalue()


def test_rules_diff_shows_progress_on_a_terminal(tmp_path: Path, monkeypatch) -> None:
    console, buf = _terminal()
    monkeypatch.setattr(progress_mod, "stderr_console", lambda: console)
    result = CliRunner().invoke(app, ["rules", "diff", "--base", "default", "--config", str(_site(tmp_path))],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "rules diff" in buf.getvalue()
    assert "rules diff" not in result.output  # the report itself stays clean
