"""Suricata EVE JSON (collectors.suricata.eve).

Samples: elastic/integrations packages/suricata/data_stream/eve/_dev/test/pipeline/test-eve-small.log
(Elastic License 2.0), unless marked composed.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from govsoc.collectors.base import ParseContext, RawRecord
from govsoc.collectors.detect import detect_lines
from govsoc.collectors.suricata.eve import SuricataEveParser
from govsoc.core.errors import ParseError

CONTEXT = ParseContext(timezone=ZoneInfo("UTC"), reference=datetime(2026, 11, 30, tzinfo=UTC))

ALERT = ('{"timestamp":"2018-07-05T15:07:20.910626-0400","flow_id":904992230150281,"in_iface":"en0","event_type":'
         '"alert","src_ip":"192.168.86.85","src_port":55641,"dest_ip":"192.168.156.70","dest_port":443,"proto":"TCP",'
         '"tx_id":0,"alert":{"action":"allowed","gid":1,"signature_id":2024833,"rev":3,"signature":"ET POLICY '
         'Observed IP Lookup Domain (l2 .io in TLS SNI)","category":"Potential Corporate Privacy Violation",'
         '"severity":1},"tls":{"session_resumed":true,"sni":"l2.io","version":"TLS 1.2"},"app_proto":"tls","flow":'
         '{"pkts_toserver":4,"pkts_toclient":3,"bytes_toserver":793,"bytes_toclient":343,"start":'
         '"2018-07-05T15:07:19.659593-0400"}}')
HTTP = ('{"timestamp":"2018-07-05T15:43:47.690014-0400","flow_id":2115002772430095,"in_iface":"en0","event_type":'
        '"http","src_ip":"192.168.86.85","src_port":56119,"dest_ip":"192.168.86.28","dest_port":63963,"proto":"TCP",'
        '"tx_id":0,"http":{"hostname":"192.168.86.28","url":"\\/dd.xml","http_user_agent":"Mozilla\\/5.0 (Macintosh;'
        ' Intel Mac OS X 10_13_5) AppleWebKit\\/537.36 (KHTML, like Gecko) Chrome\\/67.0.3396.99 Safari\\/537.36",'
        '"http_content_type":"text\\/xml","http_method":"GET","protocol":"HTTP\\/1.1","status":200,"length":1155}}')
DNS_V2 = ('{"timestamp":"2018-07-05T15:51:20.213418-0400","flow_id":1684780223079543,"in_iface":"en0","event_type":'
          '"dns","src_ip":"192.168.86.1","src_port":53,"dest_ip":"192.168.86.85","dest_port":39464,"proto":"UDP",'
          '"dns":{"type":"answer","id":12308,"rcode":"NOERROR","rrname":"clients.l.google.com","rrtype":"A","ttl":299,'
          '"rdata":"175.16.199.1"}}')
TLS = ('{"timestamp":"2018-07-05T15:51:50.666597-0400","flow_id":89751777876473,"in_iface":"en0","event_type":"tls",'
       '"src_ip":"192.168.86.85","src_port":56187,"dest_ip":"89.160.20.112","dest_port":443,"proto":"TCP","tls":'
       '{"subject":"CN=*.icloud.com, OU=management:idms.group.506364, O=Apple Inc., ST=California, C=US","issuerdn":'
       '"CN=Apple IST CA 2 - G1, OU=Certification Authority, O=Apple Inc., C=US","serial":"5C:9C:E1:09:78:87:F8:07",'
       '"fingerprint":"6a:ff:ac:a6:5f:8a:05:e7:a9:8c:76:29:b9:08:c7:69:ad:dc:72:47","sni":"p33-btmmdns.icloud.com.",'
       '"version":"TLS 1.2","notbefore":"2017-02-27T17:54:31","notafter":"2019-03-29T17:54:31"}}')
FLOW = ('{"timestamp":"2018-07-05T15:51:54.001329-0400","flow_id":1828507008887644,"event_type":"flow","src_ip":'
        '"fe80:0000:0000:0000:fada:0cff:fedc:87f1","src_port":546,"dest_ip":"ff02:0000:0000:0000:0000:0000:0001:0002",'
        '"dest_port":547,"proto":"UDP","app_proto":"failed","flow":{"pkts_toserver":1,"pkts_toclient":0,'
        '"bytes_toserver":110,"bytes_toclient":0,"start":"2018-07-05T15:51:23.453468-0400","end":'
        '"2018-07-05T15:51:23.453468-0400","age":0,"state":"new","reason":"timeout","alerted":false}}')
STATS = ('{"timestamp":"2018-07-05T15:51:23.009510-0400","event_type":"stats","stats":{"uptime":5400,"capture":'
         '{"kernel_packets":430313,"kernel_drops":0,"kernel_ifdrops":0}}}')  # cut to its capture counters
# composed: the version 3 DNS layout of Suricata 8 (queries[] instead of rrname), a blocked alert
DNS_V3 = ('{"timestamp":"2025-01-01T00:00:00.000000+0000","event_type":"dns","src_ip":"10.0.0.2","src_port":5353,'
          '"dest_ip":"10.0.0.1","dest_port":53,"proto":"UDP","dns":{"version":3,"type":"request","id":7,"queries":'
          '[{"rrname":"xn--example.cn","rrtype":"TXT"}]}}')
BLOCKED = ('{"timestamp":"2025-01-01T00:00:00+08:00","event_type":"alert","src_ip":"203.0.113.9","src_port":4444,'
           '"dest_ip":"10.1.1.1","dest_port":445,"proto":"6","alert":{"action":"blocked","signature_id":1,'
           '"signature":"x","severity":2}}')


def fields_of(line: str) -> dict[str, Any]:
    (event,) = SuricataEveParser().parse(RawRecord(data=line.encode(), origin="file:///eve.json", offset=0), CONTEXT)
    return {"@timestamp": event.timestamp, **event.fields}


@pytest.mark.parametrize(("line", "expected"), [
    # an IDS alert: kind alert, the signature as the rule, its TLS and flow context in ECS
    (ALERT, {"@timestamp": datetime(2018, 7, 5, 19, 7, 20, 910626, tzinfo=UTC), "event.kind": "alert",
             "event.category": ["network", "intrusion_detection"], "event.type": ["allowed"], "rule.id": "2024833",
             "rule.name": "ET POLICY Observed IP Lookup Domain (l2 .io in TLS SNI)", "event.severity": 1,
             "tls.client.server_name": "l2.io", "tls.version": "1.2", "source.packets": 4, "destination.bytes": 343,
             "network.bytes": 1136, "network.transport": "tcp", "network.protocol": "tls",
             "suricata.eve.flow_id": 904992230150281, "observer.ingress.interface.name": "en0"}),
    # an HTTP transaction
    (HTTP, {"http.request.method": "GET", "url.original": "/dd.xml", "url.domain": "192.168.86.28",
            "http.response.status_code": 200, "http.response.body.bytes": 1155, "http.version": "1.1",
            "event.category": ["network", "web"]}),
    # a version 2 DNS answer: the question and the answer it got
    (DNS_V2, {"dns.question.name": "clients.l.google.com", "dns.question.type": "A", "dns.response_code": "NOERROR",
              "dns.answers": [{"name": "clients.l.google.com", "type": "A", "ttl": 299, "data": "175.16.199.1"}],
              "dns.resolved_ip": ["175.16.199.1"], "dns.id": 12308, "network.transport": "udp"}),
    # a TLS handshake: certificate names and the SHA-1 fingerprint without colons, as ECS writes hashes
    (TLS, {"tls.server.x509.issuer.distinguished_name": "CN=Apple IST CA 2 - G1, OU=Certification Authority, "
                                                         "O=Apple Inc., C=US",
           "tls.server.hash.sha1": "6AFFACA65F8A05E7A98C7629B908C769ADDC7247", "tls.version_protocol": "tls",
           "tls.client.server_name": "p33-btmmdns.icloud.com."}),
    # a flow record: packets and bytes each way, start and end
    (FLOW, {"source.packets": 1, "destination.packets": 0, "source.bytes": 110, "event.type": ["connection", "end"],
            "event.start": "2018-07-05T15:51:23.453468-0400", "suricata.eve.flow.state": "new"}),
    # stats are metrics; the kernel's drop counter is kept
    (STATS, {"event.kind": "metric", "suricata.eve.stats.capture.kernel_drops": 0}),
    (DNS_V3, {"dns.question.name": "xn--example.cn", "dns.question.type": "TXT", "dns.type": "request"}),
    # a numeric proto goes to iana_number; a blocked alert is denied
    (BLOCKED, {"event.type": ["denied"], "network.iana_number": "6", "network.transport": None}),
])
def test_eve_records(line: str, expected: dict[str, Any]) -> None:
    fields = fields_of(line)
    for name, value in expected.items():
        assert fields.get(name) == value, name


def test_community_id_is_computed_when_suricata_did_not_write_it() -> None:
    fields = fields_of(ALERT)
    assert str(fields["network.community_id"]).startswith("1:")


@pytest.mark.parametrize("bad", ['"abc"', '""', '"0x10"', "4000.5", "true"])
def test_a_value_that_is_no_number_keeps_the_record(bad: str) -> None:
    # R58a-6: one port or byte count that is no number failed the whole record's parse ("a defect of
    # govsoc"); it is kept as written (the store flags it) and what needs it as a number is left out
    fields = fields_of(FLOW.replace('"src_port":546', f'"src_port":{bad}').replace('"bytes_toserver":110',
                                                                                      f'"bytes_toserver":{bad}'))
    assert fields["source.port"] == json.loads(bad) and fields["source.bytes"] == json.loads(bad)
    assert fields["destination.port"] == 547 and "network.community_id" not in fields and "network.bytes" not in fields
    assert fields["network.packets"] == 1  # the other total still is


def test_eve_lines_are_recognised() -> None:
    assert detect_lines([ALERT, HTTP, DNS_V2, TLS], "linux.auth") == "suricata.eve"


@pytest.mark.parametrize(("line", "reason"), [
    ('{"event_type": "alert"}', "no event_type and timestamp"),
    ('{"event_type": "alert", "timestamp": "then"}', "is not ISO 8601"),
    ("[]", "where an object was expected"),
])
def test_bad_records_say_why(line: str, reason: str) -> None:
    with pytest.raises(ParseError, match=reason):
        fields_of(line)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200))
def test_arbitrary_text_gives_events_or_parse_errors(line: str) -> None:
    try:
        fields_of(line)
    except ParseError:
        pass
