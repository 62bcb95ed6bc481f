"""Fill an :class:`~leadsig.simulator.org.Org` with PRs/MRs, reviews, notes, issues and commits.

People and repos come from ``population``.  All choices come from one ``random.Random(seed)``; the order
of calls is fixed, so output is deterministic.  Activity happens in each person's local working hours,
so timezone spread is real.
"""

from __future__ import annotations

import random
import zlib
from datetime import UTC, datetime, timedelta

from leadsig.simulator import population, text
from leadsig.simulator.model import GITHUB, GITLAB, Commit, FileChange, Issue, Person, PullRequest, Repo
from leadsig.simulator.org import Org
from leadsig.simulator.sizes import DEFAULT_NOW, SIZES, Size

MODULES = text.slot_values("module")
REVIEW_STATES = [("APPROVED", 45), ("COMMENTED", 30), ("CHANGES_REQUESTED", 18), ("DISMISSED", 7)]
WINDOW_DAYS = 180


class Generator:
    """One pass that creates the org's content in a fixed order."""

    def __init__(self, org: Org, size: Size) -> None:
        self.org = org
        self.size = size
        self.rng = random.Random(org.seed)
        # words come from their own stream: what the org looks like (who, when, how many) never depends on
        # which phrase was picked, so the phrase data can change without reshaping the org
        self.words = random.Random(f"{org.seed}:text")
        self.start = org.now - timedelta(days=WINDOW_DAYS)

    def run(self) -> None:
        population.add_people(self.org, self.size, self.rng, self.start)
        population.add_repos(self.org, self.size, self.rng, self.start)
        for repo in self.org.repos:
            self._fill_repo(repo)

    # ------------------------------------------------------------ helpers
    def _work_time(self, person: Person, after: datetime, max_days: float = 3.0) -> datetime:
        """A moment after ``after`` during ``person``'s local working hours, never after ``now``."""
        rng = self.rng
        for _ in range(6):
            t = after + timedelta(minutes=rng.randint(10, int(max_days * 24 * 60)))
            local_hour = (t + timedelta(minutes=person.utc_offset_minutes)).hour
            if 8 <= local_hour < 19 or person.is_bot:
                break
        return min(t, self.org.now - timedelta(minutes=rng.randint(1, 50))).replace(microsecond=0)

    def _pick_author(self, repo: Repo) -> Person:
        humans = self.org.humans()
        weights = [3.0 if p.team == repo.team else 1.0 for p in humans]
        return self.rng.choices(humans, weights)[0]

    def _pick_reviewers(self, repo: Repo, author: Person, k: int) -> list[Person]:
        cands = [p for p in self.org.humans() if p is not author]
        lvl = {"junior": 0.5, "mid": 1.0, "senior": 2.0, "staff": 2.5, "principal": 2.0}
        weights = [lvl[p.level] * (2.0 if p.team == repo.team else 1.0) for p in cands]
        out: list[Person] = []
        while len(out) < min(k, len(cands)):
            p = self.rng.choices(cands, weights)[0]
            if p not in out:
                out.append(p)
        return out

    def _files(self, repo: Repo, kind: str) -> list[FileChange]:
        rng = self.rng
        mod = rng.choice(MODULES)
        code = [
            f"src/{mod}/{rng.choice(['client', 'models', 'service', 'handlers', 'utils'])}.py",
            f"tests/{mod}/test_{rng.choice(['client', 'service', 'api'])}.py",
            f"src/{mod}/__init__.py",
        ]
        ci = ".github/workflows/ci.yml" if repo.forge == GITHUB else ".gitlab-ci.yml"
        process = [
            "CONTRIBUTING.md",
            "CODEOWNERS",
            ".github/PULL_REQUEST_TEMPLATE.md"
            if repo.forge == GITHUB
            else ".gitlab/merge_request_templates/Default.md",
        ]
        docs = ["README.md", f"docs/{mod}.md", f"adr/{rng.randint(1, 30):04d}-{mod}-storage.md", "docs/runbook.md"]
        paths = {
            "code": rng.sample(code, rng.randint(1, 3)),
            "docs": rng.sample(docs, rng.randint(1, 2)),
            "ci": [ci] + rng.sample(code, rng.randint(0, 1)),
            "process": [rng.choice(process)],
            "bot": ["requirements.txt" if rng.random() < 0.5 else "package.json"],
        }[kind]
        if kind == "code" and rng.random() < 0.2:
            paths.append(rng.choice(docs))
        return [
            FileChange(p, rng.randint(1, 120), rng.randint(0, 60), rng.choice(["modified"] * 4 + ["added"]))
            for p in dict.fromkeys(paths)
        ]

    # ------------------------------------------------------------ per repo
    def _fill_repo(self, repo: Repo) -> None:
        rng, s = self.rng, self.size
        span = (self.org.now - timedelta(days=1) - self.start).total_seconds()
        events = [(self.start + timedelta(seconds=rng.uniform(0, span)), "pull") for _ in range(s.pulls_per_repo)]
        events += [(self.start + timedelta(seconds=rng.uniform(0, span)), "issue") for _ in range(s.issues_per_repo)]
        events += [
            (self.start + timedelta(seconds=rng.uniform(0, span)), "commit") for _ in range(s.direct_commits_per_repo)
        ]
        for when, what in sorted(events):
            when = when.replace(microsecond=0)
            if what == "pull":
                self._pull(repo, when)
            elif what == "issue":
                self._issue(repo, when)
            else:
                author = self._pick_author(repo)
                kind = rng.choice(["docs", "ci", "process", "code"])
                self._commit_email(
                    self.org.add_commit(
                        repo.full_name,
                        author,
                        text.direct_commit(self.words, kind),
                        self._files(repo, kind),
                        when,
                    )
                )

    def _pull(self, repo: Repo, created: datetime) -> None:
        rng, org = self.rng, self.org
        bots = org.bots()
        author = bots[0] if rng.random() < 0.08 else self._pick_author(repo)
        kind = "bot" if author.is_bot else rng.choices(["code", "docs", "ci", "process"], [70, 15, 10, 5])[0]
        other = rng.choice([p for p in org.humans() if p is not author])
        title, body = text.pull_text(self.words, kind, **self._slots(repo, other))
        labels = {"bot": ["dependencies"], "docs": ["documentation"], "ci": ["ci"], "process": ["process"]}.get(
            kind, rng.sample(["bug", "enhancement", "refactor", "performance", "security"], rng.randint(0, 2))
        )
        pr = org.add_pull(repo.full_name, author, title, body, created, labels)
        pr.commits.clear()
        org.drop_commit(
            repo.full_name, org.commits[repo.full_name][-1].sha
        )  # replace add_pull's placeholder commit with real ones below
        files = self._files(repo, kind)
        t = created - timedelta(minutes=rng.randint(5, 120))
        for i in range(rng.randint(1, 3)):
            chunk = files[i::3] or files[:1]
            c = org.add_commit(
                repo.full_name,
                author,
                title if i == 0 else text.followup_commit(self.words),
                chunk,
                t,
                branch=pr.head_ref,
            )
            pr.commits.append(c.sha)
            self._commit_email(c)
            t = self._work_time(author, t, 0.5)
        pr.head_sha = pr.commits[-1]
        age = (org.now - created).days
        state = "open" if age < 7 and rng.random() < 0.5 else rng.choices(["merged", "closed", "open"], [78, 12, 10])[0]
        self._review_round(repo, pr, author)
        if repo.forge == GITLAB:
            org.add_comment(
                repo.full_name,
                pr.number,
                author,
                f"added {len(pr.commits)} commit" + ("s" if len(pr.commits) > 1 else ""),
                created,
                system=True,
            )
        for _ in range(rng.choices([0, 1, 2, 3, 4], [30, 30, 20, 12, 8])[0]):
            who = rng.choice(org.bots()[1:]) if rng.random() < 0.1 else rng.choice(org.humans())
            body = (
                text.from_family(self.words, "bot")
                if who.is_bot
                else self._say("pr_conversation", who, repo, other, path=files[0].filename)
            )
            org.add_comment(repo.full_name, pr.number, who, body, self._work_time(who, created, 4))
        if state != "open":
            end = self._work_time(author, pr.updated_at, 1)
            pr.state, pr.closed_at = state, end
            if state == "merged":
                approvers = [rv.author for rv in pr.reviews if rv.state == "APPROVED"] + [a.user for a in pr.approvals]
                pr.merged_at, pr.merged_by = end, (approvers[0] if approvers else author)
                for sha in pr.commits:
                    org.commit(repo.full_name, sha).branch = repo.default_branch
            pr.touch(end)
        elif rng.random() < 0.5:
            pr.requested_reviewers = self._pick_reviewers(repo, author, 1)
            pr.review_requests += [(p, pr.created_at) for p in pr.requested_reviewers]

    def _slots(self, repo: Repo, other: Person, **extra: str) -> dict[str, str]:
        """What the generator knows that the phrase data cannot: who else is in the thread, their team."""
        return {"other": other.login(repo.forge), "team": other.team or repo.team, **extra}

    def _say(self, context: str, who: Person, repo: Repo, other: Person, **extra: str) -> str:
        """A comment by ``who`` for ``context``, in their style, that may mention ``other``."""
        return text.comment(self.words, context, text.style_of(who.key), **self._slots(repo, other, **extra))

    def _commit_email(self, c: Commit) -> None:
        """Some commits use the GitHub noreply address (linked) or a home address no forge knows (unlinked)."""
        roll = self.rng.random()
        if c.author is not None and not c.author.is_bot and roll < 0.1:
            c.author_email = c.author.extra_emails[0]
        elif c.author is not None and not c.author.is_bot and roll < 0.18:
            c.author_email, c.linked = c.author.extra_emails[1], False

    def _review_round(self, repo: Repo, pr: PullRequest, author: Person) -> None:
        """Reviews (GitHub) or approvals + notes (GitLab), with inline threads and replies by the author."""
        rng, org = self.rng, self.org
        k = rng.choices([0, 1, 2, 3], [10, 45, 35, 10])[0]
        for reviewer in self._pick_reviewers(repo, author, k):
            if _asked(pr, reviewer):
                pr.review_requests.append((reviewer, pr.created_at))
            t = self._work_time(reviewer, pr.created_at, 2)
            states = [rng.choices([s for s, _ in REVIEW_STATES], [w for _, w in REVIEW_STATES])[0]]
            if states[0] == "CHANGES_REQUESTED" and rng.random() < 0.7:
                states.append("APPROVED")
            for state in states:
                inline = self._inline(pr, reviewer, state)
                if state == "APPROVED":
                    body = text.from_family(self.words, "approve", text.style_of(reviewer.key))
                elif state == "CHANGES_REQUESTED":
                    body = self._say("review_changes", reviewer, repo, author, path=inline[0][0] if inline else "")
                else:
                    body = self._say("review_commented", reviewer, repo, author) if rng.random() < 0.7 else ""
                if repo.forge == GITHUB:
                    rv = org.add_review(repo.full_name, pr.number, reviewer, state, body, t, inline)
                    self._replies(repo, pr, author, [c for c in pr.comments if c.review_id == rv.id], t)
                else:
                    notes = [org.add_diff_note(repo.full_name, pr.number, reviewer, p, ln, b, t) for p, ln, b in inline]
                    if body and state != "APPROVED":
                        org.add_comment(repo.full_name, pr.number, reviewer, body, t)
                    if state == "APPROVED":
                        org.add_approval(repo.full_name, pr.number, reviewer, t)
                    self._replies(repo, pr, author, notes, t)
                t = self._work_time(reviewer, t, 1.5)

    def _inline(self, pr: PullRequest, reviewer: Person, state: str) -> list[tuple[str, int, str]]:
        rng = self.rng
        n = rng.choices([0, 1, 2, 3, 4], [50, 20, 15, 10, 5] if state == "APPROVED" else [15, 30, 25, 20, 10])[0]
        paths = [f.filename for sha in pr.commits for f in self.org.commit(pr.repo, sha).files]
        repo = self.org.repo(pr.repo)
        return [
            (p, rng.randint(3, 200), self._say("inline", reviewer, repo, pr.author, path=p))
            for p in (rng.choice(paths) for _ in range(n))
        ]

    def _replies(self, repo: Repo, pr: PullRequest, author: Person, comments: list, after: datetime) -> None:
        for c in comments:
            if self.rng.random() < 0.45:
                at = self._work_time(author, after, 1)
                reply = text.from_family(self.words, "replies", text.style_of(author.key))
                self.org.add_diff_note(repo.full_name, pr.number, author, c.path, c.line, reply, at, reply_to=c)

    def _issue(self, repo: Repo, created: datetime) -> None:
        rng, org = self.rng, self.org
        author = self._pick_author(repo)
        title, body, labels = text.issue_text(self.words, team=repo.team)
        it: Issue = org.add_issue(repo.full_name, author, title, body, created, labels)
        people = [author] + self._pick_reviewers(repo, author, rng.randint(1, 4))
        t = created
        for _ in range(rng.randint(1, 6)):
            who = rng.choice(people)
            other = rng.choice([p for p in people if p is not who] or people)
            t = self._work_time(who, t, 2)
            body = self._say("issue_thread", who, repo, other)
            org.add_comment(repo.full_name, it.number, who, body, t, on="issue")
        if repo.forge == GITLAB and rng.random() < 0.5:
            org.add_comment(
                repo.full_name, it.number, author, "changed the description", created, on="issue", system=True
            )
        if rng.random() < 0.6:
            closer = rng.choice(people)
            it.state, it.closed_at, it.closed_by = "closed", self._work_time(closer, t, 3), closer
            it.touch(it.closed_at)
            if repo.forge == GITLAB:
                org.add_comment(repo.full_name, it.number, closer, "closed", it.closed_at, on="issue", system=True)


def utc(y: int, m: int, d: int) -> datetime:
    """Small helper for tests: a UTC datetime at midnight."""
    return datetime(y, m, d, tzinfo=UTC)


def build_org(seed: int = 42, size: str = "tiny", now: datetime | None = None) -> Org:
    """Generate the deterministic org for (seed, size, now).  ``now`` defaults to a fixed date."""
    if size not in SIZES:
        raise ValueError(f"unknown size {size!r}; choose one of {', '.join(SIZES)}")
    now = (now or DEFAULT_NOW).astimezone(UTC).replace(microsecond=0)
    org = Org(seed=seed, size=size, now=now)
    Generator(org, SIZES[size]).run()
    return org


def _asked(pr: PullRequest, reviewer: Person) -> bool:
    """Three reviewers in four were asked; the others review unasked. A hash, not the generator's random
    stream, so every other generated fact stays as it was."""
    return zlib.crc32(f"{pr.repo}#{pr.number}:{reviewer.key}".encode()) % 4 != 0
