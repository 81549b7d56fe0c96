"""Passive evidence: TLS, SSH and cleartext-service facts already in the event store (Zeek ssl,
ssh and conn logs mapped to ECS, and the TLS/SSH facts flows carry), grouped per server endpoint
(destination address and port) so that checks can link them to the inventory's systems.

The facts read: ``tls.version_protocol``/``tls.version`` and ``tls.cipher``, and the server
certificate's signature algorithm and key (``tls.server.x509.*``: TLS <= 1.2 and TLCP send it in
the clear, so flows hold it); SSH banners and
negotiated algorithms under ``zeek.ssh.*`` or ``ssh.*`` (client, server, cipher_alg, mac_alg,
kex_alg, host_key_alg); ``network.protocol`` / ``zeek.connection.service`` of telnet and FTP;
and personal data that classification found in plain HTTP (``govsoc.classification.findings``
``personal_data_in_cleartext_http``, with the recognizer ids in ``govsoc.classification.tags``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from govsoc.core.event import Event

if TYPE_CHECKING:  # the store package (SQLite, Elasticsearch clients) is imported when traffic is read
    from govsoc.store.base import Store

__all__ = ["PassiveObservation", "observations_from_events", "gather_passive", "CLEARTEXT_SERVICES"]

CLEARTEXT_SERVICES = frozenset({"telnet", "ftp", "ftp-data", "pop3", "imap", "smtp"})
_TLS_NAMES = {("ssl", "2.0"): "SSLv2", ("ssl", "3.0"): "SSLv3", ("tls", "1.0"): "TLSv10", ("tls", "1.1"): "TLSv11",
              ("tls", "1.2"): "TLSv12", ("tls", "1.3"): "TLSv13", ("tlcp", "1.1"): "TLCP"}
#: Leaf-certificate facts of a flow (collectors.flows.metadata, ECS tls.server.x509.*) -> detail names.
_CERTIFICATE_FIELDS = (("signature", "signature_algorithm"), ("key_type", "public_key_algorithm"),
                       ("key_bits", "public_key_size"))
_SSH_KEYS = ("client", "server", "cipher_alg", "mac_alg", "kex_alg", "host_key_alg", "version")


@dataclass(frozen=True, slots=True, kw_only=True)
class PassiveObservation:
    """One kind of traffic seen to one server endpoint, and how often."""

    endpoint: str
    kind: str  # tls, ssh, cleartext, sensitive (personal data in plain HTTP)
    details: tuple[tuple[str, str], ...]
    events: int

    def get(self, key: str) -> str | None:
        """One detail (version, cipher, cipher_alg, service ...)."""
        return dict(self.details).get(key)


def _endpoint(fields: dict[str, Any]) -> str | None:
    ip, port = fields.get("destination.ip"), fields.get("destination.port")
    if ip is None or port is None:
        return None
    ip = ip[0] if isinstance(ip, list) and ip else ip
    return f"[{ip}]:{port}" if ":" in str(ip) else f"{ip}:{port}"


def _facts(fields: dict[str, Any]) -> tuple[str, tuple[tuple[str, str], ...]] | None:
    version = _TLS_NAMES.get((str(fields.get("tls.version_protocol", "")).lower(), str(fields.get("tls.version"))))
    if version or fields.get("tls.cipher"):
        details = {"version": version or fields.get("zeek.ssl.version"), "cipher": fields.get("tls.cipher"),
                   # the leaf certificate TLS <= 1.2 and TLCP send in the clear, as flows record it
                   **{name: fields.get(f"tls.server.x509.{field}") for name, field in _CERTIFICATE_FIELDS}}
        return "tls", tuple(sorted((k, str(v)) for k, v in details.items() if v))
    ssh = {k: fields.get(f"zeek.ssh.{k}", fields.get(f"ssh.{k}")) for k in _SSH_KEYS}
    if any(v is not None for v in ssh.values()):
        return "ssh", tuple(sorted((k, str(v)) for k, v in ssh.items() if v is not None))
    findings = fields.get("govsoc.classification.findings") or []
    if "personal_data_in_cleartext_http" in findings:
        tags = fields.get("govsoc.classification.tags") or []
        return "sensitive", (("data", ",".join(sorted(tags)) or "personal_data"),
                             ("level", str(fields.get("govsoc.classification.level") or "")))
    services = fields.get("zeek.connection.service") or fields.get("network.protocol")
    for service in services if isinstance(services, list) else [services]:
        if isinstance(service, str) and service.lower() in CLEARTEXT_SERVICES:
            return "cleartext", (("service", service.lower()),)
    return None


def observations_from_events(events: Iterable[Event]) -> list[PassiveObservation]:
    """Group events into observations per (endpoint, kind, details)."""
    counts: Counter[tuple[str, str, tuple[tuple[str, str], ...]]] = Counter()
    for event in events:
        fields = dict(event.fields)
        endpoint = _endpoint(fields)
        facts = _facts(fields) if endpoint else None
        if endpoint and facts:
            counts[(endpoint, facts[0], facts[1])] += 1
    return [PassiveObservation(endpoint=e, kind=k, details=d, events=n) for (e, k, d), n in sorted(counts.items())]


def gather_passive(store: Store, endpoints: Sequence[tuple[str, int]], *, start: datetime | None = None,
                   limit: int = 10_000) -> list[PassiveObservation]:
    """Observations for these server endpoints from the store (at most ``limit`` events each)."""
    from govsoc.store.base import Query

    out: list[PassiveObservation] = []
    for host, port in endpoints:
        query = Query(start=start, terms={"destination.ip": (host,), "destination.port": (port,)}, limit=limit)
        out += observations_from_events(store.search(query))
    return out
