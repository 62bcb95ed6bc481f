"""The simulator's GraphQL conversation comments of PRs and issues say what its REST comment listings say, page
like GitHub's connections, and are charged one request per parent item by GitHub's formula."""

from __future__ import annotations

import requests

from leadsig.simulator import GITHUB

QUERY = """
query($owner: String!, $name: String!, $first: Int!, $comments: Int!, $after: String) {
  rateLimit { cost }
  repository(owner: $owner, name: $name) {
    pullRequests(first: $first, orderBy: {field: CREATED_AT, direction: ASC}) {
      nodes { number comments(first: $comments, after: $after) { totalCount pageInfo { hasNextPage endCursor }
        nodes { fullDatabaseId url body createdAt updatedAt authorAssociation author { __typename login } } } }
    }
    issues(first: $first, orderBy: {field: CREATED_AT, direction: ASC}) {
      nodes { number comments(first: $comments, after: $after) { totalCount pageInfo { hasNextPage endCursor }
        nodes { fullDatabaseId url body createdAt updatedAt authorAssociation author { __typename login } } } }
    }
  }
}
"""


def ask(sim, **variables: object) -> dict:
    body = requests.post(sim.url + "/graphql", json={"query": QUERY, "variables": {
        "owner": "acme", "name": "api", "first": 40, "comments": 100, "after": None, **variables}}, timeout=30).json()
    assert "errors" not in body, body
    return body["data"]


def as_rest(node: dict) -> tuple:
    login = node["author"]["login"] + ("[bot]" if node["author"]["__typename"] == "Bot" else "")
    return (int(node["fullDatabaseId"]), node["url"], node["body"], node["createdAt"], node["updatedAt"], login)


def test_nested_comments_are_the_rest_listing_of_each_item(sim):
    data = ask(sim)
    items = data["repository"]["pullRequests"]["nodes"] + data["repository"]["issues"]["nodes"]
    assert sum(i["comments"]["totalCount"] for i in items) > 0
    for item in items:
        rest = requests.get(f"{sim.url}/repos/acme/api/issues/{item['number']}/comments",
                            params={"per_page": 100}, timeout=30).json()
        assert [as_rest(n) for n in item["comments"]["nodes"]] == [
            (c["id"], c["html_url"], c["body"], c["created_at"], c["updated_at"], c["user"]["login"]) for c in rest]
    pulls = len(data["repository"]["pullRequests"]["nodes"])
    issues = len(data["repository"]["issues"]["nodes"])
    assert pulls + issues == sum(1 for x in [*sim.org.all_pulls(GITHUB), *sim.org.all_issues(GITHUB)]
                                 if x.repo == "acme/api")


def test_nested_comments_page_and_cost_one_request_per_parent(sim):
    """first: 1 leaves the rest of a longer thread on the next page; the cost: 1 + 40 (the comments of each of
    40 PRs) + 1 + 40 = 82 requests, 1 point, whatever the comments' bound."""
    data = ask(sim, comments=1)
    assert data["rateLimit"]["cost"] == 1
    long = next(n for n in data["repository"]["pullRequests"]["nodes"] if n["comments"]["totalCount"] > 1)
    assert len(long["comments"]["nodes"]) == 1 and long["comments"]["pageInfo"]["hasNextPage"]
    after = long["comments"]["pageInfo"]["endCursor"]
    rest = ask(sim, comments=100, after=after)
    again = next(n for n in rest["repository"]["pullRequests"]["nodes"] if n["number"] == long["number"])
    assert len(again["comments"]["nodes"]) == long["comments"]["totalCount"] - 1
    assert ask(sim, first=75)["rateLimit"]["cost"] == 2  # 1 + 75 + 1 + 75 = 152: 2 points
