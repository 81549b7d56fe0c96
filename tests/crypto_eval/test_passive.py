"""Passive evidence from real Zeek logs (shared/corpus: Zeek's own test baselines) stored in a real
SQLite store, linked to inventory systems by address and port, and scored."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from govsoc.collectors.zeek.ecs import ecs_fields
from govsoc.collectors.zeek.tsv import read_log
from govsoc.core.event import Event, make_id
from govsoc.core.inventory import InventoryModel
from govsoc.crypto_eval.evaluate import evaluate_system
from govsoc.crypto_eval.passive import gather_passive
from govsoc.store.sqlite import SqliteStore

LOGS = ("zeek-tls/baselines/scripts.base.protocols.ssl.basic/ssl.log",        # TLSv10, RC4, to 74.125.224.79:443
        "zeek/baselines/scripts.base.protocols.ssh.basic/ssh.log",            # hmac-md5 to 131.159.21.1:22
        "zeek/baselines/scripts.base.protocols.ftp.ftp-ipv6/conn.log")       # FTP to [2001:470:4867:99::21]:21


def _events(corpus: Path) -> list[Event]:
    out = []
    for number, name in enumerate(LOGS):
        for index, row in enumerate(read_log(corpus / name, canonified=True)):
            fields = ecs_fields(row["_path"], row)
            out.append(Event(id=make_id(name, index), timestamp=datetime(2026, 11, 1, number, tzinfo=UTC),
                             dataset=f"zeek.{row['_path']}", fields=fields))
    return out


def test_zeek_logs_become_findings(corpus: Path, tmp_path: Path) -> None:
    with SqliteStore(tmp_path / "events.db") as store:
        store.write(_events(corpus))
        endpoints = [("74.125.224.79", 443), ("131.159.21.1", 22), ("2001:470:4867:99::21", 21)]
        observations = gather_passive(store, endpoints)
    kinds = {(o.endpoint, o.kind) for o in observations}
    assert kinds == {("74.125.224.79:443", "tls"), ("131.159.21.1:22", "ssh"),
                     ("[2001:470:4867:99::21]:21", "cleartext")}
    tls = next(o for o in observations if o.kind == "tls")
    assert tls.get("version") == "TLSv10" and tls.get("cipher") == "TLS_ECDHE_RSA_WITH_RC4_128_SHA"
    model = InventoryModel.model_validate({"systems": [{"name": "外网门户", "level": 3, "endpoints": [
        {"host": "74.125.224.79", "port": 443, "protocol": "https", "kind": "web"},
        {"host": "131.159.21.1", "port": 22, "protocol": "ssh", "kind": "admin"},
        {"host": "2001:470:4867:99::21", "port": 21, "protocol": "ftp", "kind": "admin"}]}]})
    evaluation = evaluate_system(model.systems[0], observations)
    high = {(f.item, f.object, f.factor) for f in evaluation.high_risk}
    assert ("gbt39786.l3.8.2.c", "74.125.224.79:443", "A") in high           # TLS 1.0 and RC4 in use
    assert ("gbt39786.l3.8.3.b", "131.159.21.1:22", "A") in high             # hmac-md5 negotiated
    assert ("gbt39786.l3.8.3.b", "[2001:470:4867:99::21]:21", "D") in high   # FTP administration in the clear
    assert all(f.provenance == "passive" for f in evaluation.findings if f.check == "passive.flows" and f.factor != "K")
    assert evaluation.verdict == "不符合"
    # a handshake seen in traffic shows algorithms, not the server's key signature nor its chain to a
    # declared anchor (crypto_eval.chain): authentication is missing evidence, never ✓ from traffic alone
    auth = [f for f in evaluation.findings if f.item == "gbt39786.l3.8.2.a" and f.object == "74.125.224.79:443"]
    assert [f.factor for f in auth if f.factor in ("D", "MISSING")] == ["MISSING"]
    assert "需主动探测" in next(f.why for f in auth if f.factor == "MISSING")


def test_personal_data_in_plain_http(tmp_path: Path) -> None:
    """An HTTP request carrying a resident ID, tagged by the real classification tagger at ingest,
    is important data sent in the clear: 8.2 c) and 8.4 d) D ✗, high risk."""
    from govsoc.classification.tagging import ClassificationTagger

    fields = {"source.ip": "10.1.1.1", "source.port": 50000, "destination.ip": "10.2.2.2", "destination.port": 80,
              "network.protocol": "http", "url.scheme": "http",
              "url.original": "/query?sfzh=11010519491231002X&name=x"}  # GB 11643 example ID
    fields.update(ClassificationTagger().enrich(fields, "flows"))
    assert "personal_data_in_cleartext_http" in fields["govsoc.classification.findings"]
    with SqliteStore(tmp_path / "events.db") as store:
        store.write([Event(id=make_id("http", 1), timestamp=datetime(2026, 11, 1, tzinfo=UTC), dataset="flows",
                           fields=fields)])
        observations = gather_passive(store, [("10.2.2.2", 80)])
    assert [(o.kind, o.get("data")) for o in observations] == [("sensitive", "cn_resident_id")]
    model = InventoryModel.model_validate({"systems": [{"name": "办事系统", "level": 3, "endpoints": [
        {"host": "10.2.2.2", "port": 80, "protocol": "http", "kind": "web"}]}]})
    evaluation = evaluate_system(model.systems[0], observations)
    high = {(f.item, f.object, f.factor) for f in evaluation.high_risk}
    assert ("gbt39786.l3.8.2.c", "10.2.2.2:80", "D") in high
    assert ("gbt39786.l3.8.4.d", "cn_resident_id", "D") in high


def test_pcap_flows_to_findings(corpus: Path, tmp_path: Path) -> None:
    """A real trace through the whole passive path: pcap → flows (TLS facts by collectors.protocols)
    → store → observation; version and cipher as Zeek's own ssl.log for the trace says."""
    from govsoc.collectors.pipeline import ingest_file

    trace = corpus / "zeek-tls/traces/tls/tls-conn-with-extensions.pcap"
    (zeek,) = list(read_log(corpus / "zeek-tls/baselines/scripts.base.protocols.ssl.basic/ssl.log", canonified=True))
    with SqliteStore(tmp_path / "events.db") as store:
        ingest_file(trace, parser_id="network.pcap", store=store, data_dir=tmp_path)
        observations = gather_passive(store, [(zeek["id.resp_h"], zeek["id.resp_p"])])
    assert [(o.kind, o.get("version"), o.get("cipher")) for o in observations] == [
        ("tls", zeek["version"], zeek["cipher"])]


def test_the_cleartext_certificate_of_tls12_in_flows_feeds_a(corpus: Path, tmp_path: Path) -> None:
    # review R16 finding 11: TLS <= 1.2 sends the server's certificate in the clear and flows record
    # it, yet only version and suite were read. A real capture (Zeek's tls1.2.pcap: RC4-MD5, a leaf
    # signed sha1WithRSAEncryption) ingested by govsoc's flow parser into a real SQLite store
    from govsoc.collectors import IngestOptions, Pipeline

    with SqliteStore(tmp_path / "events.db") as store:
        Pipeline(store, data_dir=tmp_path / "data").ingest_file(
            corpus / "zeek-tls/traces/tls/tls1.2.pcap", IngestOptions(parser="network.pcap"))
        observations = gather_passive(store, [("68.233.76.12", 443)])
    (tls,) = [o for o in observations if o.kind == "tls"]
    assert (tls.get("signature"), tls.get("key_type"), tls.get("key_bits")) == ("sha1WithRSAEncryption", "rsa", "2048")
    model = InventoryModel.model_validate({"systems": [{"name": "门户", "level": 3, "endpoints": [
        {"host": "68.233.76.12", "port": 443, "protocol": "https", "kind": "web"}]}]})
    evaluation = evaluate_system(model.systems[0], observations)
    (a,) = [f for f in evaluation.findings if f.item == "gbt39786.l3.8.2.c" and f.factor == "A"]
    assert "SHA-1 证书签名" in a.why and "RSA-2048" in a.why and "TLS_RSA_WITH_RC4_128_MD5" in a.why, a.why
