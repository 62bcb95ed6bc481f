"""The GitLab miner: projects of groups (with subgroups) and listed projects, mined through python-gitlab.

Streams (cursor per source, project and stream; the runner subtracts the overlap before handing them in):

``pulls``    through GraphQL (:mod:`miners.gitlab_graphql`, unless ``graphql: false`` or the server refuses
             it): the project's MRs updated since the watermark, oldest update first, 50 a request with
             their notes nested (and ``approvedBy`` with ``approvals_api: true``). Through REST: merge
             requests listed with ``updated_after=<watermark>&order_by=updated_at&sort=asc``; for
             each MR listed (so: only MRs updated since the watermark) one notes call (all notes, system
             ones too: the "approved"/"unapproved this merge request" ones are the approvals; the
             approvals API is read too only when the source sets ``approvals_api: true``). Yields pr_opened,
             pr_merged, pr_review (approvals), review_comment (DiffNotes) and pr_comment (other non-system
             notes). Ascending order lets every batch of MRs carry its own watermark, so a crash
             mid-project loses nothing.
``issues``   issues listed the same way; notes fetched only for issues with ``user_notes_count > 0``.
             Yields issue_opened and issue_comment.
``commits``  ``repository/compare?from=<head stored last time>&to=<default branch>``: the commits the
             branch gained since, whatever their dates (a merge request merged today brings commits dated
             last week, which a date filter misses); then default-branch commits listed with
             ``since=<oldest of those>&with_stats=true`` for their line counts. The first run, or when the
             stored head is gone (force push, renamed branch), lists ``since=<watermark>`` instead and learns
             the branch (one project request) and its head. Newest first, so one batch and one watermark
             (and head) at the end; merge commits are skipped (their changes are their parents'); when
             every path group is a folder (``dir/**``) and
             there are more new commits than folders, one ``path=<folder>`` listing per folder picks the
             commits touching them first; one diff call per (picked) commit to learn its paths (the
             listing has none). Yields a commit activity only for commits touching a path group; without path
             groups the stream costs nothing.

Edits and late approvals: on GitLab an edited note or a new approval moves the MR's (issue's)
``updated_at`` (and writes a system note), so the next run lists that MR again and re-reads its notes; changed
activities are updated in place (content hash), unchanged ones are skipped by the loader.

Offset pagination race: if an item moves to the end of an ascending listing while it is being read, the
pages after it shift and one item could be skipped. An item seen twice in one listing betrays that;
the listing is then read once more from the moved item's old ``updated_at``, skipping what was done.

Requests: a run with nothing new costs three requests per project (one listing per stream). A full run
costs one request per 50 MRs (REST: one per MR) plus one per issue with notes, and for commits the
project's clone (REST: one per default-branch commit).
"""

from __future__ import annotations

import fnmatch
import logging
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from typing import Any

from gitlab.exceptions import GitlabError

from leadsig.activity import PR_REVIEW, activity_id
from leadsig.batch import OVERLAP, STREAM_COMMITS, STREAM_ISSUES, STREAM_PULLS, Batch, MiningStats, ThreadPart
from leadsig.config import SourceConfig
from leadsig.miners import gitlab_graphql as glq
from leadsig.miners import gitlab_map as gm
from leadsig.miners.git_stream import GitCommits, GitRead, GitUnavailable
from leadsig.miners.gitlab_client import call_opts, forge_errors, make_client
from leadsig.miners.paths import PathGroups

log = logging.getLogger("leadsig.mine.gitlab")
BATCH_ITEMS = 50  # MRs or issues per stored batch (one transaction, one cursor move)
MergeRequest = tuple[dict[str, Any], list[dict[str, Any]] | None, dict[str, Any] | None]  # MR, notes, approvals


PROJECT_FACTS = ("http_url_to_repo", "default_branch", "web_url")  # in the group listing, ``simple`` too


def fields(obj: Any) -> dict[str, Any]:
    """What python-gitlab's ``obj.attributes`` gives, without its deep copy of every nested dict on each read
    (the miner only reads them): a copy per MR, note and commit was a seventh of a GitLab run's time."""
    d = obj.__dict__
    return {**(d.get("_parent_attrs") or {}), **d["_attrs"], **d["_updated_attrs"]}


def iso(ts: datetime) -> str:
    return ts.strftime("%Y-%m-%dT%H:%M:%SZ")


class GitLabMiner:
    """One GitLab source (gitlab.com or self-managed: any base URL)."""

    def __init__(self, source: SourceConfig, groups: PathGroups, start: datetime):
        self.source = source
        self.groups = groups
        self.start = start
        self.stats = MiningStats()
        self.host = source.host
        self.gl = make_client(source, self.stats)
        self.opts = call_opts(source)
        # Opt-in fallback: also read the approvals API (one more call per MR). Off: approvals come from the
        # MR's system notes alone (see miners.gitlab_map).
        self.approvals_api = source.approvals_api  # approvals come from system notes unless the source asks
        self.overlap: timedelta = OVERLAP  # the runner moved each watermark back by this much
        # MRs with their notes through GraphQL (``graphql: false`` on the source, or a refusal: REST)
        self.graphql: glq.GitLabGraphQL | None = glq.GitLabGraphQL(self.gl, self.opts) if source.graphql else None
        self.git = GitCommits(source, "oauth2")  # commits from a clone unless git cannot be used
        # What the group listing said of each project (clone URL, default branch, web URL): the commit stream
        # needs nothing more, so a listed project costs no project request of its own.
        self.listed: dict[str, dict[str, Any]] = {}

    def is_new(self, mark: datetime | None, when: datetime | None) -> bool:
        """Changed after the *stored* watermark, not merely inside the overlap window re-read for safety.

        Items in the overlap window were fully read when first seen at this ``updated_at``; re-reading
        them would cost per-item calls on every run with nothing new.
        """
        return mark is None or when is None or when > mark + self.overlap

    # ------------------------------------------------------------------ projects
    def list_repos(self) -> list[str]:
        """``projects`` plus every project of ``groups`` and their subgroups, minus ``exclude`` globs."""
        names = set(self.source.projects)
        with forge_errors(self.gl.session):
            for group in self.source.groups:
                listing = self.gl.groups.get(group, lazy=True).projects.list(
                    include_subgroups="true", with_shared="false", simple="true", order_by="id", sort="asc",
                    iterator=True, **self.opts)
                for p in listing:
                    names.add(p.path_with_namespace)
                    facts = {k: fields(p).get(k) for k in PROJECT_FACTS}
                    if all(facts.values()):
                        self.listed[p.path_with_namespace] = facts
        return sorted(n for n in names if not any(fnmatch.fnmatchcase(n, pat) for pat in self.source.exclude))

    def mine_repo(
        self, repo: str, watermarks: dict[str, datetime | None], positions: dict[str, str] | None = None,
        etags: dict[str, str] | None = None,
    ) -> Iterator[Batch]:
        """``etags`` is left as it is: GitLab counts a 304 like any request, so asking conditionally saves
        nothing (a night with nothing new costs one listing per stream: see the module docstring)."""
        with forge_errors(self.gl.session):  # what leaves the miner is a leadsig.errors.ForgeError
            project = self.gl.projects.get(repo, lazy=True)  # no request: calls use the URL-encoded path
            yield from self._pulls(project, repo, watermarks.get(STREAM_PULLS))
            yield from self._issues(project, repo, watermarks.get(STREAM_ISSUES))
            yield from self._commits(project, repo, watermarks.get(STREAM_COMMITS),
                                     (positions or {}).get(STREAM_COMMITS))

    # ------------------------------------------------------------------ streams
    def _pulls(self, project: Any, repo: str, mark: datetime | None) -> Iterator[Batch]:
        acts, n, last = [], 0, None
        current: dict[ThreadPart, set[str]] = {}
        for mr, notes, approvals in self._merge_requests(project, repo, mark):
            updated = gm.parse_ts(mr.get("updated_at"))
            if notes is not None:  # else (not new): only what the listing says (opened, merged)
                current.update(self._approvers(repo, mr, notes, approvals))
            acts += gm.mr_activities(repo, self.host, mr, notes or [], approvals, self.start)
            n, last = n + 1, updated
            if n % BATCH_ITEMS == 0:
                yield Batch(repo, STREAM_PULLS, acts, last, current=current)
                acts, current = [], {}
        if acts or last:
            yield Batch(repo, STREAM_PULLS, acts, last, current=current)

    def _merge_requests(self, project: Any, repo: str, mark: datetime | None) -> Iterator[MergeRequest]:
        """(MR, notes or None when not new, approvals answer or None): through GraphQL (notes nested) unless
        the source or the server says no, then REST from the last MR GraphQL gave (one notes call per MR)."""
        since = mark or self.start
        if self.graphql is not None:
            try:
                for item in self.graphql.merge_requests(repo, iso(since), self._new_mr(mark), self.approvals_api):
                    yield item
                    since = max(since, gm.parse_ts(item[0].get("updated_at")) or since)
                return
            except glq.Unavailable as exc:
                log.warning("%s; using REST for %s", exc, "this source" if exc.whole_source else repo)
                if exc.whole_source:
                    self.graphql = None
        for mr in self._updated_since(project.mergerequests, since, state="all"):
            attrs = fields(mr)
            if not self.is_new(mark, gm.parse_ts(mr.updated_at)):
                yield attrs, None, None
                continue
            notes = [fields(x) for x in mr.notes.list(sort="asc", order_by="created_at", iterator=True, **self.opts)]
            yield attrs, notes, fields(mr.approvals.get(**self.opts)) if self.approvals_api else None

    def _new_mr(self, mark: datetime | None) -> Callable[[dict[str, Any]], bool]:
        return lambda mr: self.is_new(mark, gm.parse_ts(mr.get("updated_at")))

    def _approvers(self, repo: str, mr: dict[str, Any], notes: list[dict[str, Any]], approvals: dict[str, Any] | None
                   ) -> dict[ThreadPart, set[str]]:
        """{this MR's approvals: ids of the current ones}: a stored approval the notes no longer give was
        revoked or reset by a push, and goes with its signals."""
        prefix = activity_id(gm.FORGE, self.host, PR_REVIEW, f"{repo}!{mr.get('iid')}:approval:")
        part = ThreadPart(gm.FORGE, self.host, repo, int(mr.get("iid") or 0), prefix)
        return {part: gm.approval_ids(repo, self.host, mr, notes, approvals)}

    def _issues(self, project: Any, repo: str, mark: datetime | None) -> Iterator[Batch]:
        acts, n, last = [], 0, None
        for issue in self._updated_since(project.issues, mark or self.start, state="all"):
            notes: list[dict[str, Any]] = []
            if fields(issue).get("user_notes_count", 1) and self.is_new(mark, gm.parse_ts(issue.updated_at)):
                notes = [fields(x) for x in issue.notes.list(sort="asc", order_by="created_at", iterator=True,
                                                                 **self.opts)]
            acts += gm.issue_activities(repo, self.host, fields(issue), notes, self.start)
            n, last = n + 1, gm.parse_ts(issue.updated_at)
            if n % BATCH_ITEMS == 0:
                yield Batch(repo, STREAM_ISSUES, acts, last)
                acts = []
        if acts or last:
            yield Batch(repo, STREAM_ISSUES, acts, last)

    def _commits(self, project: Any, repo: str, mark: datetime | None, position: str | None) -> Iterator[Batch]:
        if not self.groups.groups:  # no commit can be kept: no listing, no compare, no project request
            return
        if (read := self._git_read(repo, mark, position)) is not None:
            acts = [gm.commit_activity(repo, self.host, gm.git_commit_attrs(c, read.web_url),
                                       [f.path for f in c.files], len(c.files), self.groups,
                                       [(f.path, f.additions, f.deletions) for f in c.files]) for c in read.commits]
            acts = [a for a in acts if a is not None and a.occurred_at >= self.start]
            if acts or read.newest:
                yield Batch(repo, STREAM_COMMITS, acts, read.newest, read.head if read.newest else None)
            return
        landed = self._landed_since_head(project, repo, position)
        if landed is None:  # first run, or the stored head is gone: by date
            since = iso(mark or self.start)
            new = None
        else:
            shas, head = landed
            if not shas:
                return
            since = iso(min(shas.values()))
            new = set(shas)
        listed, newest, first = [], None, None
        for c in project.commits.list(since=since, with_stats="true", iterator=True, **self.opts):
            attrs = fields(c)
            first = first or c.id
            committed = gm.parse_ts(attrs.get("committed_date") or attrs.get("created_at"))
            if new is not None and c.id not in new:
                continue
            newest = committed if newest is None or (committed and committed > newest) else newest
            fresh = self.is_new(mark, committed) if new is None else True  # landed since the head: new, any date
            if len(attrs.get("parent_ids") or []) <= 1 and fresh:
                listed.append(c)  # else: a merge commit (its changes are its parents'), or read already
        if landed is None:
            head = f"{first} {self.gl.projects.get(repo).default_branch}" if first else None  # newest first
        if newest is not None and mark is not None:  # a late old-dated commit must not move the watermark back
            newest = max(newest, mark + self.overlap)
        acts = []
        for c in self._path_candidates(project, listed, since):
            diff = c.diff(get_all=True, **self.opts)
            act = gm.commit_activity(repo, self.host, fields(c), gm.diff_paths(diff), len(diff), self.groups,
                                     gm.diff_lines(diff))
            if act is not None and act.occurred_at >= self.start:
                acts.append(act)
        if acts or newest:
            yield Batch(repo, STREAM_COMMITS, acts, newest, head if newest else None)

    def _git_read(self, repo: str, mark: datetime | None, position: str | None) -> GitRead | None:
        """The commit stream from the clone (one request for the project: branch and URLs), or None (said
        once per run): through the API."""
        if not self.git.usable:
            self.git.fall_back(repo, str(self.git.reason))
            return None
        attrs = self.listed.get(repo) or fields(self.gl.projects.get(repo, **self.opts))
        try:
            clone = self.git.repo(repo, attrs["http_url_to_repo"])
            read = self.git.read(clone, attrs["default_branch"], position, mark, mark or self.start, self.overlap,
                                 self.groups)
        except GitUnavailable as exc:
            self.git.fall_back(repo, str(exc))
            return None
        read.web_url = attrs["web_url"]
        return read

    def _landed_since_head(self, project: Any, repo: str, position: str | None
                           ) -> tuple[dict[str, datetime], str | None] | None:
        """({sha: committed date} the default branch gained since the stored head, the new head "<sha>
        <branch>"), or None: list by date."""
        stored = (position or "").split()
        if len(stored) != 2:
            return None
        sha, branch = stored
        try:
            answer = project.repository_compare(sha, branch, **self.opts)
        except GitlabError as exc:
            if getattr(exc, "response_code", None) != 404:
                raise
            log.info("%s: stored head %s of %s is gone; listing commits by date", repo, sha[:12], branch)
            return None
        if answer.get("compare_timeout"):  # GitLab gave up part-way: the list may be incomplete
            log.info("%s: comparing with the stored head timed out on the server; listing commits by date", repo)
            return None
        commits = answer.get("commits") or []
        dates = {c["id"]: gm.parse_ts(c.get("committed_date") or c.get("created_at")) or self.start for c in commits}
        return dates, (f"{commits[-1]['id']} {branch}" if commits else None)

    def _path_candidates(self, project: Any, commits: list[Any], since: str) -> list[Any]:
        """When every path group is a folder, one ``path``-filtered listing per folder names the commits
        worth a diff call; the others cost nothing. Only done when there are fewer folders than commits."""
        folders = self.groups.folder_prefixes()
        prefixes = sorted({p.strip("/") for ps in (folders or {}).values() for p in ps})
        if not folders or "" in prefixes or len(prefixes) >= len(commits):
            return commits
        touched: set[str] = set()
        for prefix in prefixes:  # ``path=`` would name python-gitlab's URL path: the query parameter goes apart
            touched |= {c.id for c in project.commits.list(since=since, query_parameters={"path": prefix},
                                                            iterator=True, **self.opts)}
        return [c for c in commits if c.id in touched]

    def _updated_since(self, manager: Any, since: datetime, **filters: Any) -> Iterator[Any]:
        """MRs/issues updated since ``since``, oldest update first, each (iid, updated_at) once.

        Re-reads the listing once when an item showed up twice (see "Offset pagination race" above).
        """
        done: dict[int, str] = {}
        for _pass in range(2):
            restart: datetime | None = None
            for obj in manager.list(updated_after=iso(since), order_by="updated_at", sort="asc", iterator=True,
                                    **filters, **self.opts):
                seen = done.get(obj.iid)
                if seen == obj.updated_at:
                    continue
                if seen is not None:
                    old = gm.parse_ts(seen)
                    restart = old if restart is None or (old and old < restart) else restart
                done[obj.iid] = obj.updated_at
                yield obj
            if restart is None:
                return
            log.info("listing shifted while reading; re-reading from %s", iso(restart))
            since = restart
