"""Corpus items to what the miners would have stored: Activity records, roster people and the repo's team.

The mapping mirrors the GitHub and GitLab converters (same URLs, native ids, ``extra`` keys where the
miners set them), so a rule measured here reads the same fields it reads in the nightly run. Item facts
the miners do not keep on every activity get ``extra`` keys of their own (see docs/eval-corpus.md).

Each item gets a host of its own in the throw-away warehouse (``i<n>.<host>``): threads, identities and
repository teams are keyed by host, so two items may reuse a login with other roster facts, or a repo
and PR number, without leaking into each other. The evaluation puts the real host back before matching.
"""

from __future__ import annotations

import fnmatch
import hashlib
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from leadsig.activity import COMMIT, ISSUE_OPENED, PR_MERGED, PR_OPENED, PR_REVIEW, REVIEW_COMMENT, Activity
from leadsig.paths import PathGroups
from leadsig.roster import Login, Person, region_for
from leadsig.rules.evaluation.corpus import OPENINGS, Item, thread_type

DEFAULT_AT = date(2026, 6, 15)
DEFAULT_REPO = "acme/app"
HOSTS = {"github": "github.com", "gitlab": "gitlab.com"}
ANCHORS = {"pr_review": "#pullrequestreview-{}", "review_comment": "#discussion_r{}", "pr_comment": "#issuecomment-{}",
           "issue_comment": "#issuecomment-{}"}


@dataclass
class Built:
    """One item as stored: its activities (thread first, the scored one last) and its roster people."""

    item: Item
    host: str  # the item's own host in the warehouse
    real_host: str
    repo: str
    team: str | None
    activities: list[Activity]
    scored_id: str
    people: list[Person]


def build_item(item: Item, index: int, groups: PathGroups, default_teams: dict[str, list[str]]) -> Built:
    d = item.data
    forge = d.get("forge", "github")
    real_host = HOSTS[forge]
    host = f"i{index}.{real_host}"
    repo = d.get("repo", DEFAULT_REPO)
    at = datetime.combine(date.fromisoformat(d["at"]) if d.get("at") else DEFAULT_AT, time(12), UTC)
    ctx = _Context(item, forge, host, real_host, repo, at, groups)
    acts = ctx.activities()
    teams = d.get("teams") or default_teams
    team = next((t for t, globs in teams.items() if any(fnmatch.fnmatchcase(repo, g) for g in globs)), None)
    people = [_person(index, host, login, facts) for login, facts in (d.get("people") or {}).items()]
    return Built(item, host, real_host, repo, team, acts, acts[-1].id, people)


def _person(index: int, host: str, login: str, facts: dict[str, Any]) -> Person:
    """A roster person known on this item's host only (so another item's same login is someone else)."""
    tz = facts.get("timezone")
    start = facts.get("start_date")
    pinned = [Login(login.lower(), host)]
    return Person(id=f"i{index}/{login.lower()}", name=facts.get("name") or login, team=facts.get("team"),
                  level=facts.get("level"), start_date=date.fromisoformat(start) if start else None, timezone=tz,
                  region=region_for(tz), github=pinned, gitlab=list(pinned))


class _Context:
    """Turns one item's thread, before entries and scored activity into Activity records."""

    def __init__(self, item: Item, forge: str, host: str, real_host: str, repo: str, at: datetime,
                 groups: PathGroups) -> None:
        self.item, self.forge, self.host, self.real_host, self.repo, self.at = item, forge, host, real_host, repo, at
        self.groups = groups
        d = item.data
        self.scored: dict[str, Any] = d["item"]
        self.before: list[dict[str, Any]] = d.get("before") or []
        self.thread: dict[str, Any] | None = d.get("thread")
        if self.thread is None and self.scored["kind"] in OPENINGS:
            self.thread = {}
        self.native: list[str] = []  # native id per before entry, for in_reply_to

    def activities(self) -> list[Activity]:
        out: list[Activity] = []
        t = self.thread
        opening = self.scored["kind"] in OPENINGS
        n = len(self.before)
        written = bool(self.before) and self.before[0]["kind"] in OPENINGS  # before[0] is the opening
        if t is not None and not opening and not written:
            out.append(self._opening({}, self.at - timedelta(days=n + 1)))
        for i, act in enumerate(self.before):
            when = self.at - timedelta(days=n - i)
            out += [self._opening(act, when)] if i == 0 and written else self._activity(act, i + 1, when)
            self.native.append(out[-1].native_id)
        if t is not None and t.get("merged") and self.scored["kind"] != PR_MERGED:
            out.append(self._merge(None, self.at + timedelta(hours=1)))
        out += [self._opening(self.scored, self.at)] if opening else self._activity(self.scored, n + 1, self.at)
        return out  # the scored activity last

    @property
    def ttype(self) -> str:
        return thread_type(self.thread or {}, self.scored)

    @property
    def number(self) -> int:
        t = self.thread or {}
        if t.get("number"):
            return int(t["number"])
        return 1000 + int(hashlib.sha1(self.item.id.encode()).hexdigest()[:6], 16) % 90000

    def _thread_url(self) -> str:
        base = f"https://{self.real_host}/{self.repo}"
        if self.forge == "gitlab":
            return f"{base}/-/{'merge_requests' if self.ttype == 'pr' else 'issues'}/{self.number}"
        return f"{base}/{'pull' if self.ttype == 'pr' else 'issues'}/{self.number}"

    def _author(self) -> str:
        t = self.thread or {}
        if self.scored["kind"] in OPENINGS:
            return t.get("author") or self.scored["actor"]
        return t.get("author", "")

    def _parent(self) -> dict[str, Any]:
        t = self.thread or {}
        return {"parent_number": self.number, "parent_title": t.get("title", ""), "parent_author": self._author(),
                "parent_labels": tuple(t.get("labels", ()))}

    def _thread_extra(self) -> dict[str, Any]:
        """Thread facts on every activity of the thread, so a rule on any of them can read extra.<key>."""
        t = self.thread or {}
        extra: dict[str, Any] = {"is_pr": self.ttype == "pr"}
        if self.ttype == "pr":
            extra["requested_reviewers"] = [r.lower() for r in t.get("requested_reviewers", [])]
            extra["pr_files"] = list(t.get("files", []))
            if "files" in t:
                extra["paths"] = list(t["files"])[:100]
        if t.get("author_association"):
            extra["parent_author_association"] = t["author_association"]
        return extra

    def _base(self, kind: str, actor: str, native: str, when: datetime, url: str, body: str,
              **fields: Any) -> Activity:
        return Activity(forge=self.forge, host=self.host, kind=kind, native_id=native, repo=self.repo,
                        actor_login=actor, actor_is_bot=actor.lower().endswith("[bot]"), occurred_at=when, url=url,
                        body=body, **fields)

    def _opening(self, act: dict[str, Any], when: datetime) -> Activity:
        t = self.thread or {}
        kind = PR_OPENED if self.ttype == "pr" else ISSUE_OPENED
        extra = self._thread_extra()
        if t.get("author_association"):
            extra["author_association"] = t["author_association"]
        return self._base(kind, self._author(), f"{self.repo}#{self.number}", when, self._thread_url(),
                          act.get("body", t.get("body", "")), extra=extra, **self._files(), **self._parent())

    def _files(self) -> dict[str, Any]:
        """A PR's files as the GitHub miner stores them on its opening and merge: count, paths, path groups."""
        files = (self.thread or {}).get("files")
        if files is None or self.ttype != "pr":
            return {}
        return {"files": len(files), "path_groups": self.groups.match(files)}

    def _merge(self, act: dict[str, Any] | None, when: datetime) -> Activity:
        t = self.thread or {}
        actor = act["actor"] if act else t.get("merged_by") or self._author()
        return self._base(PR_MERGED, actor, f"{self.repo}#{self.number}", when, self._thread_url(),
                          (act or {}).get("body", t.get("body", "")),
                          extra={**self._thread_extra(), "merged_by_known": True}, **self._files(), **self._parent())

    @staticmethod
    def _native(seq: int, sub: int = 0) -> str:
        return str(seq * 100 + sub)

    def _activity(self, act: dict[str, Any], seq: int, when: datetime, native: str | None = None) -> list[Activity]:
        """The activity; a review with its inline comments written out gets them first, as review_comments
        of the reviewer (the forge lists them apart from the review; the scored one stays last)."""
        kind = act["kind"]
        if kind == COMMIT:
            return [self._commit(act, seq, when)]
        if kind == PR_MERGED:
            return [self._merge(act, when)]
        inline = act.get("inline_comments")
        written = inline if kind == PR_REVIEW and isinstance(inline, list) else []
        before = [self._activity({"kind": REVIEW_COMMENT, "actor": act["actor"], **c}, seq, when,
                                 self._native(seq, j))[0] for j, c in enumerate(written, 1)]
        extra = self._thread_extra()
        fields: dict[str, Any] = {}
        if kind == PR_REVIEW:
            count = len(inline) if isinstance(inline, list) else inline
            fields = {"state": act.get("state", "commented"), "review_comment_count": count}
            extra["was_requested"] = act["actor"].lower() in extra.get("requested_reviewers", [])
        if kind == REVIEW_COMMENT and act.get("path"):
            extra["path"] = act["path"]
        if act.get("in_reply_to") is not None:
            target = act["in_reply_to"]
            extra["in_reply_to_id"] = self.native[target]
            extra["in_reply_to_actor"] = self.before[target]["actor"].lower()
        native = native or self._native(seq)
        anchor = ANCHORS[kind].format(native) if self.forge == "github" else f"#note_{native}"
        return [*before, self._base(kind, act["actor"], native, when, self._thread_url() + anchor,
                                    act.get("body", ""), extra=extra, **fields, **self._parent())]

    def _commit(self, act: dict[str, Any], seq: int, when: datetime) -> Activity:
        """As the miners store a commit: no parent, the message's first line as title, sizes and path groups."""
        sha = hashlib.sha1(f"{self.item.id}:{seq}".encode()).hexdigest()
        files = act.get("files", [])
        paths = [f["path"] for f in files]
        body = act.get("body", "")
        lines = body.splitlines()
        web = f"https://{self.real_host}/{self.repo}{'/-' if self.forge == 'gitlab' else ''}/commit/{sha}"
        return self._base(COMMIT, act["actor"], sha, when, web, body, parent_title=lines[0] if lines else "",
                          files=len(files), additions=sum(f.get("additions", 0) for f in files),
                          deletions=sum(f.get("deletions", 0) for f in files), path_groups=self.groups.match(paths),
                          extra={"paths": paths[:50], "parents": 1})
