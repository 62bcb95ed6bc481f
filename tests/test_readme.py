"""The README is the user's manual: it must open with the two commands and document every command."""

from __future__ import annotations

from pathlib import Path

import click
import typer

ROOT = Path(__file__).resolve().parents[1]


def _commands() -> list[str]:
    from leadsig.flows.cli import app

    group = typer.main.get_command(app)
    names = []
    for name, cmd in group.commands.items():
        if isinstance(cmd, click.Group):
            names += [f"{name} {sub}" for sub in cmd.commands]
        else:
            names.append(name)
    return names


def test_readme_opens_with_demo_and_test_commands() -> None:
    head = (ROOT / "README.md").read_text(encoding="utf-8").split("```")[1]
    lines = [line for line in head.splitlines() if line.strip() and line.strip() != "bash"]
    assert len(lines) == 2
    assert lines[0].rstrip().endswith("leadsig demo")
    assert "pytest" in lines[1]


def test_readme_documents_every_command() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    missing = [c for c in _commands() if f"leadsig {c.split()[0]}" not in readme or c.split()[-1] not in readme]
    assert not missing, f"README lacks: {missing}"
