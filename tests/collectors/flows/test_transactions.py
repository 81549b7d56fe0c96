"""Every DNS query/answer and HTTP request/response of a flow is kept (review R14 F4 HIGH): one
UDP 5-tuple carrying three queries, answered out of order, and one keep-alive HTTP connection
carrying two requests, ingested into a real store: the flow event holds the first transaction
and how many there were, each later one is an event of its own linked by network.community_id
and numbered, with no transport or counters (it is not a flow: connection and volume rules do
not count it)."""

from __future__ import annotations

import io
import struct
from pathlib import Path

import pytest

from govsoc.collectors.flows.assemble import FlowAssembler
from govsoc.collectors.flows.sampling import SAMPLE_DNS_PACKETS, SAMPLE_HTTP_PACKETS

from .packets import ethernet, ipv4, pcap, tcp, udp
from .stored import stored_events

CLIENT, RESOLVER, WEB = "10.6.0.1", "10.6.0.53", "10.6.1.2"
NAMES = ["first.gov.cn", "evil-exfil-aaaa.example.com", "third.gov.cn"]


def _question(name: str) -> bytes:
    return b"".join(bytes([len(x)]) + x.encode() for x in name.split(".")) + b"\x00\x00\x01\x00\x01"


def _dns(ident: int, name: str, *, rcode: int | None = None) -> bytes:
    if rcode is None:
        return struct.pack("!HHHHHH", ident, 0x0100, 1, 0, 0, 0) + _question(name)
    return struct.pack("!HHHHHH", ident, 0x8180 | rcode, 1, 0, 0, 0) + _question(name)


def _capture(path: Path) -> Path:
    frames = [ethernet(ipv4(CLIENT, RESOLVER, 17, udp(33333, 53, _dns(100 + i, name)))) for i, name in enumerate(NAMES)]
    # answers in another order than the queries: paired by id, as Zeek pairs them
    frames += [ethernet(ipv4(RESOLVER, CLIENT, 17, udp(53, 33333, _dns(100 + i, NAMES[i], rcode=3 if i == 1 else 0))))
               for i in (2, 0, 1)]
    client, server = 101, 901
    frames += [ethernet(ipv4(CLIENT, WEB, 6, tcp(41000, 80, 100, 0, "S"))),
               ethernet(ipv4(WEB, CLIENT, 6, tcp(80, 41000, 900, 101, "SA"))),
               ethernet(ipv4(CLIENT, WEB, 6, tcp(41000, 80, 101, 901, "A")))]
    for target, agent, status in (("/index", "ua-1", 200), ("/admin/upload.php?cmd=whoami", "ua-2", 404)):
        request = f"GET {target} HTTP/1.1\r\nHost: a.gov.cn\r\nUser-Agent: {agent}\r\n\r\n".encode()
        frames.append(ethernet(ipv4(CLIENT, WEB, 6, tcp(41000, 80, client, server, "PA", request))))
        client += len(request)
        response = f"HTTP/1.1 {status} X\r\nContent-Length: 2\r\n\r\nok".encode()
        frames.append(ethernet(ipv4(WEB, CLIENT, 6, tcp(80, 41000, server, client, "PA", response))))
        server += len(response)
    path.write_bytes(pcap([(1_700_000_000 + i / 100, frame) for i, frame in enumerate(frames)]))
    return path


def test_every_query_and_request_of_a_flow_is_kept(tmp_path: Path) -> None:
    events = stored_events(_capture(tmp_path / "multi.pcap"))
    flows = [e.fields for e in events if "connection" in e.fields["event.type"]]
    later = [e.fields for e in events if e.fields["event.type"] == ["protocol"]]
    assert len(flows) == 2 and len(later) == 3  # queries 2 and 3, request 2
    dns_flow = next(f for f in flows if f["network.protocol"] == "dns")
    http_flow = next(f for f in flows if f["network.protocol"] == "http")
    assert (dns_flow["govsoc.flow.transactions"], http_flow["govsoc.flow.transactions"]) == (3, 2)
    dns = sorted([dns_flow, *(f for f in later if f["network.protocol"] == "dns")],
                 key=lambda f: f.get("govsoc.flow.transaction", 1))
    assert [(f["dns.question.name"], f["dns.response_code"], f["dns.id"]) for f in dns] == [
        ("first.gov.cn", "NOERROR", 100), ("evil-exfil-aaaa.example.com", "NXDOMAIN", 101),
        ("third.gov.cn", "NOERROR", 102)]
    second = next(f for f in later if f["network.protocol"] == "http")
    assert (http_flow["url.original"], http_flow["user_agent.original"], http_flow["http.response.status_code"]) == (
        "/index", "ua-1", 200)
    assert (second["url.original"], second["user_agent.original"], second["http.response.status_code"],
            second["http.request.method"], second["govsoc.flow.transaction"]) == (
        "/admin/upload.php?cmd=whoami", "ua-2", 404, "GET", 2)
    for event in later:
        flow = dns_flow if event["network.protocol"] == "dns" else http_flow
        assert event["network.community_id"] == flow["network.community_id"]
        assert (event["source.ip"], event["source.port"], event["destination.port"]) == (
            flow["source.ip"], flow["source.port"], flow["destination.port"])
        assert "network.transport" not in event and "source.bytes" not in event and "event.outcome" not in event
        assert "govsoc.flow.later_transactions" not in flow


def _long_sessions(path: Path, queries: int = 60, requests: int = 30) -> Path:
    """Review R14b N1: one UDP socket to the resolver carrying ``queries`` answered queries (a DNS
    tunnel such as iodine or dnscat2 keeps one), and one keep-alive HTTP connection carrying
    ``requests`` small GET/200 exchanges: 2 x ``queries`` datagrams, 2 x ``requests`` segments."""
    frames = []
    for i in range(queries):
        name = f"t{i:04d}.aaaa.tun.example.com"
        frames.append(ethernet(ipv4(CLIENT, RESOLVER, 17, udp(40000, 53, _dns(i & 0xFFFF, name)))))
        frames.append(ethernet(ipv4(RESOLVER, CLIENT, 17, udp(53, 40000, _dns(i & 0xFFFF, name, rcode=0)))))
    client, server = 101, 901
    frames += [ethernet(ipv4(CLIENT, WEB, 6, tcp(41000, 80, 100, 0, "S"))),
               ethernet(ipv4(WEB, CLIENT, 6, tcp(80, 41000, 900, 101, "SA"))),
               ethernet(ipv4(CLIENT, WEB, 6, tcp(41000, 80, 101, 901, "A")))]
    for i in range(requests):
        request = f"GET /q{i:03d} HTTP/1.1\r\nHost: a.gov.cn\r\n\r\n".encode()
        frames.append(ethernet(ipv4(CLIENT, WEB, 6, tcp(41000, 80, client, server, "PA", request))))
        client += len(request)
        response = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"
        frames.append(ethernet(ipv4(WEB, CLIENT, 6, tcp(80, 41000, server, client, "PA", response))))
        server += len(response)
    path.write_bytes(pcap([(1_700_000_000 + i / 100, frame) for i, frame in enumerate(frames)]))
    return path


def test_a_dns_tunnel_and_a_keep_alive_session_on_one_socket_are_read_whole(tmp_path: Path) -> None:
    # DNS over UDP is read to SAMPLE_DNS_PACKETS datagrams (all 60 queries and answers), HTTP to
    # SAMPLE_HTTP_PACKETS packets within SAMPLE_LIMIT bytes (all 30 requests and responses)
    events = [e.fields for e in stored_events(_long_sessions(tmp_path / "long.pcap"))]
    flows = [f for f in events if "connection" in f["event.type"]]
    unread = {f["network.protocol"]: (f["govsoc.flow.transactions"], f.get("govsoc.flow.unread_packets"))
              for f in flows}
    assert unread == {"dns": (60, None), "http": (30, None)}
    names = {f["dns.question.name"] for f in events if f.get("network.protocol") == "dns"}
    assert names == {f"t{i:04d}.aaaa.tun.example.com" for i in range(60)}
    # a flow read whole says nothing of the kind
    short = [e.fields for e in stored_events(_capture(tmp_path / "multi.pcap"))]
    assert not any("govsoc.flow.unread_packets" in f for f in short)


@pytest.mark.parametrize("engine", ["python", "native"])
def test_both_engines_count_the_packets_past_the_sample(engine: str, tmp_path: Path) -> None:
    # 1,100 queries and answers: the DNS flow keeps SAMPLE_DNS_PACKETS (2,048) datagrams and
    # counts the rest; 300 keep-alive requests: the HTTP flow keeps SAMPLE_HTTP_PACKETS (512)
    capture = _long_sessions(tmp_path / "long.pcap", queries=1_100, requests=300).read_bytes()
    flows = FlowAssembler(io.BytesIO(capture), engine=engine).flows()
    assert sorted((flow.proto, len(flow.samples), flow.unsampled) for flow in flows) == [
        (6, SAMPLE_HTTP_PACKETS, 600 - SAMPLE_HTTP_PACKETS), (17, SAMPLE_DNS_PACKETS, 2 * 1_100 - SAMPLE_DNS_PACKETS)]


@pytest.mark.parametrize("engine", ["python", "native"])
def test_a_long_dns_over_tcp_session_is_read_to_the_dns_bound(engine: str) -> None:
    # review R14b N1: DNS over TCP (RFC 7766: length-prefixed messages, many on one connection,
    # as a zone transfer or a tunnel over TCP sends them) was read to SAMPLE_PACKETS (48) packets
    # only, so 24 of 60 queries and answers were read; now to SAMPLE_DNS_PACKETS, as over UDP
    from govsoc.collectors.flows.ecs import flow_fields

    frames = [ethernet(ipv4(CLIENT, RESOLVER, 6, tcp(41053, 53, 100, 0, "S"))),
              ethernet(ipv4(RESOLVER, CLIENT, 6, tcp(53, 41053, 900, 101, "SA"))),
              ethernet(ipv4(CLIENT, RESOLVER, 6, tcp(41053, 53, 101, 901, "A")))]
    client, server = 101, 901
    for i in range(60):
        name = f"t{i:04d}.aaaa.tun.example.com"
        query, answer = _dns(i, name), _dns(i, name, rcode=0)
        query, answer = struct.pack("!H", len(query)) + query, struct.pack("!H", len(answer)) + answer
        frames.append(ethernet(ipv4(CLIENT, RESOLVER, 6, tcp(41053, 53, client, server, "PA", query))))
        client += len(query)
        frames.append(ethernet(ipv4(RESOLVER, CLIENT, 6, tcp(53, 41053, server, client, "PA", answer))))
        server += len(answer)
    capture = pcap([(1_700_000_000 + i / 100, frame) for i, frame in enumerate(frames)])
    (flow,) = list(FlowAssembler(io.BytesIO(capture), engine=engine).flows())
    fields = flow_fields(flow)
    assert (fields["network.protocol"], fields["govsoc.flow.transactions"]) == ("dns", 60)
    assert "govsoc.flow.unread_packets" not in fields
    names = [fields["dns.question.name"]] + [t["dns.question.name"] for t in fields["govsoc.flow.later_transactions"]]
    assert names == [f"t{i:04d}.aaaa.tun.example.com" for i in range(60)]


@pytest.mark.parametrize("engine", ["python", "native"])
def test_a_keep_alive_session_with_large_bodies_is_read_past_the_sample_bytes(engine: str) -> None:
    # review R14b N1, HTTP: each of 8 responses carries a 10,000-byte body (7 segments of at most
    # 1,448 bytes), so the flow's 24 KiB sample filled during the 3rd and the 5 requests after it
    # vanished; past the sample an HTTP flow now keeps the packets that start a message (the
    # bodies not copied), and every request and response is read
    from govsoc.collectors.flows.ecs import flow_fields

    frames = [ethernet(ipv4(CLIENT, WEB, 6, tcp(41080, 80, 100, 0, "S"))),
              ethernet(ipv4(WEB, CLIENT, 6, tcp(80, 41080, 900, 101, "SA"))),
              ethernet(ipv4(CLIENT, WEB, 6, tcp(41080, 80, 101, 901, "A")))]
    client, server = 101, 901
    for i in range(8):
        request = f"GET /report/{i}.pdf HTTP/1.1\r\nHost: a.gov.cn\r\nUser-Agent: ua-{i}\r\n\r\n".encode()
        frames.append(ethernet(ipv4(CLIENT, WEB, 6, tcp(41080, 80, client, server, "PA", request))))
        client += len(request)
        response = f"HTTP/1.1 {200 + i} X\r\nContent-Length: 10000\r\n\r\n".encode() + bytes([65 + i]) * 10_000
        for at in range(0, len(response), 1448):
            segment = response[at:at + 1448]
            frames.append(ethernet(ipv4(WEB, CLIENT, 6, tcp(80, 41080, server, client, "A", segment))))
            server += len(segment)
    capture = pcap([(1_700_000_000 + i / 100, frame) for i, frame in enumerate(frames)])
    (flow,) = list(FlowAssembler(io.BytesIO(capture), engine=engine).flows())
    assert flow.sample_bytes < 24576 + 8 * 1448  # the bodies past the sample are not kept
    fields = flow_fields(flow)
    assert (fields["network.protocol"], fields["govsoc.flow.transactions"]) == ("http", 8)
    read = [fields, *fields["govsoc.flow.later_transactions"]]
    assert [(t["url.original"], t["user_agent.original"], t["http.response.status_code"]) for t in read] == [
        (f"/report/{i}.pdf", f"ua-{i}", 200 + i) for i in range(8)]
