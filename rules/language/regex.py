"""Bounded regular expressions for rule conditions.

Patterns run on RE2 (google-re2), which matches in time linear in the text, so no pattern a lead
writes can hang the nightly run. On top of that we bound pattern length and RE2 program memory, and
refuse nested unbounded repetition such as ``(a+)+`` (it is linear under RE2 but is almost always a
mistake, and it hangs any backtracking engine a rule might later be copied into).
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass, field
from typing import Any

import re2

MAX_PATTERN = 500  # characters
MAX_MEM = 1 << 20  # bytes of RE2 program memory per pattern
_PCRE_ONLY = [
    (re.compile(r"\(\?<?[=!]"), "look-ahead/look-behind assertions"),
    (re.compile(r"\\[1-9]"), "back-references"),
    (re.compile(r"\(\?>"), "atomic groups"),
    (re.compile(r"(?<!\\)[*+?}][+]"), "possessive quantifiers"),
]


class RegexError(ValueError):
    def __init__(self, message: str, code: str, hint: str):
        super().__init__(message)
        self.message, self.code, self.hint = message, code, hint


@dataclass
class Regex:
    """A compiled pattern; ``search`` takes str and is safe on any input size."""

    pattern: str
    ignore_case: bool = False
    max_mem: int = MAX_MEM
    _re: object = field(init=False, repr=False)
    _set: object = field(init=False, repr=False)

    def __post_init__(self) -> None:
        opts = re2.Options()
        opts.max_mem = self.max_mem
        opts.never_capture = True
        opts.case_sensitive = not self.ignore_case
        opts.log_errors = False
        try:
            self._re = re2.compile(self.pattern, opts)
        except re2.error as exc:
            raise _classify_error(self.pattern, _message(exc)) from None
        # A one-pattern RE2::Set answers "is there a match" with a forward DFA pass only: about 25% faster
        # than a search, which also has to find where the match starts and ends.
        # A large alternation (hundreds of phrases) may not fit the Set's DFA budget while the pattern itself
        # compiled: it is then answered by the compiled pattern's search, slower but the same answers.
        self._set = re2.Set.SearchSet(opts)
        try:
            self._set.Add(self.pattern)
            self._set.Compile()
        except re2.error:
            self._set = None

    def search(self, text: str) -> bool:
        return self.search_bytes(text.encode("utf-8", "surrogatepass"))

    def span(self, buf: bytes, pos: int) -> tuple[int, int] | None:
        """(start, end) byte offsets of the first match in ``buf`` from ``pos`` on, for scanning a buffer."""
        m = self._re.search(buf, pos)  # type: ignore[attr-defined]
        return None if m is None else m.span()

    def matcher(self) -> Any:
        """bytes -> list of matching pattern ids (None: no match), for tight loops over encoded texts."""
        if self._set is None:
            search = self._re.search  # type: ignore[attr-defined]
            return lambda b: None if search(b) is None else [0]
        return self._set.Match  # type: ignore[attr-defined]

    def search_bytes(self, b: bytes) -> bool:
        if self._set is None:
            return self._re.search(b) is not None  # type: ignore[attr-defined]
        return self._set.Match(b) is not None  # type: ignore[attr-defined]


def _message(exc: Exception) -> str:
    msg = exc.args[0] if exc.args else str(exc)
    return msg.decode("utf-8", "replace") if isinstance(msg, bytes) else str(msg)


def compile_pattern(pattern: str, ignore_case: bool = False) -> Regex:
    """Validate and compile; raises RegexError with a code the loader reports."""
    if len(pattern) > MAX_PATTERN:
        raise RegexError(f"pattern is {len(pattern)} characters; the limit is {MAX_PATTERN}", "regex-too-long",
                         "split it into several conditions joined with 'or', or use a named list with contains")
    rx = Regex(pattern, ignore_case)
    nested = _nested_repetition(pattern)
    if nested:
        raise RegexError(f"nested repetition {nested!r} (catastrophic backtracking pattern)", "regex-catastrophic",
                         "repeat the inner part once, e.g. (ab)+ instead of (a+b+)+ or (a+)+")
    return rx


def _classify_error(pattern: str, message: str) -> RegexError:
    for probe, what in _PCRE_ONLY:
        if probe.search(pattern):
            return RegexError(f"RE2 does not support {what}: {message}", "regex-unsupported",
                              "rules use RE2 syntax (linear time): rewrite without " + what)
    if "too large" in message or "too big" in message or "repetition size" in message:
        return RegexError(f"pattern is too large for the bounded engine: {message}", "regex-too-large",
                          "lower the repetition counts {n,m}")
    return RegexError(f"invalid regular expression: {message}", "bad-regex",
                      "check brackets, parentheses and escapes; RE2 syntax: https://github.com/google/re2/wiki/Syntax")


def python_tree(pattern: str) -> Any | None:
    """Python's parse of an RE2 pattern, for looking at its shape; None where Python lacks the syntax.

    RE2 accepts syntax Python's parser refuses (``\\pL``, ``\\C``, ``(?U)``) and some Python warns about
    (POSIX classes such as ``[[:space:]]``: "possible nested set"); neither is the lead's mistake.
    """
    try:
        import re._parser as sre_parse  # Python >= 3.11

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return sre_parse.parse(pattern)
    except (ImportError, re.error, OverflowError, RecursionError, ValueError):
        return None


def _nested_repetition(pattern: str) -> str | None:
    """Find an unbounded repeat inside an unbounded repeat, using Python's regex parser for the tree."""
    tree = python_tree(pattern)
    if tree is None:
        return None  # RE2 accepted a syntax Python lacks (e.g. \pL); RE2 is linear anyway
    return _walk(tree, inside=False, pattern=pattern)


def _walk(tree: object, inside: bool, pattern: str) -> str | None:
    import re._constants as c

    for op, av in tree:  # type: ignore[attr-defined]
        if op in (c.MAX_REPEAT, c.MIN_REPEAT, getattr(c, "POSSESSIVE_REPEAT", None)):
            lo, hi, sub = av
            unbounded = hi == c.MAXREPEAT or hi > 100
            if unbounded and inside and _can_repeat_nonempty(sub):
                return pattern
            found = _walk(sub, inside or unbounded, pattern)
        elif op is c.SUBPATTERN:
            found = _walk(av[-1], inside, pattern)
        elif op is c.BRANCH:
            found = next((f for b in av[1] if (f := _walk(b, inside, pattern))), None)
        else:
            found = None
        if found:
            return found
    return None


def _can_repeat_nonempty(sub: object) -> bool:
    return len(list(sub)) > 0  # type: ignore[call-overload]
