"""Errors a user can cause, with the place and the fix, so the CLI can print them and exit 2; and the forge
errors the miners raise, named by what to do about them."""

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


class ForgeError(Exception):
    """A forge's failure, as the miners translate it at their boundary (PyGithub's, python-gitlab's and
    requests' exceptions go no further), so that what to do about it is read from the type, not the text.

    ``str()`` is the library's own message; the original exception is the ``__cause__``.
    """

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status  # the HTTP status, when there was an answer


class RateLimited(ForgeError):
    """The forge's rate limit still held when the client library's own waits ran out; worth a later try."""

    def __init__(self, message: str, status: int | None = None, wait: float | None = None) -> None:
        super().__init__(message, status)
        self.wait = wait  # seconds the server asked for (Retry-After, or until the reset), when it said


class Transient(ForgeError):
    """A 5xx, a dropped or timed-out connection, a truncated or non-JSON body: the next attempt may pass."""


class NotFound(ForgeError):
    """The repo, project or object is not there (404/410): another try finds nothing either."""


class Refused(ForgeError):
    """Authentication or permission refused (401, or a 403 that is not a rate limit): the token is the fix,
    so it is never retried."""


RETRIABLE: tuple[type[ForgeError], ...] = (Transient, RateLimited)
