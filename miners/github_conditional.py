"""Probes: one conditional request per stream says whether anything changed since the last run, for free.

GitHub answers ``If-None-Match: <ETag of last time>`` with ``304 Not Modified`` when the page is unchanged,
and does not count a 304 against the rate limit. PyGithub sends conditional requests only for single
objects (``GithubObject.update``), not for listings, so a probe asks the way ``update`` does
(``Requester.requestJson`` with the header, through the same requester, retry and checked connection).

A probe is the newest item of a stream's listing (``per_page=1``, newest-updated first, no ``since``): any
new or updated item becomes that item and changes the page, whatever the watermarks did, so the ETag of
the last run is still the right question tonight. An unchanged probe skips its stream (no batch, the
cursor stays); a changed one costs one request more than the stream itself. The GraphQL pulls stream
cannot be asked conditionally (a POST): the REST pulls listing is its probe.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode, urlsplit

from github import Consts
from github.Requester import Requester

from leadsig.miners import github_pages as pages
from leadsig.miners.github_pages import next_link


class Conditional:
    """The ETags of one repo's listings: ``stored`` from the last run, ``fresh`` to store after this one."""

    def __init__(self, requester: Requester, stored: dict[str, str] | None) -> None:
        self.requester = requester
        self.stored = stored or {}
        self.fresh: dict[str, str] = {}
        self.unchanged = 0  # 304s this run (free on GitHub)

    def key(self, url: str, params: dict[str, Any]) -> str:
        """The listing's path and sorted parameters: a moved ``since`` is another listing."""
        return urlsplit(url).path + "?" + urlencode(sorted(params.items()))

    def changed(self, url: str, params: dict[str, Any], ask: bool = True) -> bool:
        """False when the probe is unchanged since the stored ETag (a free 304); True otherwise. ``ask=False``
        sends no ETag (the warehouse holds nothing of this repo: an ETag would claim what is not there)."""
        key = self.key(url, params)
        etag = self.stored.get(key) if ask else None
        headers = {Consts.REQ_IF_NONE_MATCH: etag} if etag else {}
        status, answer, body = self.requester.requestJson("GET", url, parameters=params, headers=headers)
        lower = {k.lower(): v for k, v in answer.items()}
        if status == 304:
            self.unchanged += 1
            self.fresh[key] = lower.get("etag") or etag or ""
            return False
        if status >= 400:
            raise self.requester.createException(status, answer, json.loads(body) if body else None)
        if lower.get("etag"):
            self.fresh[key] = lower["etag"]
        return True


def conditional_listing(requester: Requester, url: str, params: dict[str, Any],
                        etag: str | None) -> tuple[str, list[dict[str, Any]]] | None:
    """A whole listing asked with ``etag`` on its first page: None when unchanged (a free 304), else the new
    ETag and every item (the further pages through their ``Link`` headers, as PyGithub pages)."""
    headers = {Consts.REQ_IF_NONE_MATCH: etag} if etag else {}
    status, answer, body = requester.requestJson("GET", url, parameters=params, headers=headers)
    if status == 304:
        return None
    if status >= 400:
        raise requester.createException(status, answer, json.loads(body) if body else None)
    lower = {k.lower(): v for k, v in answer.items()}
    items: list[dict[str, Any]] = list(json.loads(body) if body else [])
    following = next_link(answer)
    if following is not None:
        items += list(pages.items(requester, following, {}))
    return lower.get("etag") or "", items


def org_repos(requester: Requester, path: str, per_page: int, stored: tuple[str, list[dict[str, Any]]] | None,
              facts: tuple[str, ...]) -> tuple[str, list[dict[str, Any]]]:
    """(ETag, repos with their ``facts``) of an org listing; the stored answer when it is unchanged (304)."""
    etag, kept = stored or ("", [])
    answer = conditional_listing(requester, path, {"type": "all", "per_page": per_page}, etag or None)
    if answer is None:
        return etag, kept
    return answer[0], [{"full_name": d["full_name"], **{k: d.get(k) for k in facts}} for d in answer[1]]
