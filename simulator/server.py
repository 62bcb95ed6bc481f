"""The forge simulator's HTTP server: GitHub REST v3 at ``/`` and ``/api/v3``, GitHub GraphQL at ``/graphql``
(``/api/graphql`` Enterprise Server style, as PyGithub derives it from an ``.../api/v3`` base URL), GitLab v4
at ``/api/v4`` and GitLab GraphQL at ``/api/graphql`` (a body asking GitLab's root fields, such as
``project(fullPath:)``, goes to :mod:`gitlab_graphql`; any other to GitHub's).

Usage::

    with ForgeSimulator(size="tiny", seed=7) as sim:
        gh = github.Github(base_url=sim.url, seconds_between_requests=0)
        gl = gitlab.Gitlab(sim.url, private_token="x")
        sim.switches.budget = 50          # rate-limit after 50 more requests
        sim.request_count("GET /repos/{owner}/{repo}/pulls")
        sim.rate_points("core")           # GitHub's count: a 304 free, GraphQL by its cost formula

It is a stdlib ``ThreadingHTTPServer`` in a daemon thread, speaking HTTP/1.1 keep-alive with Nagle
disabled on every connection (without TCP_NODELAY each keep-alive request costs ~40 ms; ``nodelay=False``
keeps Nagle on, as the baseline of ``benchmarks/simulator_throughput.py``).  Authorization
headers (``token``/``Bearer``/``PRIVATE-TOKEN``) are accepted, ignored and never logged. GitHub answers carry
an ``ETag`` (a hash of the body), and a GET whose ``If-None-Match`` names it gets a bodiless ``304`` that,
as on GitHub, costs no rate-limit point.
"""

from __future__ import annotations

import contextlib
import hashlib
import socket
import sys
import threading
import time
import traceback
from collections import Counter, deque
from datetime import datetime
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from leadsig.simulator import (
    git_http,
    github_events,
    github_graphql,
    github_peer_routes,
    github_routes,
    gitlab_graphql,
    gitlab_peer_routes,
    gitlab_routes,
    graphql_cost,
    html_pages,
    misbehaviour,
)
from leadsig.simulator.faults import Decision, FaultPlan, Switches
from leadsig.simulator.generate import build_org
from leadsig.simulator.git_repos import GitStore
from leadsig.simulator.http import BadRequest, NotFound, Request, Response, Router
from leadsig.simulator.org import Org

GITHUB_DOCS = "https://docs.github.com/rest"
ENTERPRISE_PREFIX = "/api/v3"
ENTERPRISE_GRAPHQL = "/api/graphql"
GRAPHQL_KEY = "POST /graphql"
GITLAB_GRAPHQL_KEY = "POST " + gitlab_graphql.PATH
GITLAB_PREFIX = "/api/v4"


def _router() -> Router:
    router = Router()
    github_events.register(router)  # first: /issues/events is not /issues/{number}
    github_routes.register(router)
    github_peer_routes.register(router)
    github_graphql.register(router)
    gitlab_routes.register(router)
    gitlab_graphql.register(router)
    gitlab_peer_routes.register(router)
    html_pages.register(router)  # last: its templates are the most general
    return router


class ForgeSimulator:
    """A running (or startable) simulator around one :class:`Org`."""

    def __init__(
        self,
        org: Org | None = None,
        *,
        size: str = "tiny",
        seed: int = 42,
        now: datetime | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        switches: Switches | None = None,
        nodelay: bool = True,
    ) -> None:
        self.org = org or build_org(seed, size, now)
        self.git = GitStore(self.org)  # real git repositories; their SHAs replace the invented ones
        self.switches = switches or Switches()
        self.faults = FaultPlan(self.switches)
        self.router = _router()
        self._host, self._port = host, port
        self.nodelay = nodelay  # False leaves Nagle on: only benchmarks/simulator_throughput.py wants that
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._count_lock = threading.Lock()
        self.requests: Counter[str] = Counter()  # "GET /repos/{owner}/{repo}/pulls" -> n
        self.statuses: Counter[int] = Counter()
        self.points: Counter[str] = Counter()  # rate-limit points as the forge counts them: core, graphql, gitlab
        self.log: deque[tuple[str, str, int]] = deque(maxlen=20_000)  # (method, path?query, status); no headers

    # ------------------------------------------------------------ lifecycle
    @property
    def url(self) -> str:
        """``http://127.0.0.1:PORT`` (no trailing slash).  GitHub Enterprise style: ``url + "/api/v3"``."""
        if self._server is None:
            raise RuntimeError("simulator not started")
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> ForgeSimulator:
        if self._server is not None:
            return self
        self.git.sync()  # the API answers report git's SHAs from the first request on
        server = ThreadingHTTPServer((self._host, self._port), _Handler)
        server.daemon_threads = True
        server.sim = self  # type: ignore[attr-defined]
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever,
            kwargs={"poll_interval": 0.05},  # stop() waits for one poll; the default 0.5 s adds up across tests
            name="forge-simulator",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is None:
            return
        self._server.shutdown()
        self._server.server_close()
        if self._thread:
            self._thread.join(timeout=5)
        self._server = self._thread = None
        self.git.close()

    def __enter__(self) -> ForgeSimulator:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # ------------------------------------------------------------ counters and switches
    def request_count(self, template: str | None = None) -> int:
        """Requests seen for one endpoint template (``"GET /api/v4/projects/{id}/merge_requests"``), or all API
        requests (git over HTTP is not API traffic: :meth:`git_request_count`)."""
        with self._count_lock:
            if template:
                return self.requests[template]
            return sum(n for key, n in self.requests.items() if not git_http.is_git_key(key))

    def git_request_count(self) -> int:
        """git smart-HTTP requests (``/{repo}.git/...``): they spend no API rate limit, as on the forges."""
        with self._count_lock:
            return sum(n for key, n in self.requests.items() if git_http.is_git_key(key))

    def reset_requests(self) -> None:
        """Zero the request counter, status counter, rate-limit points and log."""
        with self._count_lock:
            self.requests.clear()
            self.statuses.clear()
            self.points.clear()
            self.log.clear()

    def rate_points(self, resource: str | None = None) -> int:
        """Rate-limit points spent: ``core`` (GitHub REST; a 304 is free), ``graphql`` (by GitHub's cost
        formula, :mod:`graphql_cost`), ``gitlab`` (one per request), or all of them."""
        with self._count_lock:
            return self.points[resource] if resource else sum(self.points.values())

    def restore_budget(self) -> None:
        """Give back the full primary rate-limit budget now."""
        self.faults.restore_budget()

    def _count(self, key: str, method: str, target: str, status: int) -> None:
        with self._count_lock:
            self.requests[key] += 1
            self.statuses[status] += 1
            self.log.append((method, target, status))

    # ------------------------------------------------------------ dispatch
    def handle(self, method: str, target: str, headers: dict[str, str], body: bytes = b"") -> Response | None:
        """Answer one request; ``None`` means drop the connection without a response."""
        self.git.sync()  # commits added since the last request: rebuild their repository, rewrite SHAs
        parts = urlsplit(target)
        raw_path = parts.path or "/"
        if (git := git_http.match(raw_path)) is not None:
            resp = git_http.serve(self, method, target, headers, body)
            self._count(git_http.counter_key(method, git[1]), method, raw_path, resp.status if resp else 0)
            return resp
        query = dict(parse_qsl(parts.query, keep_blank_values=True))
        prefix, path = "", raw_path
        if raw_path == ENTERPRISE_PREFIX or raw_path.startswith(ENTERPRISE_PREFIX + "/"):
            prefix, path = ENTERPRISE_PREFIX, raw_path[len(ENTERPRISE_PREFIX) :] or "/"
        elif raw_path.rstrip("/") == ENTERPRISE_GRAPHQL:  # GitLab's GraphQL path too: the query tells them apart
            is_gitlab = method == "POST" and gitlab_graphql.claims(body)
            prefix, path = ("", gitlab_graphql.PATH) if is_gitlab else ("/api", "/graphql")
        forge = "gitlab" if path.startswith(GITLAB_PREFIX + "/") or path == gitlab_graphql.PATH else "github"
        req = Request(
            method=method,
            raw_path=raw_path,
            query=query,
            host_url=self.url,
            prefix=prefix,
            headers={k: v for k, v in headers.items() if k.lower() not in ("authorization", "private-token")},
            body=body,
        )
        found = self.router.match(method, path)
        if path == "/rate_limit" and method == "GET":  # does not count against the budget, as on GitHub
            d, g = self.faults.peek("github"), self.faults.peek("graphql")
            resp = github_routes.rate_limit(
                self.org, req, {"limit": d.limit, "used": d.used, "remaining": d.remaining, "reset": d.reset},
                {"limit": g.limit, "used": g.used, "remaining": g.remaining, "reset": g.reset},
            )
            self._finish("GET /rate_limit", req, resp, d, forge)
            return resp
        key = f"{method} {found[0].template}" if found else f"{method} <unmatched>"
        if key == GRAPHQL_KEY and self.switches.graphql_absent:
            resp = _error(forge, 404, "Not Found")
            self._finish(key, req, resp, Decision(), forge)
            return resp
        if key == GITLAB_GRAPHQL_KEY and self.switches.gitlab_graphql_absent:
            resp = _error(forge, 404, "Not Found")
            self._finish(key, req, resp, Decision(), forge)
            return resp
        if key == GRAPHQL_KEY and self.switches.graphql_needs_token and not any(
                k.lower() == "authorization" for k in headers):
            resp = _error(forge, 401, "This endpoint requires you to be authenticated.")
            self._finish(key, req, resp, Decision(), forge)
            return resp
        is_api = found is not None and not getattr(found[0].handler, "html_page", False)
        early = self._refuse_or_redirect(forge, target, headers) if is_api else None
        if early is not None:
            self._finish(key, req, early, Decision(), forge)
            return early
        budget = "graphql" if key == GRAPHQL_KEY else forge  # GitHub's GraphQL budget is its own, in points
        cost = graphql_cost.body_cost(req.body) if budget == "graphql" else 1
        decision = self.faults.decide(forge, cost, budget) if is_api else Decision()
        if is_api and decision.action == "ok" and any(frag in path for frag in self.switches.failing):
            decision.action, decision.status = "error", 503  # a repo whose every request fails
        if decision.delay:
            time.sleep(decision.delay)
        if decision.action == "drop":
            self._count(key, method, target, 0)
            return None
        req.rate = {"limit": decision.limit, "used": decision.used, "remaining": decision.remaining,
                    "reset": decision.reset}
        resp = _limit_response(forge, decision) if decision.action != "ok" else self._route(forge, req, found)
        if is_api and forge == "github" and method == "GET" and resp.status == 200:
            resp = _conditional(resp, headers)
            if resp.status == 304:  # GitHub does not count it against the rate limit
                self.faults.refund(forge)
                decision = self.faults.peek(forge)
        if is_api and resp.status == 200 and (kind := self.faults.bad_body()):
            resp = misbehaviour.spoil(resp, kind)
        if self.switches.echo_token:
            resp = misbehaviour.echo(resp, misbehaviour.credential(headers))
        self._finish(key, req, resp, decision, forge)
        return resp

    def _route(self, forge: str, req: Request, found: tuple[Any, dict[str, str]] | None) -> Response:
        """The matched route's answer; a simulator bug is said loudly and answered 500."""
        if found is None:
            return _error(forge, 404, "Not Found")
        route, params = found
        try:
            with self.org.lock:
                return route.handler(self.org, req, **params)
        except NotFound:
            return _error(forge, 404, "Not Found")
        except BadRequest as exc:
            return _error(forge, 422 if forge == "github" else 400, str(exc))
        except Exception as exc:
            traceback.print_exc(file=sys.stderr)
            return _error(forge, 500, f"simulator error: {type(exc).__name__}")

    def _refuse_or_redirect(self, forge: str, target: str, headers: dict[str, str]) -> Response | None:
        """A redirect to another host, or a 401 for a token the forge no longer takes, when switched on."""
        if self.switches.redirect_to:
            return misbehaviour.redirect(self.switches, target)
        if self.switches.unauthorized:
            resp = _error(forge, 401, "Bad credentials" if forge == "github" else "Unauthorized")
            return misbehaviour.echo(resp, misbehaviour.credential(headers)) if self.switches.echo_token else resp
        return None

    def _finish(self, key: str, req: Request, resp: Response, d: Decision, forge: str) -> None:
        self._charge(key, req, resp, forge)
        if resp.content_type.startswith("application/json"):
            resp.headers.update(_rate_headers(forge, d))
            if key == GRAPHQL_KEY:  # GraphQL has its own budget on GitHub; the simulator shares one
                resp.headers.update({"X-RateLimit-Resource": "graphql",
                                     "X-GitHub-Media-Type": "github.v4; format=json"})
                resp.headers.pop("X-GitHub-Api-Version-Selected", None)
        self._count(
            key,
            req.method,
            req.raw_path + ("?" + "&".join(f"{k}={v}" for k, v in req.query.items()) if req.query else ""),
            resp.status,
        )


    def _charge(self, key: str, req: Request, resp: Response, forge: str) -> None:
        """Points as the forge counts them: answers that were refused before the API (401s, redirects) too."""
        if key == "GET /rate_limit" or resp.status == 304:
            return
        resource = "gitlab" if forge == "gitlab" else "graphql" if key == GRAPHQL_KEY else "core"
        cost = graphql_cost.body_cost(req.body) if resource == "graphql" and resp.status == 200 else 1
        with self._count_lock:
            self.points[resource] += cost


def _conditional(resp: Response, headers: dict[str, str]) -> Response:
    """GitHub's ETag on a 200, and a bodiless 304 when ``If-None-Match`` names it."""
    etag = 'W/"' + hashlib.sha256(resp.encode()).hexdigest()[:32] + '"'
    resp.headers["ETag"] = etag
    asked = next((v for k, v in headers.items() if k.lower() == "if-none-match"), "")
    if etag in {t.strip() for t in asked.split(",")}:
        return Response(304, None, {"ETag": etag})
    return resp


def _rate_headers(forge: str, d: Decision) -> dict[str, str]:
    if forge == "github":
        return {
            "X-RateLimit-Limit": str(d.limit),
            "X-RateLimit-Remaining": str(d.remaining),
            "X-RateLimit-Reset": str(d.reset),
            "X-RateLimit-Used": str(d.used),
            "X-RateLimit-Resource": "core",
            "X-GitHub-Media-Type": "github.v3; format=json",
            "X-GitHub-Api-Version-Selected": "2022-11-28",
        }
    return {
        "RateLimit-Limit": str(d.limit),
        "RateLimit-Remaining": str(d.remaining),
        "RateLimit-Reset": str(d.reset),
        "RateLimit-Observed": str(d.used),
        "RateLimit-ResetTime": formatdate(d.reset, usegmt=True),
    }


def _error(forge: str, status: int, message: str) -> Response:
    if forge == "github":
        return Response(status, {"message": message, "documentation_url": GITHUB_DOCS, "status": str(status)})
    return Response(status, {"message": f"{status} {message}" if status in (401, 404) else message})


def _limit_response(forge: str, d: Decision) -> Response:
    if d.action == "error":
        return _error(forge, d.status, "Server Error" if forge == "github" else "Internal Server Error")
    headers = {"Retry-After": str(d.retry_after)}
    if forge == "gitlab":
        return Response(429, {"message": "429 Too Many Requests", "error": "Retry later"}, headers)
    if d.action == "primary":
        msg = (
            "API rate limit exceeded for user ID 1. If you reach out to GitHub Support for help, "
            "please include the request ID."
        )
        return Response(
            d.status, {"message": msg, "documentation_url": GITHUB_DOCS + "#rate-limiting", "status": str(d.status)}
        )
    msg = "You have exceeded a secondary rate limit. Please wait a few minutes before you try again."
    return Response(
        d.status,
        {"message": msg, "documentation_url": GITHUB_DOCS + "#secondary-rate-limits", "status": str(d.status)},
        headers,
    )


class _Handler(BaseHTTPRequestHandler):
    """Thin adapter: HTTP in, :meth:`ForgeSimulator.handle`, HTTP out."""

    protocol_version = "HTTP/1.1"
    server_version = "leadsig-forge-simulator/1"
    timeout = 60  # idle keep-alive connections end after a minute

    def setup(self) -> None:
        super().setup()
        if self.server.sim.nodelay:  # type: ignore[attr-defined]
            self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def _serve(self) -> None:
        sim: ForgeSimulator = self.server.sim  # type: ignore[attr-defined]
        body = self._body()
        resp = sim.handle(self.command, self.path, dict(self.headers.items()), body)
        if resp is None:
            self.close_connection = True
            with contextlib.suppress(OSError):
                self.connection.shutdown(socket.SHUT_RDWR)
            return
        payload = resp.encode()
        self.send_response(resp.status)
        self.send_header("Content-Type", resp.content_type)
        self.send_header("Content-Length", str(len(payload)))
        for k, v in resp.headers.items():
            self.send_header(k, v)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(payload)

    def _body(self) -> bytes:
        """The request body; git sends large fetch negotiations chunked."""
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            parts = []
            while (size := int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)) > 0:
                parts.append(self.rfile.read(size))
                self.rfile.readline()
            self.rfile.readline()
            return b"".join(parts)
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    do_GET = do_HEAD = do_POST = do_PUT = do_PATCH = do_DELETE = _serve  # noqa: N815

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        """Silent: request lines could carry secrets in query strings; counters and ``sim.log`` suffice."""
