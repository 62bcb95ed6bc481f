"""Hostile forge text goes through mining, storage, classification and every report format as plain text."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import create_engine, text

from leadsig.config import load_config
from leadsig.flows.cli.mine import run_mine
from leadsig.reports.monthly import build_monthly
from leadsig.reports.packet import build_packet
from leadsig.simulator.roster import write_config
from leadsig.simulator.server import ForgeSimulator
from leadsig.warehouse.db import open_warehouse

SCRIPT = "<script>alert('pwned')</script>"
HOSTILE_TITLE = f"{SCRIPT}<img src=x onerror=alert(1)> [click](javascript:alert(2)) \u202eevil\u202c <b>bold</b>"
HOSTILE_BODIES = [
    f"TL;DR for those in APAC: {SCRIPT} summary of today's sync",
    "NUL\x00byte and a lone surrogate \ud800 here. Have you considered a cache? It avoids a round trip.",
    "<div onmouseover=alert(3)>markdown with html</div>\n\n```html\n<script>x()</script>\n```",
    "big " + "A" * 1_000_000,
]


def thread_start(now: datetime) -> datetime:
    """Five hours back, or five hours before this month began when that crosses into it: the report is monthly,
    and a thread split over two months (a run in a month's first hours) would leave half of it out."""
    first = now - timedelta(hours=5)
    if first.month != now.month:
        first = now.replace(day=1, hour=0, minute=0, second=0, microsecond=0) - timedelta(hours=5)
    return first


def test_hostile_text_is_stored_classified_and_shown_as_text(tmp_path: Path) -> None:
    now = datetime.now(UTC)
    first = thread_start(now)
    with ForgeSimulator(size="tiny", seed=9, now=now) as sim:
        org = sim.org
        repo = org.repos_of("github")[0].full_name
        author, reviewer, commenter = org.humans()[:3]
        pr = org.add_pull(repo, author, HOSTILE_TITLE, body=HOSTILE_BODIES[0], at=first)
        org.add_review(repo, pr.number, reviewer, "CHANGES_REQUESTED", HOSTILE_BODIES[1], at=first + timedelta(hours=1))
        for i, body in enumerate(HOSTILE_BODIES):
            org.add_comment(repo, pr.number, commenter, body, at=first + timedelta(hours=2 + i / 2))
        cfg_path, _ = write_config(org, sim.url, tmp_path / "leadsig.yaml")
        summary = run_mine(str(cfg_path), None, None, None, False)
    assert not summary.failed
    engine = create_engine(f"sqlite:///{tmp_path / 'leadsig.db'}")
    with engine.connect() as conn:
        bodies = [b for (b,) in conn.execute(text("select body from activities where parent_title = :t"),
                                             {"t": HOSTILE_TITLE})]
        signals = conn.execute(text("select s.person_id from signals s join activities a on a.id = s.activity_id "
                                    "where a.parent_title = :t"), {"t": HOSTILE_TITLE}).all()
    assert any(b.startswith("big AAAA") and len(b) > 1_000_000 for b in bodies)  # stored whole
    assert any("NUL\ufffdbyte" in b for b in bodies)  # NUL replaced, the rest kept
    assert any(SCRIPT in b for b in bodies)  # stored as text, not stripped
    assert signals, "the hostile activity was not classified"
    cfg = load_config(cfg_path)
    wh = open_warehouse(cfg.warehouse)
    month = f"{first:%Y-%m}"
    outputs = {fmt: p.read_text(encoding="utf-8") for fmt, p in build_monthly(wh, cfg, month).items()}
    packet = build_packet(wh, cfg, signals[0][0], months=1)
    outputs["packet"] = packet["md"].read_text(encoding="utf-8")
    outputs["packet-html"] = packet["html"].read_text(encoding="utf-8")
    for fmt, content in outputs.items():
        assert "<script>alert" not in content, fmt
        assert "onerror=alert(1)>" not in content or fmt == "csv", fmt
        if fmt in ("md", "packet"):  # no live Markdown link (escaped brackets are text)
            assert not re.search(r"(?<!\\)\]\(javascript:", content), fmt
        assert 'href="javascript' not in content.lower(), fmt
        assert "\u202e" not in content, fmt
    assert "&lt;script&gt;alert" in outputs["html"]  # shown, escaped
