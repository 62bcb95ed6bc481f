"""Who merged each pull request, for the REST path: the pulls listing has no ``merged_by``.

The repository-wide issue events listing (newest first) names who merged (``merged`` events): it is read back
to the oldest merge wanted, and a PR whose event was not reached costs one ``/pulls/N``. Crediting the PR's
author instead sends a reviewer's merge to the wrong person.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from leadsig.miners import github_convert as cv
from leadsig.miners import github_graphql as gql


def credit_mergers(gh_repo: Any, pulls: list[gql.Pull], is_new: Callable[[datetime | None], bool]) -> None:
    """Set ``merged_by`` on the PRs merged since the last run (``is_new`` of their update time)."""
    wanted: dict[int, datetime] = {}
    for pull in pulls:
        merged = cv.ts(pull.data.get("merged_at"))
        if merged is not None and is_new(cv.ts(pull.data.get("updated_at"))):
            wanted[int(pull.data["number"])] = merged
    if not wanted:
        return
    found = _merged_events(gh_repo, wanted)
    for number in wanted.keys() - found.keys():
        found[number] = gh_repo.get_pull(number).raw_data.get("merged_by")
    for pull in pulls:
        number = int(pull.data["number"])
        if number in found:
            pull.data["merged_by"] = found[number]


def _merged_events(gh_repo: Any, wanted: dict[int, datetime]) -> dict[int, dict[str, Any] | None]:
    found: dict[int, dict[str, Any] | None] = {}
    oldest = min(wanted.values())
    for event in gh_repo.get_issues_events():
        ev = event._rawData  # noqa: SLF001 - raw_data would re-fetch each partial event
        at = cv.ts(ev.get("created_at"))
        if at is not None and at < oldest:
            break
        number = (ev.get("issue") or {}).get("number")
        if ev.get("event") == "merged" and number in wanted:
            found.setdefault(int(number), ev.get("actor"))
            if len(found) == len(wanted):
                break
    return found
