"""The python-gitlab client: its own retries on 429/5xx/dropped connections, observed and counted by us."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from leadsig.batch import MiningStats
from leadsig.config import SourceConfig
from leadsig.miners.gitlab_client import call_opts, expected_wait, make_client


class Scripted(BaseHTTPRequestHandler):
    """Answers GET /api/v4/projects/<id> from a script of (status, headers) steps, then 200."""

    script: list[tuple[int, dict[str, str]]] = []
    seen_headers: list[dict[str, str]] = []

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        Scripted.seen_headers.append(dict(self.headers))
        status, headers = Scripted.script.pop(0) if Scripted.script else (200, {})
        if status == 0:  # drop the connection without an answer
            self.close_connection = True
            self.wfile.flush()
            self.connection.shutdown(2)
            return
        body = json.dumps({"id": 1, "path_with_namespace": "acme/api"} if status == 200 else {"message": "x"})
        self.send_response(status)
        for k, v in headers.items():
            self.send_header(k, v)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body.encode())

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Scripted)
    thread = threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    Scripted.seen_headers = []
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def source(url: str, **over: object) -> SourceConfig:
    return SourceConfig(kind="gitlab", url=url, name="gl", groups=["acme"], **over)  # type: ignore[arg-type]


def test_429_and_5xx_are_retried_by_python_gitlab_and_counted(server: str) -> None:
    Scripted.script = [(429, {"Retry-After": "0"}), (503, {}), (200, {})]
    stats = MiningStats()
    src = source(server)
    gl = make_client(src, stats)
    project = gl.projects.get("acme/api", **call_opts(src))
    assert project.path_with_namespace == "acme/api"
    assert stats.requests == 3 and stats.retries == 2
    assert stats.waits == [("HTTP 429", 0.0), ("HTTP 503", 0.2)]  # second retry of one call: 0.1 * 2**1


def test_dropped_connection_is_retried(server: str) -> None:
    Scripted.script = [(0, {}), (200, {})]
    stats = MiningStats()
    src = source(server)
    make_client(src, stats).projects.get("acme/api", **call_opts(src))
    assert stats.requests == 2 and stats.retries == 1 and stats.waits[0][0] == "ConnectionError"


def test_retries_stop_at_max_retries(server: str) -> None:
    import gitlab

    Scripted.script = [(502, {})] * 5
    stats = MiningStats()
    src = source(server, max_retries=2)
    with pytest.raises(gitlab.GitlabGetError):
        make_client(src, stats).projects.get("acme/api", **call_opts(src))
    assert stats.requests == 3 and stats.retries == 2


def test_token_read_from_env_and_sent_as_private_token(server: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LEADSIG_TEST_GL_TOKEN", "glpat-secret-123456")
    src = source(server, token_env="LEADSIG_TEST_GL_TOKEN")
    make_client(src, MiningStats()).projects.get("acme/api", **call_opts(src))
    assert Scripted.seen_headers[-1].get("PRIVATE-TOKEN") == "glpat-secret-123456"


def test_expected_wait_follows_python_gitlab() -> None:
    assert expected_wait(0, {"Retry-After": "3"}) == 3.0
    assert expected_wait(3, {}) == pytest.approx(0.8)


def test_a_5xx_with_a_rate_limit_reset_header_backs_off_instead_of_waiting_for_the_reset(server: str) -> None:
    import time

    Scripted.script = [(503, {"RateLimit-Reset": str(int(time.time()) + 3600)}), (200, {})]
    stats = MiningStats()
    src = source(server)
    began = time.monotonic()
    make_client(src, stats).projects.get("acme/api", **call_opts(src))
    assert stats.waits == [("HTTP 503", 0.1)] and time.monotonic() - began < 30
