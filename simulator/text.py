"""Phrase banks for synthetic titles, bodies and comments.

The classification rules look for phrases real engineers write (mentoring, RFCs, decision rationale,
process pain, timezone summaries, hand-offs).  The banks below cover every such family with several
wordings each, plus plenty of ordinary chatter, so a rule that matches too loosely or too narrowly
shows up in tests and in the demo.  Placeholders: {path} {module} {other} {team} {tech} {alt} {n}.
"""

from __future__ import annotations

import random

MODULES = [
    "auth",
    "billing",
    "ledger",
    "search",
    "ingest",
    "notifications",
    "cache",
    "scheduler",
    "exporter",
    "webhooks",
    "sessions",
    "reports",
    "checkout",
    "inventory",
    "metrics",
]
TECH = ["PostgreSQL", "Redis", "Kafka", "gRPC", "SQLite", "S3", "Celery", "GraphQL", "protobuf", "Terraform"]

PR_TITLES = [
    "Add retry with backoff to {module} client",
    "Fix off-by-one in {module} pagination",
    "Refactor {module} into smaller services",
    "Speed up {module} tests",
    "Remove dead code in {module}",
    "Handle timeouts in {module}",
    "Introduce feature flag for {module}",
    "Upgrade {tech} driver",
    "Add metrics for {module} latency",
    "Document {module} configuration",
    "Tidy up {module} logging",
    "Migrate {module} to {tech}",
    "Validate input in {module} API",
    "Cache {module} lookups",
]
DOC_TITLES = [
    "Write ADR for {module} storage",
    "Update onboarding guide",
    "Document {module} runbook",
    "RFC: split {module} into its own service",
    "Explain {module} architecture in docs",
]
CI_TITLES = [
    "Cache dependencies in CI",
    "Split slow CI job into shards",
    "Quarantine flaky {module} test",
    "Run linters in CI pipeline",
]
PROCESS_TITLES = ["Add PR template checklist", "Update CODEOWNERS for {module}", "Clarify CONTRIBUTING review rules"]
BOT_TITLES = ["Bump {lib} from 1.{n}.0 to 1.{n}.1", "Update dependency {lib} to v{n}", "chore(deps): bump {lib}"]
LIBS = ["requests", "urllib3", "pydantic", "lodash", "express", "pytest", "black", "jinja2", "axios"]

PR_BODIES = [
    "This PR changes {module} so that we {verb}.\n\n## Why\nWe chose {tech} because it is already in our stack "
    "and the team knows it.\n\n## Testing\n- unit tests\n- manual run against staging",
    "Small fix. Closes #{n}.",
    "Follow-up to the discussion in #{n}. cc @{other}",
    "## Context\nThe {module} path was a bottleneck during the last incident.\n\n## Change\nBatch the writes.",
    "Part of the {module} RFC. The decision record lives in adr/.",
    "",
    "TL;DR: {verb}. Details in the linked issue; for those in APAC I left notes in the doc.",
]
VERBS = [
    "retry transient failures",
    "stop leaking connections",
    "avoid the N+1 query",
    "batch writes",
    "drop the legacy code path",
    "make the config explicit",
]

# Families of review/comment text.  Each family has several wordings.
MENTORING = [
    "nit: {path} could use a more descriptive name here.",
    "Have you considered using a context manager here? It guarantees the handle is closed even on error.",
    "suggestion: extract this into a helper, it will make the test easier to write.",
    "Good start! One thing to keep in mind: {tech} connections are not thread-safe, so each worker needs its own.",
    "Great question. The reason we do it this way is that the {module} queue can redeliver messages, "
    "so every handler must be idempotent. Happy to pair on it if useful.",
    "Nice work. A tip for next time: write the failing test first, it makes the review much easier.",
    "```suggestion\nreturn cache.get(key, default)\n```\nThis avoids the extra lookup.",
    "Have you thought about what happens when this list is empty? A small test for that case would help.",
    "nit: we usually keep imports sorted, `ruff --fix` will do it for you.",
]
ARCHITECTURE = [
    "RFC: I'd like to propose splitting {module} into a read path and a write path. Draft is in docs/rfcs.",
    "Proposal: move {module} state into {tech}. I wrote an ADR (adr/00{n}-{module}-storage.md) with the options.",
    "Before we go further I think we need an ADR for this, it changes the contract between {module} and billing.",
    "Design proposal: replace polling with webhooks for {module}. Trade-offs listed below.",
    "This changes the architecture of {module}; let's discuss it in the design review first.",
]
RATIONALE = [
    "We chose {tech} because it gives us transactions and we already operate it; {alt} would add a new system.",
    "Decision: keep the synchronous API for now. Rationale: the async version doubles the failure modes.",
    "We went with option B because it keeps the migration reversible.",
    "The reason for the cache is the p99 latency we saw in the last incident review; see #{n}.",
]
PROCESS = [
    "CI is slow again, the {module} suite takes 25 minutes. I'll look at sharding it.",
    "This test is flaky, it failed twice today on main. Quarantining it and opening an issue.",
    "Code review is the bottleneck this sprint: 12 PRs waiting more than two days.",
    "Proposal to change our process: every PR gets a reviewer within one working day.",
    "Release process note: please update the changelog in the same PR.",
    "The deploy pipeline was blocked for an hour; I added a retry to the flaky step.",
]
SUMMARY = [
    "Summary of today's sync: we agreed on the {module} API shape, {other} owns the migration, next check-in Thursday.",
    "TL;DR for those in APAC: the rollout is paused until the fix lands, nothing to do on your side.",
    "Recap for the folks in Europe who missed the call: decision is option A, notes are in the doc.",
    "Async update for the Americas timezone: the incident is mitigated, root cause analysis tomorrow.",
    "Summary so far: three options, two votes for {tech}, open question is cost.",
]
HANDOFF = [
    "Handing off to @{other} for the rest of the rollout, I'm out tomorrow.",
    "cc @acme/{team} since this touches your service.",
    "@{other} can you take over the review? I'm off for the next two days.",
    "Passing this to @{other} who knows {module} better than me.",
    "Looping in @{other} from {team} for visibility.",
]
APPROVE = [
    "LGTM",
    "LGTM, thanks!",
    "Looks good to me.",
    "Approved, nice cleanup.",
    "",
    "Ship it :rocket:",
    "Looks good. Thanks for adding the tests.",
]
CHANGES = [
    "A couple of things before we merge: the error handling in {path} swallows exceptions, and there is no test "
    "for the timeout path.",
    "Please add a test for the failure case.",
    "This breaks the public API of {module}; we need a deprecation first.",
]
CHATTER = [
    "Thanks for the review!",
    "Done, updated.",
    "Fixed in the latest commit.",
    "Good catch, thanks.",
    "I'll take a look this afternoon.",
    "Agreed.",
    "Makes sense.",
    "Rebased on main.",
    "Any update on this?",
    "Works for me locally.",
    "Could you share the stack trace?",
    "+1",
]
REPLIES = [
    "Good point, changed.",
    "Done.",
    "I'd rather keep it for now, see the comment above.",
    "Thanks, I didn't know that!",
    "Fixed.",
    "Makes sense, updated the test.",
]
BOT_COMMENTS = [
    "Coverage report: 87.4% (+0.2%)",
    "This PR is stale because it has been open 30 days.",
    "Dependabot will resolve any conflicts with this PR as long as you don't alter it yourself.",
]
ISSUE_TITLES = [
    "{module} times out under load",
    "RFC: new {module} storage",
    "Flaky test in {module} suite",
    "CI takes too long",
    "Document the {module} on-call runbook",
    "Crash when {module} config is empty",
    "Proposal: adopt {tech} for {module}",
    "Onboarding: local setup fails on macOS",
]
ISSUE_BODIES = [
    "Steps to reproduce:\n1. start the service\n2. send 100 requests\n\nExpected: no timeouts.",
    "## Proposal\nMove {module} to {tech}.\n\n## Alternatives\n{alt}, or keep as is.",
    "The {module} suite failed 3 times this week on main.",
    "",
    "See the incident review for context.",
]

FAMILIES: dict[str, list[str]] = {
    "mentoring": MENTORING,
    "architecture": ARCHITECTURE,
    "rationale": RATIONALE,
    "process": PROCESS,
    "summary": SUMMARY,
    "handoff": HANDOFF,
    "chatter": CHATTER,
}


def fill(
    rng: random.Random, template: str, *, path: str = "src/app.py", other: str = "someone", team: str = "platform"
) -> str:
    """Fill a template's placeholders with deterministic picks from ``rng``."""
    tech, alt = rng.sample(TECH, 2)
    return template.format(
        path=path,
        module=rng.choice(MODULES),
        other=other,
        team=team,
        tech=tech,
        alt=alt,
        n=rng.randint(1, 40),
        verb=rng.choice(VERBS),
        lib=rng.choice(LIBS),
    )


def pick_comment(rng: random.Random, weights: dict[str, float] | None = None, **kw: str) -> str:
    """A comment body from one family chosen by weight (default: mostly chatter, some of every family)."""
    weights = weights or {
        "chatter": 4,
        "mentoring": 2,
        "architecture": 0.6,
        "rationale": 0.8,
        "process": 0.8,
        "summary": 0.6,
        "handoff": 0.8,
    }
    names = list(weights)
    family = rng.choices(names, [weights[n] for n in names])[0]
    return fill(rng, rng.choice(FAMILIES[family]), **kw)
