"""Suricata EVE JSON govsoc collects: every record of ``eve.json`` read by the ``suricata.eve``
parser (govsoc.collectors.suricata), which keeps each key under ``suricata.eve.*`` except those
its tables move to ECS (``src_ip`` -> ``source.ip``, ``alert.signature`` -> ``rule.name``,
``dns.rrname`` -> ``dns.question.name`` ...).

SigmaHQ has no Suricata rules and pySigma no Suricata pipeline; the rules written for Suricata
elsewhere name it ``product: suricata`` and, for one record type, ``service: alert`` (or ``dns``,
``http``: EVE's ``event_type``), with EVE's own key names (``alert.signature``, ``src_ip``,
``dest_port``, ``dns.rrname``). govsoc takes both: ``product: suricata`` for every record, and
one row per event type with ``service`` = ``event_type``. A key the parser moved to ECS goes
there (the parser's own tables, so the two cannot drift), every other one under
``suricata.eve.``, dotted ones included (``alert.action``, ``flow.state``). EVE's ``dns``,
``http`` and ``tls`` sections share their names with ECS field sets, so their keys the parser
leaves in place are listed (``http.xff`` is ``suricata.eve.http.xff``, not an ECS name); two
keys the parser rewrites are not the same value under ECS: ``tls.version`` (EVE ``TLS 1.2``, ECS
``1.2``) and ``tls.fingerprint`` (ECS ``tls.server.hash.sha1``, upper-case hex without colons).
"""

from __future__ import annotations

from govsoc.collectors.suricata.eve import COMMON, FIELDS, KINDS, PREFIX
from govsoc.rules.mappings import LogSource

#: Keys of EVE's dns, http and tls sections (Suricata's EVE format documentation) that stay under
#: the prefix: without this list their ECS-looking names would be taken for ECS fields.
SECTION_KEYS: dict[str, tuple[str, ...]] = {
    "dns": ("tx_id", "flags", "qr", "aa", "tc", "rd", "ra", "z", "opcode", "version", "grouped", "queries",
            "authorities", "additionals"),
    "http": ("http_port", "protocol", "redirect", "xff", "request_headers", "response_headers",
             "http_request_body", "http_response_body", "content_range"),
    "tls": ("session_resumed", "ja3.string", "ja3s.string", "certificate", "chain", "from_proto"),
}
#: EVE key -> ECS field (or its place under the prefix), over every record type (a key means the
#: same in each).
EVE_FIELDS: dict[str, str] = {
    **{f"{section}.{key}": f"{PREFIX}{section}.{key}" for section, keys in SECTION_KEYS.items() for key in keys},
    **COMMON, **{key: ecs for table in FIELDS.values() for key, ecs in table.items()},
}
#: event_type values that get a ``service`` row: the types the parser knows, and a few more EVE
#: writes (their keys stay under the prefix).
EVENT_TYPES: tuple[str, ...] = (*KINDS, "smtp", "ftp", "smb", "rdp", "snmp", "krb5", "dhcp")


def _source(service: str | None) -> LogSource:
    condition: dict[str, str | list[str]] = {"event.dataset": "suricata.eve"}
    if service is not None:
        condition[PREFIX + "event_type"] = service
    return LogSource(product="suricata", service=service, condition=condition, collector="suricata.eve",
                     fields=EVE_FIELDS, field_prefix=PREFIX, prefix_dotted=True)


SOURCES: tuple[LogSource, ...] = (_source(None), *(_source(kind) for kind in EVENT_TYPES))
