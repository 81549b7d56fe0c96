"""`govsoc demo`'s work: a whole city day through every stage, as an operator would run them.

Phases (each timed; ``on_phase`` tells the caller, e.g. a progress bar):

1. servers   start real TLS (strong and weak), telnet and HTTP-login servers on loopback
2. generate  write the city day (demo.generate), its 密评 endpoints on those servers
3. files     ingest the servers', web, cloud and Kubernetes logs and the pcap through the ingest
             pipeline (inventory enrichment, classification tagging of personal data)
4. syslog    send the Huawei and Sangfor (GBK) logs over UDP and the H3C logs over TCP to the
             syslog receivers `govsoc listen` runs
5. netflow   export the NetFlow v9/IPFIX datagrams to the NetFlow receiver
6. mipin     密评 (GB/T 39786 level 3): probe the servers, use the flows as passive evidence
7. detect    the bundled rule packs over the day
8. classify  the data classification-and-grading inventory of the applicants' export
9. reports   the situation and compliance reports (and the alert report)

Everything goes to ``folder``: city/ (the generated day), data/ (store, checkpoints, results),
reports/, govsoc.yaml (so that `GOVSOC_CONFIG=<folder>/govsoc.yaml govsoc alerts` explores it).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from govsoc.core.config import Config, load_config
from govsoc.core.inventory import Inventory
from govsoc.demo.city import PROBE_ROLES, Scale, build_city
from govsoc.demo.folder import MARKER, prepare, seal
from govsoc.demo.generate import CSV_FILE, DemoDay, generate_day
from govsoc.demo.phases import (
    classify_export,
    evaluate_crypto,
    ingest_files,
    run_detection,
    send_netflow,
    send_syslog,
    write_reports,
)
from govsoc.demo.score import Score, score_alerts
from govsoc.demo.servers import DEMO_CA_FILE, loopback_servers
from govsoc.store import Store, open_store

__all__ = ["PHASES", "DemoRun", "PhaseTime", "run_demo", "MARKER", "prepare"]

PHASES = ("servers", "generate", "files", "syslog", "netflow", "mipin", "detect", "classify", "reports")


@dataclass(frozen=True, slots=True)
class PhaseTime:
    """How long a phase took and what it did, in one line."""

    name: str
    seconds: float
    detail: str


@dataclass(slots=True)
class DemoRun:
    """What a demo run did."""

    folder: Path
    day: DemoDay | None = None
    phases: list[PhaseTime] = field(default_factory=list)
    score: Score | None = None
    crypto: list[dict[str, Any]] = field(default_factory=list)  # system, total, verdict, high_risk
    classification: dict[str, Any] = field(default_factory=dict)
    reports: list[Path] = field(default_factory=list)
    events: int = 0

    @property
    def seconds(self) -> float:
        """The whole run's wall time."""
        return sum(p.seconds for p in self.phases)


def write_config(folder: Path, day: DemoDay) -> Config:
    """govsoc.yaml of the demo: its own data folder, the city's inventory, SQLite."""
    path = folder / "govsoc.yaml"
    path.write_text(yaml.safe_dump({
        "data_dir": "data", "inventory": str(day.inventory.relative_to(folder)),
        "store": {"backend": "sqlite"},
        "collectors": {"timezone": "Asia/Shanghai", "year": day.day.year},
        "reports": {"lang": "zh", "output_dir": "reports"}}, allow_unicode=True), encoding="utf-8")
    return load_config(path, env={})


@contextmanager
def _store(config: Config) -> Iterator[Store]:
    store = open_store(config)
    try:
        yield store
    finally:
        store.close()


def run_demo(folder: Path, *, seed: int = 2026, scale: str | Scale = "city", day: date | None = None,
             lang: str = "zh", formats: tuple[str, ...] = ("html", "json"),
             on_phase: Callable[[str, str], None] | None = None,
             on_step: Callable[[int, int | None], None] | None = None) -> DemoRun:
    """Run the whole demo into ``folder``; ``on_phase(name, detail)`` after each phase,
    ``on_step(done, total)`` as a phase advances."""
    prepare(folder)
    try:
        return _run_demo(folder, seed=seed, scale=scale, day=day, lang=lang, formats=formats, on_phase=on_phase,
                         on_step=on_step)
    finally:  # also a run cut short (an error, Ctrl-C): what it wrote is recorded, so a new run removes it
        seal(folder)


def _run_demo(folder: Path, *, seed: int, scale: str | Scale, day: date | None, lang: str, formats: tuple[str, ...],
              on_phase: Callable[[str, str], None] | None,
              on_step: Callable[[int, int | None], None] | None) -> DemoRun:
    run = DemoRun(folder=folder)
    started = time.monotonic()

    def done(name: str, detail: str) -> None:
        nonlocal started
        now = time.monotonic()
        run.phases.append(PhaseTime(name=name, seconds=now - started, detail=detail))
        started = now
        if on_phase:
            on_phase(name, detail)

    city = build_city(seed, scale)
    domains = {role: city.system(code).domain for role, (code, _p, _k) in PROBE_ROLES.items()}
    with loopback_servers(domains, folder / "city" / DEMO_CA_FILE) as endpoints:
        done("servers", ", ".join(f"{role} 127.0.0.1:{port}" for role, (_h, port) in endpoints.items()))
        run.day = the_day = generate_day(folder / "city", seed=seed, scale=scale, day=day, probe_endpoints=endpoints,
                                         trust_anchors=[DEMO_CA_FILE])
        done("generate", f"{len(city.agencies)} agencies, {len(city.systems)} systems, "
                         f"{sum(the_day.truth.records.values())} records, {len(the_day.truth.attacks)} attacks")
        config = write_config(folder, the_day)
        inventory = Inventory.load(the_day.inventory)
        with _store(config) as store:
            done("files", ingest_files(config, store, inventory, the_day, on_step))
            done("syslog", send_syslog(config, store, inventory, the_day, on_step))
            done("netflow", send_netflow(config, store, inventory, the_day, on_step))
            run.crypto = evaluate_crypto(config, store, inventory, the_day)
            done("mipin", "; ".join(f"{c['system']} {c['total']} {c['verdict']}" for c in run.crypto if c["probed"]))
            done("detect", run_detection(store, the_day, on_step))
            run.classification = classify_export(config, the_day.path(CSV_FILE))
            done("classify", f"{CSV_FILE}: {run.classification['tagged']} fields tagged, "
                             f"highest {run.classification['level']}")
            from govsoc.rules import BUILTIN_PACKS

            run.score = score_alerts(store.alerts(), the_day.truth, BUILTIN_PACKS / "egov")
            run.events = store.count(_day_query(the_day))
            run.reports = write_reports(config, store, the_day, lang, formats)
            (folder / "reports").mkdir(exist_ok=True)
            (folder / "reports" / "demo_score.json").write_text(
                json.dumps(run.score.to_dict(), ensure_ascii=False, indent=1), encoding="utf-8")
            done("reports", ", ".join(p.name for p in run.reports))
    return run


def _day_query(day: DemoDay) -> Any:
    from govsoc.store.base import Query

    return Query(start=day.start, end=day.end)
