"""A decoded NetFlow/IPFIX record as ECS fields (log-formats.md 16; Elastic's NetFlow
integration for the ``netflow.*`` names).

Stage: collectors. ``source.*``/``destination.*`` from the addresses and ports, ``network.*``
from protocol and counters, ``event.start``/``event.end`` from whichever times the record
carries (absolute IPFIX times; else uptime-relative times against the header's uptime and
export time, with the 32-bit wrap, the end read from the start; else IPFIX's delta
microseconds), ``observer.ip`` the exporter. A flow time over an hour after the message's
export time is kept as read and flagged ``govsoc.flags: time_after_export``; so is a v5/v9 time
past the header's own uptime (by up to an hour: after the export, not 49.7 days before it).
Every element is
also kept under ``netflow.<name>``, enterprise elements included.
When the exporter samples (v5 header, an options record or the record itself), the counters in
``network.*``/``source.*`` are scaled by the rate, ``netflow.sampling_rate`` says by how much and
``netflow.scaled`` is true; ``netflow.octet_delta_count`` and friends keep what was exported. A
record naming a sampler whose options record has not come yet is counted as exported and flagged
``netflow.sampling_rate_unknown`` (the decoder counts it as a ``sampling-unknown`` problem).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import lru_cache
from typing import Any

from govsoc.collectors.community_id import ICMP_PROTOCOLS, PORT_PROTOCOLS, community_id_packed, packed_address
from govsoc.collectors.netflow.decoder import ExportHeader, FlowRecord
from govsoc.core.event import format_timestamp

TRANSPORTS = {1: "icmp", 2: "igmp", 6: "tcp", 17: "udp", 47: "gre", 50: "esp", 58: "ipv6-icmp", 132: "sctp"}
#: element -> ECS field it is copied to as is (besides netflow.<element>).
DIRECT = {
    "source_transport_port": "source.port", "destination_transport_port": "destination.port",
    "bgp_source_as_number": "source.as.number", "bgp_destination_as_number": "destination.as.number",
    "source_mac_address": "source.mac", "destination_mac_address": "destination.mac",
    "post_nat_source_ipv4_address": "source.nat.ip", "post_nat_destination_ipv4_address": "destination.nat.ip",
    "post_nat_source_ipv6_address": "source.nat.ip", "post_nat_destination_ipv6_address": "destination.nat.ip",
    "post_napt_source_transport_port": "source.nat.port",
    "post_napt_destination_transport_port": "destination.nat.port",
}
#: element -> ECS field it is copied to as a string (ECS keyword fields).
AS_TEXT = {"ingress_interface": "observer.ingress.interface.id", "egress_interface": "observer.egress.interface.id",
           "vlan_id": "network.vlan.id"}
WRAP = 1 << 32
#: How far after its message's export time a flow's start read from uptimes may fall (the export
#: time has whole seconds; an exporter's clock and uptime drift apart) and still be read as such,
#: not as a time 2**32 ms earlier; and how far after it any flow time may fall before the record
#: is flagged ``govsoc.flags: time_after_export`` (a flow is exported after it was seen: RFC 7011
#: 3.1 Export Time; review 14c finding 3).
UPTIME_SLACK = timedelta(hours=1)
UPTIME_SLACK_MS = 3_600_000
#: Absolute flow times (IPFIX), which ``flow_times`` prefers to any uptime.
ABSOLUTE = ("flow_start_milliseconds", "flow_start_microseconds", "flow_start_nanoseconds", "flow_start_seconds",
            "flow_end_milliseconds", "flow_end_microseconds", "flow_end_nanoseconds", "flow_end_seconds")
#: The flag of a record with a flow time more than UPTIME_SLACK after its message's export time:
#: stored as read, never moved, and counted as a ``time-after-export`` problem.
AFTER_EXPORT = "time_after_export"
#: IANA numbers of the protocols Community ID hashes with ports.
HASHED = frozenset(PORT_PROTOCOLS.values())
#: IANA numbers of ICMP and ICMPv6, whose type and code Community ID hashes in the ports' places.
ICMP = frozenset(ICMP_PROTOCOLS.values())


def _first(values: dict[str, Any], *names: str) -> Any:
    for name in names:
        value = values.get(name)
        if value is not None:
            return value
    return None


def _since_boot(boot: datetime, uptime_ms: int, export_time: datetime) -> datetime:
    """The time ``uptime_ms`` after the exporter's (re-)initialisation at ``boot``: RFC 7011 /
    IANA flowStartSysUpTime and flowEndSysUpTime (22, 21) are unsigned32 milliseconds, so they
    wrap every 2**32 ms (49.7 days) as v9's do (RFC 3954 5.1). Read modulo 2**32, the time is
    the last one at or before the message's export time (plus UPTIME_SLACK): a router up more
    than 49.7 days, or a flow that began before the exporter did (softflowd replaying a capture
    sends systemInitTimeMilliseconds = its own start, the flows' uptimes negative, wrapped)."""
    at = boot + timedelta(milliseconds=uptime_ms)
    if boot > export_time + UPTIME_SLACK:  # booted after it exported: not a time to read modulo
        return at
    wraps = (export_time + UPTIME_SLACK - at) // timedelta(milliseconds=WRAP)
    return at + wraps * timedelta(milliseconds=WRAP)


def _from_header_uptime(header: ExportHeader, uptime_ms: int) -> datetime:
    """The time of a v5/v9 uptime (FIRST_SWITCHED, LAST_SWITCHED: ms since boot, RFC 3954 5.1)
    against the header's sysUpTime and export time, which name one instant. An uptime past the
    header's by at most UPTIME_SLACK is a time after the export (a flow "ending after its
    export": an exporter stamping flows and headers from different reads of its clock), read
    as such and flagged by ``record_fields``; any other is at or before the export, modulo
    2**32 ms (the 32-bit uptime wraps every 49.7 days; review r14d HIGH 2: an uptime 500 ms past
    the header's was read as 49.7 days before the export)."""
    assert header.uptime_ms is not None
    past = (uptime_ms - header.uptime_ms) % WRAP
    if 0 < past <= UPTIME_SLACK_MS:
        return header.export_time + timedelta(milliseconds=past)
    return header.export_time - timedelta(milliseconds=(header.uptime_ms - uptime_ms) % WRAP)


def _header_relative(record: FlowRecord, system_init: datetime | None) -> bool:
    """Whether ``flow_times`` reads the record's times against its header's uptime (v5, v9):
    then the times and the export time come from one clock, and any time past the export is
    after it, not drift."""
    values = record.values
    return (record.header.uptime_ms is not None and isinstance(values.get("flow_start_sys_up_time"), int)
            and isinstance(values.get("flow_end_sys_up_time"), int)
            and not isinstance(values.get("system_init_time_milliseconds", system_init), datetime)
            and not any(isinstance(values.get(name), datetime) for name in ABSOLUTE))


def flow_times(record: FlowRecord, system_init: datetime | None = None) -> tuple[datetime | None, datetime | None]:
    """The flow's start and end, from the first kind of time the record carries."""
    values, header = record.values, record.header
    start, end = _first(values, *ABSOLUTE[:4]), _first(values, *ABSOLUTE[4:])
    if isinstance(start, datetime) or isinstance(end, datetime):
        return (start if isinstance(start, datetime) else None), (end if isinstance(end, datetime) else None)
    first, last = values.get("flow_start_sys_up_time"), values.get("flow_end_sys_up_time")
    if isinstance(first, int) and isinstance(last, int):
        boot = values.get("system_init_time_milliseconds", system_init)
        # the end is read from the start, not on its own: the flow lasted (last - first) mod 2**32
        # ms, so its end is never before its start (review 14c finding 3: read apart, an end
        # uptime past the export time gave an end 49.7 days before the start)
        lasted = timedelta(milliseconds=(last - first) % WRAP)
        if isinstance(boot, datetime):
            start = _since_boot(boot, first, header.export_time)
            return start, start + lasted
        if header.uptime_ms is not None:
            start = _from_header_uptime(header, first)
            return start, start + lasted
    delta_start, delta_end = values.get("flow_start_delta_microseconds"), values.get("flow_end_delta_microseconds")
    if isinstance(delta_start, int) and isinstance(delta_end, int):
        return (header.export_time - timedelta(microseconds=delta_start),
                header.export_time - timedelta(microseconds=delta_end))
    return None, None


@lru_cache(maxsize=256)
def _header_fields(header: ExportHeader) -> tuple[tuple[str, Any], ...]:
    """The fields every record of one message shares (formatted once per message)."""
    fields: list[tuple[str, Any]] = [
        ("observer.ip", header.exporter.rsplit(":", 1)[0].strip("[]")),
        ("netflow.exporter.address", header.exporter),
        ("netflow.exporter.version", header.version),
        ("netflow.exporter.timestamp", format_timestamp(header.export_time)),
        ("netflow.exporter.observation_domain_id" if header.version == 10 else "netflow.exporter.source_id",
         header.domain),
    ]
    if header.uptime_ms is not None:
        fields.append(("netflow.exporter.uptime_millis", header.uptime_ms))
    return tuple(fields)


class FieldRangeError(Exception):
    """A record's element holds a value outside its type's range: that record cannot be stored."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field


def _netflow_key(name: str) -> str:
    key = _KEYS.get(name)
    if key is None:
        key = _KEYS[name] = "netflow." + name
    return key


#: element name -> its ``netflow.*`` field (built once per name, not per record)
_KEYS: dict[str, str] = {}


def record_fields(record: FlowRecord, system_init: datetime | None = None) -> dict[str, Any]:
    """The ECS fields of one record (flows and options records alike)."""
    values = record.values
    fields: dict[str, Any] = {
        "event.kind": "event" if not record.options else "state",
        "event.category": ["network"],
        "event.type": ["connection"] if not record.options else ["info"],
        "event.module": "netflow",
        "netflow.type": "netflow_options" if record.options else "netflow_flow",
    }
    fields.update(_header_fields(record.header))
    if record.template_id:
        fields["netflow.template_id"] = record.template_id
    for name, value in values.items():
        fields[_netflow_key(name)] = format_timestamp(value) if isinstance(value, datetime) else value
    if record.options:
        return fields
    _endpoints(values, fields)
    _counters(record, fields)
    start, end = flow_times(record, system_init)
    if start is not None:
        fields["event.start"] = format_timestamp(start)
    if end is not None:
        fields["event.end"] = format_timestamp(end)
    if start is not None and end is not None and end >= start:
        fields["event.duration"] = int((end - start).total_seconds() * 1e9)
    # v5/v9 uptimes share the header's clock: any time past the export is after it; IPFIX's
    # absolute times and boot time come from the wall clock, which may drift from the header's
    latest = record.header.export_time
    if (start is not None and start > latest) or (end is not None and end > latest):
        if not _header_relative(record, system_init):  # asked only of the rare time past the export
            latest += UPTIME_SLACK
        if (start is not None and start > latest) or (end is not None and end > latest):
            fields["govsoc.flags"] = [AFTER_EXPORT]
    return fields


def _endpoints(values: dict[str, Any], fields: dict[str, Any]) -> None:
    source = values.get("source_ipv4_address") or values.get("source_ipv6_address")
    destination = values.get("destination_ipv4_address") or values.get("destination_ipv6_address")
    if source is not None:
        fields["source.ip"] = source
    if destination is not None:
        fields["destination.ip"] = destination
    for name, ecs in DIRECT.items():
        if name in values:
            fields[ecs] = values[name]
    for name, ecs in AS_TEXT.items():
        if name in values:
            fields[ecs] = str(values[name])
    protocol = values.get("protocol_identifier")
    if isinstance(protocol, int) and not 0 <= protocol <= 0xFF:
        # a template may give protocolIdentifier more than its unsigned8 (RFC 7012 5.4.1)
        raise FieldRangeError("protocol_identifier", f"{protocol} is not an IP protocol number (0-255)")
    if isinstance(protocol, int):
        _transport(values, protocol, source, destination, fields)
    version = values.get("ip_version")
    if version in (4, 6):
        fields["network.type"] = f"ipv{version}"
    elif isinstance(source, str):
        fields["network.type"] = "ipv6" if ":" in source else "ipv4"
    if isinstance(source, str) and isinstance(destination, str):
        fields["related.ip"] = sorted({source, destination})
    elif isinstance(source, str) or isinstance(destination, str):
        fields["related.ip"] = [source if isinstance(source, str) else destination]


def _transport(values: dict[str, Any], protocol: int, source: Any, destination: Any, fields: dict[str, Any]) -> None:
    """``network.*`` of the record's protocol, ICMP's type and code, and the Community ID v1
    (corelight community-id-spec): ports for TCP/UDP/SCTP, ICMP type and code in their places,
    addresses and protocol alone for GRE, ESP and the other port-less protocols, as for pcap
    flows (collectors.flows.ecs; review r14d: NetFlow ICMP/GRE/ESP flows had none). ICMP and
    port-less flows keep no ``source.port``/``destination.port``: an exporter's ports there are
    zeros or ICMP's type and code (``netflow.*`` keeps what it sent)."""
    fields["network.iana_number"] = str(protocol)
    fields["network.transport"] = TRANSPORTS.get(protocol, str(protocol))
    sport, dport = values.get("source_transport_port"), values.get("destination_transport_port")
    if protocol in ICMP:
        icmp = _icmp(values, protocol)
        sport, dport = icmp if icmp is not None else (None, None)
        if icmp is not None:
            fields["icmp.type"], fields["icmp.code"] = icmp
    if protocol not in HASHED:
        fields.pop("source.port", None)
        fields.pop("destination.port", None)
        if protocol not in ICMP:
            sport = dport = 0  # hashed without ports
    if isinstance(source, str) and isinstance(destination, str) and isinstance(sport, int) \
            and isinstance(dport, int):
        src, dst = packed_address(source), packed_address(destination)
        cid = None if src is None or dst is None else community_id_packed(src, sport, dst, dport, protocol)
        if cid is not None:
            fields["network.community_id"] = cid


def _icmp(values: dict[str, Any], protocol: int) -> tuple[int, int] | None:
    """An ICMP/ICMPv6 flow's type and code: IPFIX icmpType/icmpCode (176-179), else the
    combined type * 256 + code of icmpTypeCodeIPv4/IPv6 (32, 139; v9's ICMP_TYPE), else that
    same value in the destination port, where v5 (which has no other place for it) and many v9
    and IPFIX exporters (Cisco, softflowd) put it; nfdump reads it there too."""
    suffix = "ipv6" if protocol == 58 else "ipv4"
    kind, code = values.get(f"icmp_type_{suffix}"), values.get(f"icmp_code_{suffix}")
    if isinstance(kind, int) and isinstance(code, int):
        return kind & 0xFF, code & 0xFF
    combined = values.get(f"icmp_type_code_{suffix}")
    if not isinstance(combined, int):
        combined = values.get("destination_transport_port")
    if isinstance(combined, int) and 0 <= combined <= 0xFFFF:
        return combined >> 8, combined & 0xFF
    return None


def _counters(record: FlowRecord, fields: dict[str, Any]) -> None:
    values, rate = record.values, record.sampling
    forward_bytes = _first(values, "octet_delta_count", "octet_total_count", "post_octet_delta_count")
    forward_packets = _first(values, "packet_delta_count", "packet_total_count", "post_packet_delta_count")
    reverse_bytes = _first(values, "reverse_octet_delta_count", "reverse_octet_total_count")
    reverse_packets = _first(values, "reverse_packet_delta_count", "reverse_packet_total_count")
    if rate > 1:
        fields["netflow.sampling_rate"] = rate
        fields["netflow.scaled"] = True
    if not record.sampling_known:  # a sampler named before its options record: counts as exported
        fields["netflow.sampling_rate_unknown"] = True
    totals = {"bytes": 0, "packets": 0}
    for side, count, kind in (("source", forward_bytes, "bytes"), ("source", forward_packets, "packets"),
                              ("destination", reverse_bytes, "bytes"), ("destination", reverse_packets, "packets")):
        if isinstance(count, int):
            # a fractional rate (2-in-5 sampling: 2.5) gives the nearest whole estimate
            scaled = count * rate if isinstance(rate, int) else round(count * rate)
            fields[f"{side}.{kind}"] = scaled
            totals[kind] += scaled
    if isinstance(forward_bytes, int):
        fields["network.bytes"] = totals["bytes"]
    if isinstance(forward_packets, int):
        fields["network.packets"] = totals["packets"]
