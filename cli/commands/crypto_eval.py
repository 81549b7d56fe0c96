"""`govsoc crypto-eval`: 密评 (GB/T 39786-2021 level 3) of the inventory's 等保三级 systems.

Exit codes: 0 every system evaluated has a verdict on evidence; EXIT_INCOMPLETE (3, as ``detect``
uses for a pass that ran in part) when the run finished but some system's verdict is
证据不足，无法判定 (an endpoint unreachable, unanswered or not listed), so the daemon records the run
as ``partial``, not ``ok``; 1 and 2 as every command."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import click
from rich.table import Table
from rich.text import Text

from govsoc.cli.context import AppContext
from govsoc.cli.main import cli
from govsoc.cli.output import console
from govsoc.cli.progress import progress
from govsoc.cli.terminal import json_for_terminal, one_line
from govsoc.core.errors import ConfigError, GovsocError
from govsoc.core.inventory import Inventory
from govsoc.core.results import make_folder, write_file

#: the run finished, but some system lacks the evidence for a verdict (证据不足，无法判定)
EXIT_INCOMPLETE = 3


def _self_test() -> None:
    from govsoc.crypto_eval.kat import run_kats

    failed = [r for r in run_kats() if not r.passed]
    if failed:
        names = ", ".join(f"{r.name} (computed {r.computed[:40]})" for r in failed)
        raise GovsocError(f"algorithm self-test failed: {names}; results would not be trustworthy")


#: Ports of the database URL schemes ``govsoc classify`` reads, when the URL names none.
_DEFAULT_PORTS = {"postgresql": 5432, "postgres": 5432, "mysql": 3306, "mariadb": 3306, "elasticsearch": 9200,
                  "http": 80, "https": 443}


def stored_plaintext(data_dir: Path, *, since: datetime | None = None) -> list[object]:
    """What ``govsoc classify`` saved (classification.inventory) as 8.4 e) evidence: per database
    store with a host, its tagged sensitive fields (values recognised in the clear), table and
    field names masked (review R16 HIGH 10). File sources have no address to link and are left out.
    One scan per store: the newest, whatever the URL's spelling (postgresql+psycopg://h/db and
    postgresql://u@h:5432/db are one database), so a newer scan that finds the values encrypted
    replaces an older one; a scan older than ``since`` is marked stale: stated, never deciding
    (review R16c 3)."""
    from urllib.parse import urlsplit

    from govsoc.classification.asset_names import mask_asset_name
    from govsoc.classification.inventory import RESULTS_SUBDIR as CLASSIFIED
    from govsoc.classification.inventory import load_inventories
    from govsoc.crypto_eval.checks.stored_data import StoredPlaintext

    newest: dict[tuple[str, int | None, str], StoredPlaintext] = {}
    for inventory in load_inventories(data_dir / CLASSIFIED):
        url = urlsplit(str(inventory.get("source", "")))
        scheme = url.scheme.lower().split("+")[0]  # postgresql+psycopg: the driver is no part of the address
        try:
            host, port = url.hostname, url.port or _DEFAULT_PORTS.get(scheme)
        except ValueError:  # a port that is no number: not an address to link
            continue
        if not host:
            continue
        fields = tuple((mask_asset_name(f"{t.get('table')}.{f.get('field')}"),
                        str(f.get("category") or f.get("entity")), str(f.get("level_label") or f.get("level")))
                       for t in inventory.get("tables", []) for f in t.get("fields", [])
                       if f.get("status") == "tagged" and f.get("recognizer"))
        shown = f"{scheme}://{host}" + (f":{port}" if port else "") + url.path  # no user or password
        scanned = _scanned_at(inventory.get("generated"))
        store = StoredPlaintext(source=shown, host=host, port=port, fields=fields,
                                scanned=scanned.isoformat(timespec="seconds") if scanned else "",
                                stale=scanned is None or (since is not None and scanned < since))
        key = (host.lower(), port, url.path.rstrip("/"))
        if key not in newest or store.scanned > newest[key].scanned:
            newest[key] = store
    return list(newest.values())


def _scanned_at(stamp: object) -> datetime | None:
    """A saved scan's ``generated`` time (ISO 8601, UTC when it names no zone); None if unreadable."""
    try:
        when = datetime.fromisoformat(str(stamp))
    except ValueError:
        return None
    return when if when.tzinfo is not None else when.replace(tzinfo=UTC)


@cli.command("crypto-eval")
@click.option("--system", "system_name", help="Evaluate this system only (any level); default: every level-3 system.")
@click.option("--inventory", "inventory_path", type=click.Path(dir_okay=False, path_type=Path),
              help="inventory.yaml to read (default: the one govsoc.yaml names).")
@click.option("--output", "-o", type=click.Path(file_okay=False, path_type=Path),
              help="Also write one JSON file per system here (evaluation and Chinese report section; the section "
                   "shows personal data masked, the evaluation is the raw evidence, files 0640); results are "
                   "always saved under <data dir>/results/crypto_eval/.")
@click.option("--unmasked", is_flag=True,
              help="Write the Chinese report section with personal data (certificate subjects) unmasked.")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@click.option("--no-probe", is_flag=True, help="Use declarations only; send nothing over the network.")
@click.option("--concurrency", type=click.IntRange(1, 1024), default=64, show_default=True)
@click.option("--timeout", type=click.FloatRange(0.1, 60), default=3.0, show_default=True,
              help="Seconds per probe question (an endpoint asks up to ~15).")
@click.option("--self-test/--no-self-test", default=True, show_default=True,
              help="Run the SM2/SM3/SM4 known-answer tests first.")
@click.option("--passive/--no-passive", default=True, show_default=True,
              help="Also use TLS/SSH/telnet/FTP traffic to the endpoints found in the event store (Zeek logs, flows).")
@click.option("--days", type=click.IntRange(1, 3650), default=30, show_default=True,
              help="How far back --passive looks, and how recent a classification scan must be to decide 8.4 e).")
@click.pass_obj
def crypto_eval(app: AppContext, system_name: str | None, inventory_path: Path | None, output: Path | None, fmt: str,
                no_probe: bool, concurrency: int, timeout: float, self_test: bool, passive: bool, days: int,
                unmasked: bool) -> int:
    """Probe the systems' endpoints, score them per 量化评估规则 2023 and give the verdict."""
    from govsoc.crypto_eval.evaluate import (
        endpoint_addresses,
        evaluate_inventory,
        systems_in_scope,
        unique_targets,
    )
    from govsoc.crypto_eval.report import (
        RESULTS_SUBDIR,
        document_bytes,
        result_file_name,
        save_results,
        section,
        to_json,
    )
    from govsoc.crypto_eval.scoring import INCOMPLETE

    inventory = Inventory.load(inventory_path) if inventory_path else app.inventory()
    if inventory is None:
        raise ConfigError("no inventory: pass --inventory inventory.yaml or name one in govsoc.yaml (inventory:)")
    for rejected in inventory.rejected:  # an unusable anchor file costs its own chains, not the run
        click.echo(f"govsoc: error: {one_line(str(rejected))}", err=True)
    if inventory.rejected:
        click.echo(f"govsoc: {len(inventory.rejected)} trust anchor file(s) rejected, the rest of the inventory "
                   "used: the chains that needed them reach no declared root (missing evidence)", err=True)
    systems = systems_in_scope(inventory, system_name)
    if not systems:
        raise ConfigError("the inventory lists no level-3 system (use --system NAME for another level)")
    if self_test:
        _self_test()
    observations: list[object] = []
    # names looked up once, here: traffic and probes name addresses, the inventory may spell them otherwise
    addresses = endpoint_addresses(systems, resolve=passive or not no_probe)
    if passive:
        from govsoc.crypto_eval.passive import gather_passive

        endpoints = sorted({(addresses.get(e.host) or e.host, e.port) for s in systems for e in s.endpoints})
        observations += gather_passive(app.store, endpoints, start=datetime.now(UTC) - timedelta(days=days))
    observations += stored_plaintext(app.config.data_dir, since=datetime.now(UTC) - timedelta(days=days))
    if not no_probe:
        from govsoc.crypto_eval.probes.runner import descriptor_budget

        concurrency, note = descriptor_budget(concurrency)
        if note:
            click.echo(f"govsoc: warning: {note}", err=True)
    total = 0 if no_probe else len(unique_targets(systems, addresses))  # a duplicate listing is probed once
    with progress() as bar:
        task = bar.add_task("probing endpoints", total=total)
        results = evaluate_inventory(systems, probe=not no_probe, concurrency=concurrency, question_timeout=timeout,
                                     endpoint_timeout=max(10.0, timeout * 16), extra_evidence=observations,
                                     on_done=lambda _r: bar.advance(task), addresses=addresses,
                                     trust_anchors=inventory.model.trust_anchors,
                                     crls=inventory.model.crls)
    from govsoc.reports.mipin import masked_section

    # the section reads as a report: personal data masked as reports show it (R16d F6)
    documents: list[dict[str, Any]] = [{"evaluation": to_json(e),
                                        "section": section(e) if unmasked else masked_section(section(e))}
                                       for e in results]
    if output is not None:
        make_folder(output)
        for e, doc in zip(results, documents, strict=True):
            write_file(output / result_file_name(e.system), document_bytes(doc))
    saved = save_results(results, app.config.data_dir / RESULTS_SUBDIR)
    for e in results:
        if e.level_note:
            click.echo(f"govsoc: warning: {one_line(e.system)}: level {e.level} system scored against "
                       f"GB/T 39786-2021 level {e.catalogue_level}; the verdict is not its 密评 conclusion", err=True)
    for e, path in zip(results, saved, strict=True):
        if e.verdict == INCOMPLETE:
            # the daemon's job log keeps this line: a run that reached nothing is no new conclusion
            last = json.loads(path.read_text(encoding="utf-8")).get("last_conclusive")
            kept = (f"; the last verdict on evidence ({last.get('verdict')}, {last.get('total')}, "
                    f"{last.get('evaluated_at')}) stays in {last.get('file')}") if isinstance(last, dict) else ""
            click.echo(f"govsoc: warning: {one_line(e.system)}: {e.missing} item(s) lack evidence (endpoint "
                       f"unreachable, no answer or not listed): verdict {INCOMPLETE}{one_line(kept)}", err=True)
    where = one_line(f"{output} and {saved[0].parent}" if output is not None else str(saved[0].parent) if saved
                     else "-")
    click.echo(f"{len(results)} system(s) evaluated, results saved to {where}", err=True)
    incomplete = [e.system for e in results if e.verdict == INCOMPLETE]
    if fmt == "json":
        click.echo(json_for_terminal(documents))
        return _incomplete(incomplete)
    table = Table("system", "level", "total", "verdict", "high risk", "problems", "missing evidence")
    for e in results:
        level = str(e.level) if not e.level_mismatch else f"{e.level} (scored as {e.catalogue_level})"
        verdict = e.verdict or "需人工判定"
        table.add_row(Text(one_line(e.system)), Text(level), str(e.total) if e.total is not None else "—",
                      Text(verdict if not e.level_mismatch else f"{verdict}（仅供参考）"), str(len(e.high_risk)),
                      str(e.problems), str(e.missing))
    console().print(table)
    return _incomplete(incomplete)


def _incomplete(systems: list[str]) -> int:
    """The exit status; the last line names the systems without a verdict on evidence (after the
    output, so that a log's tail, which the daemon quotes for a partial run, says why)."""
    if not systems:
        return 0
    names = "、".join(one_line(s) for s in systems[:5]) + (f" and {len(systems) - 5} more" if len(systems) > 5 else "")
    click.echo(f"govsoc: warning: {len(systems)} system(s) without a verdict on evidence (证据不足，无法判定): "
               f"{names}", err=True)
    return EXIT_INCOMPLETE
