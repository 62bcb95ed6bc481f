"""The command line run in-process, as a user types it: exit code and both streams, for asserting on."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from leadsig.flows.cli import main


def run_cli(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture, *args: str) -> tuple[int, str, str]:
    """Run ``leadsig ARGS`` through the real entry point; exit code 0 when it returns without raising."""
    monkeypatch.setattr(sys, "argv", ["leadsig", *args])
    with pytest.raises(SystemExit) as exc:
        main()
    out = capsys.readouterr()
    return int(exc.value.code or 0), out.out, out.err


def write_config(folder: Path, body: str, roster: str | None = None) -> Path:
    """A ``leadsig.yaml`` (and ``people.yaml`` when a roster is given) in FOLDER; paths in BODY are relative."""
    if roster is not None:
        (folder / "people.yaml").write_text(roster)
    path = folder / "leadsig.yaml"
    path.write_text(body)
    return path
