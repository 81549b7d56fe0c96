"""HTTP head decoding against real packets: each TCP direction of every HTTP trace in the Zeek
corpus (payloads cut out by tshark) read by our decoder and compared with Zeek's http.log for
that trace, with tshark's own HTTP dissection, hand-made edge cases, and hypothesis."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from govsoc.collectors.protocols.http import HttpError, http_ecs, http_requests, http_responses
from tests.collectors.protocols.tshark import tshark_rows, zeek_text_rows
from tests.conftest import CORPUS

ZEEK = CORPUS / "zeek"


def _directions(trace: Path) -> dict[tuple[str, bool], bytes]:
    """(tcp stream, from client?) -> that direction's bytes in capture order, retransmissions
    left out. The client is the side that sent the stream's first payload."""
    rows = tshark_rows(trace, "tcp.len > 0 && !tcp.analysis.retransmission && !icmp && !icmpv6",
                       ["tcp.stream", "tcp.srcport", "tcp.payload"])
    streams: dict[tuple[str, bool], bytearray] = {}
    first_sender: dict[str, str] = {}
    for row in rows:
        stream, port = row["tcp.stream"][-1], row["tcp.srcport"][-1]
        client = first_sender.setdefault(stream, port) == port
        streams.setdefault((stream, client), bytearray()).extend(bytes.fromhex(row["tcp.payload"][-1]))
    return {key: bytes(value) for key, value in streams.items()}



def _ours(trace: Path) -> list[dict[str, str]]:
    """Our http.log rows: request n of a stream with response n (interim 1xx replies skipped,
    as Zeek reports them as info_code)."""
    rows = []
    directions = _directions(trace)
    for (stream, client), data in directions.items():
        if not client:
            continue
        try:
            requests = http_requests(data)
        except HttpError:
            continue
        try:
            responses = [r for r in http_responses(directions.get((stream, False), b""), [q.method for q in requests])
                         if r.status_code >= 200]
        except HttpError:
            responses = []
        for index, request in enumerate(requests):
            row = {**dict.fromkeys(COLUMNS), **request.zeek()}
            if index < len(responses):  # Zeek's version column is the reply's once one is seen
                row.update(responses[index].zeek())
            elif request.version is None and (stream, False) in directions:
                row.update(status_code=0, status_msg="<empty>")  # an HTTP/0.9 reply: no status line
            row["original_uri"] = request.uri
            rows.append({k: "-" if v is None else str(v) for k, v in row.items()})
    return rows


#: (trace, baseline folder) for every http.log in the corpus; the 261 variants are request
#: smuggling probes Zeek logs with method/host/uri only.
BASELINES = [
    ("http/get.pcap", "core.tcp.reassembly-known-ports"),
    ("tunnels/vxlan-encapsulated-http.pcap", "core.tunnels.analyzer-confirmation"),
    ("tunnels/ayiya3.pcap", "core.tunnels.ayiya"),
    ("tunnels/Teredo.pcap", "core.tunnels.teredo"),
    ("mixed-vlan-mpls.pcap", "core.vlan-mpls"),
    ("http/261/variant-01-chunk_2pow64_overflow.pcap", "scripts.base.protocols.http.261.chunk-2pow64-overflow"),
    ("http/261/variant-10-multi_value_te.pcap", "scripts.base.protocols.http.261.chunked-rest"),
    ("http/261/variant-08-leading_zeros.pcap", "scripts.base.protocols.http.261.cl-leading-zeros"),
    ("http/261/variant-03-cl_negative.pcap", "scripts.base.protocols.http.261.cl-negative"),
    ("http/261/variant-09-te_obs_fold.pcap", "scripts.base.protocols.http.261.obsolete-line-fold"),
    ("http/261/variant-04-te_cl_desync.pcap", "scripts.base.protocols.http.261.te-cl-desync"),
    ("http/concurrent-range-requests.pcap", "scripts.base.protocols.http.concurrent-range-requests"),
    ("http/deeply-nested-mime.pcap", "scripts.base.protocols.http.deeply-nested-mime"),
    ("http/connect-with-smtp.pcap", "scripts.base.protocols.http.http-connect"),
    ("http/no_crlf.pcap", "scripts.base.protocols.http.http-no-crlf"),
    ("http/query-method-non-standard-port.pcap", "scripts.base.protocols.http.query-method-non-standard-port"),
    ("http/http-single-conn-22.pcap", "scripts.base.protocols.ssh.http-port-22"),
]
COLUMNS = ("method", "host", "uri", "referrer", "version", "user_agent", "origin", "status_code", "status_msg")


@pytest.mark.parametrize(("trace", "baseline"), BASELINES, ids=[b for _, b in BASELINES])
def test_agrees_with_zeek_http_log(trace: str, baseline: str) -> None:
    zeek = zeek_text_rows(ZEEK / "baselines" / baseline / "http.log")
    columns = [c for c in COLUMNS if c in zeek[0]]
    theirs = Counter(tuple(row[c] for c in columns) for row in zeek)
    ours = Counter(tuple(row[c] for c in columns) for row in _ours(ZEEK / "traces" / trace))
    assert ours == theirs


@pytest.mark.parametrize("trace", ["wikipedia.pcap", "http/concurrent-range-requests.pcap",
                                   "tunnels/Teredo.pcap", "websocket/wstunnel-ssh.pcap"])
def test_agrees_with_tshark(trace: str) -> None:
    path = ZEEK / "traces" / trace
    theirs = Counter()
    for row in tshark_rows(path, "http.request", ["http.request.method", "http.request.uri", "http.host",
                                                  "http.user_agent"]):
        theirs[(row["http.request.method"][0], row["http.request.uri"][0], (row["http.host"] or ["-"])[0],
                (row["http.user_agent"] or ["-"])[0])] += 1
    ours = Counter((r["method"], r["original_uri"], r["host"], r["user_agent"]) for r in _ours(path))
    assert ours == theirs


def test_pipelined_requests_and_ecs() -> None:
    data = (b"GET /a/b?x=1&y=%20 HTTP/1.1\r\nHost: portal.example.gov.cn:8080\r\nUser-Agent: curl/8.0\r\n"
            b"Content-Length: 3\r\n\r\nabc"
            b"POST /login HTTP/1.1\r\nHost: portal.example.gov.cn\r\nTransfer-Encoding: chunked\r\n\r\n"
            b"3\r\nabc\r\n0\r\n\r\nGET /next HTTP/1.1\r\n\r\n")
    requests = http_requests(data)
    assert [(r.method, r.uri) for r in requests] == [("GET", "/a/b?x=1&y=%20"), ("POST", "/login"), ("GET", "/next")]
    response = http_responses(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n")[0]
    assert http_ecs(requests[0], response) == {
        "http.request.method": "GET", "url.original": "/a/b?x=1&y=%20", "url.path": "/a/b", "url.query": "x=1&y=%20",
        "url.domain": "portal.example.gov.cn", "url.port": 8080, "user_agent.original": "curl/8.0",
        "http.version": "1.1", "http.response.status_code": 404}


def test_responses_to_head_have_no_body_and_connect_opens_a_tunnel() -> None:
    """RFC 9112 6.3 items 1-2: a HEAD response's Content-Length announces the body a GET would
    have had, not bytes that follow; after a 2xx to CONNECT the bytes are the tunnel's."""
    data = (b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n"
            b"HTTP/1.1 404 Not Found\r\nContent-Length: 3\r\n\r\nnot"
            b"HTTP/1.1 200 Connection established\r\n\r\nHTTP/1.1 500 Inside the tunnel\r\n\r\n")
    statuses = [r.status_code for r in http_responses(data, ["HEAD", "GET", "CONNECT"])]
    assert statuses == [100, 200, 404, 200]
    assert [r.status_code for r in http_responses(data, ["GET"])] == [100, 200]  # a GET's 200 has 1000 bytes to come


def test_a_head_cut_by_the_first_packets_still_gives_the_request_line() -> None:
    assert [r.method for r in http_requests(b"GET /x HTTP/1.1\r\nHost: a\r\nUser-Ag")] == ["GET"]


@pytest.mark.parametrize("data", [
    b"\x16\x03\x01\x02\x00\x01",  # a TLS ClientHello, not HTTP
    b"SSH-2.0-OpenSSH_9.2\r\n",  # an SSH banner
    b"",  # nothing
])
def test_not_http_raises_http_error(data: bytes) -> None:
    with pytest.raises(HttpError):
        http_requests(data)
    with pytest.raises(HttpError):
        http_responses(data)


@settings(max_examples=400, deadline=None)
@given(st.binary(max_size=400))
def test_arbitrary_bytes_raise_only_http_error(data: bytes) -> None:
    for decode in (http_requests, http_responses):
        try:
            decode(b"GET / HTTP/1.1\r\nContent-Length: 5\r\n" + data)
            decode(data)
        except HttpError:
            pass
