"""A page of the pulls query costs 2 rate-limit points by GitHub's documented formula, and is the largest page
that does: one PR more and every page costs 3 (the simulator's cost module implements the formula)."""

from __future__ import annotations

from leadsig.miners import github_graphql as gq
from leadsig.simulator.graphql_cost import query_cost


def variables(first: int) -> dict[str, object]:
    return {"owner": "acme", "name": "api", "first": first, "after": None, "reviews": gq.REVIEWS_PAGE,
            "labels": gq.LABELS_PAGE, "requests": gq.REQUESTS_PAGE, "files": gq.FILES_PAGE}


def test_a_page_of_pulls_costs_two_points_and_is_the_largest_that_does():
    assert query_cost(gq.PULLS_QUERY, variables(gq.PULLS_PAGE)) == 2
    assert query_cost(gq.PULLS_QUERY, variables(gq.PULLS_PAGE + 1)) == 3


def test_a_page_of_issues_costs_one_point_and_is_the_largest_that_does():
    from leadsig.miners import github_graphql_issues as gi

    v = {"owner": "acme", "name": "api", "first": gi.ISSUES_PAGE, "after": None, "since": None,
         "labels": gi.LABELS_PAGE, "assignees": gi.ASSIGNEES_PAGE}
    assert query_cost(gi.ISSUES_QUERY, v) == 1
    assert query_cost(gi.ISSUES_QUERY, {**v, "first": gi.ISSUES_PAGE + 1}) == 2


def test_a_hundred_commit_author_lookups_cost_one_point():
    from leadsig.miners.github_commit_accounts import ALIASES, _query

    assert query_cost(_query(ALIASES), {}) == 1
