"""GitLab's GraphQL endpoint (``POST /api/graphql``) over raw HTTP: the same data as the v4 routes, keyset
cursors, GitLab's complexity limit, counting and faults, and GitHub's Enterprise GraphQL left alone."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import requests

from leadsig.simulator import GITLAB

QUERY = """query($path: ID!, $after: String, $first: Int) {
  project(fullPath: $path) {
    mergeRequests(sort: UPDATED_ASC, first: $first, after: $after) {
      pageInfo { hasNextPage endCursor }
      nodes { iid title state createdAt updatedAt webUrl author { id username }
              notes(first: 100) { nodes { id body system createdAt author { username }
                                         position { newPath newLine } } } }
    }
  }
}"""


def ask(sim, query: str, **variables: Any) -> dict[str, Any]:
    resp = requests.post(f"{sim.url}/api/graphql", json={"query": query, "variables": variables}, timeout=10)
    assert resp.status_code == 200
    return resp.json()


def all_mrs(sim, path: str, first: int = 100) -> list[dict[str, Any]]:
    out, after = [], None
    while True:
        conn = ask(sim, QUERY, path=path, after=after, first=first)["data"]["project"]["mergeRequests"]
        out += conn["nodes"]
        if not conn["pageInfo"]["hasNextPage"]:
            return out
        after = conn["pageInfo"]["endCursor"]


def test_merge_requests_and_notes_say_what_the_v4_routes_say(sim) -> None:
    project = sim.org.repos_of(GITLAB)[0]
    api = f"{sim.url}/api/v4/projects/{project.id}"
    listing = {"per_page": 100, "order_by": "updated_at", "sort": "asc"}
    rest = requests.get(f"{api}/merge_requests", params=listing).json()
    nodes = all_mrs(sim, project.full_name, first=4)
    assert [int(n["iid"]) for n in nodes] == [mr["iid"] for mr in rest]
    for node, mr in zip(nodes, rest, strict=True):
        assert (node["title"], node["state"], node["webUrl"]) == (mr["title"], mr["state"], mr["web_url"])
        assert node["author"] == {"id": f"gid://gitlab/User/{mr['author']['id']}", "username": mr["author"]["username"]}
        assert node["updatedAt"][:19] == mr["updated_at"][:19]
        notes = requests.get(f"{api}/merge_requests/{mr['iid']}/notes",
                             params={"per_page": 100, "sort": "asc", "order_by": "created_at"}).json()
        got = [(n["id"].rsplit("/", 1)[-1], n["body"], n["system"], (n["position"] or {}).get("newPath"))
               for n in node["notes"]["nodes"]]
        assert got == [(str(n["id"]), n["body"], n["system"], (n.get("position") or {}).get("new_path"))
                       for n in notes]
        assert all(n["id"].startswith("gid://gitlab/DiffNote/") == bool(n["position"]) for n in node["notes"]["nodes"])


def test_an_mr_updated_between_pages_moves_to_the_end_without_shifting_the_others(fresh_sim) -> None:
    sim = fresh_sim
    project = sim.org.repos_of(GITLAB)[0]
    first = ask(sim, QUERY, path=project.full_name, first=3)["data"]["project"]["mergeRequests"]
    moved = sim.org.pull(project.full_name, int(first["nodes"][0]["iid"]))
    sim.org.add_late_approval(moved.repo, moved.number, at=sim.org.now + timedelta(hours=1))
    after, rest = first["pageInfo"]["endCursor"], []
    while after:
        conn = ask(sim, QUERY, path=project.full_name, after=after, first=3)["data"]["project"]["mergeRequests"]
        rest += conn["nodes"]
        after = conn["pageInfo"]["endCursor"] if conn["pageInfo"]["hasNextPage"] else None
    seen = [n["iid"] for n in first["nodes"] + rest]
    assert seen[-1] == str(moved.number) and seen.count(str(moved.number)) == 2  # read again, at the end
    assert len(set(seen)) == len(sim.org.pulls[project.full_name])  # nothing skipped


def test_a_too_complex_query_is_refused_as_gitlab_refuses_it(sim) -> None:
    nested = " ".join(f"n{i}: notes(first: 100) {{ nodes {{ id body author {{ id username name bot }} }} }}"
                      for i in range(8))
    query = f'query {{ project(fullPath: "x") {{ mergeRequests(first: 100) {{ nodes {{ {nested} }} }} }} }}'
    body = ask(sim, query)
    assert "data" not in body
    assert body["errors"][0]["message"].startswith("Query has complexity of ")
    assert body["errors"][0]["message"].endswith("which exceeds max complexity of 250")


def test_an_unknown_project_is_null_and_the_request_is_counted_as_gitlab(sim) -> None:
    sim.reset_requests()
    body = ask(sim, 'query { project(fullPath: "acme/nope") { id } }')
    assert body == {"data": {"project": None}}
    assert sim.request_count("POST /api/graphql") == 1 and sim.rate_points("gitlab") == 1


def test_enterprise_github_graphql_at_the_same_path_still_answers_github_queries(sim) -> None:
    body = ask(sim, "query { rateLimit { limit } }")
    assert body["data"]["rateLimit"]["limit"] > 0


def test_faults_fall_on_gitlab_graphql_too(fresh_sim) -> None:
    sim = fresh_sim
    sim.switches.failing = ("/api/graphql",)
    resp = requests.post(f"{sim.url}/api/graphql", json={"query": "query { metadata { version } }"}, timeout=10)
    assert resp.status_code == 503
    sim.switches.failing = ()
    sim.switches.gitlab_graphql_absent = True
    resp = requests.post(f"{sim.url}/api/graphql", json={"query": "query { metadata { version } }"}, timeout=10)
    assert resp.status_code == 404
