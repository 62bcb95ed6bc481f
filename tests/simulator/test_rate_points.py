"""Rate-limit points as GitHub counts them: a 304 to If-None-Match is free, GraphQL costs by GitHub's formula."""

from __future__ import annotations

import requests

from leadsig.simulator.graphql_cost import query_cost

PULLS = "/repos/acme/api/pulls?state=all&sort=updated&direction=desc&per_page=5"


def test_a_matching_etag_gets_a_free_304_and_a_change_a_new_etag(fresh_sim):
    sim = fresh_sim
    first = requests.get(sim.url + PULLS, timeout=10)
    etag = first.headers["ETag"]
    sim.reset_requests()
    again = requests.get(sim.url + PULLS, headers={"If-None-Match": etag}, timeout=10)
    assert again.status_code == 304 and again.content == b"" and again.headers["ETag"] == etag
    assert again.headers["X-RateLimit-Used"] == first.headers["X-RateLimit-Used"]  # not counted
    assert sim.rate_points() == 0 and sim.request_count() == 1
    sim.org.add_comment("acme/api", sim.org.pulls["acme/api"][0].number, sim.org.humans()[0], "one more thing")
    changed = requests.get(sim.url + PULLS, headers={"If-None-Match": etag}, timeout=10)
    assert changed.status_code == 200 and changed.headers["ETag"] != etag
    assert sim.rate_points("core") == 1


def test_graphql_points_follow_githubs_documented_example():
    doc = """query { viewer { login repositories(first: 100) { edges { node { name
             issues(first: 50) { totalCount edges { node { title labels(first: 60) { edges { node { name } } } } } }
             } } } } }"""
    assert query_cost(doc) == 51  # 1 + 100 + 100 x 50 = 5,101 requests, / 100, rounded (GitHub's own figures)
    assert query_cost("query { viewer { login } }") == 1  # at least one point


def test_a_graphql_call_is_charged_its_cost_and_reported_in_rate_limit(sim):
    sim.reset_requests()
    query = """query($n: Int!) { rateLimit { cost } repository(owner: "acme", name: "api") {
               pullRequests(first: $n) { nodes { number reviews(first: 100) { nodes { state } } } } } }"""
    body = requests.post(sim.url + "/graphql", json={"query": query, "variables": {"n": 100}}, timeout=10).json()
    assert body["data"]["rateLimit"]["cost"] == 1  # 1 + 100 requests
    big = query.replace("reviews(first: 100) { nodes { state } }",
                        "reviews(first: 100) { nodes { state } } labels(first: 100) { nodes { name } }")
    body = requests.post(sim.url + "/graphql", json={"query": big, "variables": {"n": 100}}, timeout=10).json()
    assert body["data"]["rateLimit"]["cost"] == 2  # 1 + 100 + 100 requests
    assert sim.rate_points("graphql") == 3 and sim.rate_points("core") == 0


def test_the_budget_comes_back_at_the_announced_reset(fresh_sim, monkeypatch):
    """A client that waits until X-RateLimit-Reset (as Perceval does) finds a fresh budget there."""
    from leadsig.simulator import faults

    clock = [1_000_000.0]
    monkeypatch.setattr(faults.time, "time", lambda: clock[0])
    fresh_sim.faults.reset()
    fresh_sim.switches.budget, fresh_sim.switches.window = 2, 600
    url = fresh_sim.url + "/repos/acme/api"
    first = requests.get(url, timeout=10)
    reset = int(first.headers["X-RateLimit-Reset"])
    assert reset == 1_000_600 and first.headers["X-RateLimit-Remaining"] == "1"
    assert requests.get(url, timeout=10).status_code == 200
    clock[0] = reset - 1.0
    assert requests.get(url, timeout=10).status_code == 403  # spent, before the reset
    fresh_sim.switches.reset_after = 600  # spent: the budget still comes back at the announced reset
    assert requests.get(url, timeout=10).headers["X-RateLimit-Reset"] == str(reset)
    clock[0] = float(reset)
    again = requests.get(url, timeout=10)
    assert again.status_code == 200 and again.headers["X-RateLimit-Remaining"] == "1"


def test_the_graphql_budget_is_spent_in_points_apart_from_the_rest_budget(fresh_sim):
    """GitHub keeps GraphQL's budget apart and spends it by the query's cost; a query costing more than is
    left is refused (403), while REST requests still go through."""
    fresh_sim.faults.reset()
    fresh_sim.switches.budget = 5
    query = """query { repository(owner: "acme", name: "api") {
               pullRequests(first: 100) { nodes { number reviews(first: 100) { nodes { state } }
               labels(first: 100) { nodes { name } } } } } }"""  # 1 + 100 + 100 requests: 2 points
    first = requests.post(fresh_sim.url + "/graphql", json={"query": query}, timeout=10)
    assert first.status_code == 200 and first.headers["X-RateLimit-Resource"] == "graphql"
    assert first.headers["X-RateLimit-Used"] == "2" and first.headers["X-RateLimit-Remaining"] == "3"
    assert requests.post(fresh_sim.url + "/graphql", json={"query": query}, timeout=10).status_code == 200
    assert requests.post(fresh_sim.url + "/graphql", json={"query": query}, timeout=10).status_code == 403  # 4+2>5
    rest = requests.get(fresh_sim.url + "/repos/acme/api", timeout=10)
    assert rest.status_code == 200 and rest.headers["X-RateLimit-Used"] == "1"  # REST has its own budget
    limits = requests.get(fresh_sim.url + "/rate_limit", timeout=10).json()["resources"]
    assert limits["graphql"]["used"] == 4 and limits["core"]["used"] == 1
