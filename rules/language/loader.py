"""Loading rule files in layers: the built-in pack, then the organisation's folders from the config.

A later layer may add rules, and may change only whitelisted parts of an earlier rule through
``overrides:`` (enabled, params, list items, impact thresholds, examples), so a local tweak can never silently
rewrite what a rule means. All problems of all files are collected and raised together.
"""

from __future__ import annotations

import copy
import functools
from dataclasses import replace
from pathlib import Path
from typing import Any

from leadsig.errors import Problem, UserError
from leadsig.rules.language.giveway import check_cycles
from leadsig.rules.language.model import Rule, RuleSet
from leadsig.rules.language.problems import Collector, suggest
from leadsig.rules.language.spec import ID_RE, NAME_RE, SCALAR, RuleSpec, build_rule
from leadsig.yamlfile import node_line, parse_yaml, read_text

DEFAULT_DIR = Path(__file__).parent.parent / "default"
FILE_KEYS = ("rules", "overrides", "lexicons")
OVERRIDE_KEYS = ("id", "enabled", "params", "lists", "impact", "examples")
NOT_OVERRIDABLE = ("version", "status", "type", "indicator", "kinds", "conditions", "match", "summary", "evidence",
                   "description", "false_positives")
CHANGES_VERDICTS = ("params", "lists", "impact")


def layer_files(layer: str, base_dir: Path) -> list[Path]:
    """The YAML files of one layer: 'default' is the built-in pack; others are folders or files."""
    if layer == "default":
        return sorted(DEFAULT_DIR.glob("*.yaml"))
    path = Path(layer)
    path = path if path.is_absolute() else base_dir / path
    if path.is_dir():
        return sorted([*path.glob("*.yaml"), *path.glob("*.yml")])
    if path.exists():
        return [path]
    raise UserError(Problem(f"rules layer {layer!r} not found ({path})", key="rules",
                            hint="list 'default' and folders or files of rules, relative to the config file",
                            code="missing-file"))


Sources = list[tuple[int, str, str]]  # (layer index, shown file name, text)


def check_rules(layers: list[str], base_dir: Path, texts: Sources | None = None) -> tuple[RuleSet, Collector]:
    """Load every layer, returning what could be built and every problem (errors and warnings).

    ``texts`` gives the files' contents directly (``rules diff`` reads them at a git ref).
    """
    c = Collector()
    specs: dict[str, RuleSpec] = {}
    duplicates: list[RuleSpec] = []  # still checked, so their own mistakes show up in the same run
    files: list[str] = []
    lexicons: dict[str, list[str]] = {}
    defined: list[tuple[str, Any]] = []  # (file, its lexicons: mapping), to point at a family no rule reads
    sources = _sources(layers, base_dir, texts)
    for layer, shown, text in sources:
        files.append(shown)
        c.file = shown
        data = _parse(c, shown, text)
        if data is None:
            continue
        for node in _rule_nodes(c, data):
            _add_spec(c, specs, node, shown, layer, duplicates)
        for node in _items(c, data, "overrides"):
            _override(c, specs, node, shown, layer)
        if read_lexicons(c, data, lexicons):
            defined.append((shown, data["lexicons"]))
    rules = []
    used: set[str] = set()
    for spec in [*specs.values(), *duplicates]:
        spec.lexicons = lexicons
        spec.used_lexicons = used
    for spec in specs.values():
        c.file = spec.file
        rule = build_rule(c, spec)
        if rule is not None:
            rule.basis = _basis_rule(spec)
            rules.append(rule)
    for spec in duplicates:
        c.file = spec.file
        build_rule(c, spec)
    if not c.errors:  # after an error a rule may not have been read far enough to use its lexicons
        _unused_lexicons(c, defined, used)
    check_cycles(c, rules, {spec.id: spec.node for spec in specs.values()})
    return RuleSet(rules=rules, warnings=c.warnings, files=files), c


def load_rules(layers: list[str], base_dir: Path, texts: Sources | None = None) -> RuleSet:
    """The rule set of the layers; every error of every file at once as a UserError."""
    ruleset, c = check_rules(layers, base_dir, texts)
    if c.errors:
        raise UserError(c.errors)
    return ruleset


def _sources(layers: list[str], base_dir: Path, texts: Sources | None) -> Sources:
    if texts is not None:
        return list(texts)
    out = []
    for i, layer in enumerate(layers):
        for path in layer_files(layer, base_dir):
            out.append((i, _shown(path), read_text(path, "rules")))
    return out


def _shown(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


@functools.lru_cache(maxsize=64)
def _parse_cached(text: str, shown: str) -> Any:
    """Parsed documents are only read, never changed, so a re-load (tests, diff) reuses them."""
    return parse_yaml(text, shown, "rules", allow_empty=True)


def _parse(c: Collector, shown: str, text: str) -> Any:
    try:
        data = _parse_cached(text, shown)
    except UserError as exc:
        c.errors.extend(exc.problems)
        return None
    if data is None:
        c.warnings.append(Problem("rule file is empty", file=shown, line=1, code="empty-file"))
        return None
    if not isinstance(data, dict):
        line, col = node_line(data)
        c.errors.append(Problem("a rule file is a mapping with rules: and/or overrides:", file=shown, line=line or 1,
                                col=col or 1,
                                code="type", hint="rules:\n  - id: my.rule\n    ..."))
        return None
    c.unknown_keys(data, FILE_KEYS, "a rule file")
    return data


def _unused_lexicons(c: Collector, defined: list[tuple[str, Any]], used: set[str]) -> None:
    """A family no rule of any layer reads is dead weight, or a rule that meant to read it misspelt its name."""
    for shown, raw in defined:
        c.file = shown
        for name in raw:
            if isinstance(name, str) and name not in used:
                c.add(raw, name, "unused-lexicon", f"lexicon {name!r} is never referenced by any rule",
                      f'read it in a condition as "@{name}" or remove it', on_key=True, warning=True)


def read_lexicons(c: Collector, data: Any, into: dict[str, list[str]]) -> bool:
    """``lexicons:``: named phrase families any rule of any layer reads as "@name" (a later layer's family of the
    same name replaces the earlier one, so a lead can widen or narrow a cue for their organisation)."""
    raw = data.get("lexicons")
    if raw is None:
        return False
    if not isinstance(raw, dict):
        c.add(data, "lexicons", "type", "lexicons must be a mapping of name to a list of phrases",
              "lexicons: {waiting_on_review: [waiting on review, review queue]}")
        return False
    for name, phrases in raw.items():
        if not isinstance(name, str) or not NAME_RE.match(name):
            c.add(raw, name, "bad-name", f"lexicon name {name!r} must be lower_snake_case", on_key=True)
        elif not isinstance(phrases, list) or not phrases or not all(isinstance(p, str) and p for p in phrases):
            c.add(raw, name, "type", f"lexicon {name!r} must be a non-empty list of phrases", f"{name}: [a b, c d]")
        else:
            into[name] = list(phrases)
    return True


def _items(c: Collector, data: Any, key: str) -> list[Any]:
    raw = data.get(key)
    if raw is None:
        return []
    if not isinstance(raw, list):
        c.add(data, key, "type", f"{key}: must be a list of mappings", f"{key}:\n  - id: ...")
        return []
    out = []
    for i, node in enumerate(raw):
        if not isinstance(node, dict):
            c.add(raw, i, "type", f"each item of {key}: must be a mapping", on_key=True)
        else:
            out.append(node)
    return out


def _rule_nodes(c: Collector, data: Any) -> list[Any]:
    return _items(c, data, "rules")


def _rule_id(c: Collector, node: Any) -> str | None:
    rid = node.get("id")
    if rid is None:
        c.add(node, next(iter(node)), "missing", "rule has no id:", "id: team.short-name", on_key=True)
        return None
    if not isinstance(rid, str) or not ID_RE.match(rid):
        c.add(node, "id", "bad-id", f"rule id {rid!r} must be lower case letters, digits, '.', '-', '_'",
              "e.g. id: mentoring.explains-why")
        return None
    return rid


def _add_spec(c: Collector, specs: dict[str, RuleSpec], node: Any, shown: str, layer: int,
              duplicates: list[RuleSpec]) -> None:
    rid = _rule_id(c, node)
    if rid is None:
        return
    if rid in specs:
        first = specs[rid]
        hint = "rename one of them" if first.layer == layer else \
            "to change a rule of an earlier layer, use overrides: (enabled, params, lists, impact)"
        c.add(node, "id", "duplicate-rule", f"rule {rid!r} is already defined in {first.file}", hint)
        dup = RuleSpec(node=node, file=shown, layer=layer, id=rid)
        read_named(c, node, dup)
        duplicates.append(dup)
        return
    spec = RuleSpec(node=node, file=shown, layer=layer, id=rid)
    read_named(c, node, spec)
    specs[rid] = spec


def _override(c: Collector, specs: dict[str, RuleSpec], node: Any, shown: str, layer: int) -> None:
    rid = node.get("id")
    if not isinstance(rid, str) or rid not in specs or specs[rid].layer >= layer:
        c.add(node, "id" if "id" in node else next(iter(node)), "unknown-rule",
              f"override of unknown rule {rid!r}" + (" (overrides apply to earlier layers)"
                                                     if isinstance(rid, str) and rid in specs else ""),
              suggest(str(rid), list(specs), "see `leadsig rules explain` or the rule files for ids"),
              on_key="id" not in node)
        return
    spec = specs[rid]
    for k in node:
        if k in NOT_OVERRIDABLE:
            c.add(node, k, "override-not-allowed", f"an override may not change {k!r}",
                  "overrides may change only enabled, params, lists, impact thresholds and examples; "
                  "to change more, disable the rule (enabled: false) and add your own", on_key=True)
        elif k not in OVERRIDE_KEYS:
            c.add(node, k, "unknown-key", f"unknown key {k!r} in an override",
                  suggest(str(k), OVERRIDE_KEYS, "keys: " + ", ".join(OVERRIDE_KEYS)), on_key=True)
    before = len(c.errors)
    if spec.basis is None and any(k in node for k in CHANGES_VERDICTS) and "examples" not in node:
        spec.basis = copy.deepcopy((spec.params, spec.lists, spec.impact_thresholds))
    if "enabled" in node:
        if not isinstance(node["enabled"], bool):
            c.add(node, "enabled", "type", "enabled must be true or false")
        else:
            spec.enabled = node["enabled"]
    _override_params(c, spec, node)
    _override_lists(c, spec, node)
    _override_impact(c, spec, node)
    if len(c.errors) == before:
        line = node.lc.line + 1 if hasattr(node, "lc") else "?"
        spec.overridden_by.append(f"{shown}:{line}")
        if "examples" in node:  # pinned: the examples now describe the rule as this override leaves it
            spec.examples_from, spec.basis, spec.changed_by = (node, shown), None, []
        elif any(k in node for k in CHANGES_VERDICTS):
            spec.changed_by.append(f"{shown}:{line}")


def _basis_rule(spec: RuleSpec) -> Rule | None:
    """The rule as it stood when its examples were written (before the overrides that changed its params,
    lists or thresholds since), so ``rules test`` can tell a verdict the override changed from a failure."""
    if spec.basis is None:
        return None
    params, lists, thresholds = copy.deepcopy(spec.basis)
    return build_rule(Collector(), replace(spec, params=params, lists=lists, impact_thresholds=thresholds))


def _override_params(c: Collector, spec: RuleSpec, node: Any) -> None:
    params = node.get("params")
    if params is None:
        return
    if not isinstance(params, dict):
        c.add(node, "params", "type", "params must be a mapping")
        return
    for k, v in params.items():
        if k not in spec.params:
            c.add(params, k, "undefined-param", f"rule {spec.id!r} has no param {k!r}",
                  suggest(str(k), list(spec.params), "params: " + ", ".join(spec.params) or "it has no params"),
                  on_key=True)
        elif not isinstance(v, SCALAR) or _kind(v) != _kind(spec.params[k]):
            c.add(params, k, "type", f"param {k!r} is a {_kind(spec.params[k])}; got {v!r}")
        else:
            spec.params[str(k)] = v


def _override_lists(c: Collector, spec: RuleSpec, node: Any) -> None:
    lists = node.get("lists")
    if lists is None:
        return
    if not isinstance(lists, dict):
        c.add(node, "lists", "type", "lists must be a mapping")
        return
    for k, v in lists.items():
        if k not in spec.lists:
            c.add(lists, k, "undefined-list", f"rule {spec.id!r} has no list {k!r}",
                  suggest(str(k), list(spec.lists), "lists: " + ", ".join(spec.lists) or "it has no lists"),
                  on_key=True)
            continue
        if isinstance(v, list):
            spec.lists[str(k)] = list(v)
        elif isinstance(v, dict) and set(v) <= {"add", "remove"}:
            items = [x for x in spec.lists[str(k)] if x not in (v.get("remove") or [])]
            items += [x for x in (v.get("add") or []) if x not in items]
            spec.lists[str(k)] = items
        else:
            c.add(lists, k, "type", f"list override {k!r} must be a list (replace) or {{add: [...], remove: [...]}}")


def _override_impact(c: Collector, spec: RuleSpec, node: Any) -> None:
    impact = node.get("impact")
    if impact is None:
        return
    raw_steps = spec.node.get("impact") or []
    levels = {s.get("level"): s for s in raw_steps if isinstance(s, dict) and "field" in s}
    if not isinstance(impact, dict):
        c.add(node, "impact", "type", "an impact override maps a level to its new threshold",
              "impact: {high: 10, medium: 4}")
        return
    for level, v in impact.items():
        if level not in levels:
            c.add(impact, level, "override-not-allowed", f"rule {spec.id!r} has no threshold step {level!r}",
                  "only levels with a field threshold can be overridden: " + (", ".join(map(str, levels)) or "none"),
                  on_key=True)
        elif isinstance(v, bool) or not isinstance(v, int | float):
            c.add(impact, level, "type", f"threshold for {level!r} must be a number")
        else:
            spec.impact_thresholds[str(level)] = v


def _kind(v: Any) -> str:
    if isinstance(v, bool):
        return "true/false"
    return "number" if isinstance(v, int | float) else "text"


def read_named(c: Collector, node: Any, spec: RuleSpec) -> None:
    """Read params and lists (the parts a later layer may override)."""
    params = node.get("params")
    if params is not None:
        if not isinstance(params, dict):
            c.add(node, "params", "type", "params must be a mapping of name to a value", "params: {min_length: 200}")
        else:
            for k, v in params.items():
                if not NAME_RE.match(str(k)):
                    c.add(params, k, "bad-name", f"param name {k!r} must be lower_snake_case", on_key=True)
                elif not isinstance(v, SCALAR):
                    c.add(params, k, "type", f"param {k!r} must be a number, text or true/false",
                          "named lists go under lists:")
                else:
                    spec.params[str(k)] = v
    lists = node.get("lists")
    if lists is not None:
        if not isinstance(lists, dict):
            c.add(node, "lists", "type", "lists must be a mapping of name to a list", "lists: {words: [a, b]}")
        else:
            for k, v in lists.items():
                if not NAME_RE.match(str(k)):
                    c.add(lists, k, "bad-name", f"list name {k!r} must be lower_snake_case", on_key=True)
                elif not isinstance(v, list) or not all(isinstance(x, SCALAR) for x in v):
                    c.add(lists, k, "type", f"list {k!r} must be a list of values", f"{k}: [a, b]")
                elif not v:
                    c.add(lists, k, "empty", f"list {k!r} is empty", "give it at least one item or remove it")
                else:
                    spec.lists[str(k)] = list(v)
