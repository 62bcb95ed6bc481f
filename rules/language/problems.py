"""Collecting located problems in rule files, errors and warnings apart, so all are reported at once."""

from __future__ import annotations

from typing import Any

from leadsig.errors import Problem
from leadsig.yamlfile import did_you_mean, key_line, value_line


class Collector:
    """Errors and warnings of one load; ``file`` is switched as files are read."""

    def __init__(self) -> None:
        self.errors: list[Problem] = []
        self.warnings: list[Problem] = []
        self.file = "<rules>"

    def add(self, node: Any, key: Any, code: str, message: str, hint: str | None = None, *, on_key: bool = False,
            warning: bool = False, col_offset: int = 0, file: str | None = None) -> None:
        line, col = key_line(node, key) if on_key else value_line(node, key)
        if col is not None:
            col += col_offset
        problem = Problem(message, file=file or self.file, line=line, col=col, hint=hint, code=code)
        (self.warnings if warning else self.errors).append(problem)

    def unknown_keys(self, node: Any, allowed: set[str] | tuple[str, ...], what: str) -> None:
        for k in node:
            if k not in allowed:
                hint = did_you_mean(str(k), sorted(allowed)) or f"{what} keys: " + ", ".join(sorted(allowed))
                self.add(node, k, "unknown-key", f"unknown key {k!r} in {what}", hint, on_key=True)


def suggest(word: str, choices: list[str] | tuple[str, ...], fallback: str) -> str:
    return did_you_mean(word, choices) or fallback
