"""A DNS reply that does not decode (review R14c finding 3): its question name is a compression
pointer to itself (RFC 1035 4.1.4 pointers point to a prior occurrence; tshark: "Name contains a
pointer that loops"). The flow counted it in govsoc.flow.undecoded_messages but said neither
which message nor why; now each reason is kept on the flow with the message's side and number."""

from __future__ import annotations

import json
import struct
from pathlib import Path

from govsoc.collectors.flows.source import PcapFileSource

from .packets import ethernet, ipv4, pcap, udp


def test_an_undecodable_dns_reply_is_explained_on_its_flow(tmp_path: Path) -> None:
    query = (struct.pack("!HHHHHH", 0x1234, 0x0100, 1, 0, 0, 0) + b"\x03www\x07example\x03com\x00"
             + struct.pack("!HH", 1, 1))
    reply = struct.pack("!HHHHHH", 0x1234, 0x8180, 1, 0, 0, 0) + b"\xc0\x0c" + struct.pack("!HH", 1, 1)
    path = tmp_path / "dnsloop.pcap"
    path.write_bytes(pcap([(1.0, ethernet(ipv4("10.0.0.1", "10.0.0.2", 17, udp(5555, 53, query)))),
                           (1.1, ethernet(ipv4("10.0.0.2", "10.0.0.1", 17, udp(53, 5555, reply))))]))
    flows = [json.loads(r.data) for r in PcapFileSource(path).records()]
    (flow,) = [f for f in flows if f.get("network.protocol") == "dns"]
    assert flow["dns.question.name"] == "www.example.com"  # the query still read
    assert flow["govsoc.flow.undecoded_messages"] == 1
    (reason,) = flow["govsoc.flow.undecoded_reasons"]
    assert reason.startswith("DNS datagram 2 of the flow, from the server: ") and "pointer at byte 12" in reason
