"""One-line summary and evidence templates: ``{field}`` placeholders and nothing else.

No str.format (it allows attribute and index access from template text): placeholders are parsed
here once into literal and field parts, and filled with plain values, forge text shortened and
flattened to one line.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

PLACEHOLDER = re.compile(r"\{\{|\}\}|\{([^{}]*)\}|[{}]")
NAME = re.compile(r"^[a-z_][a-z0-9_]*(\.[a-z0-9_]+)?$")
EMAIL = re.compile(r"[\w.+-]+@([\w-]+\.)+[\w-]+")
MAX_VALUE = 80
MAX_LINE = 300


class TemplateError(ValueError):
    pass


@lru_cache(maxsize=256)
def parts(text: str) -> tuple[tuple[bool, str], ...]:
    """(is_field, text) pieces; raises TemplateError on a stray brace or a non-name placeholder."""
    out: list[tuple[bool, str]] = []
    pos = 0
    for m in PLACEHOLDER.finditer(text):
        if m.start() > pos:
            out.append((False, text[pos:m.start()]))
        pos = m.end()
        tok = m.group(0)
        if tok in ("{{", "}}"):
            out.append((False, tok[0]))
            continue
        if m.group(1) is None:
            raise TemplateError(f"unbalanced brace at character {m.start() + 1}")
        name = m.group(1).strip()
        if not NAME.match(name):
            raise TemplateError(f"{{{m.group(1)}}} is not a field name")
        out.append((True, name))
    if pos < len(text):
        out.append((False, text[pos:]))
    return tuple(out)


def template_fields(text: str) -> list[str]:
    return [t for is_field, t in parts(text) if is_field]


def render(text: str, values: dict[str, Any]) -> str:
    line = "".join(show(values.get(t)) if is_field else t for is_field, t in parts(text))
    return line if len(line) <= MAX_LINE else line[: MAX_LINE - 1] + "…"


def show_column(values: list[Any]) -> list[str]:
    """``show`` over a column, with the common cases (short one-line text, whole numbers) inlined."""
    kinds = set(map(type, values))
    if kinds == {str} and max(map(len, values)) <= MAX_VALUE:
        joined = "\0".join(values)  # one C-speed look at every value for what ``show`` would change
        if "\n" not in joined and "  " not in joined and "@" not in joined:
            return values
    elif kinds == {int}:
        return list(map(str, values))
    out = []
    for v in values:
        if v.__class__ is str and len(v) <= MAX_VALUE and "\n" not in v and "  " not in v and "@" not in v:
            out.append(v)
        elif v.__class__ is int:
            out.append(str(v))
        else:
            out.append(show(v))
    return out


def render_many(text: str, columns: dict[str, list[Any]], n: int, shown: dict[str, list[str]] | None = None
                ) -> list[str]:
    """``render`` for n rows at once: each placeholder's column is shown once, then rows are joined.

    ``shown`` caches shown columns between templates of the same rows (summary and evidence).
    """
    shown = {} if shown is None else shown
    pieces = []
    for is_field, t in parts(text):
        if not is_field:
            pieces.append([t] * n)
            continue
        if t not in shown:
            shown[t] = show_column(columns.get(t, [None] * n))
        pieces.append(shown[t])
    if not pieces:
        return [""] * n
    lines = list(map("".join, zip(*pieces, strict=True)))
    return [ln if len(ln) <= MAX_LINE else ln[: MAX_LINE - 1] + "…" for ln in lines]


def show(v: Any) -> str:
    if v is None:
        return "?"
    if isinstance(v, str):
        s = v if len(v) <= MAX_VALUE and "\n" not in v and "  " not in v else " ".join(v.split())
        if "@" in s:  # no email address in a summary line: keep the part before the @
            s = EMAIL.sub(lambda m: m.group(0).split("@", 1)[0], s)
    elif isinstance(v, float):
        if v != v:
            return "?"
        s = str(int(v)) if v.is_integer() else str(v)
    elif isinstance(v, list | tuple):
        s = ", ".join(str(x) for x in v)
    else:
        s = str(v)
    return s if len(s) <= MAX_VALUE else s[: MAX_VALUE - 1] + "…"
