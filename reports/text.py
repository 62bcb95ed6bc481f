"""Making untrusted forge text safe to show in Markdown, HTML and CSV.

Titles, summaries and URLs come from whoever wrote the PR or comment. They are cleaned once (control
characters, NUL bytes and bidirectional overrides removed, whitespace collapsed, length bounded) so no
format can be broken by them, then escaped for the format that shows them. HTML escaping itself is left
to Jinja2's autoescape; Markdown and CSV have no such machinery, so they are handled here.
"""

from __future__ import annotations

import re
from urllib.parse import quote, urlsplit

MAX_TEXT = 300
# C0/C1 controls (tab/newline become spaces first), bidi embeddings/overrides/isolates, zero-width joiners
# that can hide text, and the BOM.
_INVISIBLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]")
_SPACE = re.compile(r"\s+")
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]#!|~])")  # with [ ] escaped, ( ) cannot form a link
_URL_SAFE = "/:?#=&%@+,;~*$'!"  # no parentheses, brackets, quotes, angle brackets or spaces


def clean(text: object, limit: int = MAX_TEXT) -> str:
    """One line of plain text: no controls, no direction tricks, bounded length."""
    if text is None:
        return ""
    s = str(text)
    if len(s) > limit * 4:  # do not run regexes over a megabyte body only to cut it afterwards
        s = s[: limit * 4]
    s = _INVISIBLE.sub("", _SPACE.sub(" ", s)).strip()
    if len(s) > limit:
        s = s[: limit - 1].rstrip() + "…"
    return s


def safe_url(url: object) -> str | None:
    """The URL if it is http(s), percent-encoded so it cannot close a Markdown link or an attribute."""
    if not url:
        return None
    raw = _INVISIBLE.sub("", str(url).strip())
    if len(raw) > 2000:
        return None
    try:
        parts = urlsplit(raw)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return quote(raw, safe=_URL_SAFE)


def md(text: object, limit: int = MAX_TEXT) -> str:
    """Markdown-inert text: HTML neutralised, link/emphasis/table syntax backslash-escaped."""
    s = clean(text, limit)
    s = s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MD_SPECIAL.sub(r"\\\1", s)


def md_link(title: object, url: object, limit: int = 120) -> str:
    """A Markdown link when the URL is http(s); otherwise the title and the URL shown as inert text."""
    label = md(title, limit) or "(untitled)"
    target = safe_url(url)
    if target is None:
        return f"{label} ({md(url, 200)})" if url else label
    return f"[{label}](<{target}>)"


def csv_cell(value: object, limit: int = 2000) -> str:
    """A CSV value that a spreadsheet will not evaluate as a formula (=, +, -, @, tab, CR)."""
    s = clean(value, limit)
    if s and s[0] in "=+-@\t\r":
        s = "'" + s
    return s
