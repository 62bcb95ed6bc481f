"""Checks on a forge's answers that neither client library makes, shared by both forges' HTTP layers.

- A 200 whose body is not the JSON asked for (a login page of a proxy, a body cut short by a proxy or a
  dropped connection that still ended the response) is *transient*: it is asked again a few times, and
  when it persists the repo fails with :class:`~leadsig.errors.Transient` naming the cause, so the nightly
  flow's retry policy tries the repo later. PyGithub would hand the HTML on as ``{"data": "<html>..."}``
  (an ``AttributeError`` far away), python-gitlab as "Failed to parse the server message".
- A redirect to another host is refused while the request carries a credential: python-gitlab follows
  redirects with its ``PRIVATE-TOKEN`` header (requests strips only ``Authorization``), and PyGithub fails
  with an untyped ``RuntimeError`` or a ``None`` body. The URL in the config is the fix, so the error is
  not retriable. "Another host" is what requests itself means by it (``should_strip_auth``): another
  hostname, or another port other than an http -> https upgrade.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from urllib.parse import urljoin, urlsplit

import requests

from leadsig.batch import MiningStats
from leadsig.errors import ForgeError, Transient

log = logging.getLogger("leadsig.mine")

BAD_BODY_RETRIES = 3  # at most (and never more than the source's max_retries): a login page tends to stay
BAD_BODY_BACKOFF = 0.5  # seconds, doubled each time: 0.5, 1, 2
CREDENTIAL_HEADERS = ("authorization", "private-token", "job-token")


def body_problem(response: requests.Response) -> str | None:
    """What is wrong with a 2xx answer's body, in a few words ("HTTP 200 with an HTML page"), or None."""
    status, body = response.status_code, response.content
    if not 200 <= status < 300 or not body.strip():
        return None
    ctype = response.headers.get("Content-Type", "").lower()
    if "json" not in ctype:
        if "html" in ctype or body.lstrip()[:1] == b"<":
            return f"HTTP {status} with an HTML page"
        return f"HTTP {status} with a {ctype.split(';')[0] or 'untyped'} body"
    try:
        json.loads(body)
    except ValueError:  # UnicodeDecodeError is one too
        return f"HTTP {status} with JSON cut short"
    return None


def carries_credential(headers: object) -> bool:
    return any(str(k).lower() in CREDENTIAL_HEADERS for k in (headers or {}))  # type: ignore[union-attr]


def refuse_cross_host(session: requests.Session, response: requests.Response, new_url: str, headers: object) -> None:
    """Raise when a request carrying a credential would be sent on to another host (see the module docstring)."""
    old_url = response.request.url or response.url or ""
    if carries_credential(headers) and session.should_strip_auth(old_url, new_url):
        new = urlsplit(new_url)
        raise ForgeError(
            f"{response.request.method} {urlsplit(old_url).path}: the forge redirected ({response.status_code}) to "
            f"another host, {new.scheme}://{new.netloc}; leadsig does not send the token there. If that host is "
            f"the forge now, set the source's url: to it", response.status_code)


def redirect_target(response: requests.Response) -> str | None:
    """The absolute URL a 3xx answer points at, or None."""
    location = response.headers.get("Location")
    if not response.is_redirect or not location:
        return None
    return urljoin(response.url or (response.request.url or ""), location)


def send_checked(send: Callable[[], requests.Response], where: str, stats: MiningStats, max_retries: int,
                 forge: str) -> requests.Response:
    """``send()`` again while a 2xx answer's body is not JSON; raise :class:`Transient` when that persists."""
    tries = min(max(0, max_retries), BAD_BODY_RETRIES)
    for attempt in range(tries + 1):
        response = send()
        problem = body_problem(response)
        if problem is None:
            return response
        if attempt == tries:
            break
        seconds = BAD_BODY_BACKOFF * 2**attempt
        stats.retries += 1
        stats.waits.append((problem, seconds))
        log.warning("%s: %s answered %s, not JSON; asking again in %.1f s", forge, where, problem, seconds)
        time.sleep(seconds)
    after = f" (asked {tries + 1} times)" if tries else ""
    raise Transient(f"{where}: {problem}, not the JSON asked for{after}: a proxy or login page in the way, or an "
                    f"answer cut short; another try may pass", response.status_code)
