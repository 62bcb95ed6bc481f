"""A REST listing's items as the JSON GitHub sent, page by page through the ``Link`` headers.

Why not PyGithub's ``PaginatedList``: it builds a PyGithub object (and one per nested user) for every item,
only for the miner to read back the JSON it was built from; on a large org that was seconds of each run's
time. The requests go through the same requester (retry, checked connection, request counter), and pages
are asked as PyGithub asks them (its ``per_page``, its ``since`` format).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import Any

import requests
from github.Requester import Requester


def since_param(when: datetime) -> str:
    return when.strftime("%Y-%m-%dT%H:%M:%SZ")  # as PyGithub writes it (watermarks are UTC)


def next_link(headers: dict[str, Any]) -> str | None:
    link = {k.lower(): v for k, v in headers.items()}.get("link", "")
    return next((x["url"] for x in requests.utils.parse_header_links(link) if x.get("rel") == "next"), None) \
        if link else None


def items(requester: Requester, url: str, params: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """Every item of the listing at ``url`` (path or absolute URL), first page with ``params``."""
    headers, page = requester.requestJsonAndCheck("GET", url, parameters=params)
    while True:
        yield from page if isinstance(page, list) else []
        following = next_link(headers)
        if following is None:
            return
        headers, page = requester.requestJsonAndCheck("GET", following)


def chunks(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    """``items`` in lists of ``size`` (the last shorter): one stored batch each."""
    buf: list[Any] = []
    for item in items:
        buf.append(item)
        if len(buf) >= size:
            yield buf
            buf = []
    if buf:
        yield buf
