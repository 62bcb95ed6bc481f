"""The HTML report in a real browser: charts and tables render, no script errors, hostile text is text.

Drives Debian's headless Chromium (tests/support/chromium.py), so the check is on the rendered page,
not only on the file's text.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from chromium import needs_chromium, open_in_chromium

from leadsig.reports.monthly import build_monthly

HOSTILE = "<script>document.title='PWNED'</script><img src=x onerror=\"document.title='PWNED'\">"
PROBE = """(() => {
  const shown = (el) => el.getBoundingClientRect().width > 0 && el.getBoundingClientRect().height > 0;
  const out = {
    title: document.title,
    scripts: document.scripts.length,
    imgs: document.images.length,
    charts: [...document.querySelectorAll('section.team .charts svg.chart')].filter(shown).length,
    bars: [...document.querySelectorAll('section.team .charts rect.bar')].filter(shown).length,
    tables: [...document.querySelectorAll('table')].filter(shown).length,
  };
  document.querySelectorAll('details').forEach((d) => { d.open = true; });
  out.person_charts = [...document.querySelectorAll('details svg.chart')].filter(shown).length;
  out.hostile = document.body.innerText.includes("<script>document.title='PWNED'</script>");
  return JSON.stringify(out);
})()"""


@pytest.fixture
def report(wh) -> Path:
    wh.people(6)
    wh.person("eve", name="Eve", region="Asia-Pacific", timezone="Asia/Tokyo")
    for i in range(6):
        wh.signal(f"p{i:02d}", signal_type=("technical", "operational", "communication")[i % 3],
                  indicator=("reviews_proactively", "identifies_bottlenecks", "writes_documentation")[i % 3])
    wh.signal("eve", title=HOSTILE, summary=HOSTILE, body=HOSTILE + "x" * 1_000_000)
    return build_monthly(wh.engine, wh.config(), "2026-10")["html"]


@needs_chromium
def test_report_renders_in_chromium(report, tmp_path):
    result, page = open_in_chromium(report, PROBE, tmp_path / "profile")
    errors = page.errors()
    assert errors == []
    assert result["title"].startswith("Leadership signals, 2026-10")
    assert result["scripts"] == 0 and result["imgs"] == 0
    assert result["charts"] == 2 and result["bars"] >= 6
    assert result["tables"] >= 5 and result["person_charts"] == 7
    assert result["hostile"] is True
