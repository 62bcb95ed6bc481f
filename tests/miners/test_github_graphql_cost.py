"""Every page the miner asks costs 1 rate-limit point by GitHub's documented formula, and is the largest that
does: one item more and the page costs 2 (the simulator's cost module implements the formula). Pages with the
conversation comments nested (a first run) are smaller so that they still cost 1."""

from __future__ import annotations

import pytest

from leadsig.miners import github_graphql as gq
from leadsig.miners import github_graphql_issues as gi
from leadsig.simulator.graphql_cost import query_cost


def pulls(first: int) -> dict[str, object]:
    return {"owner": "acme", "name": "api", "first": first, "after": None, "reviews": gq.REVIEWS_PAGE,
            "labels": gq.LABELS_PAGE, "requests": gq.REQUESTS_PAGE, "files": gq.FILES_PAGE,
            "comments": gq.COMMENTS_PAGE}


def issues(first: int) -> dict[str, object]:
    return {"owner": "acme", "name": "api", "first": first, "after": None, "since": None,
            "labels": gi.LABELS_PAGE, "assignees": gi.ASSIGNEES_PAGE, "comments": gq.COMMENTS_PAGE}


@pytest.mark.parametrize(("query", "page", "variables"), [
    (gq.PULLS_QUERY, gq.PULLS_PAGE, pulls),
    (gq.PULLS_NESTED_QUERY, gq.PULLS_PAGE_NESTED, pulls),
    (gi.ISSUES_QUERY, gi.ISSUES_PAGE, issues),
    (gi.ISSUES_NESTED_QUERY, gi.ISSUES_PAGE_NESTED, issues),
], ids=["pulls", "pulls-with-comments", "issues", "issues-with-comments"])
def test_a_page_costs_one_point_and_is_the_largest_that_does(query, page, variables):
    assert query_cost(query, variables(page)) == 1
    assert query_cost(query, variables(page + 1)) == 2


def test_nesting_the_comments_costs_one_request_per_item_whatever_their_number():
    """The bound of the nested comments (up to 100) does not change the cost: one request per parent item."""
    few, many = pulls(gq.PULLS_PAGE_NESTED), {**pulls(gq.PULLS_PAGE_NESTED), "comments": 100}
    few["comments"] = 1
    assert query_cost(gq.PULLS_NESTED_QUERY, few) == query_cost(gq.PULLS_NESTED_QUERY, many) == 1


def test_a_hundred_commit_author_lookups_cost_one_point():
    from leadsig.miners.github_commit_accounts import ALIASES, _query

    assert query_cost(_query(ALIASES), {}) == 1
