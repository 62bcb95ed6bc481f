"""The packet's HTML in a real browser: it renders, quotes are text, nothing loads from the network, and
the decision-matrix worksheet leaves every judgement blank (no number for a criterion, nothing summed)."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from chromium import needs_chromium, open_in_chromium

from leadsig.reports.packet import build_packet
from leadsig.warehouse import signoff

HOSTILE = ("<script>document.title='PWNED'</script><img src=\"http://127.0.0.1:9/leak.png\" "
           "onerror=\"document.title='PWNED'\"><link rel=stylesheet href=\"http://127.0.0.1:9/x.css\">")
PROBE = """(() => {
  const shown = (el) => el.getBoundingClientRect().width > 0 && el.getBoundingClientRect().height > 0;
  const text = (sel) => [...document.querySelectorAll(sel)].map((el) => el.innerText);
  return JSON.stringify({
    title: document.title,
    scripts: document.scripts.length, imgs: document.images.length,
    styles: document.querySelectorAll('link').length,
    quotes: text('blockquote.quote'),
    whys: text('p.why'),
    criteria: text('section.criterion h3'),
    judgements: [...document.querySelectorAll('section.criterion div.judgement')]
      .map((el) => ({shown: shown(el), text: el.innerText.trim(), children: el.children.length})),
    worksheet: document.querySelector('#worksheet').innerText,
    signoff: text('#signoff table.signoff tbody tr'),
    rule: document.querySelector('#signoff p.rule').innerText,
    turns: text('#rotations h3'),
    milestones: document.querySelector('#milestones').innerText,
    body: document.body.innerText,
  });
})()"""


@pytest.fixture
def packet(wh):
    wh.person("ana", name="Ana Lima")
    at = datetime(2026, 10, 12, tzinfo=UTC)
    wh.signal("ana", indicator="mentors_in_reviews", rule_id="mentors_in_reviews.explains_to_junior",
              title=HOSTILE, summary="explained backoff", body=HOSTILE + " because " + "x" * 5000, at=at,
              url="https://github.com/acme/api/pull/7#pullrequestreview-7")
    wh.signal("ana", signal_type="operational", indicator="identifies_bottlenecks", title="CI queue",
              body="The review queue is the bottleneck: 3 days on average.", at=at)
    rotations = wh.tmp_path / "rotations.yaml"
    rotations.write_text("rotations:\n  - {person: ana, role: sprint-lead, team: payments, "
                         "from: 2026-10-05, to: 2026-10-18}\n")
    cfg = wh.config()
    cfg.rotations = rotations
    for who in ("Dana", "Eli", "Fay"):
        signoff.record(wh.engine, "ana", who, "agree", note=HOSTILE if who == "Dana" else "")
    return build_packet(wh.engine, cfg, "ana", now=datetime(2026, 11, 20, tzinfo=UTC))["html"]


@needs_chromium
def test_packet_renders_in_chromium(packet, tmp_path):
    result, page = open_in_chromium(packet, PROBE, tmp_path / "profile")
    assert page.errors() == []
    assert page.requests() == [packet.as_uri()]  # the page itself; no image, style or script from elsewhere
    assert result["title"] == "Promotion packet: Ana Lima, 2025-11-20 to 2026-11-20"
    assert result["scripts"] == 0 and result["imgs"] == 0 and result["styles"] == 0
    hostile_quote = next(q for q in result["quotes"] if "PWNED" in q)
    assert hostile_quote.startswith("<script>document.title='PWNED'</script><img") and hostile_quote.endswith("…")
    assert len(hostile_quote) <= 200
    assert any("The review queue is the bottleneck" in q for q in result["quotes"])
    assert any(w.startswith("Why: Teaching review comments") for w in result["whys"])
    assert result["criteria"] == ["Technical excellence (framework weight 20%)",
                                  "Leadership behaviours (framework weight 30%)",
                                  "Business impact (framework weight 25%)",
                                  "Cultural contribution (framework weight 15%)",
                                  "Growth trajectory (framework weight 10%)"]
    assert result["judgements"] == [{"shown": True, "text": "", "children": 0}] * 5
    assert not re.search(r"score|total|weighted|rating", result["body"], re.I)
    assert "Rotating-role turns: sprint-lead (payments) 2026-10-05 to 2026-10-18, 2 signals" in result["worksheet"]
    assert "Milestones: none defined" in result["worksheet"]
    assert result["turns"] == ["sprint-lead, payments: 2026-10-05 to 2026-10-18"]
    assert len(result["signoff"]) == 3 and "PWNED" in result["signoff"][0]
    assert result["rule"].startswith('"At least 3 senior leaders agree": holds (3 agree, 0 disagree)')
