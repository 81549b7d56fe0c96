"""The situation report over a store: its figures equal counts taken from the generated input (not
from the store), its store calls and its size do not grow with the events, and SQLite and
Elasticsearch give the same document."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, cast

import pytest

from govsoc.core.alert import Alert
from govsoc.core.event import Event, make_id
from govsoc.core.evidence import Evidence
from govsoc.reports.build import build, write
from govsoc.reports.document import Chart, Document, Figures, Findings, Table
from govsoc.reports.network import CLEARTEXT_PORTS
from govsoc.store.base import Store
from govsoc.store.sqlite import SqliteStore
from tests.conftest import es_store

ZONE = "Asia/Shanghai"
# 2026-11-29 in Beijing time: [2026-11-28 16:00 UTC, 2026-11-29 16:00 UTC)
START = datetime(2026, 11, 28, 16, tzinfo=UTC)
RESIDENT_ID, MOBILE = "11010519491231002X", "13812345678"  # a valid check character; a 138 mobile
END = START + timedelta(days=1)
DATASETS = ("network.flow", "netflow.log", "linux.auth", "nginx.access")
ZONES = ("政务外网", "政务云", None)
PROTOCOLS = (("tls", 443), ("http", 80), ("ssh", 22), ("tls", 8443), ("telnet", 23))
LEVELS = ("high", "medium", "low", "critical", "high")
TAGS = (("attack.credential-access", "attack.t1110", "djbh.l3.8.1.4.1.b"), ("attack.initial-access", "attack.t1190"),
        ("attack.t1557", "djbh.l3.8.1.2.2.b"), ())


def city(n: int) -> tuple[list[Event], list[Alert]]:
    """``n`` events over the report day (one in eleven the day before, which the report must not
    count) and n // 10 alerts; every value follows from the index, so the expected figures are
    counted from these lists."""
    events = []
    for i in range(n):
        at = (START - timedelta(hours=1 + i % 5)) if i % 11 == 0 else START + timedelta(seconds=(i * 997) % 86_400)
        dataset = DATASETS[i % len(DATASETS)]
        fields: dict[str, Any] = {"source.ip": f"10.{i % 3}.0.{i % 50}", "event.category": ["network"]}
        if i % 7 == 0:
            fields["source.ip"], fields["govsoc.source_zone"] = f"203.0.113.{i % 20}", "internet"
        zone = ZONES[i % len(ZONES)]
        if zone:
            fields["govsoc.zone"] = zone
        if dataset in ("network.flow", "netflow.log"):
            protocol, port = PROTOCOLS[(i // 4) % len(PROTOCOLS)]
            fields.update({"network.bytes": 100 + (i % 9) * 10, "destination.port": port})
            if dataset == "network.flow":
                fields["network.protocol"] = protocol
                if protocol == "tls":
                    old = (i // 4) % 3 == 0
                    fields.update({"tls.version_protocol": "tls", "tls.version": "1.0" if old else "1.2",
                                   "tls.cipher": "TLS_RSA_WITH_RC4_128_SHA" if i % 8 == 0 and not old
                                   else "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"})
        events.append(Event(id=make_id("city", i), timestamp=at, dataset=dataset, fields=fields))
    alerts = []
    for j in range(n // 10):
        # alerts of rule r-0 also start the day before: that rule is recurring, the others new
        rule = j % 5
        at = START - timedelta(hours=2) if j % 9 == 0 and rule == 0 else START + timedelta(seconds=(j * 3571) % 86_400)
        user = f"user{j % 4}"
        evidence = Evidence(event_id=make_id("city", j), timestamp=at, dataset="linux.auth",
                            fields={"user.name": user}, original=f"Failed password for {user} from 203.0.113.9"
                            + (f" id {RESIDENT_ID} phone {MOBILE}" if j % 2 else ""))
        alerts.append(Alert(
            id=make_id("city-alert", j), rule_id=f"r-{rule}", rule_title=f"规则 {rule}", level=LEVELS[rule],
            kind="match", start=at, end=at, event_ids=(make_id("city", j),), tags=TAGS[j % len(TAGS)],
            status="acknowledged" if j % 6 == 0 else "open", evidence=(evidence,),
            context={"govsoc.system": f"系统{j % 3}", "source.ip": f"203.0.113.{j % 7}", "user.name": user}))
    return events, alerts


def expected(events: list[Event], alerts: list[Alert]) -> dict[str, Any]:
    """The figures, counted from the generated lists."""
    inside = [e for e in events if START <= e.timestamp < END]
    in_alerts = [a for a in alerts if START <= a.start < END]
    before = {a.rule_id for a in alerts if a.start < START}
    flows = [e for e in inside if e.dataset in ("network.flow", "netflow.log")]
    clear = [e for e in flows if e.fields["destination.port"] in CLEARTEXT_PORTS]
    tls = [e for e in flows if e.fields.get("network.protocol") == "tls"]
    weak = [e for e in tls if e.fields["tls.version"] == "1.0" or "_RC4_" in e.fields["tls.cipher"]]
    return {
        "events": len(inside), "alerts": len(in_alerts),
        "by_dataset": Counter(e.dataset for e in inside), "by_zone": Counter(e.fields.get("govsoc.zone") for e in inside
                                                                            if e.fields.get("govsoc.zone")),
        "by_level": Counter(a.level for a in in_alerts), "open": sum(a.status == "open" for a in in_alerts),
        "recurring": sum(a.rule_id in before for a in in_alerts),
        "systems": len({a.context["govsoc.system"] for a in in_alerts}),
        "flows": len(flows), "bytes": sum(e.fields["network.bytes"] for e in flows),
        # SSH sessions are encrypted too (their algorithms unknown here: none is weak)
        "cleartext_flows": len(clear), "tls": len(tls) + sum(e.fields.get("network.protocol") == "ssh" for e in flows),
        "weak": len(weak),
        "djbh": Counter(t for a in in_alerts for t in a.tags if t.startswith("djbh.")),
        "techniques": Counter(t[7:].upper() for a in in_alerts for t in a.tags if t.startswith("attack.t")),
    }


class Counting:
    """A real store, with every call counted by method name (a report must not read events one by one)."""

    def __init__(self, store: Store) -> None:
        self.store, self.calls = store, Counter[str]()

    def __getattr__(self, name: str) -> Any:
        attribute = getattr(self.store, name)
        if not callable(attribute):
            return attribute

        def counted(*args: Any, **kwargs: Any) -> Any:
            self.calls[name] += 1
            return attribute(*args, **kwargs)
        return counted


def filled(store: Store, n: int) -> tuple[Store, dict[str, Any]]:
    events, alerts = city(n)
    store.write(events)
    store.write_alerts(alerts)
    store.refresh()
    return store, expected(events, alerts)


def situation(store: Store, lang: str = "zh", masked: bool = True, data_dir: Path | None = None) -> Document:
    return build("situation", store, start=START, end=END, lang=lang, masked=masked, data_dir=data_dir,
                 timezone=ZONE, now=END)


def table(document: Document, section: str, caption: str | None = None) -> Table:
    found = document.section(section)
    assert found is not None, section
    tables = [b for b in found.blocks if isinstance(b, Table) and (caption is None or b.caption == caption)]
    return tables[0]


def test_the_figures_are_the_counts_of_the_input(sqlite_store: SqliteStore) -> None:
    store, want = filled(sqlite_store, 600)
    doc = situation(store)
    data = doc.data
    assert (data["events"], data["alerts"], data["open"]) == (want["events"], want["alerts"], want["open"])
    assert data["by_dataset"] == dict(want["by_dataset"])
    assert data["by_zone"] == dict(want["by_zone"])
    assert {k: v for k, v in data["by_level"].items() if v} == dict(want["by_level"])
    assert (data["recurring_alerts"], data["new_alerts"]) == (want["recurring"], want["alerts"] - want["recurring"])
    assert data["systems_affected"] == want["systems"]
    network = data["network"]
    assert (network["flows"], network["bytes"], network["cleartext_flows"]) == (
        want["flows"], want["bytes"], want["cleartext_flows"])
    assert (network["tls_sessions"], network["weak_sessions"]) == (want["tls"], want["weak"])
    # the tables say the same as the data
    assert {row[0]: row[1] for row in table(doc, "overview", "各数据集事件").rows} == dict(want["by_dataset"])
    # djbh.l3.8.1.4.1.b -> 等保 8.1.4.1 b), with the control's wording
    controls = {row[0]: row[2] for row in table(doc, "compliance").rows}
    assert controls == {f"等保 {t[8:].rsplit('.', 1)[0]} {t.rsplit('.', 1)[1]})": n for t, n in want["djbh"].items()}
    assert all(row[1] for row in table(doc, "compliance").rows)
    techniques = {row[0]: row[1] for row in table(doc, "attack").rows}
    assert techniques == dict(want["techniques"])
    # trend: one point per hour of the day, summing to the period's events
    trend = doc.section("trend")
    assert trend is not None
    events_chart = next(b for b in trend.blocks if isinstance(b, Chart))
    assert len(events_chart.categories) == 24 and sum(events_chart.series[0].values) == want["events"]
    assert events_chart.categories[0] == "11-29 00:00"  # Beijing time


def test_accounts_are_masked_unless_asked(sqlite_store: SqliteStore) -> None:
    store, _ = filled(sqlite_store, 200)
    masked, shown = situation(store), situation(store, lang="en", masked=False)
    text = json.dumps(masked.to_dict(), ensure_ascii=False)
    assert "user1" not in text and "Failed password for u" in text
    # personal data inside the raw lines of the evidence too (the reviewer's ID in a sudo line)
    assert RESIDENT_ID not in text and MOBILE not in text and "138****5678" in text
    unmasked = json.dumps(shown.to_dict(), ensure_ascii=False)
    assert "user1" in unmasked and RESIDENT_ID in unmasked
    assert shown.title == "Security situation report" and masked.title == "网络安全态势感知报告"
    incidents = masked.section("incidents")
    assert incidents is not None and isinstance(incidents.blocks[0], Findings)
    assert all(f.evidence for f in incidents.blocks[0].items)


def test_store_calls_and_size_do_not_grow_with_the_events(tmp_path: Path) -> None:
    sizes, calls = [], []
    for n in (300, 3000):
        with SqliteStore(tmp_path / f"{n}.db") as plain:
            store, _ = filled(plain, n)
            counting = Counting(store)
            doc = situation(cast(Store, counting))
            calls.append(dict(counting.calls))
            sizes.append(len(json.dumps(doc.to_dict(), ensure_ascii=False)))
            assert doc.data["events"] > n * 0.85
    assert calls[0] == calls[1]
    assert "search" not in calls[0] and sum(calls[0].values()) < 80
    # ten times the events: the document grows by a few digits per number only
    assert sizes[1] < sizes[0] * 1.1


@pytest.fixture(scope="module", params=[pytest.param("elasticsearch", marks=pytest.mark.es)])
def both(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Store, Store]]:
    """The same city in SQLite and in Elasticsearch 9."""
    sqlite = SqliteStore(tmp_path_factory.mktemp("both") / "events.db")
    elastic = es_store(request.getfixturevalue("es_env"))
    es = next(elastic)
    filled(sqlite, 400)
    filled(es, 400)
    yield sqlite, es
    sqlite.close()
    next(elastic, None)


@pytest.mark.parametrize(("kind", "shift"), [
    ("situation", timedelta(0)), ("compliance", timedelta(0)), ("alerts", timedelta(0)),
    # a period starting off the second (a relative --from): trend intervals still cut alike
    ("situation", timedelta(seconds=1800, microseconds=123456)),
])
def test_sqlite_and_elasticsearch_give_the_same_document(both: tuple[Store, Store], kind: str, shift: timedelta,
                                                          tmp_path: Path) -> None:
    docs = [build(kind, store, start=START + shift, end=END, timezone=ZONE, now=END, data_dir=tmp_path).to_dict()
            for store in both]
    for doc in docs:
        doc["meta"].pop("store")
    assert docs[0] == docs[1]
    assert docs[0]["data"]
    if kind == "situation":  # and the trend holds every event of the period, in both
        trend = next(s for s in docs[0]["sections"] if s["id"] == "trend")
        assert sum(trend["blocks"][0]["series"][0]["values"]) == docs[0]["data"]["events"] > 0


def test_write_renders_each_format(sqlite_store: SqliteStore, tmp_path: Path) -> None:
    store, want = filled(sqlite_store, 100)
    paths = write(situation(store), ["json", "html", "md"], tmp_path / "out", unsigned=True)
    assert [p.name for p in paths] == ["situation-2026-11-29.json", "situation-2026-11-29.html",
                                       "situation-2026-11-29.md"]
    assert "网络安全态势感知报告" in paths[1].read_text(encoding="utf-8")
    assert "网络安全态势感知报告" in paths[2].read_text(encoding="utf-8")
    written = json.loads(paths[0].read_text(encoding="utf-8"))
    assert written["data"]["events"] == want["events"]
    overview = written["sections"][0]
    assert overview["id"] == "overview" and isinstance(overview["blocks"][0], dict)
    assert any(isinstance(b, Figures) for b in situation(store).sections[0].blocks)
