"""GitHub's repository-wide issue events listing (``/repos/{owner}/{repo}/issues/events``).

The REST pulls listing has no ``merged_by``; this listing names who merged (``event: "merged"``, ``actor``)
and who closed, newest first, as GitHub serves it. Only the events the org model knows are rendered:
``merged`` and ``closed`` for PRs, ``closed`` for issues. Event ids are derived from the item's id, so
the same org gives the same ids on every start.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from leadsig.simulator import github_render as gh
from leadsig.simulator.github_accounts import node_id, user
from leadsig.simulator.github_routes import _repo, listing
from leadsig.simulator.http import Request, Response, Router
from leadsig.simulator.model import Issue, Person, PullRequest, iso_z
from leadsig.simulator.org import Org

EVENT_ID_BASE = 7_000_000_000


def _events_of(item: Issue | PullRequest) -> list[tuple[datetime, int, str, Person]]:
    """(when, id, event, actor) for what the org model records about one issue or PR."""
    out: list[tuple[datetime, int, str, Person]] = []
    base = EVENT_ID_BASE + item.id * 4 + (2 if isinstance(item, PullRequest) else 0)
    if isinstance(item, PullRequest):
        if item.merged_at is not None:
            merger = item.merged_by or item.author
            out += [(item.merged_at, base, "merged", merger), (item.merged_at, base + 1, "closed", merger)]
        elif item.closed_at is not None:
            out.append((item.closed_at, base + 1, "closed", item.author))
    elif item.closed_at is not None:
        out.append((item.closed_at, base, "closed", item.closed_by or item.author))
    return out


def repo_issue_events(org: Org, req: Request, owner: str, repo: str) -> Response:
    r = _repo(org, owner, repo)
    items: list[Issue | PullRequest] = [*org.pulls.get(r.full_name, []), *org.issues.get(r.full_name, [])]
    events = [(e, item) for item in items for e in _events_of(item)]
    events.sort(key=lambda pair: (pair[0][0], pair[0][1]), reverse=True)  # newest first, as GitHub lists them
    api, web = req.api_base, req.host_url

    def render(pair: tuple[tuple[datetime, int, str, Person], Issue | PullRequest]) -> dict[str, Any]:
        (when, ident, kind, actor), item = pair
        return {
            "id": ident,
            "node_id": node_id("IssueEvent", ident),
            "url": f"{api}/repos/{r.full_name}/issues/events/{ident}",
            "actor": user(actor, api, web),
            "event": kind,
            "commit_id": None,
            "commit_url": None,
            "created_at": iso_z(when),
            "performed_via_github_app": None,
            "issue": gh.issue_json(item, api, web),
        }

    return listing(req, events, render)


def register(router: Router) -> None:
    """Before :mod:`github_routes`: its ``/issues/{number}`` would take ``events`` for a number."""
    router.add("GET", "/repos/{owner}/{repo}/issues/events", repo_issue_events)
