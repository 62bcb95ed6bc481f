"""Located problems in rule files: the ground floor's collector, keeping errors and warnings apart."""

from __future__ import annotations

from typing import Any

from leadsig import collect
from leadsig.yamlfile import did_you_mean


class Collector(collect.Collector):
    """Errors and warnings of one load; ``file`` is switched as files are read."""

    def __init__(self) -> None:
        super().__init__("<rules>")

    def unknown_keys(self, node: Any, allowed: set[str] | tuple[str, ...], what: str = "a rule",  # type: ignore[override]
                     hint: str | None = None) -> None:
        super().unknown_keys(node, allowed, what=what)


def suggest(word: str, choices: list[str] | tuple[str, ...], fallback: str) -> str:
    return did_you_mean(word, choices) or fallback
