"""The PyGithub client of one source, with PyGithub's own retry machinery configured and observed.

Retrying is GithubRetry's job (secondary limits with Retry-After, primary-limit reset, 5xx and dropped
connections). :class:`ObservedRetry` only adds bookkeeping: urllib3 consults the Retry object about every
response it receives (``is_retry``) and every attempt that failed without one (``increment``), and calls
``sleep`` before each retry, so this one subclass counts requests, retries and waits without patching
PyGithub's requester or connection classes.

When the retries run out, :func:`forge_errors` turns what PyGithub, urllib3 and requests raise into the
named errors of :mod:`leadsig.errors`; ``ObservedRetry`` keeps the status and the asked wait of the last
answer on the exception it gives up with (:class:`GaveUp`), since requests' ``RetryError`` carries neither.

What PyGithub does not check (:mod:`leadsig.miners.answers`: a 200 that is not JSON, a redirect to another
host) is checked by the connection class the client's requester uses (:class:`CheckedHTTPS`); PyGithub's own
seam for that (``Requester.injectConnectionClasses``) is process-wide and turns keep-alive off, so
:func:`make_github` sets the class on its one requester (``get_repo`` keeps it: the client is lazy already).
"""

from __future__ import annotations

import contextlib
import json
import logging
import time
from collections.abc import Iterator, Mapping
from typing import Any

import requests
from github import Auth, Consts, Github, GithubException, GithubRetry, RateLimitExceededException
from github.Requester import HTTPRequestsConnectionClass, HTTPSRequestsConnectionClass, RequestsResponse
from urllib3.exceptions import MaxRetryError
from urllib3.response import BaseHTTPResponse

from leadsig.batch import MiningStats
from leadsig.config import SourceConfig
from leadsig.errors import ForgeError, NotFound, RateLimited, Refused, Transient
from leadsig.logs import redact
from leadsig.miners.answers import redirect_target, refuse_cross_host, send_checked

log = logging.getLogger("leadsig.mine.github")

BACKOFF_FACTOR = 0.5  # 5xx / dropped connection: 0 s, 1 s, 2 s, ... (urllib3's exponential backoff)
BACKOFF_MAX = 60.0
SECONDARY_RATE_WAIT = 60.0  # secondary limit without Retry-After (GitHub's documented minimum)


class GaveUp(MaxRetryError):
    """urllib3 ran out of retries on an answer: its status, and the wait the server asked for."""

    def __init__(self, exc: MaxRetryError, status: int, wait: float | None) -> None:
        super().__init__(exc.pool, exc.url, exc.reason)  # a MaxRetryError still: requests wraps it as before
        self.status = status
        self.wait = wait


class ObservedRetry(GithubRetry):
    """GithubRetry that reports requests, retries and every wait (with its reason) to ``stats``."""

    def __init__(self, stats: MiningStats | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.stats = stats if stats is not None else MiningStats()

    def new(self, **kw: Any) -> ObservedRetry:
        retry = super().new(**kw)
        retry.stats = self.stats  # urllib3 makes a new Retry per attempt; keep one shared counter
        return retry

    def is_retry(self, method: str, status_code: int, has_retry_after: bool = False) -> bool:
        self.stats.requests += 1  # called once for every response urllib3 receives
        return super().is_retry(method, status_code, has_retry_after)

    def increment(self, method: str | None = None, url: str | None = None, response: Any = None,
                  error: Exception | None = None, _pool: Any = None, _stacktrace: Any = None) -> ObservedRetry:
        if response is None:
            self.stats.requests += 1  # an attempt that got no response (dropped connection, timeout)
        try:
            retry = super().increment(method, url, response, error, _pool, _stacktrace)
        except MaxRetryError as exc:
            if response is None:
                raise
            raise GaveUp(exc, response.status, asked_wait(response.headers)) from exc
        self.stats.retries += 1
        log.info("GitHub: retrying %s %s after %s", method, _path(url), _cause(response, error))
        return retry

    def sleep(self, response: BaseHTTPResponse | None = None) -> None:
        reason, seconds = self.wait_reason(response)
        if seconds > 0:
            log.warning("GitHub: waiting %.1f s (%s)", seconds, reason)
            self.stats.waits.append((reason, round(seconds, 3)))
        super().sleep(response)

    def wait_reason(self, response: BaseHTTPResponse | None) -> tuple[str, float]:
        """The wait urllib3 is about to make, mirroring Retry.sleep: Retry-After first, else backoff."""
        limited = response is not None and response.status in (403, 429)
        primary = limited and response.headers.get("X-RateLimit-Remaining") == "0"
        if response is not None and self.respect_retry_after_header:
            after = self.get_retry_after(response)
            if after:
                kind = "secondary rate limit" if limited else f"HTTP {response.status}"
                kind = "primary rate limit" if primary else kind
                return f"{kind}, Retry-After", float(after)
        seconds = float(self.get_backoff_time())
        last = self.history[-1] if self.history else None
        if limited:
            return ("primary rate limit, until reset" if primary else "secondary rate limit"), seconds
        if last is not None and last.status:
            return f"HTTP {last.status}, backoff", seconds
        return f"{type(last.error).__name__ if last and last.error else 'error'}, backoff", seconds


def asked_wait(headers: Mapping[str, str] | None) -> float | None:
    """Seconds the server asked to wait: Retry-After, else until X-RateLimit-Reset when nothing remains."""
    h = {k.lower(): v for k, v in (headers or {}).items()}
    after = h.get("retry-after", "")
    if after.isdigit():
        return float(after)
    reset = h.get("x-ratelimit-reset", "")
    if h.get("x-ratelimit-remaining") == "0" and reset.isdigit():
        return max(0.0, int(reset) - time.time())
    return None


def translate(exc: Exception) -> ForgeError:
    """The named error for what PyGithub, urllib3 or requests raised."""
    message = redact(str(exc))  # a forge may echo the credential: Prefect's states and events keep this text
    gave_up = next((a for a in getattr(exc, "args", ()) if isinstance(a, GaveUp)), None)
    if gave_up is not None:  # requests' RetryError around our GaveUp: the retries ran out on this answer
        if gave_up.status in (403, 429):
            return RateLimited(message, gave_up.status, gave_up.wait)
        return Transient(message, gave_up.status)
    if isinstance(exc, requests.RequestException | json.JSONDecodeError):
        return Transient(message)  # dropped, timed out, truncated or not JSON
    if isinstance(exc, RateLimitExceededException):
        return RateLimited(message, exc.status, asked_wait(exc.headers))
    if not isinstance(exc, GithubException):
        return ForgeError(message)
    status = exc.status
    if status in (401, 403):
        return Refused(message, status)
    if status in (404, 410):
        return NotFound(message, status)
    if status == 429:
        return RateLimited(message, status, asked_wait(exc.headers))
    return Transient(message, status) if status and status >= 500 else ForgeError(message, status)


@contextlib.contextmanager
def forge_errors() -> Iterator[None]:
    """The miner's boundary: library exceptions leave it as :class:`leadsig.errors.ForgeError`."""
    try:
        yield
    except (GithubException, requests.RequestException, json.JSONDecodeError) as exc:
        raise translate(exc) from exc


def _path(url: str | None) -> str:
    return (url or "").split("?", 1)[0]


def _cause(response: Any, error: Exception | None) -> str:
    if response is not None:
        return f"HTTP {response.status}"
    return type(error).__name__ if error else "error"


class _Checked:
    """Mixed into PyGithub's connection classes: each answer passes :mod:`leadsig.miners.answers` first."""

    retry: Any
    session: requests.Session
    headers: dict[str, str]
    verb: str
    url: str

    def getresponse(self) -> RequestsResponse:
        wrapped: list[RequestsResponse] = []

        def once() -> requests.Response:
            wrapped[:] = [super(_Checked, self).getresponse()]  # type: ignore[misc]
            return wrapped[0].response

        if getattr(self, "stream", False):  # a download: its body is not JSON, and is not to be read twice
            response = once()
        else:
            stats = getattr(self.retry, "stats", None) or MiningStats()
            retries = int(getattr(self.retry, "total", 0) or 0)
            response = send_checked(once, f"{self.verb} {_path(self.url)}", stats, retries, "GitHub")
        target = redirect_target(response)
        if target:
            refuse_cross_host(self.session, response, target, self.headers)
        return wrapped[0]


class CheckedHTTP(_Checked, HTTPRequestsConnectionClass):
    pass


class CheckedHTTPS(_Checked, HTTPSRequestsConnectionClass):
    pass


def make_retry(source: SourceConfig, stats: MiningStats) -> ObservedRetry:
    return ObservedRetry(
        stats,
        total=source.max_retries,
        backoff_factor=BACKOFF_FACTOR,
        backoff_max=BACKOFF_MAX,
        secondary_rate_wait=SECONDARY_RATE_WAIT,
        status_forcelist=[*range(500, 600), 429],  # GithubRetry adds 403 and decides which 403s are limits
    )


def make_github(source: SourceConfig, stats: MiningStats) -> Github:
    """A lazy client: ``get_repo`` costs no request, only listings and explicit fetches do."""
    kwargs: dict[str, Any] = {
        "base_url": source.url,
        "per_page": source.per_page,
        "retry": make_retry(source, stats),
        "timeout": max(1, round(source.timeout)),  # PyGithub insists on an int
        "lazy": True,
    }
    if source.seconds_between_requests is not None:  # None keeps PyGithub's polite default
        kwargs["seconds_between_requests"] = source.seconds_between_requests
    # PyGithub spaces every POST as a write (1 s apart), but the miner's only POSTs are GraphQL queries:
    # reads, paced like the REST reads (GitHub asks for the 1 s gap between mutations only)
    kwargs["seconds_between_writes"] = kwargs.get("seconds_between_requests", Consts.DEFAULT_SECONDS_BETWEEN_REQUESTS)
    token = source.token()
    if token:
        kwargs["auth"] = Auth.Token(token)
    gh = Github(**kwargs)
    slot = "_Requester__connectionClass"  # PyGithub's per-requester choice of connection class
    if not hasattr(gh.requester, slot):
        raise RuntimeError("this PyGithub has no per-requester connection class: see leadsig.miners.github_client")
    setattr(gh.requester, slot, CheckedHTTPS if source.url.startswith("https:") else CheckedHTTP)
    return gh
