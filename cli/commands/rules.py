"""`govsoc rules`: rule health before and after detection.

``govsoc rules status`` shows, per rule, what the detection engine keeps in the store (see
govsoc.rules.state): the last pass, its duration and matches, and the gaps failed passes left.

``govsoc rules check PATH...`` loads rules as ``detect`` would and says, per rule, whether it
converts for each store, whether govsoc collects its log source (active) or not ("no source",
with the source it needs), and for every rule that failed to load, its file:line and the reason.
It exits EXIT_RULES_FAILED (3, as ``detect``) when any rule failed to load or convert, so a CI job
can gate a rule repository on it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click
from sigma.correlations import SigmaCorrelationRule
from sigma.rule import SigmaRule

from govsoc.cli.commands.detect import EXIT_RULES_FAILED
from govsoc.cli.context import AppContext
from govsoc.cli.main import cli
from govsoc.cli.output import FORMAT_OPTION, console, emit, local_time, printable
from govsoc.cli.terminal import json_for_terminal
from govsoc.rules import BUILTIN_PACKS, load_rules
from govsoc.rules.engine import generating_rules
from govsoc.rules.health import STORE_KINDS, RuleHealth, check_rules
from govsoc.rules.pipeline import rule_source_status
from govsoc.rules.state import RuleState, load_states, state_key

CHECK_COLUMNS = (("status", "status"), ("title", "rule"), ("where", "file:line"),
                 *((k, k) for k in STORE_KINDS), ("source", "log source"), ("id", "id"))


@cli.group()
def rules() -> None:
    """Rule health: `rules check PATH...` before detection, `rules status` after it."""


def _row(check: RuleHealth, where: str) -> dict[str, Any]:
    converted = {kind: "converts" if check.converts(kind) else
                 f"fails: {str(check.failures[kind]).removeprefix(kind + ': ')}" for kind in STORE_KINDS}
    failed = not all(check.converts(kind) for kind in STORE_KINDS)
    status = "failed" if failed else ("active" if check.active else "no source")
    return {"status": status, "title": check.title, "where": where, **converted,
            "source": check.source if check.active else f"needs {check.source}", "id": check.id,
            "correlation": check.correlation}


@rules.command()
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option("--only-problems", is_flag=True, help="List only rules that failed or have no source.")
@FORMAT_OPTION
@click.pass_obj
def check(app: AppContext, paths: tuple[Path, ...], only_problems: bool, fmt: str) -> int:
    """Load and convert the rules in PATHS (default: those detect runs) without running them.

    \b
    Per rule: converted for each store (or why not), active or "no source" (the log
    source it needs, which govsoc does not collect), failed with file:line and reason.
    Exit status: 0 all loaded and converted; 3 some failed; 1, 2 as every command.
    """
    sources = list(paths) or ([BUILTIN_PACKS] if app.config.rules.builtin else []) + list(app.config.rules.paths)
    ruleset = load_rules(sources)
    rows = [_row(c, ruleset.where(c.id)) for c in check_rules(ruleset)]
    rows += [{"status": "failed", "title": "(did not load)", "where": _where(e.location), "id": "",
              **{kind: "" for kind in STORE_KINDS}, "source": "", "reason": e.message, "correlation": False}
             for e in ruleset.errors]
    summary = _summary(rows)
    if fmt == "json":
        click.echo(json_for_terminal({"summary": summary, "rules": rows}))
    else:
        shown = [r for r in rows if r["status"] != "active"] if only_problems else rows
        for row in shown:
            if "reason" in row:
                row["title"] = f"(did not load) {row['reason']}"
        emit(shown, CHECK_COLUMNS, fmt, title=f"rules: {len(shown)} of {len(rows)}")
        console().print(printable(_summary_line(summary)), markup=False, highlight=False)
    return EXIT_RULES_FAILED if summary["failed"] else 0


def _where(location: Any) -> str:
    if location is None or not location.path:
        return ""
    return f"{location.path}:{location.line}" if location.line else str(location.path)


def _summary(rows: list[dict[str, Any]]) -> dict[str, int]:
    summary = {"loaded": sum(1 for r in rows if "reason" not in r),
               "load_failed": sum(1 for r in rows if "reason" in r)}
    for kind in STORE_KINDS:
        summary[f"converted_{kind}"] = sum(1 for r in rows if r[kind] == "converts")
    for status in ("active", "no source", "failed"):
        summary[status.replace(" ", "_")] = sum(1 for r in rows if r["status"] == status)
    return summary


def _summary_line(summary: dict[str, int]) -> str:
    converted = ", ".join(f"{summary[f'converted_{k}']} convert for {k}" for k in STORE_KINDS)
    return (f"{summary['loaded']} loaded, {summary['load_failed']} did not load; {converted}; "
            f"{summary['active']} active, {summary['no_source']} no source, {summary['failed']} failed")


STATUS_COLUMNS = (("title", "rule"), ("state", "state"), ("last_run", "last run"), ("duration", "seconds"),
                  ("matches", "matched (last pass)"), ("gaps", "gaps"), ("id", "id"))


@rules.command()
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@FORMAT_OPTION
@click.pass_obj
def status(app: AppContext, paths: tuple[Path, ...], fmt: str) -> None:
    """Per rule detect runs (and rules in PATHS): its last pass, how long it took, what it
    matched, and gaps: stretches of ingest that failed passes left unread (shown until a later
    pass reads them)."""
    sources = ([BUILTIN_PACKS] if app.config.rules.builtin else []) + list(app.config.rules.paths) + list(paths)
    ruleset = load_rules(sources)
    zone = app.config.reports.timezone
    rows = []
    every: list[SigmaRule | SigmaCorrelationRule] = [*ruleset.rules, *ruleset.correlations]
    generating = generating_rules(ruleset)
    # A rule's state document any writer of the store may have damaged is said once and shown
    # as never run, as a detect pass reads it (and rebuilds it): the other rules still listed.
    said: dict[str, None] = {}
    states = load_states(app.store, [str(r.id) for r in every], damaged=lambda why: said.setdefault(why))
    for why in said:
        click.echo(printable(f"notice: {why}: shown as never run; the next `govsoc detect` rebuilds it"), err=True)
    damaged = {str(r.id) for r in every if any(f"{state_key(str(r.id))!r} is damaged" in why for why in said)}
    for rule in every:
        active, needs = rule_source_status(rule)
        state = states[str(rule.id)]
        if fmt == "json":
            rows.append({**state.to_document(), "title": rule.title, "active": active, "source": needs})
            continue
        if not active:
            label = f"no source: needs {needs}"
        elif isinstance(rule, SigmaRule) and str(rule.id) not in generating:
            label = "runs inside its correlations (no alerts of its own: see them)"
        elif str(rule.id) in damaged:
            label = "state damaged: rebuilt by the next pass"
        elif state.last_run is None:
            label = "never run"
        else:
            label = f"failed: {state.error}" if state.error else "ok"
        rows.append(_status_row(rule.title, label, state, zone))
    rows += _not_loaded_rows(app, {str(r.id) for r in every}, fmt, zone)
    emit(rows, STATUS_COLUMNS, fmt, title=f"rules: {len(rows)} (times in {zone})")


def _not_loaded_rows(app: AppContext, loaded: set[str], fmt: str, zone: str) -> list[dict[str, Any]]:
    """Rows of the rules a pass ran whose files are not among those loaded now (`detect PATHS`,
    then `rules status` without them: R58b-6 left them out, failed rules and open gaps included),
    from their stored state: its title and file, as the last pass saw them."""
    prefix = state_key("")
    others = [key.removeprefix(prefix) for key in app.store.state_keys(prefix)]
    others = [rule_id for rule_id in others if rule_id not in loaded]
    rows: list[dict[str, Any]] = []
    said: dict[str, None] = {}
    states = load_states(app.store, others, damaged=lambda why: said.setdefault(why)) if others else {}
    for rule_id in others:
        state = states[rule_id]
        if state.last_run is None:
            continue  # its document damaged (said above for loaded rules) or never a pass's
        where = f"not loaded now (ran from {state.file})" if state.file else "not loaded now"
        if fmt == "json":
            rows.append({**state.to_document(), "title": state.title or "", "active": None, "source": where})
            continue
        label = f"{where}; last pass {'failed: ' + state.error if state.error else 'ok'}"
        rows.append(_status_row(state.title or "(title not kept)", label, state, zone))
    return rows


def _status_row(title: str, label: str, state: RuleState, zone: str) -> dict[str, Any]:
    """A rule's row of the `rules status` table: its state, last pass and open gaps."""
    open_gaps = [g for g in state.gaps if g.covered is None]
    gaps = "; ".join(g.line(title).split(": ", 2)[-1] for g in open_gaps) or (
        f"{len(state.gaps)} covered" if state.gaps else "")
    return {"title": title, "state": label, "id": state.rule_id, "matches": state.matches,
            "last_run": local_time(state.last_run, zone) if state.last_run else "",
            "duration": f"{state.duration:.2f}" if state.last_run else "", "gaps": gaps}
