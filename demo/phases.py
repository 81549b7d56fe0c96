"""The demo's phases, each through the stage's own public entry points (the ones the CLI
commands call): the ingest pipeline, the receivers, crypto_eval, the rule engine, the
classification inventory and the report builders. Each returns a one-line summary."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from govsoc.collectors import IngestOptions, Pipeline
from govsoc.core.config import Config
from govsoc.core.inventory import Inventory
from govsoc.core.results import write_file
from govsoc.demo.city import PROBE_ROLES
from govsoc.demo.devices import H3C, HUAWEI, SANGFOR
from govsoc.demo.feed import feed_netflow, feed_syslog
from govsoc.demo.generate import DemoDay
from govsoc.store import Store

if TYPE_CHECKING:
    from govsoc.reports.signing import SigningKey

__all__ = ["FILES", "ingest_files", "send_syslog", "send_netflow", "evaluate_crypto", "run_detection",
           "classify_export", "write_reports", "result_name"]

Step = Callable[[int, int | None], None] | None
#: The day's files read by the ingest pipeline, with their parsers (as `govsoc ingest --parser`).
FILES = (("servers/auth.log", "linux.auth"), ("web/nginx_access.log", "nginx.access"),
         ("web/apache_access.log", "apache.access"), ("cloud/actiontrail.json", "alibaba.actiontrail"),
         ("cloud/huaweicloud_cts.json", "huaweicloud.cts"), ("cloud/k8s_audit.log", "kubernetes.audit"),
         ("traffic/yzw_border.pcap", "network.pcap"))
#: The machine of a file whose lines do not name it (as `govsoc ingest --host`): the portal's nginx
#: front end (city.CloudSystem: <code>-web-01, one of the inventory's hosts of 一网通办门户).
HOSTS = {"web/nginx_access.log": "ywtb-web-01"}


def _pipeline(config: Config, store: Store, inventory: Inventory, data_dir: Path | None = None) -> Pipeline:
    from govsoc.classification.tagging import ClassificationTagger

    return Pipeline(store, data_dir=data_dir or config.data_dir, inventory=inventory,
                    enrichers=[ClassificationTagger(mask_sources=list(config.classification.mask_sources))])


def ingest_files(config: Config, store: Store, inventory: Inventory, day: DemoDay, step: Step) -> str:
    """The files through the ingest pipeline."""
    pipeline = _pipeline(config, store, inventory)
    total = sum(day.path(name).stat().st_size for name, _p in FILES)
    if step:
        pipeline.progress = lambda n: step(n, total)
    created = failures = 0
    for name, parser in FILES:
        summary = pipeline.ingest_file(day.path(name), IngestOptions(parser=parser, timezone=config.collectors.timezone,
                                                                     year=day.day.year, host=HOSTS.get(name)))
        created += summary.receipt.created
        failures += summary.parse_failures + summary.rejected
    return f"{len(FILES)} files, {created} events stored, {failures} unparsed or rejected"


def _lines(path: Path) -> list[bytes]:
    return [line for line in path.read_bytes().split(b"\n") if line]


def send_syslog(config: Config, store: Store, inventory: Inventory, day: DemoDay, step: Step) -> str:
    """Huawei and Sangfor (GBK) over UDP, H3C over TCP, to the syslog receivers."""
    udp = sorted(_lines(day.path(HUAWEI)) + _lines(day.path(SANGFOR)))
    tcp = _lines(day.path(H3C))
    total = len(udp) + len(tcp)
    results = feed_syslog(_pipeline(config, store, inventory), config.data_dir, udp, tcp,
                          timezone=config.collectors.timezone,
                          progress=(lambda n: step(n, total)) if step else None)
    return "; ".join(f"{r.name}: {r.sent} sent, {r.received} received, {r.stored} stored, {r.rejected} rejected"
                     for r in results)


def send_netflow(config: Config, store: Store, inventory: Inventory, day: DemoDay, step: Step) -> str:
    """The NetFlow v9 / IPFIX datagrams to the NetFlow receiver."""
    total = len(day.datagrams)
    result = feed_netflow(_pipeline(config, store, inventory, config.data_dir / "netflow"), day.datagrams,
                          data_dir=config.data_dir, progress=(lambda n: step(n, total)) if step else None)
    return f"{result.name}: {result.sent} datagrams sent, {result.received} received, {result.stored} flows stored"


def result_name(system: str) -> str:
    """A safe file name for a system's saved result."""
    return "".join(c if c.isalnum() or c in "-_." else "_" for c in system) + ".json"


def evaluate_crypto(config: Config, store: Store, inventory: Inventory, day: DemoDay) -> list[dict[str, Any]]:
    """密评 of every level-3 system: the four on loopback servers probed, all with the flows of
    the day as passive evidence; results saved where the compliance report reads them."""
    from govsoc.crypto_eval.evaluate import evaluate_inventory, systems_in_scope
    from govsoc.crypto_eval.kat import run_kats
    from govsoc.crypto_eval.passive import gather_passive
    from govsoc.crypto_eval.report import section, to_json

    if not all(r.passed for r in run_kats()):
        raise RuntimeError("SM2/SM3/SM4 self-test failed: 密评 results would not be trustworthy")
    systems = systems_in_scope(inventory)
    probed_names = {day.city.system(code).name for code, _p, _k in PROBE_ROLES.values()}
    endpoints = sorted({(e.host, e.port) for s in systems for e in s.endpoints})
    passive = gather_passive(store, endpoints, start=day.start - timedelta(days=1))
    probed = [s for s in systems if s.name in probed_names]
    anchors = inventory.model.trust_anchors
    results = evaluate_inventory(probed, probe=True, question_timeout=2.0, endpoint_timeout=20.0,
                                 extra_evidence=passive, trust_anchors=anchors,
                                 crls=inventory.model.crls)
    results += evaluate_inventory([s for s in systems if s.name not in probed_names], probe=False,
                                  extra_evidence=passive, trust_anchors=anchors,
                                  crls=inventory.model.crls)
    folder = config.data_dir / "results" / "crypto_eval"
    # The day is synthetic (its traffic too): its 密评 is dated inside it, so that the day's
    # compliance report, which shows each system's newest evaluation before its end, holds it.
    stamp = min(datetime.now(UTC), day.end - timedelta(minutes=1)).isoformat(timespec="seconds")
    out = []
    for e in results:
        write_file(folder / result_name(e.system), json.dumps(
            {"evaluation": {**to_json(e), "evaluated_at": stamp}, "section": section(e)},
            ensure_ascii=False, indent=1).encode("utf-8"))
        out.append({"system": e.system, "total": None if e.total is None else float(e.total),
                    "verdict": e.verdict or "需人工判定", "high_risk": len(e.high_risk),
                    "probed": e.system in probed_names})
    return out


def run_detection(store: Store, day: DemoDay, step: Step) -> str:
    """The bundled rule packs over the day."""
    from govsoc.rules import BUILTIN_PACKS, load_rules
    from govsoc.rules import detect as run_pass

    ruleset = load_rules([BUILTIN_PACKS])
    total = len(ruleset)
    summary = run_pass(store, ruleset, start=day.start - timedelta(hours=1), end=day.end + timedelta(hours=1),
                       progress=(lambda _title: step(1, total)) if step else None)
    failed = len(summary.failed) + len(ruleset.errors)
    return f"{total} rules, {summary.line()}" + (f", {failed} failed" if failed else "")


def classify_export(config: Config, path: Path) -> dict[str, Any]:
    """The classification inventory of the applicants' export, saved where reports read it."""
    from govsoc.classification.grading import load_scheme
    from govsoc.classification.inventory import build_inventory
    from govsoc.classification.path_secret import results_secret
    from govsoc.classification.sources import open_source

    scheme = load_scheme("gbt43697")
    source = open_source(str(path), sample=1000)
    inventory = build_inventory(source.tables(), source=source.name, scheme=scheme, sample_size=1000,
                                secret=results_secret(config.data_dir))
    folder = config.data_dir / "results" / "classification"
    document = inventory.to_dict()
    write_file(folder / result_name(path.stem), json.dumps(document, ensure_ascii=False, indent=1).encode("utf-8"))
    summary = inventory.summary()
    fields = {f.field: f.recognizer for t in inventory.tables for f in t.fields if f.status == "tagged"}
    return {"tagged": summary["tagged"], "level": scheme.label(inventory.level), "fields": fields}


def write_reports(config: Config, store: Store, day: DemoDay, lang: str, formats: tuple[str, ...]) -> list[Path]:
    """The reports, each signed (SM3 digest, SM2 signature: reports.signing) with the demo's own
    key, made in its data folder on the first run (the administrator's key is not touched)."""
    from govsoc.reports.signing import KEY_FILE, init_key, key_folder, require_key

    keys = key_folder(config.data_dir)
    if (keys / KEY_FILE).exists():
        key = require_key(keys)
    else:
        key = init_key(keys, signer="govsoc demo (a key made for the demo)")
    return _render_reports(config, store, day, lang, formats, key)


def _render_reports(config: Config, store: Store, day: DemoDay, lang: str, formats: tuple[str, ...],
                    key: SigningKey) -> list[Path]:
    """The situation and compliance reports of the day (reports.build), signed with ``key``."""
    from govsoc.core.inventory import Inventory
    from govsoc.reports.build import build, inventory_systems, write

    systems = inventory_systems(Inventory.load(config.inventory) if config.inventory else None)
    written: list[Path] = []
    for kind in ("situation", "compliance"):
        document = build(kind, store, start=day.start, end=day.end, lang=lang, masked=True,
                         data_dir=config.data_dir, timezone=config.reports.timezone, systems=systems,
                         retention_days=config.store.retention_days)
        written += write(document, list(formats), config.report_dir, key=key)
    return written
