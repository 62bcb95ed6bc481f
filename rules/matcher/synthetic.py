"""Generated activity at any scale, shaped like the warehouse tables, for the benchmark and engine tests.

Not a forge simulator: it writes the frames ``rules.enrich.read_warehouse`` returns, with a realistic
mix of kinds, threads, teams, regions, bots, people not on the roster, and bodies that sometimes carry
the phrases the default rules look for. Every body is distinct, so no test gets cheaper by repetition.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import numpy as np
import pandas as pd

KIND_MIX = {"review_comment": 0.25, "pr_comment": 0.15, "issue_comment": 0.15, "pr_review": 0.12, "commit": 0.15,
            "pr_opened": 0.06, "pr_merged": 0.05, "issue_opened": 0.07}
TEAMS = ["payments", "platform", "data", "mobile", "web", "infra", "search", "growth", "security", "ml", "billing",
         "support"]
REGIONS = {"Europe/Berlin": "Europe", "America/Chicago": "Americas", "Asia/Tokyo": "Asia-Pacific",
           "Africa/Lagos": "Africa", "America/Sao_Paulo": "Americas", "Asia/Kolkata": "Asia-Pacific"}
LEVELS = ["junior", "mid", "mid", "senior", "senior", "staff", "principal"]
PLAIN = ["Looks fine overall.", "I left a couple of small notes.", "Can we rename this variable?",
         "This should probably live in the client module.", "Thanks, merging after CI.", "Fixed in the next commit.",
         "Same here, see the other thread.", "I tested this locally against staging and it works.",
         "The migration runs in about a minute on a copy of production data.", "Updated the tests."]
SIGNALS = ["Consider extracting this helper, because the parsing repeats in three places.",
           "To summarize, the options are: keep the queue or move to streams. Any objections to streams?",
           "Our slow CI is the bottleneck: PRs wait 40 min for the integration suite.",
           "Handing this over to @maria for the rollout; next steps are in the checklist.",
           "Recap of today's sync for folks in APAC: we ship behind a flag on Tuesday.",
           "Looping in @ana from data, who owns the export.", "Happy to help with the migration, I can take the API.",
           "We went with advisory locks; the trade-off is a second round trip, alternatives considered below.",
           "I propose that we automate the release notes with a template checked in CI.",
           "Have a look at https://example.org/patterns - we prefer this pattern for retries.",
           "RFC: I'd like to propose splitting the ledger into a read path and a write path; draft in docs/rfcs.",
           "## Proposal\nMove ingest to Kafka.\n\n## Alternatives\nRedis, or keep the cron job as it is."]
TITLES = ["Fix flaky login test", "RFC: split the ledger service", "Add refunds", "Proposal: faster builds",
          "Bump dependencies", "Architecture of the export pipeline", "Automate the release process",
          "Crash on Safari", "Design doc for search ranking", "Update CONTRIBUTING"]
LABELS = [(), ("bug",), ("architecture",), ("rfc", "design"), ("ci",), ("docs",), ()]
FILLER = ("lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor incididunt ut labore et "
          "dolore magna aliqua ut enim ad minim veniam quis nostrud exercitation ullamco laboris ")


def generate(n: int, seed: int = 1, people: int = 500, per_thread: int = 8) -> dict[str, pd.DataFrame]:
    rng = np.random.default_rng(seed)
    roster = _people(rng, people)
    logins = [f"user{i}" for i in range(people)] + [f"outsider{i}" for i in range(people // 10)] + \
        ["renovate[bot]", "dependabot[bot]", "ci-bot"]
    kinds = rng.choice(list(KIND_MIX), size=n, p=list(KIND_MIX.values()))
    n_threads = max(n // per_thread, 1)
    repos = [f"acme/{t}-{k}" for t in TEAMS for k in ("api", "app", "lib")]
    thread = rng.integers(0, n_threads, n)
    # Most work happens inside a team: a thread's repo and most of its participants belong to the author's team.
    team_of = {t: i for i, t in enumerate(TEAMS)}
    person_team = np.array([team_of[t] for t in roster["team"]])
    members = [np.flatnonzero(person_team == i) for i in range(len(TEAMS))]
    thread_author = rng.integers(0, people, n_threads)
    thread_team = person_team[thread_author]
    other_team = rng.random(n_threads) < 0.15
    thread_repo_team = np.where(other_team, rng.integers(0, len(TEAMS), n_threads), thread_team)
    thread_repo = thread_repo_team * 3 + rng.integers(0, 3, n_threads)
    same = rng.random(n) < 0.8
    pick = rng.random(n)
    own = np.array([m[int(p * len(m))] if len(m) else 0 for m, p in
                    zip((members[t] for t in thread_team[thread]), pick, strict=True)])
    actor = np.where(same, own, rng.integers(0, people, n))
    outside = rng.random(n) < 0.08  # bots and people not on the roster
    actor = np.where(outside, rng.integers(people, len(logins), n), actor)
    is_commit = kinds == "commit"
    login_arr = np.array(logins, dtype=object)
    t0 = datetime(2025, 1, 1, tzinfo=UTC).timestamp()
    occurred = pd.to_datetime(t0 + rng.integers(0, 365 * 86400, n), unit="s", utc=True)
    bodies = _bodies(rng, n)
    acts = pd.DataFrame({
        "id": [f"github:github.com:{k}:{i}" for i, k in enumerate(kinds)],
        "forge": "github", "host": "github.com", "kind": kinds,
        "repo": np.array(repos, dtype=object)[thread_repo[thread]],
        "actor_login": login_arr[actor],
        "actor_is_bot": np.array([lg.endswith("[bot]") or lg == "ci-bot" for lg in login_arr[actor]]),
        "person_id": np.where(actor < people, login_arr[actor], None),
        "occurred_at": occurred,
        "actor_utc_offset_minutes": np.where(is_commit, 60.0, np.nan),
        "url": [f"https://github.com/x/{i}" for i in range(n)],
        "parent_number": np.where(is_commit, np.nan, thread.astype(float)),
        "parent_title": np.where(is_commit, "", np.array(TITLES, dtype=object)[thread % len(TITLES)] + " #"
                                 + thread.astype(str)),
        "parent_author": np.where(is_commit, None, login_arr[thread_author[thread]]),
        "parent_labels": [list(LABELS[t % len(LABELS)]) for t in thread],
        "body": bodies,
        "state": np.where(kinds == "pr_review", rng.choice(["approved", "commented", "changes_requested"], n), None),
        "review_comment_count": np.where(kinds == "pr_review", np.where(rng.random(n) < 0.6, 0.0,
                                                                        rng.integers(1, 9, n).astype(float)), np.nan),
        "files": np.where(is_commit, rng.integers(1, 20, n).astype(float), np.nan),
        "additions": np.where(is_commit, rng.integers(0, 400, n).astype(float), np.nan),
        "deletions": np.where(is_commit, rng.integers(0, 100, n).astype(float), np.nan),
        "path_groups": [["docs"] if c and r < 0.3 else ["ci"] if c and r < 0.4 else []
                        for c, r in zip(is_commit, rng.random(n), strict=True)],
        "extra": [{"requested_reviewers": [lg] if r < 0.5 else []} if k == "pr_review" else {}
                  for k, lg, r in zip(kinds, login_arr[actor], rng.random(n), strict=True)],
    })
    idents = pd.DataFrame({"forge": "github", "host": "github.com", "login": logins,
                           "person_id": [lg if i < people else None for i, lg in enumerate(logins)]})
    repo_df = pd.DataFrame({"forge": "github", "host": "github.com", "full_name": repos,
                            "team": [r.split("/")[1].rsplit("-", 1)[0] for r in repos]})
    return {"activities": acts, "people": roster, "identities": idents, "repositories": repo_df}


def _people(rng: np.random.Generator, count: int) -> pd.DataFrame:
    zones = list(REGIONS)
    tz = rng.choice(zones, count)
    return pd.DataFrame({
        "id": [f"user{i}" for i in range(count)], "name": [f"User {i}" for i in range(count)],
        "team": rng.choice(TEAMS, count), "level": rng.choice(LEVELS, count),
        "start_date": [date(2018, 1, 1) + pd.Timedelta(days=int(d)) for d in rng.integers(0, 2900, count)],
        "timezone": tz, "region": [REGIONS[z] for z in tz],
    })


def _bodies(rng: np.random.Generator, n: int) -> list[str]:
    """Distinct bodies: 15% carry a signal phrase, lengths from a few words to a few paragraphs."""
    plain = rng.integers(0, len(PLAIN), n)
    signal = np.where(rng.random(n) < 0.15, rng.integers(0, len(SIGNALS), n), -1)
    pad = rng.integers(0, 6, n) * 60
    out = []
    for i in range(n):
        text = PLAIN[plain[i]]
        if signal[i] >= 0:
            text = SIGNALS[signal[i]] + " " + text
        if pad[i]:
            text += " " + FILLER[: pad[i]]
        out.append(f"{text} (#{i})")
    return out
