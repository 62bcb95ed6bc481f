"""Untrusted forge text made inert for Markdown, HTML attributes and CSV."""

from __future__ import annotations

import re

from leadsig.reports.text import clean, csv_cell, md, md_link, safe_url


def test_clean_removes_controls_bidi_overrides_and_bounds_length():
    assert clean("a\x00b\u202ec\u2066d\n\te") == "abcd e"
    assert len(clean("x" * 1_000_000, limit=50)) == 50


def test_md_neutralises_html_and_link_syntax():
    out = md("<b>[click](javascript:alert(1))</b> | *x*")
    assert "<b>" not in out and "&lt;b&gt;" in out
    assert not re.search(r"(?<!\\)\]\(", out) and "\\[click\\](" in out
    assert "\\|" in out and "\\*x\\*" in out


def test_only_http_urls_become_links():
    assert md_link("t", "https://github.com/a/b/pull/1") == "[t](<https://github.com/a/b/pull/1>)"
    assert not re.search(r"(?<!\\)\]\(", md_link("t", "javascript:alert(1)"))
    assert safe_url("javascript:alert(1)") is None
    assert safe_url("data:text/html,<script>") is None


def test_safe_url_cannot_close_a_link_or_attribute():
    url = safe_url('https://x.example/a b>c"d)(e')
    assert url is not None and not any(ch in url for ch in ' <>"()')


def test_csv_cells_are_never_formulas():
    assert csv_cell("=HYPERLINK(\"http://evil\")").startswith("'=")
    assert csv_cell("@SUM(A1)").startswith("'@")
    assert csv_cell("Alice") == "Alice"
