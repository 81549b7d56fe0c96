"""Zeek log rows to ECS fields, as Elastic's Zeek integration names them.

Stage: collectors (normalise). Tables, one per log path: a Zeek column -> the ECS field it fills
(reference log-formats.md 14.2-14.4). Columns no table names go to ``zeek.<path>.<column>`` (the
vendor namespace), so nothing a log says is lost. Every row with the connection 4-tuple gets
``network.community_id``.
"""

from __future__ import annotations

import ipaddress
import math
from collections.abc import Callable, Mapping
from typing import Any

from govsoc.collectors.community_id import fields_community_id
from govsoc.collectors.numbers import add_network_totals

#: Columns every log with a connection id has.
CONNECTION: dict[str, str] = {
    "uid": "zeek.session_id", "id.orig_h": "source.ip", "id.orig_p": "source.port",
    "id.resp_h": "destination.ip", "id.resp_p": "destination.port", "community_id": "network.community_id",
}
#: Per log path: column -> ECS field.
FIELDS: dict[str, dict[str, str]] = {
    "conn": {"proto": "network.transport", "duration": "event.duration", "orig_ip_bytes": "source.bytes",
             "resp_ip_bytes": "destination.bytes", "orig_pkts": "source.packets", "resp_pkts": "destination.packets",
             "conn_state": "zeek.connection.state", "history": "zeek.connection.history",
             "orig_bytes": "zeek.connection.orig_bytes", "resp_bytes": "zeek.connection.resp_bytes",
             "missed_bytes": "zeek.connection.missed_bytes", "local_orig": "zeek.connection.local_orig",
             "local_resp": "zeek.connection.local_resp", "tunnel_parents": "zeek.connection.tunnel_parents",
             "ip_proto": "network.iana_number", "orig_l2_addr": "source.mac", "resp_l2_addr": "destination.mac"},
    "dns": {"proto": "network.transport", "trans_id": "dns.id", "query": "dns.question.name",
            "qclass_name": "dns.question.class", "qtype_name": "dns.question.type",
            "rcode_name": "dns.response_code", "rtt": "event.duration", "opcode_name": "dns.op_code"},
    "http": {"method": "http.request.method", "host": "url.domain", "uri": "url.original",
             "referrer": "http.request.referrer", "version": "http.version", "user_agent": "user_agent.original",
             "request_body_len": "http.request.body.bytes", "response_body_len": "http.response.body.bytes",
             "status_code": "http.response.status_code", "username": "url.username"},
    "ssl": {"cipher": "tls.cipher", "curve": "tls.curve", "server_name": "tls.client.server_name",
            "resumed": "tls.resumed", "established": "tls.established", "next_protocol": "tls.next_protocol",
            "subject": "tls.server.subject", "issuer": "tls.server.issuer",
            "client_subject": "tls.client.subject", "client_issuer": "tls.client.issuer"},
    "ssh": {"client": "zeek.ssh.client", "server": "zeek.ssh.server"},
    "x509": {"certificate.version": "file.x509.version_number", "certificate.serial": "file.x509.serial_number",
             "certificate.subject": "file.x509.subject.distinguished_name",
             "certificate.issuer": "file.x509.issuer.distinguished_name",
             "certificate.not_valid_before": "file.x509.not_before",
             "certificate.not_valid_after": "file.x509.not_after",
             "certificate.key_alg": "file.x509.public_key_algorithm",
             "certificate.sig_alg": "file.x509.signature_algorithm",
             "certificate.key_length": "file.x509.public_key_size", "certificate.curve": "file.x509.public_key_curve",
             "certificate.exponent": "file.x509.public_key_exponent", "san.dns": "file.x509.alternative_names"},
    "files": {"mime_type": "file.mime_type", "filename": "file.name", "md5": "file.hash.md5",
              "sha1": "file.hash.sha1", "sha256": "file.hash.sha256", "total_bytes": "file.size"},
}
#: Per log path: event.category and event.type.
CATEGORIES: dict[str, tuple[list[str], list[str]]] = {
    "conn": (["network"], ["connection"]), "dns": (["network"], ["protocol"]),
    "http": (["network", "web"], ["protocol"]),
    "ssl": (["network"], ["protocol"]), "ssh": (["network"], ["protocol"]), "x509": (["network"], ["info"]),
    "files": (["file"], ["info"]), "notice": (["intrusion_detection"], ["info"]), "weird": (["network"], ["info"]),
}
#: conn_state -> event.outcome (reference 14.2).
OUTCOMES: dict[str, str] = {"S0": "failure", "S1": "success", "SF": "success", "REJ": "failure", "S2": "success",
                            "S3": "success", "RSTO": "success", "RSTR": "success", "RSTOS0": "failure",
                            "RSTRH": "unknown", "SH": "failure", "SHR": "unknown", "OTH": "unknown"}
#: (local_orig, local_resp) -> network.direction.
DIRECTIONS: dict[tuple[bool, bool], str] = {(True, True): "internal", (True, False): "outbound",
                                            (False, True): "inbound", (False, False): "external"}
#: Zeek's TLS version names -> (tls.version_protocol, tls.version).
TLS_VERSIONS: dict[str, tuple[str, str]] = {
    "SSLv2": ("ssl", "2.0"), "SSLv3": ("ssl", "3.0"), "TLSv10": ("tls", "1.0"), "TLSv11": ("tls", "1.1"),
    "TLSv12": ("tls", "1.2"), "TLSv13": ("tls", "1.3"), "DTLSv10": ("dtls", "1.0"), "DTLSv12": ("dtls", "1.2"),
    "DTLSv13": ("dtls", "1.3"),
}
_TRANSPORTS = {"tcp", "udp"}


def _conn(row: Mapping[str, Any], out: dict[str, Any]) -> None:
    state = row.get("conn_state")
    if isinstance(state, str) and state in OUTCOMES:
        out["event.outcome"] = OUTCOMES[state]
    service = row.get("service")
    if isinstance(service, str) and service:
        out["network.protocol"] = service.split(",")[0]
        out["zeek.connection.service"] = service.split(",")
    local = (row.get("local_orig"), row.get("local_resp"))
    if all(isinstance(v, bool) for v in local):
        out["network.direction"] = DIRECTIONS[(bool(local[0]), bool(local[1]))]
    add_network_totals(out)


def _dns(row: Mapping[str, Any], out: dict[str, Any]) -> None:
    flags = [flag for flag in ("AA", "TC", "RD", "RA") if row.get(flag) is True]
    if flags:
        out["dns.header_flags"] = flags
    answers = row.get("answers") or []
    ttls = row.get("TTLs") or []
    if answers:
        out["dns.answers"] = [{"data": a, **({"ttl": _ttl(t)} if _ttl(t) is not None else {})}
                              for a, t in zip(answers, list(ttls) + [None] * len(answers), strict=False)]
        resolved = [a for a in answers if _is_ip(a)]
        if resolved:
            out["dns.resolved_ip"] = resolved
    out["dns.type"] = "answer" if "rcode" in row else "query"


def _ttl(value: Any) -> int | None:
    """An answer's TTL in whole seconds (Zeek writes an interval: 3600.0), None when it is no number."""
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        return None
    return int(value)


def _ssl(row: Mapping[str, Any], out: dict[str, Any]) -> None:
    version = row.get("version")
    if isinstance(version, str):
        known = TLS_VERSIONS.get(version)
        if known:
            out["tls.version_protocol"], out["tls.version"] = known
        else:
            out["zeek.ssl.version"] = version


def _ssh(row: Mapping[str, Any], out: dict[str, Any]) -> None:
    success = row.get("auth_success")
    if isinstance(success, bool):
        out["event.outcome"] = "success" if success else "failure"


#: Per log path: what its table cannot say.
EXTRA: dict[str, Callable[[Mapping[str, Any], dict[str, Any]], None]] = {
    "conn": _conn, "dns": _dns, "ssl": _ssl, "ssh": _ssh,
}


def _is_ip(value: object) -> bool:
    try:
        ipaddress.ip_address(str(value))
    except ValueError:
        return False
    return True


def ecs_fields(path: str, row: Mapping[str, Any]) -> dict[str, Any]:
    """The ECS (and ``zeek.*``) fields of one row of the log ``path`` (``ts`` excluded)."""
    table = FIELDS.get(path, {})
    out: dict[str, Any] = {}
    for name, value in row.items():
        if name in ("ts", "_path", "_write_ts"):
            continue
        target = CONNECTION.get(name) or table.get(name) or f"zeek.{path}.{name}"
        if target == "event.duration" and isinstance(value, int | float):
            value = int(round(value * 1e9))
        if target == "network.transport" and isinstance(value, str):
            value = value.lower()
        out[target] = value
    if path in EXTRA:
        EXTRA[path](row, out)
    category, kind = CATEGORIES.get(path, (["network"], ["info"]))
    out["event.category"], out["event.type"] = list(category), list(kind)
    out["event.module"] = "zeek"
    _related_and_community(out)
    return out


def _related_and_community(out: dict[str, Any]) -> None:
    addresses = [out[f] for f in ("source.ip", "destination.ip") if isinstance(out.get(f), str)]
    if addresses:
        out["related.ip"] = sorted(set(addresses))
    transport = out.get("network.transport")
    if "network.community_id" in out or len(addresses) != 2 or transport not in _TRANSPORTS:
        return
    cid = fields_community_id(out, str(transport))
    if cid is not None:
        out["network.community_id"] = cid
