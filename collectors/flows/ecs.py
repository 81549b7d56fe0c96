"""A finished flow as ECS fields (shared/reference/log-formats.md 14.2 and 17): ``source.*`` is
the originator, ``destination.*`` the responder; ``source.bytes``/``destination.bytes`` are IP
bytes (comparable with NetFlow octets) and the payload counts Zeek calls orig_bytes/resp_bytes
are kept as ``govsoc.flow.*``, with Zeek's conn_state and history.

The application protocol and its facts (TLS/TLCP, SSH, DNS, HTTP) come from the first payload
bytes of each direction (collectors.flows.metadata); UDP tunnels and NTP are named by port.

A flow inside VXLAN or Geneve keeps its VNI as ``govsoc.flow.vni`` (the innermost, when tunnels
nest). ECS has no field for it: ``network.vlan.id`` and ``network.inner.vlan.id`` are 802.1Q
tags (12 bits), which a VNI (24 bits, RFC 7348) is not, and Elastic's packetbeat does not decode
VXLAN at all (elastic/beats issues 1283 and 34819); Zeek's conn.log lists the tunnel in
``tunnel_parents`` and gives the VNI only to its vxlan_packet event. The tunnels themselves are
``govsoc.flow.tunnel``: every tunnel the flow's packets came through (kind, outer endpoints and
ports; for GTP-U the TEID, so a bearer's two directions show both ends' TEIDs), which is also
how the flow key tells them apart (collectors.flows.segments). GTP-U TEIDs are repeated as
``govsoc.flow.gtp_teid`` (ECS has no field); 802.1Q tags are ``network.vlan.id`` (the outer) and
``network.inner.vlan.id`` (QinQ's inner, 802.1ad), and a deeper stack is ``govsoc.flow.vlan``.
When the flow's two sides came on different tags (collectors.flows.table.FlowTable), those are
the tags of its first packet, and the other side's VIDs are ``govsoc.flow.vlan_other_side`` (an
empty list: untagged).
"""

from __future__ import annotations

import ipaddress
import re
from typing import Any

from govsoc.collectors.community_id import community_id_packed
from govsoc.collectors.flows.decode import ICMP, ICMP6, TCP, UDP, vnis
from govsoc.collectors.flows.flow import Flow
from govsoc.collectors.flows.metadata import protocol_fields

TRANSPORTS = {TCP: "tcp", UDP: "udp", ICMP: "icmp", ICMP6: "ipv6-icmp", 132: "sctp", 47: "gre", 50: "esp"}
#: conn_state -> event.outcome (log-formats.md 14.2).
OUTCOMES = {"S0": "failure", "REJ": "failure", "RSTOS0": "failure", "SH": "failure", "S1": "success",
            "SF": "success", "S2": "success", "S3": "success", "RSTO": "success", "RSTR": "success"}
#: States in which the connection is over.
ENDED = frozenset({"SF", "REJ", "RSTO", "RSTR", "RSTOS0", "RSTRH", "SH", "SHR"})
#: UDP ports whose flows carry a tunnel or a protocol named by its port alone.
PORT_PROTOCOLS = {4789: "vxlan", 6081: "geneve", 2152: "gtpv1", 3544: "teredo", 5072: "ayiya", 123: "ntp"}
#: The TEID collectors.flows.decode writes at the end of a GTP-U tunnel label.
TEID = re.compile(r"^gtpu .* teid (\d+)$")


def flow_fields(flow: Flow) -> dict[str, Any]:
    """The ECS fields of ``flow`` (without @timestamp, which is its start)."""
    src, dst = str(ipaddress.ip_address(flow.orig_addr)), str(ipaddress.ip_address(flow.resp_addr))
    transport = TRANSPORTS.get(flow.proto, str(flow.proto))
    orig_bytes, resp_bytes = flow.sizes()
    state, history = flow.state_and_history()
    fields: dict[str, Any] = {
        "event.kind": "event",
        "event.category": ["network"],
        "event.type": ["connection", "end"] if state in ENDED else ["connection"],
        "event.start": _iso(flow.start),
        "event.end": _iso(flow.last),
        "event.duration": flow.duration,
        "network.transport": transport,
        "network.iana_number": str(flow.proto),
        "network.type": "ipv4" if len(flow.orig_addr) == 4 else "ipv6",
        "network.packets": flow.orig_packets + flow.resp_packets,
        "network.bytes": flow.orig_ip_bytes + flow.resp_ip_bytes,
        "source.ip": src,
        "source.packets": flow.orig_packets,
        "source.bytes": flow.orig_ip_bytes,
        "destination.ip": dst,
        "destination.packets": flow.resp_packets,
        "destination.bytes": flow.resp_ip_bytes,
        "govsoc.flow.source_payload_bytes": orig_bytes,
        "govsoc.flow.destination_payload_bytes": resp_bytes,
        "govsoc.flow.conn_state": state,
    }
    if flow.proto in (ICMP, ICMP6):
        fields["icmp.type"], fields["icmp.code_or_reply"] = flow.orig_port, flow.resp_port
    elif flow.proto in (TCP, UDP, 132):
        fields["source.port"], fields["destination.port"] = flow.orig_port, flow.resp_port
    # ICMP type/code in the ports' places; port-less protocols (GRE, ESP, ...) by addresses alone
    cid = community_id_packed(flow.orig_addr, flow.orig_port, flow.resp_addr, flow.resp_port, flow.proto)
    if cid is not None:
        fields["network.community_id"] = cid
    if history:
        fields["govsoc.flow.history"] = history
    if state in OUTCOMES:
        fields["event.outcome"] = OUTCOMES[state]
    protocol, facts = protocol_fields(flow)
    if protocol is None and flow.proto == UDP:
        protocol = PORT_PROTOCOLS.get(flow.resp_port)
    if protocol is not None:
        fields["network.protocol"] = protocol
    fields.update(facts)
    if flow.vlan:
        fields["network.vlan.id"] = str(flow.vlan[0])
        if len(flow.vlan) > 1:
            fields["network.inner.vlan.id"] = str(flow.vlan[1])
        if len(flow.vlan) > 2:
            fields["govsoc.flow.vlan"] = list(flow.vlan)
    if flow.rseg >= 0:  # the other side came on other tags (a router between two VLANs): its VIDs
        count = flow.rseg >> 24
        fields["govsoc.flow.vlan_other_side"] = [(flow.rseg >> 12) & 0xFFF, flow.rseg & 0xFFF][:count]
    if flow.tunnel:
        fields["govsoc.flow.tunnel"] = list(flow.tunnel)
        teids = [int(m.group(1)) for m in map(TEID.match, flow.tunnel) if m]
        if teids:
            fields["govsoc.flow.gtp_teid"] = teids
    if flow.vnet:
        fields["govsoc.flow.vni"] = vnis(flow.vnet)[-1]
    return fields


def _iso(ns: int) -> str:
    from datetime import UTC, datetime

    seconds, rest = divmod(ns, 1_000_000_000)
    return datetime.fromtimestamp(seconds, tz=UTC).strftime("%Y-%m-%dT%H:%M:%S") + f".{rest // 1000:06d}Z"
