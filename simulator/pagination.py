"""Offset pagination as the two forges do it, with absolute URLs on the simulator's own host.

GitHub: ``Link`` with rel first/prev/next/last, only when there is more than one page.  PyGithub follows
the path and query of ``next`` on its own configured host, so the path must keep any ``/api/v3`` prefix.
GitLab: ``X-Page``, ``X-Per-Page``, ``X-Next-Page``, ``X-Prev-Page``, ``X-Total``, ``X-Total-Pages`` and a
``Link`` whose absolute URL python-gitlab follows as is.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from leadsig.simulator.http import Request


@dataclass
class Page:
    items: list[Any]
    page: int
    per_page: int
    total: int

    @property
    def last(self) -> int:
        return max(1, -(-self.total // self.per_page))


def paginate(items: Sequence[Any], req: Request, default: int = 30, maximum: int = 100) -> Page:
    """Cut ``items`` to the requested page (page numbers start at 1; bad values fall back to defaults)."""
    try:
        per_page = int(req.query.get("per_page", default))
    except ValueError:
        per_page = default
    per_page = min(max(per_page, 1), maximum)
    try:
        page = max(1, int(req.query.get("page", 1)))
    except ValueError:
        page = 1
    start = (page - 1) * per_page
    return Page(list(items[start : start + per_page]), page, per_page, len(items))


def page_url(req: Request, page: int) -> str:
    """The absolute URL of the same listing at ``page`` (other query parameters kept, in order)."""
    query = dict(req.query)
    query["page"] = str(page)
    return f"{req.host_url}{req.raw_path}?{urlencode(query)}"


def github_link(req: Request, p: Page) -> dict[str, str]:
    """GitHub's Link header for page ``p`` (empty when everything fits on one page)."""
    if p.last <= 1 and p.page <= 1:
        return {}
    rels = []
    if p.page < p.last:
        rels += [(p.page + 1, "next"), (p.last, "last")]
    if p.page > 1:
        rels += [(1, "first"), (min(p.page - 1, p.last), "prev")]
    return {"Link": ", ".join(f'<{page_url(req, n)}>; rel="{rel}"' for n, rel in rels)}


def gitlab_headers(req: Request, p: Page) -> dict[str, str]:
    """GitLab's pagination headers for page ``p``."""
    nxt = p.page + 1 if p.page < p.last else None
    prev = p.page - 1 if p.page > 1 else None
    links = []
    if prev:
        links.append(f'<{page_url(req, prev)}>; rel="prev"')
    if nxt:
        links.append(f'<{page_url(req, nxt)}>; rel="next"')
    links += [f'<{page_url(req, 1)}>; rel="first"', f'<{page_url(req, p.last)}>; rel="last"']
    return {
        "X-Page": str(p.page),
        "X-Per-Page": str(p.per_page),
        "X-Next-Page": str(nxt or ""),
        "X-Prev-Page": str(prev or ""),
        "X-Total": str(p.total),
        "X-Total-Pages": str(p.last),
        "Link": ", ".join(links),
    }
