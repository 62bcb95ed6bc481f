"""One collector of located problems, shared by every file leadsig reads (config, roster, rules, corpora).

A user fixes a file in one go only when every problem of it is reported at once, each with its line, key
and hint; so readers add problems here and raise once at the end instead of stopping at the first.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from leadsig.errors import Problem, UserError
from leadsig.yamlfile import did_you_mean, key_line, value_line


class Collector:
    """Errors and warnings of one load; ``file`` may be switched as several files are read."""

    def __init__(self, file: str = "<input>") -> None:
        self.file = str(file)
        self.errors: list[Problem] = []
        self.warnings: list[Problem] = []

    @property
    def problems(self) -> list[Problem]:
        return self.errors

    def at(self, node: Any, key: Any, dotted: str | None, message: str, hint: str | None = None,
           code: str = "invalid", value: bool = True) -> None:
        """A problem at ``node[key]``: its value's position, or the key's own with ``value=False``."""
        line, col = value_line(node, key) if value else key_line(node, key)
        self.errors.append(Problem(message, file=self.file, line=line, col=col, key=dotted, hint=hint, code=code))

    def add(self, node: Any, key: Any, code: str, message: str, hint: str | None = None, *, on_key: bool = False,
            warning: bool = False, col_offset: int = 0, file: str | None = None) -> None:
        """The rule files' form: no dotted key (the message names it), optionally a warning."""
        line, col = key_line(node, key) if on_key else value_line(node, key)
        if col is not None:
            col += col_offset
        problem = Problem(message, file=file or self.file, line=line, col=col, hint=hint, code=code)
        (self.warnings if warning else self.errors).append(problem)

    def item(self, seq: Any, index: int, dotted: str, message: str, code: str = "type") -> None:
        """A problem with a list item itself (not a mapping where one was expected, ...)."""
        line, col = key_line(seq, index)
        self.errors.append(Problem(message, file=self.file, line=line, col=col, key=dotted, code=code))

    def unknown_keys(self, node: Any, allowed: set[str] | tuple[str, ...], prefix: str = "",
                     hint: str | None = None, what: str | None = None) -> None:
        """Config and roster name the key (``prefix``); rule files name the place instead (``what``)."""
        for k in node:
            if k in allowed:
                continue
            if what is not None:
                say = did_you_mean(str(k), sorted(allowed)) or f"{what} keys: " + ", ".join(sorted(allowed))
                self.add(node, k, "unknown-key", f"unknown key {k!r} in {what}", say, on_key=True)
                continue
            say = hint or did_you_mean(str(k), sorted(allowed)) or "allowed keys: " + ", ".join(sorted(allowed))
            self.at(node, k, f"{prefix}{k}", "unknown key", say, code="unknown-key", value=False)

    def str_list(self, node: Any, key: str, dotted: str) -> list[str]:
        value = node.get(key)
        if value is None:
            return []
        if isinstance(value, str):
            return [value]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.at(node, key, dotted, "expected a list of strings", hint=f"{key}: [a, b]", code="type")
            return []
        return [str(v) for v in value]

    def date(self, node: Any, key: str, dotted: str, example: str) -> date | None:
        """A calendar date under ``key`` (YAML gives a date, a timestamp or a string); None when absent or
        reported as not a date."""
        value = node.get(key)
        if value is None:
            return None
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        try:
            return date.fromisoformat(str(value))
        except ValueError:
            self.at(node, key, dotted, f"not a date: {value!r}", hint=f"{key}: {example}", code="type")
            return None

    def raise_if_any(self) -> None:
        if self.errors:
            raise UserError(self.errors)
