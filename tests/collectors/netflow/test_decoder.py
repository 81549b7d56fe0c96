"""The NetFlow v5/v9/IPFIX decoder on messages built here byte by byte from RFC 3954 and RFC
7011 (each case is a rule of the RFCs, or one of the failures log-formats.md 16.4 measured in
scapy's decoder), hostile messages, and hypothesis: arbitrary bytes, and real messages with
arbitrary bytes in them, raise nothing but NetflowError and are otherwise reported."""

from __future__ import annotations

import struct
from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from govsoc.collectors.netflow import NetflowDecoder, NetflowError
from govsoc.collectors.netflow.ecs import record_fields
from govsoc.collectors.netflow.parser import NetflowParser

EXPORT = 1_700_000_000  # 2023-11-14T22:13:20Z
A, B = "192.0.2.1:4739", "192.0.2.2:4739"


def ipfix(domain: int, *sets: bytes, sequence: int = 0) -> bytes:
    body = b"".join(sets)
    return struct.pack("!HHIII", 10, 16 + len(body), EXPORT, sequence, domain) + body


def v9(source_id: int, *sets: bytes, uptime: int = 10_000) -> bytes:
    return struct.pack("!HHIIII", 9, len(sets), uptime, EXPORT, 1, source_id) + b"".join(sets)


def flow_set(set_id: int, body: bytes, pad_to: int = 4) -> bytes:
    padding = b"\0" * (-(len(body) + 4) % pad_to)
    return struct.pack("!HH", set_id, len(body) + 4 + len(padding)) + body + padding


def template(template_id: int, *fields: tuple[int, int] | tuple[int, int, int]) -> bytes:
    out = struct.pack("!HH", template_id, len(fields))
    for spec in fields:
        if len(spec) == 3:
            out += struct.pack("!HHI", spec[0] | 0x8000, spec[1], spec[2])
        else:
            out += struct.pack("!HH", *spec)
    return out


#: sourceIPv4Address, destinationIPv4Address, sourceTransportPort, destinationTransportPort,
#: protocolIdentifier, octetDeltaCount (8), packetDeltaCount (4: reduced size, RFC 7011 6.2)
FIVE_TUPLE = ((8, 4), (12, 4), (7, 2), (11, 2), (4, 1), (1, 8), (2, 4))


def five_tuple(src: str, dst: str, sport: int, dport: int, octets: int, packets: int) -> bytes:
    return (bytes(map(int, src.split("."))) + bytes(map(int, dst.split("."))) +
            struct.pack("!HHBQI", sport, dport, 6, octets, packets))


def test_ipfix_template_then_data_gives_ecs_flows() -> None:
    decoder = NetflowDecoder()
    message = ipfix(1, flow_set(2, template(256, *FIVE_TUPLE, (152, 8), (153, 8))),
                    flow_set(256, five_tuple("10.0.0.1", "10.0.0.2", 40000, 443, 1500, 3)
                             + struct.pack("!QQ", 1_699_999_990_000, 1_699_999_995_500)))
    result = decoder.decode(message, A, now=0)
    assert not result.problems
    fields = record_fields(result.records[0])
    assert fields["source.ip"] == "10.0.0.1" and fields["destination.port"] == 443
    assert (fields["network.bytes"], fields["network.packets"], fields["network.transport"]) == (1500, 3, "tcp")
    assert fields["event.start"] == "2023-11-14T22:13:10.000000Z"
    assert fields["event.end"] == "2023-11-14T22:13:15.500000Z"
    assert fields["event.duration"] == 5_500_000_000
    assert fields["observer.ip"] == "192.0.2.1"
    assert fields["netflow.exporter.observation_domain_id"] == 1
    assert fields["network.community_id"].startswith("1:")


def test_same_template_id_from_two_exporters_and_two_domains_stays_apart() -> None:
    # RFC 7011 8: a template is (session, domain, id); scapy keyed it by id alone and swapped fields
    decoder = NetflowDecoder()
    forward = template(256, (8, 4), (12, 4))
    backward = template(256, (12, 4), (8, 4))
    decoder.decode(ipfix(1, flow_set(2, forward)), A, now=0)
    decoder.decode(ipfix(1, flow_set(2, backward)), B, now=0)
    decoder.decode(ipfix(2, flow_set(2, backward)), A, now=0)
    data = flow_set(256, bytes([10, 0, 0, 1, 10, 0, 0, 2]))
    seen = [decoder.decode(ipfix(domain, data), exporter, now=1).records[0].values["source_ipv4_address"]
            for exporter, domain in ((A, 1), (B, 1), (A, 2))]
    assert seen == ["10.0.0.1", "10.0.0.2", "10.0.0.2"]


def test_variable_length_fields_one_and_three_byte_lengths() -> None:
    # RFC 7011 7: length 65535 in the template; 1-byte length, or 255 + 2-byte length
    decoder = NetflowDecoder()
    long_name = b"x" * 300
    message = ipfix(0, flow_set(2, template(256, (8, 4), (96, 0xFFFF), (12, 4))),
                    flow_set(256, bytes([10, 0, 0, 1]) + b"\x04http" + bytes([10, 0, 0, 2]) + bytes([10, 0, 0, 3])
                             + b"\xff" + struct.pack("!H", 300) + long_name + bytes([10, 0, 0, 4])))
    records = decoder.decode(message, A, now=0).records
    assert [(r.values["source_ipv4_address"], r.values["application_name"], r.values["destination_ipv4_address"])
            for r in records] == [("10.0.0.1", "http", "10.0.0.2"), ("10.0.0.3", "x" * 300, "10.0.0.4")]


def test_options_template_then_template_in_one_message() -> None:
    # scapy computed the options set's padding from the scope fields and ate the next set
    decoder = NetflowDecoder()
    options = struct.pack("!HHH", 300, 2, 1) + struct.pack("!HHHH", 149, 4, 305, 4)  # scope: domain
    message = ipfix(7, flow_set(3, options), flow_set(2, template(256, (8, 4), (12, 4))),
                    flow_set(300, struct.pack("!II", 7, 1)),
                    flow_set(256, bytes([10, 0, 0, 1, 10, 0, 0, 2])))
    result = decoder.decode(message, A, now=0)
    assert not result.problems
    assert [r.options for r in result.records] == [True, False]
    assert result.records[1].values["destination_ipv4_address"] == "10.0.0.2"


def test_enterprise_and_reverse_fields_are_kept() -> None:
    decoder = NetflowDecoder()
    message = ipfix(0, flow_set(2, template(256, (8, 4), (1, 4), (1, 4, 29305), (42, 2, 2011))),
                    flow_set(256, bytes([10, 0, 0, 1]) + struct.pack("!II", 100, 900) + b"\xbe\xef"))
    fields = record_fields(decoder.decode(message, A, now=0).records[0])
    assert fields["netflow.reverse_octet_delta_count"] == 900  # RFC 5103 biflow
    assert fields["destination.bytes"] == 900 and fields["network.bytes"] == 1000
    assert fields["netflow.ie_2011_42"] == "beef"  # Huawei's enterprise number, element 42


def test_data_before_its_template_is_held_then_decoded() -> None:
    decoder = NetflowDecoder()
    data = flow_set(256, bytes([10, 0, 0, 1, 10, 0, 0, 2]))
    assert decoder.decode(ipfix(0, data), A, now=0).records == []
    assert decoder.pending == 1
    result = decoder.decode(ipfix(0, flow_set(2, template(256, (8, 4), (12, 4)))), A, now=1)
    assert [r.values["source_ipv4_address"] for r in result.records] == ["10.0.0.1"]
    assert decoder.pending == 0 and decoder.held == 1


def test_data_that_never_gets_its_template_is_reported() -> None:
    decoder = NetflowDecoder(pending_seconds=30)
    decoder.decode(ipfix(0, flow_set(256, b"\0" * 8)), A, now=0)
    late = decoder.decode(ipfix(0, flow_set(257, b"\0" * 8)), A, now=31)
    assert [p.kind for p in late.problems] == ["no-template"]
    assert "template 256" in str(late.problems[0]) and A in str(late.problems[0])
    assert [p.kind for p in decoder.flush()] == ["no-template"]  # 257, at the end of the run
    assert decoder.problems["no-template"] == 2


def test_withdrawal_refresh_change_and_expiry() -> None:
    decoder = NetflowDecoder(template_lifetime=100)
    learn = ipfix(0, flow_set(2, template(256, (8, 4))), flow_set(2, template(257, (12, 4))))
    decoder.decode(learn, A, now=0)
    decoder.decode(ipfix(0, flow_set(2, struct.pack("!HH", 256, 0))), A, now=1)  # withdraw 256
    assert decoder.templates.get(A, 0, 256, now=1) is None and decoder.templates.get(A, 0, 257, now=1)
    decoder.decode(ipfix(0, flow_set(2, struct.pack("!HH", 2, 0))), A, now=2)  # withdraw all (RFC 7011 8.1)
    assert len(decoder.templates) == 0
    decoder.decode(learn, A, now=3)
    decoder.decode(ipfix(0, flow_set(2, template(256, (8, 4)))), A, now=50)  # refresh: same layout
    decoder.decode(ipfix(0, flow_set(2, template(257, (8, 4)))), A, now=50)  # changed layout
    assert decoder.templates.changed == 1
    assert decoder.templates.get(A, 0, 256, now=140) is not None  # refreshed at 50
    assert decoder.templates.get(A, 0, 256, now=151) is None and decoder.templates.expired == 1


def test_v9_options_sampling_scales_counters_and_says_so() -> None:
    decoder = NetflowDecoder()
    # RFC 3954 6.1: scope length and option length in bytes; scope 1 = system
    options = struct.pack("!HHH", 300, 4, 8) + struct.pack("!HHHHHH", 1, 4, 34, 4, 35, 1)
    tmpl = template(256, (8, 4), (12, 4), (1, 4), (2, 4), (22, 4), (21, 4))
    decoder.decode(v9(5, flow_set(1, options), flow_set(0, tmpl), flow_set(300, struct.pack("!IIB", 0, 100, 1))),
                   A, now=0)
    data = bytes([10, 0, 0, 1, 10, 0, 0, 2]) + struct.pack("!IIII", 40, 2, 4_000, 9_000)
    record = decoder.decode(v9(5, flow_set(256, data), uptime=10_000), A, now=1).records[0]
    fields = record_fields(record)
    assert (fields["network.bytes"], fields["network.packets"]) == (4000, 200)
    assert fields["netflow.octet_delta_count"] == 40 and fields["netflow.sampling_rate"] == 100
    assert fields["netflow.scaled"] is True
    # sysUpTime-relative times (RFC 3954 5.1): export at uptime 10 s
    assert fields["event.start"] == "2023-11-14T22:13:14.000000Z"
    assert fields["event.end"] == "2023-11-14T22:13:19.000000Z"


def v5(count: int, records: int, *, uptime: int = 10_000, sampling: int = 0) -> bytes:
    header = struct.pack("!HHIIIIBBH", 5, count, uptime, EXPORT, 0, 1, 0, 0, sampling)
    record = struct.pack("!4s4s4sHHIIIIHHBBBBHHBBH", bytes([10, 0, 0, 1]), bytes([10, 0, 0, 2]), bytes(4), 1, 2,
                         3, 180, 2_000, 9_000, 1234, 80, 0, 0x1B, 6, 0, 0, 0, 24, 24, 0)
    return header + record * records


def test_v5_records_times_sampling_and_a_short_datagram() -> None:
    decoder = NetflowDecoder()
    fields = record_fields(decoder.decode(v5(1, 1, sampling=0x4000 | 10), A, now=0).records[0])
    assert (fields["source.ip"], fields["source.port"], fields["destination.port"]) == ("10.0.0.1", 1234, 80)
    assert (fields["network.packets"], fields["network.bytes"], fields["netflow.sampling_rate"]) == (30, 1800, 10)
    assert fields["event.start"] == datetime.fromtimestamp(EXPORT - 8, UTC).isoformat()[:19] + ".000000Z"
    short = decoder.decode(v5(3, 2), A, now=0)
    assert len(short.records) == 2 and [p.kind for p in short.problems] == ["v5-count"]


def test_v5_uptime_wrap() -> None:
    # First was taken before the 32-bit millisecond uptime wrapped; the export after it
    decoder = NetflowDecoder()
    data = bytearray(v5(1, 1, uptime=1_000))
    struct.pack_into("!II", data, 24 + 24, 2**32 - 3_000, 500)  # First, Last
    fields = record_fields(decoder.decode(bytes(data), A, now=0).records[0])
    assert fields["event.start"] == datetime.fromtimestamp(EXPORT - 4, UTC).isoformat()[:19] + ".000000Z"
    assert fields["event.end"] == "2023-11-14T22:13:19.500000Z"


@pytest.mark.parametrize(("message", "kind"), [
    (ipfix(0, struct.pack("!HH", 256, 0)), "set-length"),  # a set of length 0: would loop forever
    (ipfix(0, struct.pack("!HH", 256, 400) + b"\0" * 8), "set-length"),  # a set longer than the message
    (ipfix(0, flow_set(2, template(256, (8, 0)))), "set"),  # a template whose records are 0 bytes
    (ipfix(0, flow_set(2, template(12, (8, 4)))), "set"),  # a template id below 256
    (ipfix(0, flow_set(2, struct.pack("!HHHHHH", 256, 3, 8, 4, 12, 4))), "set"),  # 3 fields said, 2 given
    (ipfix(0, flow_set(3, struct.pack("!HHH", 300, 1, 0) + struct.pack("!HH", 1, 4))), "set"),  # no scope
    (ipfix(0, flow_set(77, b"\0" * 4)), "set-id"),  # a reserved set id
    (ipfix(0, flow_set(2, template(256, (96, 0xFFFF))), flow_set(256, b"\xff\x01")), "set"),  # 3-byte length cut
    (ipfix(0, flow_set(2, template(256, (96, 0xFFFF))), flow_set(256, b"\x09abc")), "set"),  # value past its set
    (ipfix(0, flow_set(2, template(256, (8, 4))))[:-2], "message-length"),  # header length over the datagram
    (v9(0, flow_set(0, template(256, (96, 0xFFFF)))), "set"),  # variable length is IPFIX only
])
def test_hostile_messages_are_reported_with_exporter_and_reason(message: bytes, kind: str) -> None:
    decoder = NetflowDecoder()
    result = decoder.decode(message, A, now=0)
    assert kind in [p.kind for p in result.problems]
    assert all(str(p).startswith(A) for p in result.problems)
    assert decoder.problems[kind] >= 1


@pytest.mark.parametrize("datagram", [b"", b"\x00", b"\x00\x07" + b"\0" * 30, b"\x00\x0a\x00", b"\x00\x09" + b"\0" * 5,
                                      b"\x00\x05" + b"\0" * 10])
def test_unreadable_headers_raise_netflow_error(datagram: bytes) -> None:
    with pytest.raises(NetflowError):
        NetflowDecoder().decode(datagram, A, now=0)


def test_parser_reports_problems_as_one_pipeline_error_event() -> None:
    from zoneinfo import ZoneInfo

    from govsoc.collectors.base import ParseContext, RawRecord

    parser = NetflowParser()
    context = ParseContext(timezone=ZoneInfo("UTC"), reference=datetime.now(UTC))
    record = RawRecord(data=ipfix(0, flow_set(2, template(256, (8, 4))), struct.pack("!HH", 256, 0)),
                       origin=f"udp://{A}", offset=0)
    events = list(parser.parse(record, context))
    assert [e.get("event.kind") for e in events] == ["pipeline_error"]
    assert "set 256 at byte" in events[0].get("error.message") and events[0].get("observer.ip") == "192.0.2.1"


#: Real messages the fuzzers below put arbitrary bytes into.
SEEDS = [
    ipfix(0, flow_set(2, template(256, *FIVE_TUPLE, (96, 0xFFFF), (152, 8)))),
    v9(0, flow_set(0, template(256, (8, 4), (12, 4), (1, 4), (22, 4)))),
    ipfix(0, flow_set(3, struct.pack("!HHH", 300, 2, 1) + struct.pack("!HHHH", 149, 4, 305, 4))),
]


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=400))
def test_arbitrary_bytes_raise_only_netflow_error(data: bytes) -> None:
    decoder = NetflowDecoder()
    for version in (b"\x00\x05", b"\x00\x09", b"\x00\x0a", b""):
        try:
            decoder.decode(version + data, A, now=0)
        except NetflowError:
            pass


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(SEEDS), st.binary(max_size=300), st.integers(0, 400), st.binary(max_size=8))
def test_templates_then_arbitrary_sets_raise_only_netflow_error(seed: bytes, body: bytes, cut: int,
                                                               patch: bytes) -> None:
    decoder = NetflowDecoder()
    decoder.decode(seed, A, now=0)
    version = seed[:2]
    for set_id in (256, 300, 2, 3, 0, 1):
        message = ipfix(0, flow_set(set_id, body)) if version == b"\x00\x0a" else v9(0, flow_set(set_id, body))
        damaged = message[:cut] + patch + message[cut + len(patch):]
        for datagram in (message, damaged):
            try:
                result = decoder.decode(datagram, A, now=0)
            except NetflowError:
                continue
            for record in result.records:
                record_fields(record)  # the ECS mapping takes whatever was decoded
