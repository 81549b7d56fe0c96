"""DNS decoding against real packets: tshark's dissection of every DNS packet in the Zeek
corpus, Zeek's own dns.log for the traces that have one, hand-made hostile messages, and
hypothesis (arbitrary bytes raise only DnsError)."""

from __future__ import annotations

import struct
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from govsoc.collectors.protocols.dns import DnsError, DnsMessage, dns_ecs, dns_messages, dns_zeek, parse_dns
from tests.collectors.protocols.tshark import tshark_rows, zeek_text_rows
from tests.conftest import CORPUS

ZEEK = CORPUS / "zeek"
#: Traces of the Zeek corpus that hold DNS packets (tshark -Y dns finds some in each).
DNS_TRACES = ["wikipedia.pcap", "wlanmon.pcap", "pcapng-multi-interface.pcapng", "tunnels/gre-pptp.pcap",
              "tunnels/gtp/gtp3_false_gtp.pcap", "tunnels/Teredo.pcap", "tunnels/gre-sample.pcap"]
FIELDS = ["frame.number", "udp.payload", "dns.id", "dns.flags.response", "dns.flags.rcode", "dns.qry.name",
          "dns.qry.type", "dns.count.answers", "dns.a", "dns.aaaa", "dns.cname", "dns.resp.ttl", "dns.resp.type",
          "_ws.malformed"]


def _udp_dns(trace: Path) -> list[tuple[dict[str, list[str]], DnsMessage]]:
    rows = tshark_rows(trace, "dns && udp && !icmp && !icmpv6 && !_ws.malformed", FIELDS)
    assert rows, f"tshark found no DNS in {trace}"
    # the innermost UDP payload is the DNS message (tunnels carry UDP in UDP)
    return [(row, parse_dns(bytes.fromhex(row["udp.payload"][-1]))) for row in rows]


@pytest.mark.parametrize("name", DNS_TRACES)
def test_agrees_with_tshark(name: str) -> None:
    for row, message in _udp_dns(ZEEK / "traces" / name):
        where = f"{name} frame {row['frame.number'][0]}"
        assert message.id == int(row["dns.id"][0], 16), where
        assert message.response == (row["dns.flags.response"][0] in ("1", "True")), where
        if row["dns.qry.name"]:
            assert message.query == (row["dns.qry.name"][0] or "<root>"), where
            assert message.qtype == int(row["dns.qry.type"][0]), where
        if message.response:
            assert message.rcode == int(row["dns.flags.rcode"][0]), where
        answers = int(row["dns.count.answers"][0])
        assert len(message.answers) == answers, where
        # tshark lists every section's records; the answer section comes first
        assert [a.ttl for a in message.answers] == [int(t) for t in row["dns.resp.ttl"][:answers]], where
        assert [str(a.type) for a in message.answers] == row["dns.resp.type"][:answers], where
        for kind, field in ((1, "dns.a"), (28, "dns.aaaa"), (5, "dns.cname")):
            ours = [a.data for a in message.answers if a.type == kind]
            assert ours == row[field][:len(ours)], where



def _zeek_view(query: DnsMessage, reply: DnsMessage | None) -> dict[str, str]:
    """Our transaction in dns.log's text form (booleans T/F, '-' unset)."""
    merged = dns_zeek(query, reply)
    out = {}
    for key in ("trans_id", "query", "qclass", "qclass_name", "qtype", "qtype_name", "rcode", "rcode_name", "AA",
                "TC", "RD", "RA", "Z", "opcode", "opcode_name"):
        value = merged[key]
        out[key] = "-" if value is None else ("T" if value is True else "F" if value is False else str(value))
    return out


@pytest.mark.parametrize(("trace", "baseline"), [
    ("tunnels/gre-pptp.pcap", "core.tunnels.gre-pptp"),  # a query and its NXDOMAIN reply, in GRE
    ("tunnels/gre-sample.pcap", "core.tunnels.gre"),  # ANY queries, no reply
    ("tunnels/gtp/gtp3_false_gtp.pcap", "core.tunnels.gtp.false_gtp"),  # on the GTP-U port, not GTP
])
def test_agrees_with_zeek_dns_log(trace: str, baseline: str) -> None:
    messages = [m for _, m in _udp_dns(ZEEK / "traces" / trace)]
    replies = {(m.id, m.query): m for m in messages if m.response}
    ours = [_zeek_view(m, replies.get((m.id, m.query))) for m in messages if not m.response]
    zeek = [{k: row[k] for k in ours[0]} for row in zeek_text_rows(ZEEK / "baselines" / baseline / "dns.log")]
    assert ours == zeek


def _message(question: bytes, answers: bytes = b"", ancount: int = 0, flags: int = 0x8180) -> bytes:
    return struct.pack("!HHHHHH", 0x1234, flags, 1, ancount, 0, 0) + question + answers


QUESTION = b"\x03www\x07example\x03com\x00\x00\x01\x00\x01"


def _question(name: str) -> bytes:
    """The question section asking for the A record of ``name``."""
    labels = [label for label in name.split(".") if label]
    return b"".join(bytes([len(x)]) + x.encode() for x in labels) + b"\x00\x00\x01\x00\x01"


def test_compressed_answers_and_ecs() -> None:
    # RFC 1035 4.1.4: c00c points at the question's name (offset 12), c02d at "cdn" in the CNAME data
    cname = b"\xc0\x0c\x00\x05\x00\x01\x00\x00\x0e\x10\x00\x06\x03cdn\xc0\x10"
    a = b"\xc0\x2d\x00\x01\x00\x01\x00\x00\x00\x3c\x00\x04\xc0\x00\x02\x01"
    message = parse_dns(_message(QUESTION, cname + a, 2))
    assert [(x.name, x.type_name, x.ttl, x.data) for x in message.answers] == [
        ("www.example.com", "CNAME", 3600, "cdn.example.com"), ("cdn.example.com", "A", 60, "192.0.2.1")]
    fields = dns_ecs(None, message)
    assert fields["dns.question.name"] == "www.example.com"
    assert fields["dns.resolved_ip"] == ["192.0.2.1"]
    assert fields["dns.header_flags"] == ["RD", "RA"]
    assert fields["dns.response_code"] == "NOERROR"


def test_tcp_length_prefix_and_a_cut_second_message() -> None:
    one = _message(QUESTION, flags=0x0100)
    stream = struct.pack("!H", len(one)) + one + struct.pack("!H", len(one)) + one
    assert len(dns_messages(stream, "tcp")) == 2
    assert len(dns_messages(stream[:-3], "tcp")) == 1  # the second is cut: left out
    with pytest.raises(DnsError):
        dns_messages(stream[:10], "tcp")


@pytest.mark.parametrize("data", [
    _message(b"\xc0\x0c\x00\x01\x00\x01"),  # a pointer to itself (a loop)
    _message(b"\xc0\x20\x00\x01\x00\x01"),  # a pointer forward
    _message(b"\x03www\x07exa"),  # a label cut by the end
    _message(QUESTION, b"\xc0\x0c\x00\x01\x00\x01\x00\x00\x00\x3c\xff\xff", 1),  # rdlength past the end
    _message(b"\x3f" + b"a" * 63 + b"\x3f" + b"a" * 63 + b"\x3f" + b"a" * 63 + b"\x3f" + b"a" * 63 + b"\x00\x00\x01"
             + b"\x00\x01"),  # a name over 255 bytes
    b"\x12\x34\x01",  # shorter than the header
    _message(b"\x80abc"),  # label type 10 (reserved)
])
def test_hostile_messages_raise_dns_error(data: bytes) -> None:
    with pytest.raises(DnsError):
        parse_dns(data)


@settings(max_examples=400, deadline=None)
@given(st.binary(max_size=600), st.sampled_from(["udp", "tcp"]))
def test_arbitrary_bytes_raise_only_dns_error(data: bytes, transport: str) -> None:
    try:
        dns_messages(data, transport)  # type: ignore[arg-type]
    except DnsError:
        pass


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=300))
def test_mutated_real_message_raises_only_dns_error(tail: bytes) -> None:
    # a real header and question with arbitrary answers behind it reach the record decoders
    try:
        parse_dns(_message(QUESTION, tail, 3))
    except DnsError:
        pass


@pytest.mark.parametrize(("name", "expected"), [
    # ECS's own example: www.example.com registers example.com under the suffix com
    ("www.example.com", ("example.com", "www", "com")),
    # gov.cn is a public suffix of two labels (PSL): the agency's domain is the third label
    ("a.b.zwfw.example.gov.cn", ("example.gov.cn", "a.b.zwfw", "gov.cn")),
    # a provincial .cn suffix (PSL: zj.cn)
    ("www.hz.zj.cn", ("hz.zj.cn", "www", "zj.cn")),
    # the registered domain itself has no subdomain
    ("example.com.", ("example.com", None, "com")),
])
def test_registered_domain_and_subdomain(name: str, expected: tuple[str, str | None, str]) -> None:
    fields = dns_ecs(parse_dns(_message(_question(name))), None)
    found = tuple(fields.get(f"dns.question.{k}") for k in ("registered_domain", "subdomain", "top_level_domain"))
    assert found == expected
    assert fields["govsoc.dns.longest_label"] == max(len(label) for label in name.split("."))
    # a single label (a search-list name) registers nothing
    assert "dns.question.registered_domain" not in dns_ecs(parse_dns(_message(_question("intranet"))), None)
