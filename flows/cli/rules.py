"""``leadsig rules validate|test|list|show|explain|diff|eval``: the tools tech leads tune rules with.

Loading rules needs no warehouse and no Prefect; explain and diff open the warehouse named in the
config. Output that carries forge or rule text is printed without Rich markup (it is untrusted).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.table import Table

from leadsig.errors import Problem, UserError
from leadsig.flows.cli.options import DEFAULT_CONFIG, ConfigOpt, parse_date

if TYPE_CHECKING:
    from leadsig.rules.matcher.examples import Outcome
    from leadsig.rules.matcher.explain import Explanation

app = typer.Typer(no_args_is_help=True, help="Check, test, explain and diff classification rules.")
out = Console(highlight=False)

PathsArg = Annotated[list[Path] | None, typer.Argument(help="Rule files or folders (layered on the built-in pack).")]
NoDefault = Annotated[bool, typer.Option("--no-default", help="Do not put the built-in pack underneath PATHS.")]


def _layers(paths: list[Path] | None, no_default: bool, config: Path) -> tuple[list[str], Path]:
    """PATHS on top of the built-in pack; without PATHS, the config's layers (or the pack alone)."""
    if paths:
        from leadsig.rules.language.loader import DEFAULT_DIR

        own = [str(p.resolve()) for p in paths if p.resolve() != DEFAULT_DIR.resolve()]  # the pack is layer 0
        return ([] if no_default and len(own) == len(paths) else ["default"]) + own, Path.cwd()
    if config.exists():
        from leadsig.config import load_config

        cfg = load_config(config)
        return cfg.rules, cfg.path.resolve().parent
    return ["default"], Path.cwd()


def format_problem(p: Problem, warning: bool = False) -> str:
    """``file:line:col: code: message``, the offending line with a caret, and the hint."""
    where = f"{p.file}:{p.line or 1}:{p.col or 1}"
    text = f"{where}: {'warning: ' if warning else ''}{p.code}: {p.message}"
    source = _source_line(p.file, p.line)
    if source is not None:
        text += f"\n    {source}\n    {' ' * max((p.col or 1) - 1, 0)}^"
    if p.hint:
        text += "\n  hint: " + p.hint.replace("\n", "\n        ")
    return text


def _source_line(file: str | None, line: int | None) -> str | None:
    if not file or not line:
        return None
    try:
        lines = Path(file).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return None
    return lines[line - 1].expandtabs(1) if 0 < line <= len(lines) else None


@app.command("validate")
def validate(paths: PathsArg = None, no_default: NoDefault = False, config: ConfigOpt = DEFAULT_CONFIG) -> None:
    """Report every problem of the rule files at once; exit 2 on any error (warnings do not fail)."""
    from leadsig.rules.language.loader import check_rules

    layers, base = _layers(paths, no_default, config)
    ruleset, c = check_rules(layers, base)
    for p in sorted(c.errors, key=_order):
        typer.echo(format_problem(p))
    for p in sorted(c.warnings, key=_order):
        typer.echo(format_problem(p, warning=True))
    typer.echo(f"{len(ruleset.rules)} rules in {len(ruleset.files)} files: {len(c.errors)} errors, "
               f"{len(c.warnings)} warnings")
    if c.errors:
        raise typer.Exit(2)


def _order(p: Problem) -> tuple[str, int, int]:
    return (p.file or "", p.line or 0, p.col or 0)


@app.command("test")
def test(paths: PathsArg = None, no_default: NoDefault = False, config: ConfigOpt = DEFAULT_CONFIG,
         verbose: Annotated[bool, typer.Option("--show-all", help="List passing examples too.")] = False) -> None:
    """Run every rule's inline examples: true/false positives and negatives, todos, and examples whose verdict an
    override changed (reported, not failed: the override asked for it)."""
    from leadsig.rules.language.loader import load_rules
    from leadsig.rules.matcher.examples import run_all

    layers, base = _layers(paths, no_default, config)
    reports = run_all(load_rules(layers, base).rules)
    table = Table(title="rule examples")
    table.add_column("rule", overflow="fold")
    for head in ("TP", "TN", "FP", "FN", "wrong impact", "changed", "todo"):
        table.add_column(head, justify="right")
    for r in reports:
        table.add_row(r.rule.id, *(str(r.count(v)) for v in ("tp", "tn", "fp", "fn", "wrong-impact", "changed")),
                      str(r.count("todo") + r.count("todo-passes")))
    out.print(table, markup=False)
    failed = [o for r in reports for o in r.failed]
    for r in reports:
        for o in r.outcomes:
            if o in failed or o.verdict in ("todo-passes", "changed") or verbose:
                typer.echo(_outcome_line(o))
    no_examples = [r.rule.id for r in reports if not r.outcomes]
    if no_examples:
        typer.echo("rules without examples: " + ", ".join(no_examples))
    changed = [r for r in reports if r.changed]
    for r in changed:
        typer.echo(f"to pin {r.rule.id}'s verdicts, give the override at {r.rule.changed_by[-1]} its own "
                   f"examples: (they replace the rule's; copy them from `leadsig rules show {r.rule.id}` "
                   "and set each expect: to what you want)")
    total = sum(len(r.outcomes) for r in reports)
    typer.echo(f"{total} examples, {len(failed)} failed, {sum(len(r.changed) for r in changed)} changed by "
               f"overrides, {sum(r.count('todo') + r.count('todo-passes') for r in reports)} todo")
    _echo_observed(_observed_precision(config, [r.rule.id for r in reports]))
    if failed:
        raise typer.Exit(1)


def _outcome_line(o: Outcome) -> str:
    where = f"{o.example.file or o.rule.file}:{o.example.line}"
    if o.verdict == "changed":
        return (f"{where}: CHANGED: {o.rule.id}: {o.example.name}: expected {o.example.expect}, now {o.got} "
                f"(changed by override at {', '.join(o.rule.changed_by)})")
    mark = {"todo-passes": "TODO PASSES (promote it)"}.get(o.verdict, o.verdict.upper())
    return f"{where}: {mark}: {o.rule.id}: {o.example.name}: expected {o.example.expect}, got {o.got}"


@app.command("list")
def list_rules(paths: PathsArg = None, no_default: NoDefault = False, config: ConfigOpt = DEFAULT_CONFIG) -> None:
    """Every rule of the layers: id, version, type, indicator, kinds, whether it is on, and where it is written."""
    from leadsig.rules.language.loader import load_rules

    layers, base = _layers(paths, no_default, config)
    ruleset = load_rules(layers, base)
    rows = [(r.id, f"v{r.version}", r.signal_type, r.indicator, "on" if r.enabled else "off", ",".join(r.kinds),
             f"{r.file}:{r.line}" + (" (overridden)" if r.overridden_by else "")) for r in ruleset.rules]
    widths = [max((len(row[i]) for row in rows), default=0) for i in range(5)]
    for row in rows:  # plain aligned lines: easy to grep, and rule ids are never folded
        typer.echo("  ".join(cell.ljust(w) for cell, w in zip(row[:5], widths, strict=True)) + f"  {row[5]}  {row[6]}")
    typer.echo(f"{len(ruleset.rules)} rules, {len(ruleset.enabled())} on, in {len(ruleset.files)} files; "
               "leadsig rules show ID prints one")


@app.command("show")
def show_rule(rule_id: Annotated[str, typer.Argument(metavar="ID", help="A rule id (see rules list).")],
              paths: PathsArg = None, no_default: NoDefault = False, config: ConfigOpt = DEFAULT_CONFIG) -> None:
    """Print a rule's YAML as its file has it (comments included), ready to copy into a local layer."""
    from leadsig.rules.language.loader import load_rules
    from leadsig.rules.matcher.source import find_rule, show

    layers, base = _layers(paths, no_default, config)
    typer.echo(show(find_rule(load_rules(layers, base), rule_id)), nl=False)


@app.command("explain")
def explain(activity: Annotated[str, typer.Argument(metavar="URL|ACTIVITY_ID", help="A stored activity.")],
            config: ConfigOpt = DEFAULT_CONFIG) -> None:
    """For one stored activity: every rule, each named condition's value and outcome, the impact step.

    A URL that several activities share (a PR opened and merged) lists them all, then explains those that
    carry a signal (or each, when none does)."""
    from leadsig.config import load_config
    from leadsig.rules.matcher.classify import enriched_frame, rules_for
    from leadsig.rules.matcher.explain import explain as do_explain
    from leadsig.rules.matcher.explain import not_found, sharing, stored_ids
    from leadsig.warehouse.db import open_warehouse

    cfg = load_config(config)
    engine = open_warehouse(cfg.warehouse)
    ids = stored_ids(engine, activity)  # then only its thread is read, not the whole warehouse
    if not ids:
        raise not_found(activity)
    shown = ids
    if len(ids) > 1:
        shared = sharing(engine, ids)
        typer.echo(f"{len(ids)} stored activities share this URL:")
        for aid, kind, rule_ids in shared:
            typer.echo(f"  {aid} ({kind}): " + ("signals: " + ", ".join(rule_ids) if rule_ids else "no signal"))
        shown = [aid for aid, _, rule_ids in shared if rule_ids]
        typer.echo("explaining the one(s) with a signal; pass an id to explain another\n" if shown else
                   "none carries a signal: explaining each\n")
        shown = shown or [aid for aid, _, _ in shared]
    frame, ruleset = enriched_frame(engine, cfg, activity_ids=ids), rules_for(cfg)
    for i, aid in enumerate(shown):
        if i:
            typer.echo("")
        _print_explanation(do_explain(frame, aid, ruleset))


def _print_explanation(ex: Explanation) -> None:
    rec = ex.record
    typer.echo(f"{rec['id']}\n  {rec['kind']} by {rec['actor_login']} in {rec['repo']}"
               f"#{_num(rec.get('parent_number'))}  {rec['url']}")
    typer.echo(f"  person: {rec.get('person_id') or '-'} ({ex.eligible_reason})")
    for r in ex.rules:
        if not r.considered:
            typer.echo(f"\n- {r.rule.id}: not considered ({r.reason})")
            continue
        verdict = f"MATCH -> {r.impact} (impact step {r.step + 1})" if r.impact else "no match"
        if r.set_aside:
            verdict += f", set aside ({r.set_aside})"
        typer.echo(f"\n- {r.rule.id} v{r.rule.version} [{r.rule.indicator}]: {verdict}\n    {r.reason}")
        if r.rule.description:
            typer.echo(f"    looks for: {r.rule.description}  known false positives: {r.rule.false_positives or '-'}")
        for c in r.conditions:
            typer.echo(f"    [{'x' if c.held else ' '}] {c.name}: {c.field} {c.op} {c.expected!r} "
                       f"(value: {c.value!r})")
    if not ex.eligible:
        typer.echo(f"\nno signals are stored for this activity: {ex.eligible_reason}")


def _num(v: object) -> str:
    return str(int(v)) if isinstance(v, float) else str(v or "")


@app.command("diff")
def diff(base: Annotated[str, typer.Option("--base", help="Base rules: a git ref, or layers 'default,PATH,...'.")],
         since: Annotated[str | None, typer.Option(help="Only activity from this date (YYYY-MM-DD).")] = None,
         fmt: Annotated[str, typer.Option("--format", help="text | json | markdown")] = "text",
         fail_if_changed: Annotated[float | None, typer.Option(
             "--fail-if-changed", metavar="PCT", help="Exit 1 when more than PCT % of base signals change.")] = None,
         samples: Annotated[int, typer.Option(help="Sample changes shown per rule.")] = 3,
         config: ConfigOpt = DEFAULT_CONFIG) -> None:
    """Replay stored activity through the base and the working rules; report the signals that change."""
    from leadsig.config import load_config
    from leadsig.rules.matcher.classify import rules_for
    from leadsig.rules.matcher.diff import diff_warehouse, render_markdown, render_text
    from leadsig.warehouse.db import open_warehouse

    if fmt not in ("text", "json", "markdown"):
        raise UserError(Problem(f"unknown format {fmt!r}", key="--format", hint="text, json or markdown",
                                code="bad-argument"))
    cfg = load_config(config)
    work = rules_for(cfg)
    base_rules = _base_rules(base, cfg)
    from leadsig.flows.cli.progress import stage_progress

    with stage_progress("rules diff") as step:
        report = diff_warehouse(open_warehouse(cfg.warehouse), cfg, base_rules, work, parse_date(since, "--since"),
                                samples, progress=step)
    observed = _observed_precision(config)
    if fmt == "json":
        typer.echo(json.dumps(report.as_json() | {"observed_precision": observed}, indent=2, default=str))
    else:
        typer.echo(render_markdown(report) if fmt == "markdown" else render_text(report))
        _echo_observed(observed)
    if fail_if_changed is not None and report.changed_pct > fail_if_changed:
        typer.echo(f"{report.changed_pct:.2f}% of signals changed (limit {fail_if_changed}%)", err=True)
        raise typer.Exit(1)


def _observed_precision(config: Path, rule_ids: list[str] | None = None) -> list[str]:
    """Each rule's observed precision from the feedback stored in the config's warehouse (signals people
    dismissed as wrong or duplicate in `leadsig web`); nothing when there is no config or warehouse yet:
    `rules test` must not create one."""
    if not config.exists():
        return []
    from sqlalchemy.exc import SQLAlchemyError

    from leadsig.config import load_config
    from leadsig.warehouse.db import current_revision, make_engine
    from leadsig.warehouse.feedback import observed_precision_lines, rule_figures

    url = load_config(config).warehouse
    if url.startswith("sqlite:///") and not Path(url[len("sqlite:///"):]).exists():
        return []
    engine = make_engine(url)
    try:
        if (current_revision(engine) or "") < "0005":
            return []
        return observed_precision_lines(rule_figures(engine), rule_ids)
    except SQLAlchemyError:
        return []  # the warehouse is not reachable: the examples' verdicts stand alone
    finally:
        engine.dispose()


def _echo_observed(lines: list[str]) -> None:
    if lines:
        typer.echo("observed precision from feedback in the warehouse (leadsig web):")
        for line in lines:
            typer.echo("  " + line)


def _base_rules(base: str, cfg: object):  # noqa: ANN202 - RuleSet, imported lazily
    from leadsig.rules.language.gitref import is_ref, sources_at
    from leadsig.rules.language.loader import load_rules

    folder = cfg.path.resolve().parent  # type: ignore[attr-defined]
    items = [s.strip() for s in base.split(",") if s.strip()]
    if items and all(i == "default" or (folder / i).exists() or Path(i).exists() for i in items):
        return load_rules(items, folder)
    if is_ref(base, folder):
        return load_rules(cfg.rules, folder, texts=sources_at(base, cfg.rules, folder))  # type: ignore[attr-defined]
    raise UserError(Problem(f"--base {base!r} is neither a rules path nor a git ref", key="--base",
                            hint="e.g. --base main, --base HEAD~1, or --base default,./rules-old",
                            code="bad-argument"))


@app.command("eval")
def eval_corpus(
        corpus: Annotated[list[Path], typer.Argument(help="Labelled corpus files (JSON Lines, docs/eval-corpus.md).")],
        rules: Annotated[list[str] | None, typer.Option(
            "--rules", metavar="LAYER", help="Rule layers instead of the config's: 'default', folders, files.")] = None,
        as_json: Annotated[bool, typer.Option("--json", help="Everything, machine-readable.")] = False,
        min_precision: Annotated[float | None, typer.Option(
            min=0, max=1, help="Exit 1 when micro precision is under this (0 to 1).")] = None,
        min_recall: Annotated[float | None, typer.Option(
            min=0, max=1, help="Exit 1 when micro recall is under this (0 to 1).")] = None,
        errors: Annotated[int, typer.Option("--errors", min=0, help="False positives and negatives shown.")] = 10,
        indicator: Annotated[str | None, typer.Option(help="Score this indicator alone.")] = None,
        config: ConfigOpt = DEFAULT_CONFIG) -> None:
    """Measure the rules on labelled items: precision, recall and F1 per indicator, and the mistakes."""
    from leadsig.rules.evaluation.evaluate import Settings, evaluate_files
    from leadsig.rules.evaluation.report import gate_failures, progress_printer, render

    settings = Settings()
    if config.exists():
        from leadsig.config import load_config

        settings = Settings.from_config(load_config(config))
    if rules:
        settings.layers, settings.base_dir = [x.strip() for r in rules for x in r.split(",") if x.strip()], Path.cwd()
    err = Console(stderr=True, highlight=False)
    scores = evaluate_files(corpus, settings, indicator, progress_printer(err))
    if as_json:
        typer.echo(json.dumps(scores.as_json(), indent=2, default=str, ensure_ascii=False))
    else:
        render(scores, Console(highlight=False, markup=False, width=max(out.width, 100)), errors)
    failures = gate_failures(scores, min_precision, min_recall)
    for line in failures:
        err.print(line, markup=False)
    if failures:
        raise typer.Exit(1)
