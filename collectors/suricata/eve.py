"""Suricata EVE JSON (``eve.json``, one record per line): the ``suricata.eve`` parser.

Stage: collectors (parse + normalise), per reference log-formats.md 15 and Elastic's Suricata
integration. Every key of the record is kept under ``suricata.eve.*``; the keys with an ECS
meaning are moved to their ECS field by the tables below (moved, not copied: nothing twice).
Alerts are ``event.kind: alert``; ``stats`` records are metrics (capture loss shows in them).
Both DNS layouts are read: version 2 (``dns.rrname``) and version 3 (``dns.queries[]``).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from govsoc.collectors.base import ParseContext, RawRecord, parsers
from govsoc.collectors.community_id import fields_community_id
from govsoc.collectors.json_records import flat, json_object
from govsoc.collectors.numbers import add_network_totals
from govsoc.core.errors import ParseError
from govsoc.core.event import Event, parse_timestamp

PREFIX = "suricata.eve."
#: EVE key (dotted, as flattened) -> ECS field, for every record type.
COMMON: dict[str, str] = {
    "src_ip": "source.ip", "src_port": "source.port", "dest_ip": "destination.ip", "dest_port": "destination.port",
    "app_proto": "network.protocol", "community_id": "network.community_id",
    "in_iface": "observer.ingress.interface.name",
}
#: Per event_type: EVE key -> ECS field.
FIELDS: dict[str, dict[str, str]] = {
    "alert": {"alert.signature_id": "rule.id", "alert.signature": "rule.name", "alert.category": "rule.category",
              "alert.rev": "rule.version", "alert.severity": "event.severity"},
    "flow": {"flow.pkts_toserver": "source.packets", "flow.pkts_toclient": "destination.packets",
             "flow.bytes_toserver": "source.bytes", "flow.bytes_toclient": "destination.bytes",
             "flow.start": "event.start", "flow.end": "event.end"},
    "http": {"http.hostname": "url.domain", "http.url": "url.original", "http.http_method": "http.request.method",
             "http.http_user_agent": "user_agent.original", "http.status": "http.response.status_code",
             "http.length": "http.response.body.bytes", "http.http_refer": "http.request.referrer",
             "http.http_content_type": "http.response.mime_type"},
    "tls": {"tls.subject": "tls.server.x509.subject.distinguished_name",
            "tls.issuerdn": "tls.server.x509.issuer.distinguished_name", "tls.serial": "tls.server.x509.serial_number",
            "tls.sni": "tls.client.server_name", "tls.notbefore": "tls.server.not_before",
            "tls.notafter": "tls.server.not_after", "tls.ja3.hash": "tls.client.ja3",
            "tls.ja3s.hash": "tls.server.ja3s", "tls.ja4": "tls.client.ja4"},
    "dns": {"dns.id": "dns.id", "dns.rcode": "dns.response_code", "dns.type": "dns.type",
            "dns.rrname": "dns.question.name", "dns.rrtype": "dns.question.type"},
    "fileinfo": {"fileinfo.filename": "file.name", "fileinfo.size": "file.size",
                 "fileinfo.md5": "file.hash.md5", "fileinfo.sha1": "file.hash.sha1",
                 "fileinfo.sha256": "file.hash.sha256"},
}
#: The context of an alert (its http/tls/dns/flow parts) is read with the same tables.
FIELDS["alert"] = {**FIELDS["alert"], **FIELDS["http"], **FIELDS["tls"], **FIELDS["flow"]}
#: Per event_type: (event.kind, event.category, event.type).
KINDS: dict[str, tuple[str, list[str], list[str]]] = {
    "alert": ("alert", ["network", "intrusion_detection"], ["allowed"]),
    "flow": ("event", ["network"], ["connection", "end"]), "netflow": ("event", ["network"], ["connection"]),
    "http": ("event", ["network", "web"], ["access", "protocol"]), "dns": ("event", ["network"], ["protocol"]),
    "tls": ("event", ["network"], ["protocol"]), "ssh": ("event", ["network"], ["protocol"]),
    "fileinfo": ("event", ["file"], ["info"]), "anomaly": ("event", ["network"], ["info"]),
    "stats": ("metric", ["network"], ["info"]),
}
_TLS_VERSIONS = {"SSLv2": ("ssl", "2.0"), "SSLv3": ("ssl", "3.0"), "TLS 1.0": ("tls", "1.0"), "TLS 1.1": ("tls", "1.1"),
                 "TLS 1.2": ("tls", "1.2"), "TLS 1.3": ("tls", "1.3")}
_TRANSPORTS = {"TCP": "tcp", "UDP": "udp", "ICMP": "icmp", "IPV6-ICMP": "ipv6-icmp", "SCTP": "sctp"}


@parsers.register("suricata.eve")
class SuricataEveParser:
    """Suricata's EVE JSON output, every event type."""

    dataset = "suricata.eve"

    def parse(self, record: RawRecord, context: ParseContext) -> Iterator[Event]:
        """One event per line; ParseError when the line is not an EVE record."""
        del context  # EVE timestamps carry their offset
        text = record.text()
        doc = json_object(text)
        kind = doc.get("event_type")
        if not isinstance(kind, str) or "timestamp" not in doc:
            raise ParseError("not a Suricata EVE record (no event_type and timestamp)")
        try:
            when = parse_timestamp(str(doc["timestamp"]))
        except ValueError:
            raise ParseError(f"timestamp {doc['timestamp']!r} is not ISO 8601") from None
        fields = _fields(kind, doc)
        fields["event.original"] = text
        if record.file_path:
            fields["log.file.path"] = record.file_path_text
        yield Event(id=record.event_id(), timestamp=when, dataset=self.dataset, fields=fields)


def _fields(kind: str, doc: dict[str, Any]) -> dict[str, Any]:
    table = {**COMMON, **FIELDS.get(kind, {})}
    out: dict[str, Any] = {}
    for name, value in flat(doc, ""):
        if name == "timestamp":
            continue
        target = table.get(name, PREFIX + name)
        out[target] = str(value) if target in ("rule.id", "rule.version") else value
    event_kind, category, types = KINDS.get(kind, ("event", ["network"], ["info"]))
    out.update({"event.kind": event_kind, "event.category": category, "event.type": list(types),
                "event.module": "suricata", "observer.vendor": "OISF", "observer.product": "Suricata",
                "observer.type": "ids"})
    _transport(doc, out)
    if kind == "alert" and doc.get("alert", {}).get("action") == "blocked":
        out["event.type"] = ["denied"]
    if kind in ("tls", "alert"):
        _tls(out)
    if kind == "dns":
        _dns(doc, out)
    if kind == "http" and isinstance(doc.get("http", {}).get("protocol"), str):
        out["http.version"] = doc["http"]["protocol"].removeprefix("HTTP/")
    add_network_totals(out)
    addresses = sorted({str(out[f]) for f in ("source.ip", "destination.ip") if f in out})
    if addresses:
        out["related.ip"] = addresses
    return out


def _transport(doc: dict[str, Any], out: dict[str, Any]) -> None:
    proto = doc.get("proto")
    if proto is None:
        return
    out.pop(PREFIX + "proto", None)
    if isinstance(proto, int) or str(proto).isdigit():
        out["network.iana_number"] = str(proto)
        return
    out["network.transport"] = _TRANSPORTS.get(str(proto).upper(), str(proto).lower())
    # ICMP needs its type and code in the ports' places: left to Suricata's own community_id
    if ("network.community_id" not in out and {"source.ip", "destination.ip"} <= out.keys()
            and out["network.transport"] not in ("icmp", "ipv6-icmp")):
        cid = fields_community_id(out, out["network.transport"])
        if cid is not None:
            out["network.community_id"] = cid


def _tls(out: dict[str, Any]) -> None:
    version = out.pop(PREFIX + "tls.version", None)
    if version is not None:
        known = _TLS_VERSIONS.get(str(version))
        if known:
            out["tls.version_protocol"], out["tls.version"] = known
        else:
            out[PREFIX + "tls.version"] = version
    fingerprint = out.pop(PREFIX + "tls.fingerprint", None)
    if isinstance(fingerprint, str):
        out["tls.server.hash.sha1"] = fingerprint.replace(":", "").upper()


def _dns(doc: dict[str, Any], out: dict[str, Any]) -> None:
    dns = doc.get("dns", {})
    queries = dns.get("queries")
    if isinstance(queries, list) and queries and isinstance(queries[0], dict):  # EVE DNS version 3
        out.setdefault("dns.question.name", queries[0].get("rrname"))
        out.setdefault("dns.question.type", queries[0].get("rrtype"))
    answers = dns.get("answers")
    if isinstance(answers, list):
        out["dns.answers"] = [_answer(a) for a in answers if isinstance(a, dict)]
    elif "rdata" in dns:  # version 2 answer records, one per line
        out["dns.answers"] = [_answer(dns)]
    if "dns.answers" in out:
        out.pop(PREFIX + "dns.answers", None)
        for key in ("rdata", "ttl"):
            out.pop(PREFIX + "dns." + key, None)
        resolved = [a["data"] for a in out["dns.answers"] if a.get("type") in ("A", "AAAA") and a.get("data")]
        if resolved:
            out["dns.resolved_ip"] = resolved
    for name in [name for name, value in out.items() if value is None]:
        del out[name]


def _answer(record: dict[str, Any]) -> dict[str, Any]:
    """One EVE answer as an ECS dns.answers entry (absent parts left out)."""
    parts = {"name": record.get("rrname"), "type": record.get("rrtype"), "ttl": record.get("ttl"),
             "data": record.get("rdata")}
    return {key: value for key, value in parts.items() if value is not None}
