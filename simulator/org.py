"""The synthetic organisation: mutations on top of its data, and the deterministic generator's entry point.

``build_org(seed, size, now)`` returns an :class:`Org`.  Same (seed, size, now) gives the same org, byte
for byte: all randomness comes from ``random.Random(seed)`` and all times from ``now``.

Forge split: every repo lives on one forge.  The GitHub org ``acme`` holds half the repositories; the
GitLab group ``acme`` (with one subgroup per team, e.g. ``acme/platform/ledger``) holds the other half.
One roster covers both, so the demo has no duplicated evidence.  Sizes: see ``SIZES``.

The org is shared with a running server; every mutation takes ``org.lock`` so a test can change data
between (or during) mining runs.  What the org holds, its lookups and ground truth: ``org_data``.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta

from leadsig.simulator.model import (
    GITHUB,
    GITLAB,
    Approval,
    Comment,
    Commit,
    FileChange,
    Issue,
    Person,
    PullRequest,
    Review,
)
from leadsig.simulator.org_data import IdSeq, OrgData
from leadsig.simulator.sizes import DEFAULT_NOW, SIZES, Size

__all__ = ["DEFAULT_NOW", "SIZES", "IdSeq", "Org", "Size", "diff_hunk"]


class Org(OrgData):
    """The org with its mutations: what the generator, the tests and the server's fault switches change."""

    # ---------------------------------------------------------------- primitives (used by the generator too)
    def new_sha(self, salt: str = "") -> str:
        return hashlib.sha1(f"{self.seed}:{self.ids.next('sha')}:{salt}".encode()).hexdigest()

    def next_number(self, repo: str, parent_type: str) -> int:
        """GitHub PRs and issues share one sequence; GitLab MR iids and issue iids are separate."""
        key = repo if self.forge_of(repo) == GITHUB else f"{repo}#{parent_type}"
        n = self._next_number.get(key, 0) + 1
        self._next_number[key] = n
        return n

    def _new_comment(
        self, parent: PullRequest | Issue, kind: str, author: Person, body: str, at: datetime, **extra: object
    ) -> Comment:
        forge = self.forge_of(parent.repo)
        if forge == GITLAB:
            cid = self.ids.next("gl_note")
        else:
            cid = self.ids.next("gh_review_comment" if kind == "review_comment" else "gh_issue_comment")
        parent_type = "pull" if isinstance(parent, PullRequest) else "issue"
        c = Comment(
            id=cid,
            kind=kind,
            repo=parent.repo,
            parent_type=parent_type,
            number=parent.number,
            author=author,
            body=body,
            created_at=at,
            updated_at=at,
            **extra,
        )  # type: ignore[arg-type]
        if forge == GITLAB and c.discussion_id is None:
            c.discussion_id = hashlib.sha1(f"{self.seed}:discussion:{cid}".encode()).hexdigest()
        parent.comments.append(c)
        self._comments[(forge, cid)] = c
        parent.touch(at)
        return c

    # ---------------------------------------------------------------- mutations (public)
    def add_comment(
        self,
        repo: str,
        number: int,
        author: str | Person,
        body: str,
        at: datetime | None = None,
        *,
        on: str = "pull",
        system: bool = False,
    ) -> Comment:
        """A conversation comment (GitHub) / note (GitLab) on a PR/MR (``on="pull"``) or issue."""
        with self.lock:
            parent: PullRequest | Issue = self.pull(repo, number) if on == "pull" else self.issue(repo, number)
            person = self.person(author)
            return self._new_comment(parent, "system" if system else "conversation", person, body, at or self.now)

    def add_review(
        self,
        repo: str,
        number: int,
        reviewer: str | Person,
        state: str = "APPROVED",
        body: str = "",
        at: datetime | None = None,
        inline: list[tuple[str, int, str]] | None = None,
    ) -> Review:
        """A GitHub review with optional inline comments ``(path, line, body)``."""
        with self.lock:
            pr = self.pull(repo, number)
            person = self.person(reviewer)
            at = at or self.now
            rv = Review(
                id=self.ids.next("gh_review"),
                repo=repo,
                number=number,
                author=person,
                state=state,
                body=body,
                submitted_at=at,
                commit_id=pr.head_sha,
            )
            pr.reviews.append(rv)
            pr.touch(at)
            for i, (path, line, text) in enumerate(inline or []):
                self._new_comment(
                    pr,
                    "review_comment",
                    person,
                    text,
                    at - timedelta(seconds=len(inline or []) - i),
                    review_id=rv.id,
                    path=path,
                    line=line,
                    diff_hunk=diff_hunk(path, line),
                    commit_id=pr.head_sha,
                )
            pr.touch(at)
            return rv

    def add_late_review(
        self,
        repo: str,
        number: int,
        reviewer: str | Person | None = None,
        state: str = "APPROVED",
        body: str = "Late review: looks good now.",
        at: datetime | None = None,
    ) -> Review:
        """A review submitted now (or ``at``) on an old PR: the PR's updated_at moves, nothing else does."""
        with self.lock:
            pr = self.pull(repo, number)
            person = reviewer or next(p for p in self.humans() if p is not pr.author)
            return self.add_review(repo, number, person, state, body, at)

    def dismiss_review(self, repo: str, number: int, review_id: int, at: datetime | None = None) -> Review:
        """A maintainer dismisses a review (e.g. a stale approval after new commits): its state becomes
        DISMISSED and the PR's updated_at moves, as on GitHub."""
        with self.lock:
            pr = self.pull(repo, number)
            review = next(r for r in pr.reviews if r.id == review_id)
            review.state = "DISMISSED"
            pr.touch(at or self.now)
            return review

    def add_diff_note(
        self,
        repo: str,
        number: int,
        author: str | Person,
        path: str,
        line: int,
        body: str,
        at: datetime | None = None,
        reply_to: Comment | None = None,
    ) -> Comment:
        """An inline comment: a GitLab DiffNote, or a GitHub reply/comment (replies get their own review)."""
        with self.lock:
            pr = self.pull(repo, number)
            person = self.person(author)
            at = at or self.now
            if self.forge_of(repo) == GITHUB:
                rv = self.add_review(repo, number, person, "COMMENTED", "", at)
                return self._new_comment(
                    pr,
                    "review_comment",
                    person,
                    body,
                    at,
                    review_id=rv.id,
                    path=path,
                    line=line,
                    diff_hunk=diff_hunk(path, line),
                    commit_id=pr.head_sha,
                    in_reply_to_id=reply_to.id if reply_to else None,
                )
            return self._new_comment(
                pr,
                "review_comment",
                person,
                body,
                at,
                path=path,
                line=line,
                diff_hunk=diff_hunk(path, line),
                commit_id=pr.head_sha,
                resolvable=True,
                discussion_id=reply_to.discussion_id if reply_to else None,
            )

    def add_approval(self, repo: str, number: int, user: str | Person, at: datetime | None = None) -> Approval:
        """A GitLab approval, with its "approved this merge request" system note at the same time."""
        with self.lock:
            pr = self.pull(repo, number)
            person = self.person(user)
            at = at or self.now
            note = self._new_comment(pr, "system", person, "approved this merge request", at)
            ap = Approval(repo=repo, number=number, user=person, approved_at=at, note_id=note.id)
            pr.approvals.append(ap)
            return ap

    def add_late_approval(
        self, repo: str, number: int, user: str | Person | None = None, at: datetime | None = None
    ) -> Approval:
        """An approval on an old MR by someone who has not approved it yet."""
        with self.lock:
            pr = self.pull(repo, number)
            done = {a.user.key for a in pr.approvals} | {pr.author.key}
            person = user or next(p for p in self.humans() if p.key not in done)
            return self.add_approval(repo, number, person, at)

    def revoke_approval(self, repo: str, number: int, user: str | Person, at: datetime | None = None) -> Comment:
        """A GitLab approval withdrawn: the approval goes and an "unapproved this merge request" system
        note is written (which moves the MR's updated_at), as GitLab does."""
        with self.lock:
            pr = self.pull(repo, number)
            person = self.person(user)
            pr.approvals = [a for a in pr.approvals if a.user is not person]
            return self._new_comment(pr, "system", person, "unapproved this merge request", at or self.now)

    def reset_approvals(self, repo: str, number: int, pusher: str | Person, at: datetime | None = None) -> Comment:
        """A push to the MR's branch resets its approvals (GitLab EE's ``reset_approvals_on_push``): they go,
        and the pusher's system note names who lost theirs, in GitLab's words."""
        with self.lock:
            pr = self.pull(repo, number)
            names = [f"@{a.user.gl_username}" for a in pr.approvals]
            pr.approvals = []
            listed = names[0] if len(names) == 1 else " and ".join(names) if len(names) == 2 else \
                ", ".join(names[:-1]) + ", and " + names[-1]
            body = f"reset approvals from {listed} by pushing to the branch"
            return self._new_comment(pr, "system", self.person(pusher), body, at or self.now)

    def edit_comment(self, forge: str, comment_id: int, body: str, at: datetime | None = None) -> Comment:
        """Edit a comment/note: body and updated_at change.  On GitLab the note touches its MR/issue (as
        GitLab's ``touch: true`` does); on GitHub the parent's updated_at is left alone."""
        with self.lock:
            c = self._comments[(forge, comment_id)]
            at = at or self.now
            c.body = body
            c.updated_at = at
            if forge == GITLAB:
                parent = self.pull(c.repo, c.number) if c.parent_type == "pull" else self.issue(c.repo, c.number)
                parent.touch(at)
            return c

    def edit_note(self, comment_id: int, body: str, at: datetime | None = None) -> Comment:
        """Edit a GitLab note (shorthand for ``edit_comment(GITLAB, ...)``)."""
        return self.edit_comment(GITLAB, comment_id, body, at)

    def add_commit(
        self,
        repo: str,
        author: str | Person,
        message: str,
        files: list[FileChange],
        at: datetime | None = None,
        branch: str = "main",
    ) -> Commit:
        """A commit on ``branch`` (default branch unless given)."""
        with self.lock:
            person = self.person(author)
            at = at or self.now
            c = Commit(
                sha=self.new_sha(repo),
                repo=repo,
                author=person,
                author_name=person.name,
                author_email=person.email,
                authored_at=at,
                offset_minutes=person.utc_offset_minutes,
                committed_at=at,
                message=message,
                files=files,
                branch=branch,
            )
            lst = self.commits.setdefault(repo, [])
            c.parents = [lst[-1].sha] if lst else []
            lst.append(c)
            self._commit_ix[(repo, c.sha)] = c
            self.git_dirty.add(repo)
            return c

    def compare(self, repo: str, default_branch: str, base_ref: str, head_ref: str) -> tuple[list[Commit], int, Commit]:
        """(commits ``head_ref`` has that ``base_ref`` has not, oldest first; 1 if base is off that line, else
        0; the head commit), in the order commits landed on the default branch, not by date: a commit
        merged late with an old date comes last, as on a real branch. KeyError for an unknown ref."""
        on_branch = [c for c in self.commits.get(repo, []) if c.branch == default_branch]
        base = self.commit(repo, base_ref)
        head = on_branch[-1] if head_ref == default_branch and on_branch else self.commit(repo, head_ref)
        line = on_branch[: on_branch.index(head) + 1] if head in on_branch else [head]
        if base in line:
            return line[line.index(base) + 1 :], 0, head
        return line, 1, head

    def drop_commit(self, repo: str, sha: str) -> None:
        """Remove a commit (the generator swaps add_pull's placeholder commit for real ones)."""
        with self.lock:
            c = self._commit_ix.pop((repo, sha))
            self.git_dirty.add(repo)
            lst = self.commits[repo]
            if lst and lst[-1] is c:
                lst.pop()
            else:
                lst.remove(c)

    def add_pull(
        self,
        repo: str,
        author: str | Person,
        title: str,
        body: str = "",
        at: datetime | None = None,
        labels: list[str] | None = None,
    ) -> PullRequest:
        """A new open PR/MR with one commit touching ``src/``."""
        with self.lock:
            person = self.person(author)
            at = at or self.now
            r = self.repo(repo)
            number = self.next_number(repo, "pull")
            pr = PullRequest(
                id=self.ids.next("gh_pull" if r.forge == GITHUB else "gl_mr"),
                repo=repo,
                number=number,
                author=person,
                title=title,
                body=body,
                labels=labels or [],
                created_at=at,
                updated_at=at,
                state="open",
                head_ref=f"{person.gh_login}/change-{number}",
                head_sha="",
            )
            c = self.add_commit(repo, person, title, [FileChange("src/app/main.py", 5, 1)], at, branch=pr.head_ref)
            pr.head_sha = c.sha
            pr.commits.append(c.sha)
            self.pulls.setdefault(repo, []).append(pr)
            self._pull_ix[(repo, number)] = pr
            return pr

    def add_issue(
        self,
        repo: str,
        author: str | Person,
        title: str,
        body: str = "",
        at: datetime | None = None,
        labels: list[str] | None = None,
    ) -> Issue:
        with self.lock:
            person = self.person(author)
            at = at or self.now
            r = self.repo(repo)
            it = Issue(
                id=self.ids.next("gh_issue" if r.forge == GITHUB else "gl_issue"),
                repo=repo,
                number=self.next_number(repo, "issue"),
                author=person,
                title=title,
                body=body,
                labels=labels or [],
                created_at=at,
                updated_at=at,
                state="open",
            )
            self.issues.setdefault(repo, []).append(it)
            self._issue_ix[(repo, it.number)] = it
            return it

def diff_hunk(path: str, line: int) -> str:
    """A small unified-diff hunk ending at ``line`` of ``path`` (content is generic but well-formed)."""
    start = max(1, line - 3)
    stem = path.rsplit("/", 1)[-1].split(".")[0] or "module"
    return (
        f"@@ -{start},3 +{start},4 @@\n def {stem}_handler(request):\n"
        f"-    return process(request)\n+    result = process(request)\n+    return {stem}_wrap(result)"
    )

