"""The network overview (review r18c finding 10): flows of no identified protocol have their row, so
the protocol table and the zone-by-protocol chart sum to the traffic; SSH sessions count among the
encrypted ones and weak SSH (SSH-1, RC4, a SHA-1 1024-bit key exchange) among the weak ones; RC4 on
TLS 1.0 is listed as a weak cipher and its session counted once; a flow's later DNS/HTTP
transaction events are no flows (review R14b N9), nor are NetFlow/IPFIX options records."""

from __future__ import annotations

import socket
import struct
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from govsoc.collectors import ingest_file
from govsoc.collectors.base import ParseContext, RawRecord
from govsoc.collectors.netflow.parser import NetflowParser
from govsoc.core.event import Event, make_id
from govsoc.reports.build import build
from govsoc.reports.document import Chart, Table
from govsoc.store.base import Store
from govsoc.store.sqlite import SqliteStore
from tests.collectors.netflow.test_decoder import flow_set, v9
from tests.collectors.netflow.test_sampling import V9_DATA, V9_OPTIONS, _v9_sampler
from tests.conftest import es_store
from tests.rules.test_egov_rules import capture, dns, session

START = datetime(2026, 11, 28, 16, tzinfo=UTC)
END = START + timedelta(days=1)
RC4 = "TLS_RSA_WITH_RC4_128_SHA"
FLOWS: list[dict[str, Any]] = [
    # TLS 1.0 with RC4, twice: weak by version (one session each), RC4 listed
    *({"network.protocol": "tls", "tls.version_protocol": "tls", "tls.version": "1.0", "tls.cipher": RC4}
      for _ in range(2)),
    {"network.protocol": "tls", "tls.version_protocol": "tls", "tls.version": "1.2",
     "tls.cipher": "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"},
    # SSH: strong; RC4 (arcfour); a strong cipher over diffie-hellman-group1-sha1; SSH-1
    {"network.protocol": "ssh", "ssh.version": 2, "ssh.cipher_alg": "aes128-ctr", "ssh.kex_alg": "curve25519-sha256"},
    {"network.protocol": "ssh", "ssh.version": 2, "ssh.cipher_alg": "arcfour", "ssh.kex_alg": "curve25519-sha256"},
    {"network.protocol": "ssh", "ssh.version": 2, "ssh.cipher_alg": "aes128-ctr",
     "ssh.kex_alg": "diffie-hellman-group1-sha1"},
    {"network.protocol": "ssh", "ssh.version": 1},
    # NetFlow records: no protocol seen, most of the bytes
    *({} for _ in range(3)),
]


def _events() -> list[Event]:
    out = []
    for i, extra in enumerate(FLOWS):
        fields = {"source.ip": "10.1.0.9", "destination.ip": "172.16.0.5", "destination.port": 443,
                  "network.bytes": 1_000_000 if not extra else 1000, "govsoc.zone": "政务云", **extra}
        out.append(Event(id=make_id("net", i), timestamp=START + timedelta(minutes=i),
                         dataset="netflow.log" if not extra else "network.flow", fields=fields))
    return out


@pytest.fixture(params=["sqlite", pytest.param("elasticsearch", marks=pytest.mark.es)])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    """The flows in SQLite, and in Elasticsearch 9 (SSH facts are dynamic keyword fields there)."""
    if request.param == "sqlite":
        sqlite = SqliteStore(tmp_path / "events.db")
        yield sqlite
        sqlite.close()
        return
    elastic = es_store(request.getfixturevalue("es_env"))
    yield next(elastic)
    next(elastic, None)


def test_unidentified_traffic_and_weak_ssh_are_counted(store: Store) -> None:
    store.write(_events())
    store.refresh()
    document = build("situation", store, start=START, end=END, lang="zh", timezone="Asia/Shanghai", now=END)
    numbers = document.data["network"]
    total_bytes = 3 * 1_000_000 + 7 * 1000
    assert (numbers["flows"], numbers["bytes"]) == (10, total_bytes)
    assert numbers["tls_sessions"] == 3 + 4  # TLS and SSH sessions
    assert numbers["weak_sessions"] == 2 + 3  # TLS 1.0 twice; RC4, group1-sha1 and SSH-1 over SSH
    section = document.section("network")
    assert section is not None
    tables = {b.caption: b for b in section.blocks if isinstance(b, Table)}
    protocols = tables["各协议流量"].rows
    assert sum(int(str(r[1])) for r in protocols) == 10 and sum(int(str(r[2])) for r in protocols) == total_bytes
    assert ("其他或未识别", 3, 3_000_000) in [r[:3] for r in protocols]
    weak_rows = dict((str(r[0]), r[1]) for r in tables["弱密码算法与协议"].rows)
    assert weak_rows[f"弱密码套件会话: {RC4}"] == 2
    assert weak_rows["SSH 弱算法会话: arcfour"] == 1 and weak_rows["SSH 弱算法会话: diffie-hellman-group1-sha1"] == 1
    assert weak_rows["弱协议版本会话（SSL、TLS 1.0/1.1、SSH-1）"] == 3
    chart = next(b for b in section.blocks if isinstance(b, Chart))
    assert sum(sum(s.values) for s in chart.series) == total_bytes  # the zone's bytes, all of them


def test_a_flows_later_transactions_are_not_counted_as_flows(store: Store, tmp_path: Path) -> None:
    """Review R14b N9: a keep-alive HTTP connection with 3 requests and a DNS flow with 3 queries
    on one 5-tuple, read from a real capture, are 2 flows (1 cleartext: 50 %), not 6 events."""
    ok = b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"
    requests = [f"GET /p{i} HTTP/1.1\r\nHost: w\r\n\r\n".encode() for i in range(3)]
    queries = [frame for i in range(3) for frame in dns("10.6.0.1", f"q{i}.example.com", sport=40000)]
    data = capture(session("10.6.0.1", "10.6.0.80", 80, requests, [ok] * 3), queries)
    (tmp_path / "tx.pcap").write_bytes(data)
    summary = ingest_file(tmp_path / "tx.pcap", parser_id="network.pcap", store=store, data_dir=tmp_path / "state")
    store.refresh()
    assert summary.receipt.created == 6  # 2 flow events and 4 later transaction events
    document = build("situation", store, start=datetime(2026, 11, 21, tzinfo=UTC), end=END, lang="zh",
                     timezone="Asia/Shanghai", now=END)  # the capture's day (tests.rules.test_egov_rules.T0)
    numbers = document.data["network"]
    assert (numbers["flows"], numbers["cleartext_flows"], numbers["cleartext_flow_share"]) == (2, 1, 50.0)


def test_netflow_options_records_are_not_counted_as_flows(store: Store) -> None:
    """An exporter's options record (RFC 3954 6.1: here its sampler's description; ECS
    ``event.type: info``) is no flow: one real v9 datagram with a sampler and one flow is 1 flow."""
    flow = (socket.inet_aton("10.1.0.9") + socket.inet_aton("172.16.0.5")
            + struct.pack("!IIBII", 5_000, 5, 1, 9_000, 4_000))
    datagram = v9(5, flow_set(1, V9_OPTIONS), flow_set(0, V9_DATA),
                  flow_set(300, _v9_sampler(1, 1)), flow_set(256, flow))
    record = RawRecord(data=datagram, origin="udp:127.0.0.1", offset=0, received=START)
    context = ParseContext(timezone=ZoneInfo("Asia/Shanghai"), reference=START)
    events = [replace(e, id=make_id("options", i), timestamp=START + timedelta(hours=1))  # ids are the pipeline's
              for i, e in enumerate(NetflowParser().parse(record, context))]
    assert sorted(tuple(e.get("event.type")) for e in events) == [("connection",), ("info",)]  # type: ignore[arg-type]
    store.write(events)
    store.refresh()
    document = build("situation", store, start=START, end=END, lang="zh", timezone="Asia/Shanghai", now=END)
    assert document.data["network"]["flows"] == 1
