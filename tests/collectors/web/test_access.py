"""nginx and Apache access logs against real lines: Filebeat's own test inputs (elastic/beats,
Apache-2.0), with the expected values taken from what Elastic's pipeline makes of the same lines
(the ``*.log-expected.json`` beside them) and from the log formats' documentation."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from govsoc.collectors.base import ParseContext, Parser, RawRecord
from govsoc.collectors.pipeline import failure_event
from govsoc.collectors.web import ApacheAccessParser, ApacheErrorParser, NginxAccessParser, NginxErrorParser, access
from govsoc.collectors.web.request import request_fields
from govsoc.core.errors import ParseError

DATA = Path(__file__).parents[2] / "data" / "collectors" / "web"
CONTEXT = ParseContext(timezone=ZoneInfo("Asia/Shanghai"), reference=datetime(2026, 11, 30, tzinfo=UTC))


def events(parser: Parser, name: str) -> list[dict[str, Any]]:
    out = []
    for i, line in enumerate((DATA / name).read_bytes().splitlines()):
        (event,) = parser.parse(RawRecord(data=line, origin=f"file:///{name}", offset=i), CONTEXT)
        out.append({"@timestamp": event.timestamp.astimezone(UTC), "event.dataset": event.dataset, **event.fields})
    return out


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


# (source.address, status, body bytes, url.original, @timestamp): Elastic's expected output for
# filebeat/module/nginx/access/test/test.log, line by line
NGINX_EXPECTED = [
    ("10.0.0.2", 200, 571, "/ocelot", "2016-12-07T10:05:07Z"),        # a private chain: its first address
    ("172.17.0.1", 404, 612, "/stringpatch", "2017-05-29T19:02:48Z"),  # nginx main: X-Forwarded-For "-"
    ("85.181.35.98", 200, 571, "/ocelot", "2016-12-07T10:05:07Z"),    # the first public address of a chain
    ("85.181.35.98", 200, 571, "/ocelot", "2016-12-07T10:05:07Z"),    # plain combined
    ("199.96.1.1", 200, 25507, "/assets/xxxx?q=100", "2016-01-22T13:18:29Z"),  # a quoted CDN chain
    ("2a03:0000:10ff:f00f:0000:0000:0:8000", 404, 8571, "/test.html", "2016-12-30T06:47:09Z"),  # IPv6 first
    ("127.0.0.1", 400, 0, None, "2018-04-12T07:48:40Z"),              # an empty request line
]


def test_nginx_access_agrees_with_elastics_pipeline() -> None:
    got = events(NginxAccessParser(), "nginx_access.log")
    assert [(e["source.address"], e["http.response.status_code"], e["http.response.body.bytes"],
             e.get("url.original"), e["@timestamp"]) for e in got] == [
        (a, s, b, u, utc(t)) for a, s, b, u, t in NGINX_EXPECTED]
    for event in got:
        assert event["event.category"] == ["web"] and event["event.type"] == ["access"]
        assert event["event.outcome"] == ("failure" if event["http.response.status_code"] >= 400 else "success")
        assert event["event.dataset"] == "nginx.access" and event["event.module"] == "nginx"
        assert event["source.address"] in event.get("nginx.access.remote_ip_list", [event["source.address"]])
    assert got[0]["nginx.access.remote_ip_list"] == ["10.0.0.2", "10.0.0.1", "127.0.0.1"]
    assert got[4]["url.path"] == "/assets/xxxx" and got[4]["url.query"] == "q=100"
    assert got[5]["source.ip"] == "2a03:0:10ff:f00f::8000"      # the address, in its canonical form
    assert got[0]["user_agent.original"].endswith("Firefox/49.0")
    assert "http.request.method" not in got[6]


@pytest.mark.parametrize(("line", "expected"), [
    # vhost without a port in front of a private chain
    (0, {"destination.domain": "example.com", "source.address": "10.0.0.2"}),
    # vhost:port, the first public address of the chain
    (3, {"destination.domain": "example.com", "destination.port": 80, "source.address": "81.2.69.143"}),
    # vhost:port then a quoted chain then the connecting address
    (4, {"destination.port": 80, "source.address": "175.16.199.1"}),
    # the virtual host is an address
    (5, {"destination.ip": "1.128.3.4", "source.ip": "2a02:cf40:10ff:f00f::8000"}),
    # a unix-socket client and a request line that is no request
    (7, {"source.address": "unix:", "nginx.access.request_line": "hello", "http.response.status_code": 400}),
    # a client logged by name
    (8, {"destination.ip": "1.128.3.4", "source.address": "localhost"}),
])
def test_nginx_access_with_virtual_hosts(line: int, expected: dict[str, Any]) -> None:
    event = events(NginxAccessParser(), "nginx_access_vhost.log")[line]
    assert {k: event.get(k) for k in expected} == expected


def test_apache_access_common_combined_and_vhost() -> None:
    got = events(ApacheAccessParser(), "apache_access.log")
    assert len(got) == 11
    # common log format, IPv6 loopback client, +0200 time
    assert (got[0]["source.ip"], got[0]["http.response.status_code"], got[0]["http.response.body.bytes"],
            got[0]["@timestamp"]) == ("::1", 404, 209, utc("2016-12-26T14:16:29Z"))
    assert "user_agent.original" not in got[0]
    # a timed-out connection: request "-" and %b "-" (no body) give no request and no size
    assert got[2]["http.response.status_code"] == 408 and "http.response.body.bytes" not in got[2]
    assert "url.original" not in got[2] and "apache.access.request_line" not in got[2]
    # a client logged by name (HostnameLookups On) has no source.ip
    assert got[4]["source.address"] == "monitoring-server" and "source.ip" not in got[4]
    # vhost_combined
    assert (got[6]["destination.domain"], got[6]["source.ip"]) == ("vhost1.domaine.fr", "123.123.123.123")
    assert [e["event.outcome"] for e in got[7:]] == ["success", "success", "failure", "failure"]


@pytest.mark.parametrize(("request_line", "expected"), [
    # origin form with query and extension
    ("GET /zwgk/index.html?id=7 HTTP/1.1", {"http.request.method": "GET", "url.path": "/zwgk/index.html",
                                            "url.query": "id=7", "url.extension": "html", "http.version": "1.1"}),
    # percent-encoded UTF-8 Chinese: url.original keeps it encoded, url.path is decoded
    ("GET /%E6%94%BF%E5%8A%A1 HTTP/1.1", {"url.original": "/%E6%94%BF%E5%8A%A1", "url.path": "/政务"}),
    # percent-encoded GBK (not UTF-8): decoded as GB18030
    ("GET /%D5%FE%CE%F1 HTTP/1.0", {"url.path": "/政务"}),
    # undecodable bytes stay encoded
    ("GET /%FF%FE%FD HTTP/1.1", {"url.path": "/%FF%FE%FD"}),
    # a proxy request in absolute form
    ("CONNECT http://example.org:8443/x HTTP/1.1", {"url.domain": "example.org", "url.port": 8443,
                                                    "url.path": "/x", "url.scheme": "http"}),
    # HTTP/0.9 has no version
    ("GET /", {"http.request.method": "GET", "url.path": "/"}),
    # a TLS ClientHello sent to a plain HTTP port, as nginx escapes it: no request
    (r"\x16\x03\x01\x02\x00\x01\x00\x01\xFC\x03\x03", {"http.request.method": None}),
])
def test_request_lines(request_line: str, expected: dict[str, Any]) -> None:
    fields = request_fields(request_line)
    assert {k: fields.get(k) for k in expected} == expected


@pytest.mark.parametrize("line", [
    # composed edge case: a request line with an escaped quote (Apache writes \")
    r'192.0.2.10 - alice [23/Nov/2026:10:00:00 +0800] "GET /a\"b HTTP/1.1" 200 5 "-" "curl/8.0"',
])
def test_escaped_quotes_stay_inside_the_request(line: str) -> None:
    (event,) = ApacheAccessParser().parse(RawRecord(data=line.encode(), origin="x", offset=0), CONTEXT)
    assert event.get("url.original") == r"/a\"b" and event.get("user.name") == "alice"
    assert event.get("related.user") == ["alice"]


def test_a_repeated_client_and_request_are_read_once(monkeypatch: pytest.MonkeyPatch) -> None:
    # issue 13's benchmark: nginx.access spent 49 us a line, most of it reading again the client
    # part (virtual host, address list) and the request line (url.*) that the next lines repeat
    calls: Counter[str] = Counter()
    def counting(name: str) -> Any:
        real = getattr(access, name)

        def counted(*args: Any) -> Any:
            calls[name] += 1
            return real(*args)
        return counted
    for name in ("_vhost", "request_fields"):
        monkeypatch.setattr(access, name, counting(name))
    parser = NginxAccessParser()
    got = [event for second in range(100) for event in parser.parse(RawRecord(data=(
        f'once.example:8443 10.1.2.3, 81.2.69.143 - bob [23/Nov/2026:10:00:{second % 60:02d} +0800] '
        f'"GET /read-once/index.html?id=3 HTTP/1.1" 200 {second} "-" "curl/8.0"').encode(), origin="x", offset=second),
        CONTEXT)]
    assert calls == {"_vhost": 1, "request_fields": 1}
    assert [e.get("http.response.body.bytes") for e in got] == list(range(100))
    assert {(e.get("source.ip"), e.get("destination.domain"), e.get("destination.port"), e.get("url.path"),
             e.get("user.name")) for e in got} == {
        ("81.2.69.143", "once.example", 8443, "/read-once/index.html", "bob")}
    # each event its own lists: a change to one event's cannot reach the next
    assert got[0].get("related.user") is not got[1].get("related.user")
    assert got[0].get("nginx.access.remote_ip_list") is not got[1].get("nginx.access.remote_ip_list")


@pytest.mark.parametrize("parser", [NginxAccessParser(), ApacheAccessParser(), NginxErrorParser(),
                                    ApacheErrorParser()], ids=lambda p: p.dataset)
@given(prefix=st.sampled_from([b"", b'192.0.2.1 - - [23/Nov/2026:10:00:00 +0800] "GET / HTTP/1.1" ',
                               b"2026/11/23 10:00:00 [error] 1#0: ", b"[Mon Nov 23 10:00:00 2026] [core:error] "]),
       data=st.binary(max_size=200))
def test_arbitrary_bytes_give_events_or_parse_failure_events(parser: Parser, prefix: bytes, data: bytes) -> None:
    record = RawRecord(data=prefix + data, origin="file:///any.log", offset=0)
    try:
        events_ = list(parser.parse(record, CONTEXT))
    except ParseError as e:
        events_ = [failure_event(record, parser, e, CONTEXT)]
        assert events_[0].get("event.kind") == "pipeline_error"
    assert len(events_) == 1
