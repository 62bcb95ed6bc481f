"""One-line summary and evidence templates: ``{field}`` placeholders and nothing else.

No str.format (it allows attribute and index access from template text): placeholders are parsed
here and filled with plain values, forge text shortened and flattened to one line.
"""

from __future__ import annotations

import re
from typing import Any

PLACEHOLDER = re.compile(r"\{\{|\}\}|\{([^{}]*)\}|[{}]")
NAME = re.compile(r"^[a-z_][a-z0-9_]*(\.[a-z0-9_]+)?$")
MAX_VALUE = 80
MAX_LINE = 300


class TemplateError(ValueError):
    pass


def template_fields(text: str) -> list[str]:
    out = []
    for m in PLACEHOLDER.finditer(text):
        tok = m.group(0)
        if tok in ("{{", "}}"):
            continue
        if m.group(1) is None:
            raise TemplateError(f"unbalanced brace at character {m.start() + 1}")
        name = m.group(1).strip()
        if not NAME.match(name):
            raise TemplateError(f"{{{m.group(1)}}} is not a field name")
        out.append(name)
    return out


def render(text: str, values: dict[str, Any]) -> str:
    def fill(m: re.Match[str]) -> str:
        tok = m.group(0)
        if tok == "{{":
            return "{"
        if tok == "}}":
            return "}"
        return _show(values.get((m.group(1) or "").strip()))

    line = PLACEHOLDER.sub(fill, text)
    return line if len(line) <= MAX_LINE else line[: MAX_LINE - 1] + "…"


def _show(v: Any) -> str:
    if v is None or (isinstance(v, float) and v != v):
        return "?"
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    if isinstance(v, list | tuple):
        v = ", ".join(str(x) for x in v)
    s = " ".join(str(v).split())
    return s if len(s) <= MAX_VALUE else s[: MAX_VALUE - 1] + "…"
