"""How long "created documentation used by 5+ people" takes for one person on a large warehouse.

The milestone looks for later use of each piece of documentation the person wrote anywhere in the warehouse
(edits of its files, links to its file, page or thread, reviews in its thread), so its cost grows with the
activity written after the person's first documentation, not with the person's own activity. Baseline, in
the same run: the same milestone counted the old way (``distinct: later_participants``, its own threads only).

    .venv/bin/python benchmarks/doc_use.py [--n 200000] [--docs 30] [--repeat 3]

Writes benchmarks/results/doc_use.md.
"""

from __future__ import annotations

import argparse
import dataclasses
import platform
import random
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from monthly_report import timed  # noqa: E402  (the same median-of-repeats timer; run as a script beside it)
from sqlalchemy import insert  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from leadsig.reports.doc_links import shared_index  # noqa: E402
from leadsig.reports.milestones import status_of  # noqa: E402
from leadsig.tracks import load_tracks  # noqa: E402
from leadsig.warehouse import models as m  # noqa: E402
from leadsig.warehouse.db import open_warehouse  # noqa: E402

RESULTS = Path(__file__).parent / "results" / "doc_use.md"
WRITERS = 10  # people with documentation; the report case works out all of them with one shared index
START = datetime(2024, 12, 1, tzinfo=UTC)
AS_OF = datetime(2026, 12, 1, tzinfo=UTC)
KINDS = ["commit"] * 3 + ["pr_opened", "pr_review", "review_comment", "pr_comment", "issue_comment", "issue_opened"]
PROSE = "We should retry the call with a backoff and log the failure once, then carry on with the batch. "


def _body(rng: random.Random, repo: str, n: int) -> str:
    roll = rng.random()
    if roll < 0.15:
        return PROSE * 2 + f"Related to #{rng.randrange(1, n // 40 + 2)}."
    if roll < 0.30:
        number, guide = rng.randrange(1, n // 40 + 2), rng.randrange(99)
        return PROSE + f"See https://github.com/{repo}/pull/{number} and docs/guide-{guide}.md"
    return PROSE * 3


def populate(engine, n: int, docs: int, seed: int = 11) -> int:  # noqa: ANN001
    """``n`` activities of 300 people in 40 repositories over two years; writers ``w0``..``w9`` each wrote
    ``docs`` pieces of documentation in the first year (half docs PRs, half docs commits), some used later."""
    rng = random.Random(seed)
    people = [{"id": f"p{i:03d}", "name": f"P {i}", "team": f"team-{i % 10}", "level": "mid"} for i in range(300)]
    people += [{"id": f"w{k}", "name": f"Writer {k}", "team": "team-0", "level": "senior"} for k in range(WRITERS)]
    rows, signals = [], []
    span = (AS_OF - START).total_seconds()
    for i in range(n):
        repo, kind = f"acme/repo-{i % 40}", rng.choice(KINDS)
        pid = f"p{rng.randrange(300):03d}"
        at = START + timedelta(seconds=rng.random() * span)
        paths = [f"src/mod{rng.randrange(500)}.py" for _ in range(rng.randrange(1, 4))]
        if rng.random() < 0.1:
            paths.append(f"docs/guide-{rng.randrange(99)}.md")
        rows.append(_row(f"a{i}", kind, repo, pid, at, None if kind == "commit" else i // 9 + 1,
                         _body(rng, repo, n), paths if kind in ("commit", "pr_opened") else None))
    for k, d in ((k, d) for k in range(WRITERS) for d in range(docs)):
        repo, at = f"acme/repo-{(d + k) % 40}", START + timedelta(days=10 * d + k + 1)
        kind, number = ("pr_opened", 900_000 + 100 * k + d) if d % 2 else ("commit", None)
        rows.append(_row(f"w{k}-{d}", kind, repo, f"w{k}", at, number, "Add the guide", [f"docs/guide-{d}.md"]))
        signals.append({"activity_id": f"w{k}-{d}", "rule_id": "writes_documentation.t", "rule_version": 1,
                        "rule_hash": "h", "person_id": f"w{k}", "signal_type": "communication",
                        "indicator": "writes_documentation", "impact": "medium", "evidence_url": rows[-1]["url"],
                        "occurred_at": at, "summary": "", "why": {}, "classified_at": at})
    with engine.begin() as conn:
        conn.execute(insert(m.Person), people)
        for i in range(0, len(rows), 20_000):
            conn.execute(insert(m.Activity), rows[i:i + 20_000])
        conn.execute(insert(m.Signal), signals)
    return len(rows)


def _row(aid: str, kind: str, repo: str, pid: str, at: datetime, number: int | None, body: str,
         paths: list[str] | None) -> dict:
    url = f"https://github.com/{repo}/pull/{number}#{aid}" if number else f"https://github.com/{repo}/commit/{aid}"
    return {"id": aid, "forge": "github", "host": "github.com", "kind": kind, "native_id": aid, "repo": repo,
            "actor_login": pid, "person_id": pid, "occurred_at": at, "url": url, "parent_number": number,
            "parent_title": "Change", "parent_author": pid, "body": body, "content_hash": "x", "mined_at": at,
            "parent_labels": [], "path_groups": [], "extra": {"paths": paths} if paths else {}}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=200_000)
    ap.add_argument("--docs", type=int, default=30)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    tracks = load_tracks()
    stage, ms = tracks.milestone("technical", "documentation-used")
    old = dataclasses.replace(ms, measure=dataclasses.replace(ms.measure, distinct="later_participants"))
    with tempfile.TemporaryDirectory() as tmp:
        engine = open_warehouse(f"sqlite:///{Path(tmp) / 'bench.db'}")
        t0 = time.perf_counter()
        total = populate(engine, args.n, args.docs)
        setup = time.perf_counter() - t0

        def run(milestone, writer: str = "w0"):  # noqa: ANN001, ANN202
            with Session(engine) as s:
                return status_of(s, writer, "technical", stage.id, milestone, AS_OF, tracks)

        def report():  # noqa: ANN202
            with shared_index():
                return [run(ms, f"w{k}") for k in range(WRITERS)]

        t_old, got_old = timed(lambda: run(old), args.repeat)
        t_new, got_new = timed(lambda: run(ms), args.repeat)
        t_all, _ = timed(report, args.repeat)
        engine.dispose()
    lines = [
        "# Documentation used: one person's milestone on a large warehouse", "",
        f"`{' '.join(['.venv/bin/python', 'benchmarks/doc_use.py', *sys.argv[1:]])}` on "
        f"{platform.python_implementation()} {platform.python_version()}, {platform.machine()}, SQLite; "
        f"median of {args.repeat} runs.", "",
        f"- warehouse: {total} activities in 40 repositories over 24 months, {300 + WRITERS} people; each of "
        f"{WRITERS} writers wrote {args.docs} pieces of documentation in the first year; built in {setup:.1f} s "
        "(not timed); one writer timed alone, then all of them as a monthly report does", "",
        "| what | seconds | people who used it |", "|---|---:|---:|",
        f"| baseline: own threads only (`later_participants`) | {t_old:.3f} | {got_old.count} |",
        f"| `documentation_users`: reviews, edits, links, mentions | {t_new:.3f} | {got_new.count} |",
        f"| the same for {WRITERS} writers in one report (one shared text index) | {t_all:.3f} | - |", "",
        f"One writer alone reads the text written since their first documentation: about "
        f"{t_new / max(total, 1) * 1e6:.1f} µs per activity in the warehouse here; in a report the text is read "
        f"once for everyone ({t_all / WRITERS:.3f} s a writer).",
    ]
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
