"""Matching many texts in one pass: join them with newlines and let RE2 (or str.find) scan the buffer.

A per-text call costs more in Python overhead than RE2 spends scanning the text, so the vectorised
engine hands a whole column to one scan and pays a Python step only per *match*. The answers are the
same as searching each text alone: a match that strays across a newline into the next text is checked
against its own text, and patterns whose meaning depends on where the text starts or ends (``^``, ``$``,
``\\A``, ``\\z`` outside multi-line mode) are not scanned this way at all.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from functools import lru_cache

import numpy as np
import re2

from leadsig.rules.language.regex import Regex, python_tree

SEP = "\n"  # a non-word character, so \\b and \\B see the same thing at a text's edge as inside the buffer


@lru_cache(maxsize=512)
def scannable(pattern: str) -> bool:
    """True unless the pattern has \\A / \\z anchors (the buffer's edges are not the texts' edges).

    ``^`` and ``$`` are fine: they are scanned in multi-line mode, where they hold at every text's edge
    (and at newlines inside texts, which is why every such hit is checked on its own text).
    """
    import re._constants as c

    tree = python_tree(pattern)
    return tree is not None and not _has_anchor(tree, c, {c.AT_BEGINNING_STRING, c.AT_END_STRING})


@lru_cache(maxsize=512)
def needs_lines(pattern: str) -> bool:
    """The pattern uses ^ or $ outside multi-line mode: scan with (?m) and check each hit on its text."""
    import re._constants as c

    tree = python_tree(pattern)
    if tree is None:
        return False
    return not (tree.state.flags & re.MULTILINE) and _has_anchor(tree, c, {c.AT_BEGINNING, c.AT_END})


def _has_anchor(tree: object, c: object, anchors: set[object]) -> bool:
    for op, av in tree:  # type: ignore[attr-defined]
        if op is c.AT and av in anchors:  # type: ignore[attr-defined]
            return True
        subs = []
        if op in (c.MAX_REPEAT, c.MIN_REPEAT):  # type: ignore[attr-defined]
            subs = [av[2]]
        elif op is c.SUBPATTERN:  # type: ignore[attr-defined]
            subs = [av[-1]]
        elif op is c.BRANCH:  # type: ignore[attr-defined]
            subs = list(av[1])
        if any(_has_anchor(s, c, anchors) for s in subs):
            return True
    return False


def _layout(lengths: list[int] | np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    lens = np.asarray(lengths, dtype=np.int64)
    starts = np.zeros(len(lens), np.int64)
    if len(lens) > 1:
        starts[1:] = np.cumsum(lens + 1)[:-1]
    return starts, starts + lens


def _lengths(texts: list[str], lens: np.ndarray | None) -> np.ndarray:
    return lens if lens is not None else np.fromiter(map(len, texts), np.int64, len(texts))


def regex_many(texts: list[str], rx: Regex, lens: np.ndarray | None = None) -> np.ndarray:
    """rx.search(t) for every text, in one RE2 scan of the joined buffer (``lens``: character lengths)."""
    joined = SEP.join(texts)
    if joined.isascii():
        buf = joined.encode("ascii")
        starts, ends = _layout(_lengths(texts, lens))
    else:  # byte lengths: only non-ASCII texts need encoding to measure (str.isascii is O(1))
        buf = joined.encode("utf-8", "surrogatepass")
        starts, ends = _layout([len(t) if t.isascii() else len(t.encode("utf-8", "surrogatepass")) for t in texts])
    out = np.zeros(len(texts), bool)
    check_all = needs_lines(rx.pattern)
    scan_rx = _multiline(rx.pattern, rx.ignore_case) if check_all else rx
    span = scan_rx.span
    first, last = starts.tolist(), ends.tolist()  # bisect on lists: a C call per hit, no numpy overhead
    pos, size = 0, len(buf)
    while pos <= size:
        hit = span(buf, pos)
        if hit is None:
            break
        s, e = hit
        row = bisect_right(first, s) - 1
        if (e <= last[row] and not check_all) or rx.search_bytes(buf[first[row]:last[row]]):
            out[row] = True
        pos = last[row] + 1
    return out


def candidates(texts: list[str], rx: Regex, lens: np.ndarray | None = None) -> np.ndarray:
    """Rows where ``rx`` matches somewhere from the row's start on: a superset of rx.search(t) per text.

    For a prefilter: a hit is not checked on its own text (it may run on into the next one), so the
    answer may say True where the text alone would not match, never False where it would.
    """
    joined = SEP.join(texts)
    if joined.isascii():
        buf = joined.encode("ascii")
        starts, _ = _layout(_lengths(texts, lens))
    else:
        buf = joined.encode("utf-8", "surrogatepass")
        starts, _ = _layout([len(t) if t.isascii() else len(t.encode("utf-8", "surrogatepass")) for t in texts])
    out = np.zeros(len(texts), bool)
    span = rx.span
    first = starts.tolist()
    nxt = first[1:] + [len(buf) + 1]
    pos, size = 0, len(buf)
    while pos <= size:
        hit = span(buf, pos)
        if hit is None:
            break
        row = bisect_right(first, hit[0]) - 1
        out[row] = True
        pos = nxt[row]
    return out


def union_pattern(patterns: list[tuple[str, bool]]) -> str:
    """One alternation that matches wherever any of (pattern, ignore_case) matches, flags kept per pattern.

    ``^``/``$`` patterns are put in multi-line mode, so they also hold at each text's edge in a joined buffer.
    """
    parts = []
    for pattern, ignore_case in patterns:
        flags = ("i" if ignore_case else "") + ("m" if needs_lines(pattern) else "")
        parts.append(f"(?{flags}:{pattern})" if flags else f"(?:{pattern})")
    return "|".join(parts)


@lru_cache(maxsize=128)
def _literals(needles: tuple[str, ...], ignore_case: bool) -> Regex:
    quoted = (re2.escape(n) for n in needles)
    return Regex("(?:" + "|".join(quoted) + ")", ignore_case)


@lru_cache(maxsize=128)
def _multiline(pattern: str, ignore_case: bool) -> Regex:
    return Regex("(?m)" + pattern, ignore_case)


def contains_many(texts: list[str], needles: tuple[str, ...], case_sensitive: bool,
                  lens: np.ndarray | None = None) -> np.ndarray:
    """any(needle in text) for every text, with str.find over the joined buffer.

    Several ASCII needles over ASCII texts go to one RE2 pass over an alternation of the literals instead
    of a str.find pass per needle (for ASCII, RE2's case folding and str.lower agree).
    """
    joined = SEP.join(texts)
    if len(needles) > 2 and joined.isascii() and all(n and n.isascii() for n in needles):
        return regex_many(texts, _literals(tuple(needles), not case_sensitive), lens)
    if not case_sensitive:
        joined = joined.lower()
        needles = tuple(n.lower() for n in needles)
    starts, ends = _layout(_lengths(texts, lens))
    first, last = starts.tolist(), ends.tolist()
    out = np.zeros(len(texts), bool)
    for needle in needles:
        pos = joined.find(needle)
        while pos >= 0:
            row = bisect_right(first, pos) - 1
            if pos + len(needle) <= last[row]:
                out[row] = True
            elif not out[row]:  # straddles into the next text: decide on the text alone
                out[row] = needle in joined[first[row]:last[row]]
            pos = joined.find(needle, last[row] + 1)
    return out
