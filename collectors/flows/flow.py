"""One bidirectional flow of the flow table: its endpoints, per-direction counters, times, TCP state
and payload sample (Zeek's conn.log record, shared/reference/log-formats.md 14.2), the key both
its directions share, and the tunnels its packets came through."""

from __future__ import annotations

from govsoc.collectors.flows.decode import TCP, UDP, Hit
from govsoc.collectors.flows.sampling import SAMPLE_PLAIN
from govsoc.collectors.flows.tcp import TcpConnection


class Flow:
    """One connection: its endpoints, counters per direction, times (ns) and TCP state."""

    __slots__ = ("proto", "orig_addr", "orig_port", "resp_addr", "resp_port", "start", "last", "vlan", "tunnel",
                 "tcp", "orig_packets", "orig_ip_bytes", "orig_payload", "resp_packets", "resp_ip_bytes",
                 "resp_payload", "history", "samples", "sample_count", "sample_bytes", "sample_max", "closed_at",
                 "first_number", "timeout", "vnet", "seg", "rseg", "unsampled")

    def __init__(self, hit: Hit, orig_is_src: bool, ts: int, number: int) -> None:
        self.proto = hit.proto
        if orig_is_src:
            self.orig_addr, self.orig_port, self.resp_addr, self.resp_port = hit.src, hit.sport, hit.dst, hit.dport
        else:
            self.orig_addr, self.orig_port, self.resp_addr, self.resp_port = hit.dst, hit.dport, hit.src, hit.sport
        self.start = self.last = ts
        self.vlan, self.tunnel, self.vnet, self.seg = hit.vlan, hit.tunnel, hit.vnet, hit.seg
        #: the segment word of the other side's packets when they came on other VLAN tags (a
        #: router between two VLANs, FlowTable._paired), else -1
        self.rseg = -1
        self.tcp = TcpConnection() if hit.proto == TCP else None
        flipped = not orig_is_src
        if flipped and self.tcp is not None:
            self.tcp.history.append("^")
        self.orig_packets = self.orig_ip_bytes = self.orig_payload = 0
        self.resp_packets = self.resp_ip_bytes = self.resp_payload = 0
        self.history = "^" if flipped and hit.proto == UDP else ""
        #: (sent by the originator, TCP sequence number or 0, payload bytes) of the first packets
        self.samples: list[tuple[bool, int, bytes]] = []
        self.sample_count = self.sample_bytes = 0
        self.sample_max = SAMPLE_PLAIN
        #: payload packets of a flow worth sampling not kept whole (past SAMPLE_PACKETS or
        #: SAMPLE_LIMIT): the DNS/HTTP transactions they hold are not read (review R14b N1)
        self.unsampled = 0
        self.closed_at = 0
        self.first_number = number
        self.timeout = 0

    @property
    def duration(self) -> int:
        """Nanoseconds from the first packet to the last."""
        return self.last - self.start

    def flip(self) -> None:
        """Swap originator and responder (the TCP endpoints were swapped already)."""
        self.orig_addr, self.orig_port, self.resp_addr, self.resp_port = (self.resp_addr, self.resp_port,
                                                                          self.orig_addr, self.orig_port)
        self.orig_packets, self.resp_packets = self.resp_packets, self.orig_packets
        self.orig_ip_bytes, self.resp_ip_bytes = self.resp_ip_bytes, self.orig_ip_bytes
        self.orig_payload, self.resp_payload = self.resp_payload, self.orig_payload
        self.samples = [(not is_orig, seq, data) for is_orig, seq, data in self.samples]

    def sizes(self) -> tuple[int, int]:
        """Payload bytes (originator, responder): from sequence numbers for TCP."""
        if self.tcp is not None:
            return self.tcp.orig.size(self.tcp.resp), self.tcp.resp.size(self.tcp.orig)
        return self.orig_payload, self.resp_payload

    def state_and_history(self) -> tuple[str, str]:
        """Zeek's conn_state and history."""
        from govsoc.collectors.flows.tcp import conn_state

        if self.tcp is not None:
            history = "".join(self.tcp.history)
            return conn_state(self.tcp.orig, self.tcp.resp, history), history
        if self.proto == UDP:
            o, r = self.orig_packets > 0, self.resp_packets > 0
            return ("SF" if r else "S0") if o else ("SHR" if r else "OTH"), self.history
        return "OTH", self.history


#: Tunnel labels kept per flow (each direction's outer endpoints, ports and TEIDs may differ).
MAX_TUNNELS = 8


def merged_tunnels(kept: tuple[str, ...], seen: tuple[str, ...]) -> tuple[str, ...]:
    """The labels of ``kept`` then those of ``seen`` not in it (at most MAX_TUNNELS): every tunnel
    a flow's packets came through, as Zeek's tunnel_parents lists them, first seen first."""
    new = tuple(label for label in seen if label not in kept)
    return (kept + new)[:MAX_TUNNELS] if new else kept


def flow_key(hit: Hit) -> tuple[int, bytes, int, bytes, int, int]:
    """The same key for both directions of a flow: protocol, endpoints and the segment (VLANs,
    VNIs and their tunnel endpoints, GTP-U bearer), so that overlapping address spaces never
    share a flow."""
    a, b = (hit.src, hit.sport), (hit.dst, hit.dport)
    if a <= b:
        return hit.proto, hit.src, hit.sport, hit.dst, hit.dport, hit.seg
    return hit.proto, hit.dst, hit.dport, hit.src, hit.sport, hit.seg


def flow_key_of(flow: Flow) -> tuple[int, bytes, int, bytes, int, int]:
    """The key ``flow_key`` gave the packets of ``flow`` (a flow carried over to a later read)."""
    a, b = (flow.orig_addr, flow.orig_port), (flow.resp_addr, flow.resp_port)
    if a <= b:
        return flow.proto, flow.orig_addr, flow.orig_port, flow.resp_addr, flow.resp_port, flow.seg
    return flow.proto, flow.resp_addr, flow.resp_port, flow.orig_addr, flow.orig_port, flow.seg
FlowKey = tuple[int, bytes, int, bytes, int, int]
