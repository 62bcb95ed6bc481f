"""Forge text is untrusted: scripts, NUL bytes, RTL overrides and 1 MB bodies break no format."""

from __future__ import annotations

import csv
import io
import re

from leadsig.reports.monthly import build_monthly

SCRIPT = "<script>document.title='PWNED'</script>"
TITLE = SCRIPT + " [click](javascript:alert(1)) | *b* \u202eevil\u202c \x00nul"
HUGE = "<img src=x onerror=alert(1)>" + "A" * 1_000_000


def _build(wh):
    wh.person("eve", name="Eve <b>")
    wh.signal("eve", title=TITLE, summary=SCRIPT + "\nsecond line", body=HUGE)
    wh.signal("eve", url="javascript:alert(document.cookie)", title="bad link")
    return build_monthly(wh.engine, wh.config(min_group_size=1), "2026-10")


def test_html_shows_hostile_text_as_text(wh):
    html = _build(wh)["html"].read_text()
    assert "<script" not in html and "onerror=" not in html.replace("onerror=alert(1)&gt;", "")
    assert "&lt;script&gt;document.title=&#39;PWNED&#39;&lt;/script&gt;" in html
    assert "Eve &lt;b&gt;" in html
    assert 'href="javascript:' not in html and "javascript:alert(document.cookie)" in html
    assert "\x00" not in html and "\u202e" not in html
    assert len(html) < 200_000  # the 1 MB body is cut to an excerpt


def test_markdown_shows_hostile_text_as_text(wh):
    md = _build(wh)["md"].read_text()
    assert "<script" not in md and "&lt;script&gt;" in md
    assert "\\[click\\](javascript:alert(1))" in md  # escaped brackets: no link
    assert "](javascript" not in md.replace("\\](javascript", "")
    assert "\x00" not in md and "\u202e" not in md
    assert "\\| \\*b\\*" in md
    assert len(md) < 100_000


def test_csv_stays_one_row_per_signal(wh):
    text = _build(wh)["csv"].read_text()
    rows = list(csv.reader(io.StringIO(text)))
    assert len(rows) == 3 and all(len(r) == 7 for r in rows)
    assert "\x00" not in text


def test_markdown_rendered_by_a_markdown_engine_has_no_live_html_or_bad_links(wh):
    from markdown_it import MarkdownIt

    md = _build(wh)["md"].read_text()
    html = MarkdownIt("commonmark", {"html": True}).enable("table").render(md)
    assert "<script" not in html and "<img" not in html and "<b>" not in html
    hrefs = re.findall(r'href="([^"]*)"', html)
    assert hrefs and all(h.startswith("https://github.com/acme/api/pull/") for h in hrefs)
    assert "&lt;script&gt;document.title=" in html
