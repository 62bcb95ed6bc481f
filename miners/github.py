"""The GitHub miner: PyGithub over REST and GraphQL, incremental per (repo, stream), a few requests when
nothing is new.

Request plan for one repo (``since`` = the stream's watermark, already moved back by the runner's overlap):

- pulls: GraphQL ``repository.pullRequests(orderBy: UPDATED_AT DESC)``, 29 PRs a point with their reviews,
  first 100 changed files and review-request events nested (:mod:`miners.github_graphql`); paging stops at
  the first PR older than ``since``. A PR with more reviews than one nested page gets them from
  ``/pulls/N/reviews``. With ``graphql: false`` on the source (or when the server rejects the query: an old
  Enterprise Server), REST instead: ``/pulls?state=all&sort=updated&direction=desc`` and
  ``/pulls/N/reviews`` per PR, without the PR's files (one ``/pulls/N/files`` call per PR: not made) and
  with only the pending review requests; that listing has no ``merged_by``, so the mergers of PRs merged
  since the last run come from ``/issues/events`` (newest first, read back to the oldest such merge;
  ``/pulls/N`` for one not reached). Either way reviews are read only for PRs updated after the stored
  watermark; this stream's watermark comes with its last batch (newest-first proves nothing until it ends).
- review_comments: ``/pulls/comments?sort=updated&direction=asc&since=`` (repo-wide), read before the
  reviews so each review gets its inline-comment count; watermark per batch (ascending).
- issues: GraphQL ``repository.issues(filterBy: {since:})``, issues only, 74 a point
  (:mod:`miners.github_graphql_issues`); through REST ``/issues?state=all&sort=updated&direction=asc&since=``,
  whose pages carry every PR too (parent facts).
- issue_comments: ``/issues/comments?sort=updated&direction=asc&since=`` (PR conversation and issues); on a
  first run through GraphQL, nested in the PR and issue pages instead (:mod:`miners.github_conversation`).
- commits: from a clone (:mod:`miners.git_stream`), the linked accounts by GraphQL lookups of one commit per
  author email (:mod:`miners.github_commit_accounts`; REST: the commit listing). ``commits: api``: the
  commits the branch gained since the stored head (:meth:`RepoRun.landed_since_head`; by date on a first run),
  then ``/commits/SHA`` (files, line counts) for each but merges (their changes are their parents').

Probes (:mod:`miners.github_conditional`): before each stream, its newest item is asked with the ETag of
the last run; a ``304`` (free on GitHub) skips the stream, and the org listing is asked the same way.
Nothing new: only 304s, no rate-limit point. Bodies are read from the JSON PyGithub received
(``_rawData``): touching an absent attribute of a PyGithub object would fetch the whole object again.
"""

from __future__ import annotations

import fnmatch
import logging
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime, timedelta
from typing import Any, TypeVar

from github import GithubException

from leadsig import activity as k
from leadsig.activity import Activity
from leadsig.batch import (
    OVERLAP,
    STREAM_COMMITS,
    STREAM_ISSUE_COMMENTS,
    STREAM_ISSUES,
    STREAM_PULLS,
    STREAM_REVIEW_COMMENTS,
    Batch,
    MiningStats,
)
from leadsig.config import SourceConfig
from leadsig.miners import github_convert as cv
from leadsig.miners import github_graphql as gql
from leadsig.miners import github_graphql_issues as gqi
from leadsig.miners import github_pages as pages
from leadsig.miners.git_stream import GitCommits, GitRead, GitUnavailable
from leadsig.miners.github_client import forge_errors, make_github
from leadsig.miners.github_commit_accounts import commit_accounts
from leadsig.miners.github_commits_api import BATCH, api_commits, raw
from leadsig.miners.github_conditional import Conditional, org_repos
from leadsig.miners.github_conversation import ISSUES, PULLS, Conversation
from leadsig.miners.github_mergers import credit_mergers
from leadsig.miners.github_pages import chunks
from leadsig.miners.paths import PathGroups
from leadsig.warehouse.listings import Listings

log = logging.getLogger("leadsig.mine.github")
T = TypeVar("T")

REPO_FACTS = ("clone_url", "default_branch", "html_url")  # in the org listing


class GitHubMiner:
    """One GitHub (or Enterprise Server) source; see the module docstring for the request plan."""

    forge = "github"

    def __init__(self, source: SourceConfig, groups: PathGroups, start: datetime):
        self.source = source
        self.groups = groups
        self.start = start
        self.overlap: timedelta = OVERLAP  # the runner moved each watermark back by this much
        self.stats = MiningStats()
        self.host = source.host
        self.gh = make_github(source, self.stats)
        self.use_graphql: bool = source.graphql  # ``graphql: false`` on the source forces REST for pulls
        self.git = GitCommits(source, "x-access-token")  # commits from a clone unless git cannot be used
        # What the org listing said of each repo (clone URL, default branch, web page): the commit stream needs
        # nothing more, so a listed repo costs no ``/repos/R`` request of its own.
        self.listed: dict[str, dict[str, Any]] = {}
        self.stored_listings: Listings = {}  # org listing key -> (ETag, repos) of the last run, set by the runner
        self.fresh_listings: Listings = {}

    def list_repos(self) -> list[str]:
        """Repos of every configured org (archived ones too), plus ``repos``, minus ``exclude`` globs.

        Each org listing is asked with the ETag of the last run (``stored_listings``, kept by the runner): a
        free 304 reads back the repos stored with it. ``fresh_listings`` is what the runner stores tonight."""
        names: list[str] = []
        with forge_errors():
            for org in self.source.orgs:
                key = f"/orgs/{org}/repos?type=all"
                etag, listed = org_repos(self.gh.requester, f"/orgs/{org}/repos", self.source.per_page,
                                         self.stored_listings.get(key), REPO_FACTS)
                self.fresh_listings[key] = (etag, listed)
                for data in listed:
                    names.append(data["full_name"])
                    facts = {k: data.get(k) for k in REPO_FACTS}
                    if all(facts.values()):
                        self.listed[data["full_name"]] = facts
        names += self.source.repos
        seen: set[str] = set()
        out = []
        for name in names:
            if name.lower() in seen or any(fnmatch.fnmatchcase(name, pat) for pat in self.source.exclude):
                continue
            seen.add(name.lower())
            out.append(name)
        return out

    def mine_repo(
        self, repo: str, watermarks: dict[str, datetime | None], positions: dict[str, str] | None = None,
        etags: dict[str, str] | None = None,
    ) -> Iterator[Batch]:
        """``etags``: the probes' ETags of the last run, replaced in place by tonight's once every batch
        is out (the runner stores them after the last batch; see :mod:`miners.github_conditional`)."""
        with forge_errors():  # what leaves the miner is a leadsig.errors.ForgeError
            run = RepoRun(self, repo, watermarks, positions or {}, etags)
            yield from run.mine()
            if etags is not None:
                etags.clear()
                etags.update(run.cond.fresh)


class RepoRun:
    """One repo of one mining run: the watermarks, and the parents (PRs, issues) seen so far."""

    def __init__(self, miner: GitHubMiner, repo: str, watermarks: dict[str, datetime | None],
                 positions: dict[str, str] | None = None, etags: dict[str, str] | None = None):
        self.m = miner
        self.repo = repo
        self.gh_repo = miner.gh.get_repo(repo)
        self.cond = Conditional(miner.gh.requester, etags)
        self.wm = watermarks
        self.positions = positions or {}
        self.parents: dict[int, cv.Parent] = {}
        first = watermarks.get(STREAM_ISSUE_COMMENTS) is None and watermarks.get(STREAM_PULLS) is None
        self.conversation = Conversation(f"{self.gh_repo.url}/issues") if first and miner.use_graphql else None

    # ------------------------------------------------------------------ helpers
    def fact(self, key: str) -> str:
        """A repo fact the org listing gave (REPO_FACTS), else from ``/repos/R`` (read once, lazily)."""
        return self.m.listed.get(self.repo, {}).get(key) or getattr(self.gh_repo, key)

    def since(self, *streams: str) -> datetime:
        """Where listings start: the oldest watermark of ``streams``, or the configured start."""
        return min(self.wm.get(s) or self.m.start for s in streams)

    def is_new(self, stream: str, when: datetime | None) -> bool:
        """Updated after the stored watermark, not merely inside the overlap window the runner re-reads.

        Items in the window were read by the previous run at this same ``updated_at``: re-listed (same page),
        but their per-item calls (reviews, commit files, parents) are skipped.
        """
        mark = self.wm.get(stream)
        return mark is None or when is None or when > mark + self.m.overlap

    def keep(self, activities: Iterable[Activity | None]) -> list[Activity]:
        return [a for a in activities if a is not None and a.occurred_at >= self.m.start]

    def parent(self, number: int | None, stream: str, updated: datetime | None) -> cv.Parent | None:
        """Parent facts from the listings; fetched only for items newer than the stored watermark."""
        if number is None:
            return None
        if number not in self.parents and self.is_new(stream, updated):
            self.parents[number] = cv.parent_of(self.gh_repo.get_issue(number).raw_data)
        return self.parents.get(number)

    # ------------------------------------------------------------------ streams
    def changed(self, listing: str, **params: Any) -> bool:
        """The stream's probe (:mod:`miners.github_conditional`): its newest item, asked conditionally."""
        stored = any(mark is not None for mark in self.wm.values())  # else cursors were wiped: read it all
        return self.cond.changed(f"{self.gh_repo.url}/{listing}", {**params, "per_page": 1}, ask=stored)

    def listing(self, path: str, since: datetime, **params: Any) -> Iterator[dict[str, Any]]:
        """A repo listing's items as sent (:mod:`miners.github_pages`: no PyGithub object per item)."""
        return pages.items(self.m.gh.requester, f"{self.gh_repo.url}/{path}",
                           {**params, "since": pages.since_param(since), "per_page": self.m.source.per_page})

    def mine(self) -> Iterator[Batch]:
        """Review comments before reviews (for their counts); issues before issue comments (for parents).

        A stream whose probe is unchanged is skipped; through REST, review comments are read whenever the
        pulls changed, as the reviews' inline counts come from them.
        """
        newest = {"sort": "updated", "direction": "desc"}
        pulls_changed = self.changed("pulls", state="all", **newest)
        pulls = self.list_pulls() if pulls_changed else []
        counts: Counter[int] = Counter()
        if self.changed("pulls/comments", **newest) or (pulls_changed and not self.m.use_graphql):
            yield from self.review_comments(counts)
        if pulls_changed:
            yield from self.pulls(pulls, counts)
        if self.changed("issues", state="all", **newest):
            yield from self.issues()
        if self.changed("issues/comments", **newest):
            yield from self.issue_comments()
        if self.m.groups.groups and self.changed("commits"):
            yield from self.commits()

    def list_pulls(self) -> list[gql.Pull]:
        """PRs updated since the watermark, newest first: GraphQL (reviews nested) unless it is off."""
        since = self.since(STREAM_PULLS)
        pulls = self.through_graphql("pulls", lambda: list(gql.list_pulls(self.m.gh, self.repo, since,
                                                                          self.nest(PULLS))))
        if pulls is None:
            pulls = self.rest_pulls(since)
            credit_mergers(self.gh_repo, pulls, lambda when: self.is_new(STREAM_PULLS, when))
        for pull in pulls:
            self.parents[int(pull.data["number"])] = cv.parent_of(pull.data, is_pr=True)
        return pulls

    def nest(self, listing: str) -> Callable[[int, dict[str, Any]], None] | None:
        """Where ``listing``'s nested conversation comments go on a first run; None: not nested."""
        return self.conversation.collector(listing) if self.conversation is not None else None

    def through_graphql(self, what: str, ask: Callable[[], T]) -> T | None:
        """``ask()``'s answer, or None (REST from then on) when the server refuses GraphQL (``gql.refused``)."""
        if not self.m.use_graphql:
            return None
        try:
            return ask()
        except GithubException as exc:
            if not gql.refused(exc, self.repo, what):
                raise
            self.m.use_graphql = False
            if self.conversation is not None:
                self.conversation.refused(what)
            return None

    def rest_pulls(self, since: datetime) -> list[gql.Pull]:
        out = []
        for pr in self.gh_repo.get_pulls(state="all", sort="updated", direction="desc"):
            if cv.ts(raw(pr)["updated_at"]) < since:
                break
            out.append(gql.Pull(raw(pr)))
        return out

    def rest_reviews(self, number: int, counts: Counter[int]) -> list[tuple[dict[str, Any], int | None]]:
        """``/pulls/N/reviews``; counts from the review-comment listing (read since the pulls watermark)."""
        reviews = self.gh_repo.get_pull(number).get_reviews()  # lazy PR: only the reviews are requested
        return [(raw(r), counts[int(raw(r)["id"])]) for r in reviews]

    def inline_count(self, number: int, review_id: int) -> int:
        """A review's inline comments, from ``/pulls/N/reviews/ID/comments`` (REST only; GraphQL nests it)."""
        return sum(1 for _ in self.gh_repo.get_pull(number).get_single_review_comments(review_id))

    def review_comments(self, counts: Counter[int]) -> Iterator[Batch]:
        """Repo-wide, ascending; also since the pulls watermark, so re-read reviews get complete counts."""
        since = self.since(STREAM_REVIEW_COMMENTS, STREAM_PULLS)
        listing = self.listing("pulls/comments", sort="updated", direction="asc", since=since)
        for page in chunks(listing, BATCH):
            out = []
            for c in page:
                if c.get("pull_request_review_id") is not None:
                    counts[int(c["pull_request_review_id"])] += 1
                updated = cv.ts(c.get("updated_at"))
                parent = self.parent(cv.number_from_url(c.get("pull_request_url")), STREAM_REVIEW_COMMENTS, updated)
                if parent is not None:
                    out.append(cv.review_comment_activity(self.m.host, self.repo, parent, c))
            yield Batch(self.repo, STREAM_REVIEW_COMMENTS, self.keep(out), _newest(page))

    def pulls(self, pulls: list[gql.Pull], counts: Counter[int]) -> Iterator[Batch]:
        """PR events, and reviews of PRs updated since the last run.

        GraphQL gives every review with its exact inline-comment count, so all reviews of an updated PR are
        read again and a review dismissed since it was stored gets its new state. Through REST the counts
        come from the review-comment listing since the watermark, exact only for reviews submitted since;
        an older review that is now dismissed costs one call for its count, the others are left as stored.
        """
        review_since = self.since(STREAM_PULLS)
        newest = max((cv.ts(p.data["updated_at"]) for p in pulls), default=None)
        groups = list(chunks(pulls, BATCH)) or [[]]
        for i, group in enumerate(groups):
            out: list[Activity | None] = []
            for pull in group:
                data = pull.data
                acts = cv.pr_activities(self.m.host, self.repo, data, self.m.groups)
                if "merged_by" not in data:  # REST, merged before the last run: stored then with its merger
                    acts = [a for a in acts if a.kind != k.PR_MERGED]
                out += acts
                if not self.is_new(STREAM_PULLS, cv.ts(data["updated_at"])):
                    continue
                number = int(data["number"])
                exact = pull.reviews is not None
                reviews = pull.reviews if exact else self.rest_reviews(number, counts)
                for rv, inline in reviews:
                    at = cv.ts(rv.get("submitted_at"))
                    if at is not None and not exact and at < review_since and rv.get("state") == "DISMISSED":
                        inline = self.inline_count(number, int(rv["id"]))  # its state may have changed: one call
                    elif at is None or not (exact or at >= review_since):
                        continue
                    out.append(cv.review_activity(self.m.host, self.repo, self.parents[number], rv, inline))
            yield Batch(self.repo, STREAM_PULLS, self.keep(out), newest if i == len(groups) - 1 else None)

    def issues(self) -> Iterator[Batch]:
        """Issues opened: through GraphQL issues alone (:mod:`miners.github_graphql_issues`), else REST's
        listing, whose PRs only feed parent facts to the comment stream."""
        since = self.since(STREAM_ISSUES, STREAM_ISSUE_COMMENTS)
        listing: Iterable[dict[str, Any]] | None = self.through_graphql(
            "issues", lambda: list(gqi.list_issues(self.m.gh, self.repo, since, self.nest(ISSUES))))
        if listing is None:
            listing = self.listing("issues", state="all", sort="updated", direction="asc", since=since)
        for page in chunks(listing, BATCH):
            out = []
            for item in page:
                parent = cv.parent_of(item)
                self.parents.setdefault(parent.number, parent)
                if not parent.is_pr:
                    out.append(cv.issue_activity(self.m.host, self.repo, item))
            yield Batch(self.repo, STREAM_ISSUES, self.keep(out), _newest(page))

    def issue_comments(self) -> Iterator[Batch]:
        since = self.since(STREAM_ISSUE_COMMENTS)
        if self.conversation is not None and self.conversation.complete:  # a first run: read nested
            listing = self.conversation.listing(since, lambda n: pages.items(
                self.m.gh.requester, f"{self.gh_repo.url}/issues/{n}/comments", {"per_page": self.m.source.per_page}))
        else:
            listing = self.listing("issues/comments", sort="updated", direction="asc", since=since)
        for page in chunks(listing, BATCH):
            out = []
            for c in page:
                number = cv.number_from_url(c.get("issue_url"))
                parent = self.parent(number, STREAM_ISSUE_COMMENTS, cv.ts(c.get("updated_at")))
                if parent is not None:
                    out.append(cv.issue_comment_activity(self.m.host, self.repo, parent, c))
            yield Batch(self.repo, STREAM_ISSUE_COMMENTS, self.keep(out), _newest(page))

    def commits(self) -> Iterator[Batch]:
        """Commits touching a path group, with files and line counts; watermark and head with the last batch."""
        if not self.m.groups.groups:
            return
        read = self.git_read()
        if read is not None:
            yield from self.git_batches(read)
            return
        yield from api_commits(self)

    def git_read(self) -> GitRead | None:
        """The commit stream from the clone, or None (said once per run): through the API."""
        git = self.m.git
        if not git.usable:
            git.fall_back(self.repo, str(git.reason))
            return None
        try:  # a lazy repository object: the first attribute read fetches /repos/R (branch, URLs) once
            clone = git.repo(self.repo, self.fact("clone_url"))
            return git.read(clone, self.fact("default_branch"), self.positions.get(STREAM_COMMITS),
                            self.wm.get(STREAM_COMMITS), self.since(STREAM_COMMITS), self.m.overlap, self.m.groups)
        except GitUnavailable as exc:
            git.fall_back(self.repo, str(exc))
            return None

    def git_batches(self, read: GitRead) -> Iterator[Batch]:
        """Activities of the commits git found; the linked accounts from the commit listing (100 a page)."""
        users: dict[str, Any] = {}
        by_email = self.through_graphql("commit authors", lambda: commit_accounts(
            self.m.gh, self.repo, ((c.sha, c.author_email) for c in read.commits))) if read.commits else None
        if by_email is not None:
            users = {c.sha: by_email.get(c.author_email) for c in read.commits}
        elif read.commits:
            since = min(c.committed for c in read.commits)
            listing = self.gh_repo.get_commits(sha=self.fact("default_branch"), since=since)
            users = {raw(c)["sha"]: raw(c).get("author") for c in listing}
        html = self.fact("html_url")
        acts = [cv.commit_activity(self.m.host, self.repo, cv.git_commit_json(c, users.get(c.sha), html),
                                   self.m.groups.match(f.path for f in c.files),
                                   self.m.groups.lines((f.path, f.additions, f.deletions) for f in c.files))
                for c in read.commits]
        groups = list(chunks(acts, BATCH)) or [[]]
        for i, group in enumerate(groups):
            last = i == len(groups) - 1
            yield Batch(self.repo, STREAM_COMMITS, self.keep(group), read.newest if last else None,
                        read.head if last and read.newest is not None else None)


def _newest(items: list[dict[str, Any]]) -> datetime | None:
    return max((t for t in (cv.ts(i.get("updated_at")) for i in items) if t is not None), default=None)
