"""The thin HTTP side of the GitLab miner: a python-gitlab client that counts its requests and waits.

python-gitlab already retries 429s (sleeping ``Retry-After``, else until ``RateLimit-Reset``) and, with
``retry_transient_errors``, 5xx answers and dropped connections (backoff ``0.1 * 2**n`` s). We keep that
machinery and only *observe* it: the client gets a ``requests.Session`` subclass whose ``send`` counts
every request and, for every answer python-gitlab will retry, records the wait python-gitlab is about to
sleep (same formula, per URL) in ``MiningStats`` and the log. No retry loop of ours, but for what
python-gitlab does not check (:mod:`leadsig.miners.answers`): a 200 that is not JSON is asked again, and a
redirect to another host is refused while the request carries the token.

In python-gitlab 8.x ``obey_rate_limit`` and ``max_retries`` are not constructor arguments (the
constructor hands unknown keywords to the HTTP backend, which refuses them): they are per-call options of
``http_request``. :func:`call_opts` gives them to every list/get call; ``GitlabList`` keeps them for the
following pages.

When python-gitlab gives up, :func:`forge_errors` names the failure (:mod:`leadsig.errors`); its exceptions
carry no headers, so the session keeps the wait the last 429 asked for (``asked_wait``).
"""

from __future__ import annotations

import contextlib
import json
import logging
import time
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import gitlab
import requests
from gitlab import const as gl_const
from gitlab.exceptions import GitlabAuthenticationError, GitlabConnectionError, GitlabError, GitlabParsingError

from leadsig.batch import MiningStats
from leadsig.config import SourceConfig
from leadsig.errors import ForgeError, NotFound, RateLimited, Refused, Transient
from leadsig.logs import redact
from leadsig.miners.answers import refuse_cross_host, send_checked

log = logging.getLogger("leadsig.mine.gitlab")
RETRYABLE = set(gl_const.RETRYABLE_TRANSIENT_ERROR_CODES)
TRANSPORT_ERRORS = (requests.ConnectionError, requests.exceptions.ChunkedEncodingError, requests.exceptions.Timeout)


class CountingSession(requests.Session):
    """Counts requests and mirrors python-gitlab's retry waits into ``stats`` (never the token)."""

    def __init__(self, stats: MiningStats, retry_transient: bool = True, max_retries: int = 10):
        super().__init__()
        self.stats = stats
        self.retry_transient = retry_transient
        self.max_retries = max_retries
        self._failures: dict[str, int] = {}  # URL without query -> consecutive retryable failures
        self.asked_wait: float | None = None  # what the last 429 asked for (Retry-After or until the reset)

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:
        """One request as python-gitlab asked for it; a 2xx answer that is not JSON is asked again."""
        if kwargs.get("stream"):  # a download: its body is not JSON, and is not to be read twice
            return self._send_once(request, **kwargs)
        where = f"{request.method} {urlsplit(request.url or '').path}"
        return send_checked(lambda: self._send_once(request, **kwargs), where, self.stats, self.max_retries, "GitLab")

    def rebuild_auth(self, prepared_request: requests.PreparedRequest, response: requests.Response) -> None:
        """requests' hook before it follows a redirect: refuse another host while PRIVATE-TOKEN is on."""
        refuse_cross_host(self, response, prepared_request.url or "", prepared_request.headers)
        super().rebuild_auth(prepared_request, response)

    def _send_once(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:
        self.stats.requests += 1
        key = (request.url or "").split("?", 1)[0]
        try:
            response = super().send(request, **kwargs)
        except TRANSPORT_ERRORS as exc:
            if self.retry_transient:
                self._note_wait(key, f"{type(exc).__name__}", None)
            raise
        status = response.status_code
        if status != 429 and status in RETRYABLE:
            # python-gitlab waits until RateLimit-Reset for ANY retryable status when the header is there,
            # and GitLab sends it on every answer: a transient 5xx would then sleep until the rate window
            # resets (a minute on gitlab.com, an hour on some servers). Without it: 0.1 * 2**n s backoff.
            response.headers.pop("RateLimit-Reset", None)
        if status == 429:
            self.asked_wait = asked_wait(response.headers)
        if status == 429 or (self.retry_transient and status in RETRYABLE):
            self._note_wait(key, f"HTTP {status}", response.headers)
        else:
            self._failures.pop(key, None)
        return response

    def _note_wait(self, key: str, reason: str, headers: Any) -> None:
        n = self._failures.get(key, 0)
        self._failures[key] = n + 1
        if 0 <= self.max_retries <= n:
            log.warning("GitLab %s on %s: retries exhausted (%d)", reason, _path_only(key), n)
            self._failures.pop(key, None)
            return
        seconds = expected_wait(n, headers)
        self.stats.retries += 1
        self.stats.waits.append((reason, seconds))
        log.info("GitLab %s on %s: python-gitlab retries after %.2f s", reason, _path_only(key), seconds)


def expected_wait(attempt: int, headers: Any) -> float:
    """The sleep python-gitlab's ``utils.Retry`` chooses for its ``attempt``-th retry of one call."""
    if headers is not None and "Retry-After" in headers:
        try:
            return float(int(headers["Retry-After"]))
        except ValueError:
            pass
    if headers is not None and "RateLimit-Reset" in headers:
        try:
            return max(0.0, int(headers["RateLimit-Reset"]) - time.time())
        except ValueError:
            pass
    return 2**attempt * 0.1


def asked_wait(headers: Any) -> float | None:
    """Seconds a 429 asked to wait: Retry-After, else until RateLimit-Reset; None when it did not say."""
    if "Retry-After" not in headers and "RateLimit-Reset" not in headers:
        return None
    return expected_wait(0, headers)


def translate(exc: Exception, session: requests.Session | None = None) -> ForgeError:
    """The named error for what python-gitlab or requests raised (``session``: the wait a 429 asked for)."""
    message = redact(str(exc))  # a forge may echo the credential: Prefect's states and events keep this text
    if isinstance(exc, requests.RequestException | json.JSONDecodeError | GitlabParsingError | GitlabConnectionError):
        return Transient(message)  # dropped, timed out, truncated or not JSON
    code = getattr(exc, "response_code", None)
    if isinstance(exc, GitlabAuthenticationError) or code in (401, 403):
        return Refused(message, code or 401)
    if code in (404, 410):
        return NotFound(message, code)
    if code == 429:
        return RateLimited(message, code, getattr(session, "asked_wait", None))
    return Transient(message, code) if code and code >= 500 else ForgeError(message, code)


@contextlib.contextmanager
def forge_errors(session: requests.Session | None = None) -> Iterator[None]:
    """The miner's boundary: library exceptions leave it as :class:`leadsig.errors.ForgeError`."""
    try:
        yield
    except (GitlabError, requests.RequestException, json.JSONDecodeError) as exc:
        raise translate(exc, session) from exc


def _path_only(url: str) -> str:
    """A URL without scheme and host, for logs (hosts are fine, but short lines read better)."""
    return "/" + url.split("://", 1)[-1].split("/", 1)[-1] if "://" in url else url


def make_client(source: SourceConfig, stats: MiningStats) -> gitlab.Gitlab:
    """python-gitlab client for ``source``; the token is read from its env var now and kept only in there."""
    token = source.token() if source.token_env else None
    session = CountingSession(stats, retry_transient=True, max_retries=source.max_retries)
    return gitlab.Gitlab(source.url, private_token=token, per_page=source.per_page, timeout=source.timeout,
                         retry_transient_errors=True, session=session)


def call_opts(source: SourceConfig) -> dict[str, Any]:
    """Retry options python-gitlab takes per call (see the module docstring)."""
    return {"obey_rate_limit": True, "max_retries": source.max_retries}
