"""What a real forge, or the proxy in front of it, does to a client that did nothing wrong: refuse a token
that was good yesterday, redirect to another host, answer 200 with a login page or with JSON cut short, and
repeat the credential back in an error body. Each is a :class:`~leadsig.simulator.faults.Switches` knob, so
a test can provoke it; nothing here is on by default.
"""

from __future__ import annotations

from leadsig.simulator.faults import Switches
from leadsig.simulator.http import Response

LOGIN_PAGE = (
    "<!DOCTYPE html>\n<html><head><title>Sign in to continue</title></head>\n"
    "<body><h1>Your session has expired</h1><form action=\"/login\" method=\"post\">"
    "<input name=\"user\"><input name=\"password\" type=\"password\"></form></body></html>\n"
)


def credential(headers: dict[str, str]) -> str | None:
    """The token a request carried (``Authorization: token|Bearer X`` or ``PRIVATE-TOKEN: X``), if any."""
    for name, value in headers.items():
        if name.lower() == "private-token" and value:
            return value
        if name.lower() == "authorization" and value:
            return value.split(" ", 1)[-1]
    return None


def redirect(switches: Switches, target: str) -> Response:
    """Send the client to the same path and query on ``switches.redirect_to`` (another host, say)."""
    return Response(switches.redirect_status, None, {"Location": switches.redirect_to.rstrip("/") + target})


def spoil(resp: Response, kind: str) -> Response:
    """A 200 whose body is not the JSON it should be: a login page, or the JSON cut in half."""
    if kind == "html":
        return Response(200, LOGIN_PAGE, content_type="text/html; charset=utf-8")
    payload = resp.encode()
    return Response(200, payload[: max(1, len(payload) // 2)], dict(resp.headers), resp.content_type)


def echo(resp: Response, token: str | None) -> Response:
    """An error body that repeats the request's credential, as a misconfigured proxy or forge does."""
    if token is None or resp.status < 400 or not isinstance(resp.body, dict):
        return resp
    body = dict(resp.body)
    body["message"] = f"{body.get('message', '')} (request credentials: {token})"
    return Response(resp.status, body, dict(resp.headers), resp.content_type)
