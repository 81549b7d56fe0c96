"""Kernel netfilter LOG lines (iptables, ufw, Ubiquiti EdgeOS) to ECS, as Elastic's iptables
integration. Samples: elastic/integrations packages/iptables/data_stream/log/_dev/test/pipeline/
test-iptables-raw.log (Elastic License 2.0) unless marked composed."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from govsoc.collectors.base import ParseContext, RawRecord
from govsoc.collectors.community_id import community_id
from govsoc.collectors.linux.auth import NETFILTER_DATASET, LinuxAuthParser
from govsoc.collectors.linux.netfilter import normalise_netfilter

CONTEXT = ParseContext(timezone=ZoneInfo("UTC"), reference=datetime(2026, 11, 30, tzinfo=UTC))


@pytest.mark.parametrize(("line", "expected"), [
    # Ubiquiti: the rule set and its verdict (-D: drop) in the prefix, TCP flags, MACs
    ("<161>Oct 10 07:25:12 Hostname kernel: [wan-lan-default-D]IN=eth0 OUT= MAC=90:10:20:76:8d:20:90:10:65:29:b6:2a:"
     "08:00 SRC=67.43.156.15 DST=10.4.0.5 LEN=52 TOS=0x00 PREC=0x00 TTL=63 ID=0 DF PROTO=TCP SPT=38842 DPT=443 "
     "WINDOW=2853 RES=0x00 ACK URGP=0",
     {"event.type": ["connection", "denied"], "source.ip": "67.43.156.15", "source.port": 38842,
      "destination.ip": "10.4.0.5", "destination.port": 443, "network.transport": "tcp", "network.type": "ipv4",
      "observer.ingress.interface.name": "eth0", "observer.egress.interface.name": None,
      "destination.mac": "90-10-20-76-8D-20", "source.mac": "90-10-65-29-B6-2A", "iptables.ether_type": 2048,
      "iptables.tcp.flags": ["ACK"], "iptables.fragment_flags": ["DF"], "iptables.ttl": 63,
      "iptables.ubiquiti.rule_set": "wan-lan", "rule.name": "wan-lan-default-D"}),
    # an iptables rule's own prefix: its verdict word and the action
    ("Jan  8 03:37:09 example-host kernel: iptables DROP_INPUT: IN=eth0 OUT= MAC=90:10:35:5a:1e:3a:90:10:9e:ec:2c:71:"
     "08:00 SRC=81.2.69.143 DST=172.16.54.114 LEN=52 TOS=0x00 PREC=0x00 TTL=115 ID=15743 DF PROTO=TCP SPT=17805 "
     "DPT=445 WINDOW=8192 RES=0x00 SYN URGP=0 ",
     {"event.type": ["connection", "denied"], "event.action": "iptables-drop_input", "destination.port": 445,
      "iptables.tcp.flags": ["SYN"], "iptables.id": 15743}),
    # ip6tables without a prefix, after the kernel's own time; ICMPv6 has no ports and no community id
    ("Jan 22 09:05:05 ubuntu-bionic kernel: [16571.459614] IN= OUT=lo SRC=2a02:cf40:add:4002:91f2:a9b2:e09a:6fc6 "
     "DST=2a02:cf40:add:4002:91f2:a9b2:e09a:6fc6 LEN=104 TC=0 HOPLIMIT=64 FLOWLBL=868225 PROTO=ICMPv6 TYPE=128 CODE=0 "
     "ID=3427 SEQ=1 ",
     {"event.type": ["connection"], "event.action": None, "network.transport": "ipv6-icmp", "network.type": "ipv6",
      "observer.egress.interface.name": "lo", "iptables.icmp.type": 128, "iptables.icmp.id": 3427,
      "iptables.flow_label": 868225}),
    # an uncompressed IPv6 address is normalised
    ("Jan 22 10:52:34 ubuntu-bionic kernel: [  307.757925] IN= OUT=enp0s3 MAC=90:10:12:34:56:78:90:10:aa:bb:cc:dd:86:"
     "dd:ff:ff SRC=fe80:0000:0000:0000:0084:88ff:feae:790a DST=ff02:0000:0000:0000:0000:0000:0000:0016 LEN=96 TC=0 "
     "HOPLIMIT=1 FLOWLBL=0 PROTO=ICMPv6 TYPE=143 CODE=0 MARK=0xd4",
     {"source.ip": "fe80::84:88ff:feae:790a", "destination.ip": "ff02::16", "iptables.mark": "0xd4"}),
    # UDP: the second LEN is the UDP length
    ("Jan  5 20:17:05 MainFirewall kernel: [LAN_LOCAL-default-A]IN=eth0.90 OUT= MAC=90:10:92:6e:ea:a7:90:10:73:ba:d6:"
     "77:08:00:45:fc:02:1c SRC=192.168.48.137 DST=81.2.69.143 LEN=540 TOS=0x1C PREC=0xE0 TTL=64 ID=27223 PROTO=UDP "
     "SPT=48689 DPT=48689 LEN=520 ",
     {"event.type": ["connection", "allowed"], "iptables.length": 540, "iptables.udp.length": 520,
      "network.transport": "udp"}),
    # composed: ufw's prefix, the shape Ubuntu writes for a blocked SSH attempt
    ("Nov 30 03:20:38 gate kernel: [ 8812.004521] [UFW BLOCK] IN=eth0 OUT= MAC=52:54:00:12:34:56:52:54:00:65:43:21:"
     "08:00 SRC=203.0.113.9 DST=192.0.2.10 LEN=60 TOS=0x00 PREC=0x00 TTL=50 ID=4242 DF PROTO=TCP SPT=51234 DPT=22 "
     "WINDOW=64240 RES=0x00 SYN URGP=0",
     {"event.type": ["connection", "denied"], "event.action": "ufw-block", "iptables.prefix": "[UFW BLOCK]",
      "related.ip": ["203.0.113.9", "192.0.2.10"], "destination.port": 22}),
])
def test_netfilter_lines(line: str, expected: dict[str, Any]) -> None:
    (event,) = LinuxAuthParser().parse(RawRecord(data=line.encode(), origin="file:///kern.log", offset=0), CONTEXT)
    assert event.dataset == NETFILTER_DATASET and event.get("event.category") == ["network"]
    # the flow's Community ID (the function is checked against the reference vectors)
    sip, sport, dip, dport = (event.get(f) for f in ("source.ip", "source.port", "destination.ip", "destination.port"))
    wanted = community_id(sip, sport, dip, dport, str(event.get("network.transport"))) if sport is not None else None
    assert event.get("network.community_id") == wanted
    assert {k: event.get(k) for k in expected} == expected


def test_the_community_id_is_the_flows() -> None:
    fields = normalise_netfilter("IN=eth0 OUT= SRC=128.232.110.120 DST=66.35.250.204 LEN=60 PROTO=TCP SPT=34855 "
                                 "DPT=80 SYN")  # composed from the Community ID reference vector
    assert fields is not None
    assert fields["network.community_id"] == community_id("66.35.250.204", 80, "128.232.110.120", 34855, "tcp") \
        == "1:LQU9qZlK+B5F3KDmev6m5PMibrg="


@given(st.lists(st.sampled_from(["IN=eth0", "OUT=", "SRC=1.2.3.4", "DST=::1", "SPT=1", "DPT=99999", "LEN=x",
                                 "PROTO=TCP", "PROTO=", "MAC=aa:bb", "SYN", "[SRC=1", "ID=", "=", "[UFW BLOCK]",
                                 "TYPE=3", "\u00e9=\u00e9"]), max_size=16).map(" ".join))
def test_netfilter_shaped_junk_gives_fields_or_none(message: str) -> None:
    fields = normalise_netfilter(message)
    assert fields is None or fields["event.category"] == ["network"]
