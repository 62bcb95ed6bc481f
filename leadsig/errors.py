"""Errors a user can cause, with the place and the fix, so the CLI can print them and exit 2."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Problem:
    """One located problem in a user file or argument."""

    message: str
    file: str | None = None
    line: int | None = None  # 1-based
    col: int | None = None  # 1-based
    key: str | None = None  # dotted path of the key, e.g. "sources[0].token_env"
    hint: str | None = None
    code: str | None = None  # short machine code, e.g. "unknown-key"

    def format(self) -> str:
        where = self.file or "<input>"
        if self.line is not None:
            where += f":{self.line}"
            if self.col is not None:
                where += f":{self.col}"
        head = f"{where}: "
        if self.code:
            head += f"{self.code}: "
        text = head + (f"{self.key}: " if self.key else "") + self.message
        if self.hint:
            text += f"\n  hint: {self.hint}"
        return text


class UserError(Exception):
    """Raised for anything the user can fix; carries one or more located problems."""

    exit_code = 2

    def __init__(self, problems: Problem | list[Problem] | str):
        if isinstance(problems, str):
            problems = [Problem(problems)]
        elif isinstance(problems, Problem):
            problems = [problems]
        self.problems = problems
        super().__init__("\n".join(p.format() for p in problems))
