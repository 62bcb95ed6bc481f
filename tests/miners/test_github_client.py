"""The PyGithub client: GithubRetry handles real GitHub's limit shapes; we only observe, count and log."""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from leadsig.batch import MiningStats
from leadsig.config import SourceConfig
from leadsig.miners.github_client import make_github

PRIMARY = "API rate limit exceeded for user ID 1."
SECONDARY = "You have exceeded a secondary rate limit. Please wait a few minutes before you try again."


class Scripted(BaseHTTPRequestHandler):
    """GET /repos/acme/api answers from a script of (status, headers, message) steps, then 200."""

    protocol_version = "HTTP/1.1"
    script: list[tuple[int, dict[str, str], str]] = []
    seen: list[dict[str, str]] = []

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        Scripted.seen.append(dict(self.headers))
        status, headers, message = Scripted.script.pop(0) if Scripted.script else (200, {}, "")
        body = json.dumps({"full_name": "acme/api", "id": 1} if status == 200 else {"message": message}).encode()
        self.send_response(status)
        for k, v in headers.items():
            self.send_header(k, v)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Scripted)
    threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True).start()
    Scripted.seen = []
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(autouse=True)
def fast_backoff(monkeypatch: pytest.MonkeyPatch) -> None:
    from leadsig.miners import github_client

    monkeypatch.setattr(github_client, "BACKOFF_FACTOR", 0.01)


def fetch(url: str, stats: MiningStats, **over: object) -> dict:
    src = SourceConfig(kind="github", url=url, name="gh", repos=["acme/api"], seconds_between_requests=0,
                       **over)  # type: ignore[arg-type]
    return make_github(src, stats).get_repo("acme/api").raw_data


def test_primary_limit_without_retry_after_waits_until_the_reset_header(server):
    reset = int(time.time()) + 1
    Scripted.script = [(403, {"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": str(reset)}, PRIMARY)]
    stats = MiningStats()
    assert fetch(server, stats)["full_name"] == "acme/api"
    [(reason, seconds)] = stats.waits
    assert reason == "primary rate limit, until reset" and 0 < seconds <= 2.5
    assert (stats.requests, stats.retries) == (2, 1)


def test_secondary_limit_429_with_retry_after_and_5xx_are_retried(server):
    Scripted.script = [(429, {"Retry-After": "1"}, SECONDARY), (502, {}, "bad gateway"), (503, {}, "x")]
    stats = MiningStats()
    assert fetch(server, stats)["id"] == 1
    assert stats.waits[0] == ("secondary rate limit, Retry-After", 1.0)
    assert (stats.requests, stats.retries) == (4, 3)


def test_a_403_that_is_no_rate_limit_is_not_retried(server):
    from github import GithubException

    Scripted.script = [(403, {}, "Resource not accessible by integration")]
    stats = MiningStats()
    with pytest.raises(GithubException) as err:
        fetch(server, stats)
    assert err.value.status == 403 and stats.retries == 0 and stats.requests == 1


def test_retries_are_bounded_by_max_retries(server):
    Scripted.script = [(500, {}, "x")] * 5
    stats = MiningStats()
    with pytest.raises(Exception, match="too many 500 error responses"):
        fetch(server, stats, max_retries=2)
    assert stats.requests == 3


def test_token_is_sent_from_the_environment_and_never_logged(server, monkeypatch, caplog):
    monkeypatch.setenv("LEADSIG_TEST_GH_TOKEN", "ghp_secretvalue123")
    Scripted.script = [(502, {}, "x")]
    caplog.set_level(logging.DEBUG)
    fetch(server, MiningStats(), token_env="LEADSIG_TEST_GH_TOKEN")
    assert Scripted.seen[-1]["Authorization"] == "token ghp_secretvalue123"
    assert "ghp_secretvalue123" not in caplog.text


@pytest.mark.parametrize(("configured", "expected"), [(0, 0), (0.5, 0.5), (None, 0.25)])
def test_graphql_queries_are_paced_as_reads_not_as_writes(configured, expected):
    """PyGithub waits 1 s between POSTs (writes); the miner's POSTs are GraphQL reads, paced as reads."""
    from leadsig.batch import MiningStats
    from leadsig.config import SourceConfig
    from leadsig.miners.github_client import make_github

    src = SourceConfig(kind="github", url="http://127.0.0.1:9", name="gh", repos=["a/b"],
                       seconds_between_requests=configured)
    requester = make_github(src, MiningStats()).requester
    assert (requester._Requester__seconds_between_requests, requester._Requester__seconds_between_writes) == (
        expected, expected)
