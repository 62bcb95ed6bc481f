"""A rule's YAML exactly as its file has it, so ``rules show ID`` can hand it over to copy into a local layer.

The text is cut from the file rather than re-dumped from the parsed rule: comments, quoting and the order of
keys are the author's, and the ``# Evidence: ... False positives: ...`` comment above a rule comes with it.
"""

from __future__ import annotations

from pathlib import Path

from leadsig.errors import Problem, UserError
from leadsig.rules.language.model import Rule, RuleSet
from leadsig.yamlfile import did_you_mean


def find_rule(ruleset: RuleSet, rule_id: str) -> Rule:
    rule = ruleset.get(rule_id)
    if rule is None:
        ids = [r.id for r in ruleset.rules]
        raise UserError(Problem(f"no rule {rule_id!r} in the loaded layers", key="ID", code="unknown-rule",
                                hint=did_you_mean(rule_id, ids) or "leadsig rules list shows every rule id"))
    return rule


def rule_text(rule: Rule) -> str:
    """The sequence item of ``rule`` (from its ``- id:`` line to the last line indented under it) with the
    comment lines right above it, dedented so that it reads as an item of a top-level ``rules:`` list."""
    lines = Path(rule.file).read_text(encoding="utf-8").splitlines()
    start = (rule.line or 1) - 1
    while start > 0 and not lines[start].lstrip().startswith("-"):  # the id need not be the item's first key
        start -= 1
    dash = len(lines[start]) - len(lines[start].lstrip())
    end = start + 1
    while end < len(lines) and _inside(lines[end], dash):
        end += 1
    while end > start + 1 and _blank_or_comment(lines[end - 1]):  # the next rule's comment is the next rule's
        end -= 1
    top = start
    while top > 0 and lines[top - 1].strip().startswith("#"):
        top -= 1
    shift = dash - 2
    return "\n".join(_dedent(line, shift) for line in lines[top:end])


def _inside(line: str, dash: int) -> bool:
    """Still part of the item: blank, a comment, or indented deeper than the item's dash."""
    return _blank_or_comment(line) or len(line) - len(line.lstrip()) > dash


def _blank_or_comment(line: str) -> bool:
    return not line.strip() or line.lstrip().startswith("#")


def _dedent(line: str, shift: int) -> str:
    if shift > 0:
        return line[min(shift, len(line) - len(line.lstrip())):]
    return " " * -shift + line if line.strip() else line


def show(rule: Rule) -> str:
    """Where the rule comes from, how to adapt it in a local layer, and its text under ``rules:``."""
    head = [f"# {rule.id} v{rule.version}, from {rule.file}:{rule.line}"]
    if rule.overridden_by:
        head.append("# overridden in this configuration by " + ", ".join(rule.overridden_by) +
                    " (shown as written, before the overrides)")
    head += ["# To change what it means in a local layer: give this copy a new id, and switch the original off",
             f"# with  overrides: [{{id: {rule.id}, enabled: false}}]  (params, impact thresholds and lists can be",
             "# tuned through overrides alone: see rules/README.md, 'Layers and overrides')."]
    return "\n".join([*head, "rules:", rule_text(rule)]) + "\n"
