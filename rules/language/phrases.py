"""Phrase families: many phrasings of one cue, matched after light normalisation.

Engineers write "waiting on reviews", "PRs wait for review for days", "review queue is backed up". A lead
lists phrases as people say them; each phrase becomes a bounded RE2 pattern that ignores case, punctuation
and spacing between words and accepts any ending of a word's stem (Snowball's English stemmer: "waiting" ->
"wait" matches wait, waits, waited, waiting), so one phrase covers its inflections without a regular
expression in the rule file. The pattern goes through the same fast text path as ``matches``.

- ``*`` between words stands for up to three other words: "hand * over" matches "hand this over",
  "handing it all over".
- Words of three letters or fewer (and words with digits) match exactly, plural ``s`` allowed: "ci" matches
  "CI" and "CIs", never "city".
- ``=`` before a word matches that word exactly too (plural ``s`` allowed): "tests =take" matches "tests take"
  and "tests takes", not "tests taken". Stems read any ending, which is what a cue usually wants, but some
  endings change the act ("take" is a cost, "taken" a past event); the mark keeps the word matcher's exact
  words, so it costs nothing extra.
"""

from __future__ import annotations

import os
import re
import threading
from functools import lru_cache

import snowballstemmer

SEP = r"[\W_]+"  # between two words: spaces, punctuation, apostrophes, markdown
GAP = r"(?:[\W_]+[^\W_]+){0,3}"  # a "*": up to three more words
TOKEN = re.compile(r"\*|=?[^\W_]+")
MAX_PHRASE_WORDS = 12


class PhraseError(ValueError):
    pass


_STEMMER_LOCK = threading.Lock()  # a Snowball stemmer keeps state between calls: two threads corrupt it


@lru_cache(maxsize=1)
def _stemmer() -> snowballstemmer.stemmer:
    return snowballstemmer.stemmer("english")


@lru_cache(maxsize=65536)
def _stem(token: str) -> str:
    with _STEMMER_LOCK:
        return _stemmer().stemWord(token)


def _word(token: str) -> str:
    exact = token.startswith("=")
    token = token.lstrip("=")
    if exact or len(token) <= 3 or not token.isalpha():
        return re.escape(token) + r"s?\b"
    root = os.path.commonprefix([token, _stem(token)])  # summary -> summari: "summar"
    return re.escape(root if len(root) >= 4 else token) + r"\w*"


def phrase_pattern(phrase: str) -> str:
    """The RE2 pattern of one phrase (to be compiled case-insensitively)."""
    tokens = TOKEN.findall(phrase.lower().replace("\u2019", "'"))
    if not tokens or all(t == "*" for t in tokens):
        raise PhraseError(f"phrase {phrase!r} has no words")
    if tokens[0] == "*" or tokens[-1] == "*" or "**" in "".join(t if t == "*" else " " for t in tokens):
        raise PhraseError(f"phrase {phrase!r}: '*' stands between two words")
    if sum(t != "*" for t in tokens) > MAX_PHRASE_WORDS:
        raise PhraseError(f"phrase {phrase!r} has more than {MAX_PHRASE_WORDS} words")
    out, gap = [], False
    for t in tokens:
        if t == "*":
            gap = True
            continue
        if out:
            out.append(GAP + SEP if gap else SEP)
        out.append(_word(t))
        gap = False
    last = out[-1]
    if last.endswith(r"\w*"):  # "any ending" of the last word: the same hits, and far cheaper to scan for
        out[-1] = last[: -len(r"\w*")]
    return r"\b" + "".join(out)


def phrases_pattern(phrases: tuple[str, ...]) -> str:
    """One alternation for a family, each phrase once, longest first (RE2 answers any match the same)."""
    parts = sorted({phrase_pattern(p) for p in phrases}, key=lambda p: (-len(p), p))
    return parts[0] if len(parts) == 1 else "(?:" + "|".join(parts) + ")"
