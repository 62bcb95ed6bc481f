"""Request/response values and a tiny template router shared by the GitHub, GitLab and HTML routes.

Templates look like ``/repos/{owner}/{repo}/pulls/{number}``; ``{name+}`` matches several segments (GitLab
paths in web URLs).  Matching is done on the raw (still percent-encoded) path, so a GitLab project id
``acme%2Fplatform%2Fledger`` stays one segment; parameters are unquoted after matching.  The template
string is also the request counter's key.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import unquote


@dataclass
class Request:
    method: str
    raw_path: str  # as received, including any /api/v3 prefix, without the query string
    query: dict[str, str]
    host_url: str  # scheme://host:port of this simulator
    prefix: str = ""  # "" or "/api/v3" (GitHub Enterprise style)
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""  # POST body (GraphQL); GET routes ignore it
    rate: dict[str, int] = field(default_factory=dict)  # this request's rate-limit numbers (GraphQL rateLimit)

    @property
    def api_base(self) -> str:
        """Base of API URLs in response bodies (keeps the Enterprise prefix)."""
        return self.host_url + self.prefix

    def arg(self, name: str, default: str | None = None) -> str | None:
        return self.query.get(name, default)

    def time_arg(self, name: str) -> datetime | None:
        """An ISO 8601 query parameter as an aware UTC datetime (``Z`` or offsets accepted)."""
        value = self.query.get(name)
        if not value:
            return None
        try:
            dt = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            raise BadRequest(f"invalid ISO 8601 time for {name}: {value!r}") from None
        return dt if dt.tzinfo else dt.replace(tzinfo=UTC)

    def flag(self, name: str) -> bool:
        return str(self.query.get(name, "")).lower() in ("1", "true", "yes")


@dataclass
class Response:
    status: int = 200
    body: Any = None  # JSON-able, str for HTML, or bytes sent as they are (a body cut short)
    headers: dict[str, str] = field(default_factory=dict)
    content_type: str = "application/json; charset=utf-8"

    def encode(self) -> bytes:
        if self.body is None:
            return b""
        if isinstance(self.body, bytes):
            return self.body
        if isinstance(self.body, str):
            return self.body.encode()
        return json.dumps(self.body, separators=(",", ":")).encode()


class BadRequest(Exception):
    """A 400/422 the handler turns into a JSON error."""


class NotFound(Exception):
    """A 404 the handler turns into the forge's JSON error."""


Handler = Callable[..., Response]


@dataclass
class Route:
    method: str
    template: str
    regex: re.Pattern[str]
    handler: Handler


class Router:
    """First matching route wins; order of registration matters (API routes before HTML pages)."""

    def __init__(self) -> None:
        self.routes: list[Route] = []

    def add(self, method: str, template: str, handler: Handler) -> None:
        pattern = re.sub(r"\{(\w+)\+\}", r"(?P<\1>.+?)", template)
        pattern = re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", pattern)
        self.routes.append(Route(method, template, re.compile(f"^{pattern}/?$"), handler))

    def match(self, method: str, path: str) -> tuple[Route, dict[str, str]] | None:
        for route in self.routes:
            if route.method != method:
                continue
            m = route.regex.match(path)
            if m:
                return route, {k: unquote(v) for k, v in m.groupdict().items()}
        return None
