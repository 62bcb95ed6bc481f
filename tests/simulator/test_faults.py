"""Rate-limit budgets, secondary limits, injected faults, headers and the request counter."""

from __future__ import annotations

import time

import pytest
import requests

API = "/api/v4"


def test_rate_headers_on_every_response(fresh_sim) -> None:
    gh = requests.get(f"{fresh_sim.url}/repos/acme/api")
    assert {
        "X-RateLimit-Limit",
        "X-RateLimit-Remaining",
        "X-RateLimit-Reset",
        "X-RateLimit-Used",
        "X-RateLimit-Resource",
    } <= set(gh.headers)
    gl = requests.get(f"{fresh_sim.url}{API}/groups/acme")
    assert {"RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset", "RateLimit-Observed"} <= set(gl.headers)


def test_primary_budget_then_reset(fresh_sim) -> None:
    fresh_sim.switches.budget, fresh_sim.switches.reset_after = 3, 1.0
    codes = [requests.get(f"{fresh_sim.url}/repos/acme/api").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 403]
    r = requests.get(f"{fresh_sim.url}/repos/acme/api")
    assert r.headers["X-RateLimit-Remaining"] == "0"
    assert 0 <= int(r.headers["X-RateLimit-Reset"]) - time.time() <= 2
    assert r.json()["message"].lower().startswith("api rate limit exceeded")
    gl = [requests.get(f"{fresh_sim.url}{API}/groups/acme").status_code for _ in range(4)]
    assert gl == [200, 200, 200, 429]  # GitLab budget is separate and answers 429
    time.sleep(1.2)
    assert requests.get(f"{fresh_sim.url}/repos/acme/api").status_code == 200
    fresh_sim.switches.budget = 1
    fresh_sim.restore_budget()
    assert requests.get(f"{fresh_sim.url}/repos/acme/api").status_code == 200


def test_rate_limit_endpoint_is_free(fresh_sim) -> None:
    fresh_sim.switches.budget = 1
    requests.get(f"{fresh_sim.url}/repos/acme/api")
    body = requests.get(f"{fresh_sim.url}/rate_limit").json()
    assert body["resources"]["core"]["remaining"] == 0 and body["rate"]["limit"] == 1


@pytest.mark.parametrize("status", [403, 429])
def test_secondary_limit(fresh_sim, status) -> None:
    fresh_sim.switches.secondary_every, fresh_sim.switches.secondary_status = 2, status
    a, b = (requests.get(f"{fresh_sim.url}/repos/acme/api") for _ in range(2))
    assert a.status_code == 200 and b.status_code == status
    assert b.headers["Retry-After"] == "1" and "secondary rate limit" in b.json()["message"]
    requests.get(f"{fresh_sim.url}{API}/groups/acme")
    gl = requests.get(f"{fresh_sim.url}{API}/groups/acme")
    assert gl.status_code == 429 and gl.headers["Retry-After"] == "1"


def test_errors_drops_and_latency(fresh_sim) -> None:
    fresh_sim.switches.error_rate = 1.0
    r = requests.get(f"{fresh_sim.url}/repos/acme/api")
    assert r.status_code in (500, 502, 503)
    fresh_sim.switches.error_rate, fresh_sim.switches.drop_rate = 0.0, 1.0
    with pytest.raises(requests.ConnectionError):
        requests.get(f"{fresh_sim.url}/repos/acme/api")
    fresh_sim.switches.drop_rate, fresh_sim.switches.latency = 0.0, 0.2
    t = time.perf_counter()
    assert requests.get(f"{fresh_sim.url}/repos/acme/api").status_code == 200
    assert time.perf_counter() - t >= 0.2
    # evidence pages are never faulted
    fresh_sim.switches.latency, fresh_sim.switches.error_rate = 0.0, 1.0
    number = fresh_sim.org.pulls["acme/api"][0].number
    assert requests.get(f"{fresh_sim.url}/acme/api/pull/{number}").status_code == 200


def test_faults_are_deterministic(fresh_sim) -> None:
    fresh_sim.switches.error_rate = 0.3

    def run() -> list[int]:
        fresh_sim.faults.reset()
        return [requests.get(f"{fresh_sim.url}/repos/acme/api").status_code for _ in range(20)]

    first = run()
    assert first == run() and set(first) - {200}


def test_request_counter(fresh_sim) -> None:
    fresh_sim.reset_requests()
    requests.get(f"{fresh_sim.url}/repos/acme/api/pulls")
    requests.get(f"{fresh_sim.url}/api/v3/repos/acme/web/pulls?page=2")
    requests.get(f"{fresh_sim.url}{API}/projects/{fresh_sim.org.repos_of('gitlab')[0].id}/merge_requests")
    assert fresh_sim.request_count("GET /repos/{owner}/{repo}/pulls") == 2
    assert fresh_sim.request_count("GET /api/v4/projects/{pid}/merge_requests") == 1
    assert fresh_sim.request_count() == 3
    assert all("Authorization" not in line[1] for line in fresh_sim.log)
    fresh_sim.reset_requests()
    assert fresh_sim.request_count() == 0


def test_keep_alive_is_fast(fresh_sim) -> None:
    with requests.Session() as s:
        s.get(f"{fresh_sim.url}/repos/acme/api")
        t = time.perf_counter()
        for _ in range(20):
            s.get(f"{fresh_sim.url}/repos/acme/api")
        per_request = (time.perf_counter() - t) / 20
    assert per_request < 0.03  # ~40 ms each without TCP_NODELAY
