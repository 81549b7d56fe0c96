"""Report content a reviewer read and found wanting (issue 18 review, session 5): empty periods say
so, the zone table sums to the total, the NetFlow listener is among the sources collected, every
time is in the report's zone. Expected values follow from the input written here."""

from __future__ import annotations

import re
import socket
import struct
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from govsoc.collectors.netflow.receiver import NetflowReceiver
from govsoc.collectors.pipeline import Pipeline
from govsoc.collectors.receivers import counters_folder
from govsoc.reports.build import build
from govsoc.reports.document import Chart, Document, Table, walk
from govsoc.reports.renderers import renderers
from govsoc.store.sqlite import SqliteStore
from tests.collectors.netflow.test_decoder import flow_set, ipfix, template
from tests.reports.test_compliance import DAY, ZONE, compliance, rows, save
from tests.reports.test_situation import END, START, city, filled, situation

NO_DATA = {"zh": "本期无数据", "en": "No data for this period"}


def charts_and_tables(document: Document) -> tuple[list[Chart], list[Table]]:
    blocks = [b for s in walk(document.sections) for b in s.blocks]
    return [b for b in blocks if isinstance(b, Chart)], [b for b in blocks if isinstance(b, Table)]


def test_an_empty_period_says_no_data_for_every_chart_and_table(tmp_path: Path) -> None:
    for lang in ("zh", "en"):
        with SqliteStore(tmp_path / f"{lang}.db") as store:
            document = build("situation", store, start=START, end=END, lang=lang, timezone=ZONE, now=END)
        charts, tables = charts_and_tables(document)
        # the trend draws 24 hourly points and the severity chart five bars, all zero
        assert len(charts) >= 3 and all(c.categories for c in charts[:3])
        assert all(c.empty for c in charts)
        empty_tables = [t for t in tables if not t.rows]
        html = renderers.get("html")().render(document).decode()
        # one "no data" drawing per chart, and the text in every empty table
        assert html.count('class="nodata"') == len(charts)
        assert html.count(NO_DATA[lang]) >= len(charts) + len(empty_tables)
        markdown = renderers.get("md")().render(document).decode()
        assert markdown.count(NO_DATA[lang]) >= len(charts) + len(empty_tables)


def test_the_zone_table_sums_to_the_events_with_an_unregistered_row(sqlite_store: SqliteStore) -> None:
    store, want = filled(sqlite_store, 600)
    document = situation(store)
    zones = next(t for t in charts_and_tables(document)[1] if t.caption == "各网络区域事件")
    by_zone = {row[0]: row[1] for row in zones.rows}
    # a third of the generated events have no govsoc.zone (ZONES has None)
    assert by_zone.pop("未登记（不属于任何已登记区域）") == want["events"] - sum(want["by_zone"].values()) > 0
    assert by_zone == dict(want["by_zone"])
    assert sum(row[1] for row in zones.rows) == document.data["events"] == want["events"]  # type: ignore[misc]


def test_the_netflow_listener_is_among_the_sources_collected(tmp_path: Path) -> None:
    home = tmp_path / "home"
    store = SqliteStore(home / "events.db")
    receiver = NetflowReceiver("127.0.0.1", 0)
    learn = ipfix(3, flow_set(2, template(256, (8, 4), (12, 4), (1, 4), (2, 4))), sequence=0)
    data = ipfix(3, flow_set(256, bytes([10, 0, 0, 1, 10, 0, 0, 2]) + struct.pack("!II", 500, 5)), sequence=1)
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as exporter:
        for datagram in (learn, data):  # queued in the socket's buffer; serve reads them
            exporter.sendto(datagram, receiver.address)
    try:
        summary = receiver.serve(Pipeline(store, data_dir=home / "netflow"), seconds=0.5)
        receiver.save_counters(summary, counters_folder(home))
    finally:
        receiver.close()
    with store:
        document = build("compliance", store, start=DAY.start, end=DAY.end, data_dir=home, timezone=ZONE, now=DAY.end)
    heard = [row for row in rows(document, "log_audit.collection") if row[1] == "netflow"]
    host, port = receiver.address
    # two datagrams (a template, then one data record), one record decoded, one event stored:
    # each named as what it counts (issue 13: the row counted events as if they were datagrams)
    assert [row[:8] for row in heard] == [(f"netflow-{host}-{port}", "netflow", f"{host}:{port}", 2, "数据报", 1, 1,
                                           0)]


LOCAL = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$")


def test_every_time_is_in_the_report_zone(tmp_path: Path) -> None:
    document, store = compliance(tmp_path)
    with store:
        # the 密评 run saved at 2026-11-29T08:00:00+00:00 is 16:00 in Beijing
        summary = rows(document, "summary")
        assert summary[0][0] == "一网通办门户" and summary[0][6] == "2026-11-29 16:00:00"
        chapter = document.section("mipin.一网通办门户")
        assert chapter is not None and "2026-11-29 16:00:00" in repr(chapter)
        assert "08:00:00" not in repr(chapter)
        # the file source's checkpoint (written in UTC by the ingest) shown in Beijing time
        from govsoc.collectors.checkpoints import CheckpointStore
        [checkpoint] = CheckpointStore(tmp_path / "home" / "state" / "sources").all()
        assert checkpoint.updated
        shown = rows(document, "log_audit.collection")[0][4]
        beijing = datetime.fromisoformat(checkpoint.updated)
        beijing = (beijing if beijing.tzinfo else beijing.replace(tzinfo=UTC)).astimezone(ZoneInfo(ZONE))
        assert shown == beijing.strftime("%Y-%m-%d %H:%M:%S") and LOCAL.match(str(shown))


def evaluation(system: str, at: str, verdict: str) -> dict[str, object]:
    return {"system": system, "level": 3, "layers": [], "total": "70", "verdict": verdict, "high_risk": [],
            "evaluated_at": at}


def test_mipin_results_are_the_newest_before_the_period_end(tmp_path: Path) -> None:
    folder = tmp_path / "results" / "crypto_eval"
    # 甲: evaluated only after the report day (a month later); 乙: the week before it; 丙: re-run
    # after the day, and a copy of its run of the day before kept beside it
    save(folder, "甲.json", evaluation("甲", "2026-12-29T02:00:00+00:00", "符合"))
    save(folder, "乙.json", evaluation("乙", "2026-11-22T02:00:00+00:00", "基本符合"))
    save(folder, "丙.json", evaluation("丙", "2026-12-01T02:00:00+00:00", "符合"))
    save(folder, "丙-1128.json", {"evaluation": evaluation("丙", "2026-11-28T02:00:00+00:00", "不符合")})  # an -o file
    with SqliteStore(tmp_path / "events.db") as store:
        document = build("compliance", store, start=DAY.start, end=DAY.end, data_dir=tmp_path, timezone=ZONE,
                         now=DAY.end)
        month = build("compliance", store, start=DAY.start, end=datetime(2026, 12, 31, 16, tzinfo=UTC),
                      data_dir=tmp_path, timezone=ZONE, now=DAY.end)
    table = {row[0]: row for row in rows(document, "summary") if row[0] in ("甲", "乙", "丙")}
    assert table["甲"][3] == "本期未评估" and table["甲"][6] == "（仅有本期之后的评估：2026-12-29 10:00:00）"
    assert table["乙"][3:] == ("基本符合", 0, None, "2026-11-22 10:00:00")
    assert table["丙"][3:] == ("不符合", 0, None, "2026-11-28 10:00:00")
    assert document.data["mipin_not_evaluated"] == {"甲": "2026-12-29T02:00:00+00:00"}
    chapter = document.section("mipin.甲")
    assert chapter is not None and "2026-12-29 10:00:00" in repr(chapter)
    # a period ending after every run shows the newest of each
    later = {row[0]: row[3] for row in rows(month, "summary") if row[0] in ("甲", "乙", "丙")}
    assert later == {"甲": "符合", "乙": "基本符合", "丙": "符合"}


def test_mipin_items_in_the_control_table_have_their_text(tmp_path: Path) -> None:
    from govsoc.core.alert import Alert
    from govsoc.core.event import make_id
    from govsoc.crypto_eval.catalogue import load_catalogue

    start = DAY.start
    with SqliteStore(tmp_path / "events.db") as store:
        store.write_alerts([Alert(id=make_id("m", i), rule_id="r", rule_title="cleartext", level="high", kind="match",
                                  start=start, end=start, event_ids=(), tags=("mipin.gbt39786.l3.8.2.c",))
                            for i in range(2)])
        store.refresh()
        zh, en = (build("compliance", store, start=DAY.start, end=DAY.end, lang=lang, timezone=ZONE, now=DAY.end)
                  for lang in ("zh", "en"))
    item = load_catalogue().item("gbt39786.l3.8.2.c")
    assert [r for r in rows(zh, "summary") if str(r[0]).startswith("密评")] == [
        ("密评 8.2 c)", f"{item.unit} {item.title}", 2)]
    assert [r for r in rows(en, "summary") if str(r[0]).startswith("CCA")] == [
        ("CCA 8.2 c)", f"{item.unit} {item.title_en}", 2)]


def test_flow_incidents_show_the_flow_as_evidence(tmp_path: Path) -> None:
    from govsoc.core.alert import Alert
    from govsoc.core.event import Event, make_id
    from govsoc.core.evidence import Evidence

    at = datetime(2026, 11, 29, 3, 4, 5, tzinfo=UTC)  # 11:04:05 in Beijing
    flow = Event(id=make_id("flow", 1), timestamp=at, dataset="netflow.log", fields={
        "source.ip": "10.8.1.20", "source.port": 51000, "destination.ip": "172.16.3.9", "destination.port": 23,
        "network.transport": "tcp", "network.protocol": "telnet", "network.bytes": 1840, "network.packets": 22})
    with SqliteStore(tmp_path / "events.db") as store:
        store.write([flow])
        store.write_alerts([Alert(id=make_id("fa", 1), rule_id="egov.flow_telnet", rule_title="Telnet", level="high",
                                  kind="match", start=at, end=at, event_ids=(flow.id,),
                                  evidence=(Evidence.of(flow),))])
        store.refresh()
        document = situation(store)
    incidents = document.section("incidents")
    assert incidents is not None
    [finding] = [f for b in incidents.blocks for f in getattr(b, "items", ())]
    assert finding.evidence == (
        "2026-11-29 11:04:05 netflow.log tcp/telnet 10.8.1.20:51000 -> 172.16.3.9:23 1840 bytes 22 packets",)


def test_tls_facts_are_read_from_the_encrypted_sessions_only(sqlite_store: SqliteStore) -> None:
    """The weak-crypto counts read tls.* (kept in each row's compressed document) from the TLS and
    TLCP sessions only, picked by their network.protocol column, not from every flow: the rows
    decoded per statement are counted (a build-time ratio would be a timed test)."""
    from collections.abc import Callable
    from typing import Any, cast

    from govsoc.reports.network import network_overview
    from govsoc.reports.wording import words
    from govsoc.store.base import Query, Store

    store, want = filled(sqlite_store, 600)
    codec = sqlite_store._codec  # the store's row codec: it counts the documents it decodes
    decoded: dict[str, int] = {}

    class Counted:
        def __getattr__(self, name: str) -> Any:
            method: Callable[..., Any] = getattr(store, name)

            def call(query: Query, *args: Any, **kwargs: Any) -> Any:
                before = codec.decoded
                out = method(query, *args, **kwargs)
                if any(t.startswith("tls.") for t in query.terms):
                    decoded[f"{name} {sorted(query.terms)}"] = codec.decoded - before
                return out
            return call

    network_overview(cast(Store, Counted()), Query(start=START, end=END), words("zh"))
    assert len(decoded) == 3  # SSL, TLS 1.0/1.1, and the suites of TLS 1.2/1.3
    assert want["tls"] > 0 and all(n <= want["tls"] for n in decoded.values()), decoded


def test_a_filter_on_a_document_field_reads_only_the_rows_that_can_have_it(sqlite_store: SqliteStore) -> None:
    """The top external sources filter on govsoc.source_zone (kept in each row's document): only
    the rows whose shape has that field are decoded, not every event of the period."""
    from dataclasses import replace

    from govsoc.store.base import Query

    events, _ = city(600)
    sqlite_store.write(events)
    sqlite_store.refresh()
    query = Query(start=START, end=END)
    holding = sum(1 for e in events if START <= e.timestamp < END and "govsoc.source_zone" in e.fields)
    in_period = sum(1 for e in events if START <= e.timestamp < END)
    codec = sqlite_store._codec
    before = codec.decoded
    external = sqlite_store.groups(replace(query, terms={"govsoc.source_zone": ("internet",)}), "source.ip",
                                   size=100, span=True)
    assert sum(g.count for g in external) == holding  # every zoned source is 'internet' in city()
    assert 0 < codec.decoded - before <= holding < in_period / 3
    before = codec.decoded
    ciphers = sqlite_store.groups(query, "tls.cipher", size=10)  # grouping on a document field too
    assert ciphers and codec.decoded - before <= sum(1 for e in events if "tls.cipher" in e.fields)
