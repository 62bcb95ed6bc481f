"""Validating one rule mapping and building the compiled Rule from it.

Every check adds a located problem and carries on, so a lead sees every mistake of a file in one run.
Parameters (``$name``) and named lists (``@name``) are resolved here, after the layers' overrides
were applied to them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from leadsig.activity import KINDS
from leadsig.rules.language import fields as F
from leadsig.rules.language import operators as O
from leadsig.rules.language.expr import ExprError, Node, parse, refs
from leadsig.rules.language.giveway import read_gives_way_to
from leadsig.rules.language.indicators import BY_ID, IMPACTS, SIGNAL_TYPES
from leadsig.rules.language.model import NO_MATCH, STATUSES, Condition, Example, ImpactStep, Rule
from leadsig.rules.language.problems import Collector, suggest
from leadsig.rules.language.templates import TemplateError, template_fields

RULE_KEYS = ("id", "version", "status", "type", "indicator", "family", "gives_way_to", "kinds", "enabled",
             "description", "false_positives", "params", "lists", "conditions", "match", "impact", "summary",
             "evidence", "examples")
REQUIRED = ("id", "version", "type", "indicator", "kinds", "conditions", "match", "summary")
NAME_RE = re.compile(r"^[a-z_][a-z0-9_]*$")
ID_RE = re.compile(r"^[a-z0-9][a-z0-9_.-]*$")
SCALAR = (str, int, float, bool)
COND_EXTRA_KEYS = ("field", "case_sensitive")
DEFAULT_EVIDENCE = "{kind} in {repo}"


@dataclass
class RuleSpec:
    """A rule as read from its file, before building; overrides edit params, lists, enabled and impact."""

    node: Any
    file: str
    layer: int
    id: str
    params: dict[str, Any] = field(default_factory=dict)
    lists: dict[str, list[Any]] = field(default_factory=dict)
    enabled: bool = True
    impact_thresholds: dict[str, Any] = field(default_factory=dict)
    overridden_by: list[str] = field(default_factory=list)
    examples_from: tuple[Any, str] | None = None  # (override node, its file) whose examples: replace the rule's
    basis: tuple[dict[str, Any], dict[str, list[Any]], dict[str, Any]] | None = None  # what the examples assume
    changed_by: list[str] = field(default_factory=list)  # "file:line" of overrides since the examples were written
    lexicons: dict[str, list[str]] = field(default_factory=dict)  # shared phrase families of all layers
    used_lexicons: set[str] = field(default_factory=set)  # shared by every spec: families some rule reads


class _Builder:
    def __init__(self, c: Collector, spec: RuleSpec):
        self.c, self.spec, self.node = c, spec, spec.node
        self.used_params: set[str] = set()
        self.used_lists: set[str] = set()

    def build(self) -> Rule | None:
        n, c = self.node, self.c
        before = len(c.errors)
        c.unknown_keys(n, RULE_KEYS, "a rule")
        for k in REQUIRED:
            if k not in n:
                c.add(n, next(iter(n)), "missing", f"rule {self.spec.id!r} has no {k}:", _REQUIRED_HINT[k], on_key=True)
        version = n.get("version", 1)
        if isinstance(version, bool) or not isinstance(version, int) or version < 1:
            c.add(n, "version", "type", f"version must be a whole number >= 1, got {version!r}", "version: 1")
        status = n.get("status", "experimental")
        if status not in STATUSES:
            c.add(n, "status", "bad-value", f"status must be experimental or stable, got {status!r}")
        stype, indicator = n.get("type"), n.get("indicator")
        if "type" in n and stype not in SIGNAL_TYPES:
            c.add(n, "type", "unknown-signal-type", f"unknown signal type {stype!r}",
                  suggest(str(stype), SIGNAL_TYPES, "one of: " + ", ".join(SIGNAL_TYPES)))
        if "indicator" in n and indicator not in BY_ID:
            c.add(n, "indicator", "unknown-indicator", f"unknown indicator {indicator!r}",
                  suggest(str(indicator), list(BY_ID), "see rules/language/indicators.py"))
        elif indicator in BY_ID and stype in SIGNAL_TYPES and BY_ID[indicator].signal_type != stype:
            c.add(n, "type", "indicator-type", f"indicator {indicator!r} is a {BY_ID[indicator].signal_type} signal, "
                  f"not {stype}", f"type: {BY_ID[indicator].signal_type}")
        family = n.get("family")
        if family is not None and (not isinstance(family, str) or not NAME_RE.match(family)):
            c.add(n, "family", "bad-name", f"family must be a lower_snake_case name, got {family!r}",
                  "family: write_up")
        gives_way_to = read_gives_way_to(c, n, indicator)
        enabled = n.get("enabled", True)
        if not isinstance(enabled, bool):
            c.add(n, "enabled", "type", f"enabled must be true or false, got {enabled!r}")
        for k in ("description", "false_positives"):
            if k in n and not isinstance(n[k], str):
                c.add(n, k, "type", f"{k} must be text")
        kinds = self.kinds()
        conds = self.conditions()
        match = self.expr(n, "match", conds, "match") if "match" in n else None
        impact = self.impact(conds)
        summary = self.template(n, "summary", "")
        evidence = self.template(n, "evidence", DEFAULT_EVIDENCE)
        examples = self.examples()
        if len(c.errors) == before:  # after an error, "unused" would mostly be an echo of it
            self.unused(conds, match, impact)
        if len(c.errors) > before or match is None:
            return None
        return Rule(id=self.spec.id, version=version, status=status, signal_type=stype, indicator=indicator,
                    family=family, gives_way_to=gives_way_to, kinds=kinds, conditions=conds, match=match,
                    impact=impact, summary=summary, evidence=evidence,
                    examples=examples, params=dict(self.spec.params),
                    lists={k: tuple(v) for k, v in self.spec.lists.items()},
                    enabled=self.spec.enabled if isinstance(enabled, bool) else True,
                    description=str(n.get("description", "")), false_positives=str(n.get("false_positives", "")),
                    file=self.spec.file, line=(n.lc.line + 1) if hasattr(n, "lc") else None, layer=self.spec.layer,
                    overridden_by=list(self.spec.overridden_by), changed_by=list(self.spec.changed_by))

    def kinds(self) -> tuple[str, ...]:
        raw = self.node.get("kinds")
        if raw is None:
            return ()
        if isinstance(raw, str):
            raw = [raw]
        if not isinstance(raw, list) or not raw:
            self.c.add(self.node, "kinds", "type", "kinds must be a non-empty list of activity kinds",
                       "kinds: [pr_review]")
            return ()
        for i, k in enumerate(raw):
            if k not in KINDS:
                line_node = self.node["kinds"]
                self.c.add(line_node, i, "unknown-kind", f"unknown activity kind {k!r}",
                           suggest(str(k), KINDS, "kinds: " + ", ".join(KINDS)), on_key=True)
        return tuple(k for k in raw if k in KINDS)

    def conditions(self) -> dict[str, Condition]:
        raw = self.node.get("conditions")
        out: dict[str, Condition] = {}
        if raw is None:
            return out
        if not isinstance(raw, dict) or not raw:
            self.c.add(self.node, "conditions", "type", "conditions must be a mapping of name to a test",
                       "conditions:\n    long: {field: body_length, gte: 200}")
            return out
        for name, spec in raw.items():
            if not NAME_RE.match(str(name)):
                self.c.add(raw, name, "bad-name", f"condition name {name!r} must be lower_snake_case "
                           "(it is used in match:)", on_key=True)
                continue
            if str(name) in ("and", "or", "not"):
                self.c.add(raw, name, "bad-name", f"{name!r} is a keyword of match:", on_key=True)
                continue
            cond = self.condition(raw, name, spec, ops=None)
            if cond is not None:
                out[str(name)] = cond
        return out

    def condition(self, parent: Any, name: Any, spec: Any, ops: tuple[str, ...] | None,
                  extra_keys: tuple[str, ...] = ()) -> Condition | None:
        c = self.c
        if not isinstance(spec, dict):
            c.add(parent, name, "type", f"condition {name!r} must be a mapping like {{field: body, contains: x}}")
            return None
        keys = [k for k in spec if k not in COND_EXTRA_KEYS and k not in extra_keys]
        known = O.names()
        op_keys = [k for k in keys if k in known]
        for k in keys:
            if k not in known:
                allowed = list(known) + list(COND_EXTRA_KEYS) + list(extra_keys)
                alias = O.alias_of(str(k).lower())
                hint = f"did you mean {alias!r}?" if alias else \
                    suggest(str(k), allowed, "operators: " + ", ".join(known))
                c.add(spec, k, "unknown-operator", f"unknown operator {k!r}", hint, on_key=True)
        if "field" not in spec:
            c.add(parent, name, "missing", f"condition {name!r} has no field:", "add field: <activity field>",
                  on_key=True)
            return None
        fname = spec["field"]
        fdef = F.lookup(str(fname)) if isinstance(fname, str) else None
        if fdef is None or not fdef.in_conditions:
            c.add(spec, "field", "unknown-field", f"unknown field {fname!r}",
                  suggest(str(fname), F.condition_fields(), "see the field reference in rules/README.md"))
            return None
        if len(op_keys) > 1:
            c.add(spec, op_keys[1], "ambiguous-condition", f"condition {name!r} has two operators "
                  f"({', '.join(op_keys)})", "one operator per condition; combine conditions in match:", on_key=True)
            return None
        if not op_keys:
            if not [k for k in keys if k not in known]:
                c.add(parent, name, "missing-operator", f"condition {name!r} has no operator",
                      "e.g. gte: 3, contains: word, matches: pattern", on_key=True)
            return None
        op = op_keys[0]
        allowed_ops = ops or O.for_type(fdef.type)
        if op not in allowed_ops:
            c.add(spec, op, "op-type", f"operator {op!r} does not apply to {fdef.type} field {fname!r}",
                  "operators for it: " + ", ".join(o for o in allowed_ops), on_key=True)
            return None
        cs = spec.get("case_sensitive", False)
        if not isinstance(cs, bool):
            c.add(spec, "case_sensitive", "type", "case_sensitive must be true or false")
            cs = False
        value = self.value(spec, op, fdef, bool(cs))
        if value is _BAD:
            return None
        line = spec.lc.line + 1 if hasattr(spec, "lc") else None
        return Condition(str(name), fdef.name, fdef.type, op, value, bool(cs), line)

    def resolve(self, node: Any, key: Any, raw: Any) -> Any:
        """Replace $param / @list references by their values; ``_BAD`` when undefined."""
        if isinstance(raw, str) and raw.startswith("$"):
            name = raw[1:]
            if name not in self.spec.params:
                self.c.add(node, key, "undefined-param", f"undefined parameter {raw!r}",
                           suggest(name, list(self.spec.params), "define it under params:"))
                return _BAD
            self.used_params.add(name)
            return self.spec.params[name]
        if isinstance(raw, str) and raw.startswith("@"):
            name = raw[1:]
            if name not in self.spec.lists and name in self.spec.lexicons:
                self.spec.used_lexicons.add(name)
                return list(self.spec.lexicons[name])  # a shared lexicon; the rule's own lists come first
            if name not in self.spec.lists:
                self.c.add(node, key, "undefined-list", f"undefined list {raw!r}", suggest(
                    name, [*self.spec.lists, *self.spec.lexicons], "define it under lists: or lexicons:"))
                return _BAD
            self.used_lists.add(name)
            return list(self.spec.lists[name])
        if isinstance(raw, str) and raw.startswith("\\") and raw[1:2] in ("$", "@"):
            return raw[1:]
        return raw

    def value(self, spec: Any, op: str, fdef: F.Field, cs: bool) -> Any:
        """The operator's value with params and lists resolved, checked by the operator's own check."""
        raw = self.resolve(spec, op, spec[op])
        if raw is _BAD:
            return _BAD
        if isinstance(raw, list):
            raw = [self.resolve(spec[op], i, x) for i, x in enumerate(raw)]
            if _BAD in raw:
                return _BAD

        def report(code: str, message: str, hint: str | None = None) -> None:
            self.c.add(spec, op, code, message, hint)

        return O.get(op).check(O.Values(report, op, fdef, cs), raw)

    def expr(self, node: Any, key: Any, conds: dict[str, Condition], what: str) -> Node | None:
        text = node[key]
        if not isinstance(text, str):
            self.c.add(node, key, "type", f"{what} must be a condition text like 'a and (b or not c)'")
            return None
        quoted = 1 if getattr(text, "style", None) in ("'", '"') else 0
        try:
            tree = parse(text)
        except ExprError as exc:
            self.c.add(node, key, exc.code, exc.message, "combine condition names with and, or, not, ( )",
                       col_offset=exc.pos + quoted)
            return None
        raw_conds = self.node.get("conditions") or {}
        ok = True
        for ref in refs(tree):
            if ref.name not in conds:
                ok = False
                if ref.name not in raw_conds:  # a broken condition was reported already
                    self.c.add(node, key, "undefined-condition", f"{what} names an undefined condition {ref.name!r}",
                               suggest(ref.name, list(conds), "define it under conditions:"),
                               col_offset=ref.pos + quoted)
        return tree if ok else None

    def impact(self, conds: dict[str, Condition]) -> list[ImpactStep]:
        raw = self.node.get("impact")
        if raw is None:
            return [ImpactStep("low")]
        if not isinstance(raw, list) or not raw:
            self.c.add(self.node, "impact", "type", "impact must be a list of steps",
                       "impact:\n    - {level: high, when: many}\n    - {level: low}")
            return []
        steps: list[tuple[int, ImpactStep]] = []
        for i, s in enumerate(raw):
            step = self.step(raw, i, s, conds)
            if step is not None:
                steps.append((i, step))
        self.check_ladder(raw, steps)
        return [s for _, s in steps]

    def step(self, raw: Any, i: int, s: Any, conds: dict[str, Condition]) -> ImpactStep | None:
        c = self.c
        if not isinstance(s, dict):
            c.add(raw, i, "type", "an impact step is a mapping like {level: high, when: cond}", on_key=True)
            return None
        level = s.get("level")
        if level not in IMPACTS:
            c.add(s, "level" if "level" in s else next(iter(s)), "bad-value",
                  f"impact level must be high, medium or low, got {level!r}", on_key="level" not in s)
            return None
        when = self.expr(s, "when", conds, "impact when") if "when" in s else None
        test = None
        if "field" in s:
            if level in self.spec.impact_thresholds:
                op_key = next((k for k in s if k in O.thresholds()), None)
                if op_key:
                    s = dict(s)
                    s[op_key] = self.spec.impact_thresholds[level]
            test = self.condition(raw, i, s, ops=O.thresholds(), extra_keys=("level", "when"))
            if test is None:
                return None
        else:
            for k in s:
                if k not in ("level", "when"):
                    c.add(s, k, "unknown-key", f"unknown key {k!r} in an impact step",
                          suggest(str(k), ["level", "when", "field"],
                                  "keys: level, when, field + " + "/".join(O.thresholds())),
                          on_key=True)
        return ImpactStep(level, when, test, (s.lc.line + 1) if hasattr(s, "lc") else None)

    def check_ladder(self, raw: Any, indexed: list[tuple[int, ImpactStep]]) -> None:
        rank = {lvl: i for i, lvl in enumerate(IMPACTS)}
        steps = [s for _, s in indexed]
        for (_, a), (idx, b) in zip(indexed, indexed[1:], strict=False):
            if rank[b.level] < rank[a.level]:
                self.c.add(raw, idx, "impact-order", f"impact step {b.level!r} comes after {a.level!r}",
                           "order the ladder high, then medium, then low (the first step that holds wins)",
                           on_key=True)
            elif a.test and b.test and a.test.field == b.test.field and a.test.op == b.test.op \
                    and O.get(a.test.op).lower_bound and not a.when and not b.when and b.test.value >= a.test.value:
                self.c.add(raw, idx, "impact-order", f"step {b.level!r} ({b.test.op} {b.test.value}) can never be "
                           f"reached after {a.level!r} ({a.test.op} {a.test.value})",
                           "thresholds must go down the ladder", on_key=True)
        if steps and (steps[-1].when is not None or steps[-1].test is not None):
            self.c.add(raw, len(raw) - 1, "impact-no-default", "the last impact step must have no condition",
                       "end the ladder with - {level: low}", on_key=True)

    def template(self, node: Any, key: str, default: str) -> str:
        text = node.get(key, default)
        if not isinstance(text, str):
            self.c.add(node, key, "type", f"{key} must be a one-line text template")
            return default
        if "\n" in text.strip():
            self.c.add(node, key, "bad-value", f"{key} must be one line")
        try:
            names = template_fields(text)
        except TemplateError as exc:
            self.c.add(node, key, "template-syntax", str(exc), "placeholders are {field}; write {{ for a brace")
            return text
        for name in names:
            if F.lookup(name) is None and name not in ("impact", "rule_id", "indicator"):
                self.c.add(node, key, "unknown-field", f"unknown field {{{name}}} in {key}",
                           suggest(name, [f.name for f in F.FIELDS], "see the field reference"))
        return text

    def examples(self) -> list[Example]:
        """The rule's examples, or those of the last override that carries its own (located in its file)."""
        holder, file = self.spec.examples_from or (self.node, None)
        raw = holder.get("examples")
        if raw is None:
            return []
        saved, self.c.file = self.c.file, file or self.c.file
        try:
            if not isinstance(raw, list):
                self.c.add(holder, "examples", "type", "examples must be a list")
                return []
            out = [ex for i, item in enumerate(raw) if (ex := self.example(raw, i, item)) is not None]
        finally:
            self.c.file = saved
        for ex in out:
            ex.file = file
        return out

    def example(self, raw: Any, i: int, ex: Any) -> Example | None:
        c = self.c
        if not isinstance(ex, dict):
            c.add(raw, i, "type", "an example is a mapping with name, expect, activity", on_key=True)
            return None
        c.unknown_keys(ex, ("name", "expect", "todo", "activity"), "an example")
        expect = ex.get("expect", NO_MATCH)
        if expect not in (*IMPACTS, NO_MATCH):
            c.add(ex, "expect", "bad-value", f"expect must be high, medium, low or none, got {expect!r}")
            return None
        act = ex.get("activity")
        if not isinstance(act, dict):
            c.add(ex, "activity" if "activity" in ex else next(iter(ex)), "missing" if act is None else "type",
                  "an example needs activity: {field: value, ...}", on_key=act is None)
            return None
        flat = self.flatten(act, "")
        todo = ex.get("todo")
        return Example(str(ex.get("name", f"example {i + 1}")), expect, flat, str(todo) if todo else None,
                       ex.lc.line + 1 if hasattr(ex, "lc") else None)

    def flatten(self, node: Any, prefix: str) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for k, v in node.items():
            name = f"{prefix}{k}"
            if isinstance(v, dict):
                out.update(self.flatten(v, name + "."))
                continue
            if F.lookup(name) is None:
                self.c.add(node, k, "unknown-field", f"unknown field {name!r} in example",
                           suggest(name, [f.name for f in F.FIELDS], "see the field reference"), on_key=True)
                continue
            out[name] = _plain(v)
        return out

    def unused(self, conds: dict[str, Condition], match: Node | None, impact: list[ImpactStep]) -> None:
        used = {r.name for r in refs(match)} if match else set()
        for s in impact:
            if s.when is not None:
                used |= {r.name for r in refs(s.when)}
        raw = self.node.get("conditions") or {}
        if match is not None and isinstance(raw, dict):
            for name in conds:
                if name not in used:
                    self.c.add(raw, name, "unused-condition", f"condition {name!r} is not used in match: or impact",
                               on_key=True, warning=True)
        for key, names, used_set in (("params", self.spec.params, self.used_params),
                                     ("lists", self.spec.lists, self.used_lists)):
            holder = self.node.get(key)
            for name in names:
                if name not in used_set and isinstance(holder, dict) and name in holder:
                    self.c.add(holder, name, f"unused-{key[:-1]}", f"{key[:-1]} {name!r} is never referenced",
                               f"reference it as {'$' if key == 'params' else '@'}{name} or remove it",
                               on_key=True, warning=True)


_BAD = O.BAD
_REQUIRED_HINT = {
    "id": "id: team.short-name", "version": "version: 1", "type": "type: technical | operational | communication",
    "indicator": "indicator: reviews_proactively (see rules/README.md)", "kinds": "kinds: [pr_review]",
    "conditions": "conditions:\n    long: {field: body_length, gte: 200}", "match": "match: long and not own",
    "summary": "summary: '{actor_login} reviewed {repo}#{parent_number}'",
}


def _plain(v: Any) -> Any:
    if isinstance(v, dict):
        return {str(k): _plain(x) for k, x in v.items()}
    if isinstance(v, list):
        return [_plain(x) for x in v]
    return v


def build_rule(c: Collector, spec: RuleSpec) -> Rule | None:
    return _Builder(c, spec).build()
