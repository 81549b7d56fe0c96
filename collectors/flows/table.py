"""The bidirectional flow table: packets (as collectors.flows.decode hits) in, finished flows
out, with Zeek's conn.log meaning for every counter (shared/reference/log-formats.md 14.2).

A flow is keyed by protocol, its two endpoints (whichever way a packet goes) and its segment
(collectors.flows.segments: VLAN tags, VXLAN/Geneve VNI with its tunnel endpoints, GTP-U bearer). The originator
is the sender of the first packet, unless Zeek's heuristics say otherwise (a first TCP packet
that is not a SYN, or a UDP packet, from a likely server port to an unlikely one; an ICMP reply).
Packets and IP bytes are counted per direction; payload bytes come from TCP sequence numbers
(collectors.flows.tcp) or, for UDP and ICMP, from the payload lengths.

Flows end on a time-out (inactivity per protocol, as Zeek's defaults), when a closed or reset
TCP connection sees a new SYN or stays quiet for ``close_delay``, when a SYN with another
sequence number than its originator's first one re-opens it (Zeek's IsReuse), and at the end
of the capture (``flush``): none is lost. The first payload bytes of each direction are kept on the flow
(``samples``) for the protocol decoders.
"""

from __future__ import annotations

from collections.abc import Iterator

from govsoc.collectors.flows.decode import ICMP, ICMP6, TCP, UDP, Hit
from govsoc.collectors.flows.flow import Flow, FlowKey, flow_key, flow_key_of, merged_tunnels
from govsoc.collectors.flows.originator import DNS_PORTS, _orig_is_src
from govsoc.collectors.flows.sampling import (
    HTTP_MAGIC,
    SAMPLE_DNS_LIMIT,
    SAMPLE_DNS_PACKETS,
    SAMPLE_HTTP_HEAD,
    SAMPLE_HTTP_LIMIT,
    SAMPLE_HTTP_PACKETS,
    SAMPLE_LIMIT,
    SAMPLE_PACKETS,
    SAMPLE_PLAIN,
    SAMPLE_PLAIN_LIMIT,
    outer_limit,
    sample_max,
)
from govsoc.collectors.flows.tcp import ACK, CLOSED, INACTIVE, RESET, SYN

NS = 1_000_000_000
#: Inactivity time-outs in seconds, Zeek's defaults (tcp/udp/icmp_inactivity_timeout).
TIMEOUTS = {TCP: 300, UDP: 60, ICMP: 60, ICMP6: 60}
OTHER_TIMEOUT = 60
#: A closed or reset connection is kept this long for late packets (tcp_close_delay).
CLOSE_DELAY = 5
#: DNS over UDP ends sooner (Zeek's dns_session_timeout, set by its DNS analyzer on these ports).
DNS_TIMEOUT = 10
#: How often (in capture time) idle flows are looked for.
SWEEP_SECONDS = 10
#: Payload sample bytes all open flows of a table hold at most (review R14b N7: the bound on open
#: flows alone let samples take ~6 GiB): past it the least recently active flows holding samples
#: end early until a tenth of it is free (handed on as ended, counted; ``FlowTable.evictions``).
SAMPLE_BUDGET = 128 << 20
#: IP protocols that are not connections (Zeek has no session for them): IGMP, no next header.
NOT_FLOWS = frozenset({2, 59})
#: Open flows a table holds at most (review r14d: a hostile capture of millions of distinct
#: 5-tuples grew it without bound): past it, the least recently active tenth is ended early
#: (handed on as ended, counted; ``FlowTable.evictions``). Zeek ends nothing early by number;
#: nfstream's idle/active time-outs do not bound it either. About 1 KiB of memory per open flow
#: here, 4 KiB in collectors.flows.native (measured, 100,000 open flows), besides its payload
#: sample, which SAMPLE_BUDGET bounds for all flows together.
MAX_FLOWS = 262_144
#: The part of MAX_FLOWS ended at once when it is passed (so that the cost of choosing them is
#: spread over the flows that fill the room again).
EVICT_PART = 10


#: Segment words below this are exact VLAN codes outside tunnels (collectors.flows.segments).
VLAN_CODES = 1 << 26


class FlowTable:
    """Folds hits into flows; ``finished()`` hands over the flows that ended.

    A flow is keyed by its segment (VLAN tags), so a router between two VLANs, seen at a port
    where each direction passes once with its own tags (client to server on VLAN 81, back on
    VLAN 80: shared/corpus/zeek's ldap traces), would give two half flows. So a packet that finds
    no flow under its own tags joins an open flow of the same 5-tuple whose first packet came on
    other tags (outside tunnels), when it is the first packet from that flow's other side; from
    then on that side's tags lead to the flow too (``rseg``). The oldest such flow is taken. Two
    copies of one packet on two VLANs (a trunk that carries both legs of a routed exchange) come
    from the same side, so they stay two flows, one per VLAN, each both ways."""

    def __init__(self, *, timeouts: dict[int, int] | None = None, close_delay: int = CLOSE_DELAY,
                 max_flows: int = MAX_FLOWS, sample_budget: int = SAMPLE_BUDGET) -> None:
        self.max_flows = max(1, max_flows)
        self.sample_budget = max(1, sample_budget)
        #: payload sample bytes the open flows hold
        self.held_bytes = 0
        #: (packet number, flows ended early then, what was full: "flows" or "bytes") each time
        #: the table was full
        self.evictions: list[tuple[int, int, str]] = []
        #: the most flows open at once so far (at most max_flows + 1)
        self.peak_open = 0
        self.flows: dict[FlowKey, Flow] = {}
        #: open flows whose first packet was VLAN-tagged (outside tunnels), by 5-tuple, oldest first
        self.tagged: dict[tuple[int, bytes, int, bytes, int], list[Flow]] = {}
        #: (5-tuple, the other side's segment) -> the flow it joined
        self.aliases: dict[FlowKey, Flow] = {}
        self.timeouts = {proto: seconds * NS for proto, seconds in (timeouts or TIMEOUTS).items()}
        self.close_delay = close_delay * NS
        self.done: list[Flow] = []
        self.next_sweep = 0
        self.packets = 0

    def add(self, hit: Hit, ts: int, number: int) -> None:
        """Count one hit seen at ``ts`` (ns) in packet ``number``."""
        if hit.proto in NOT_FLOWS:
            return
        key = flow_key(hit)
        flow = self.flows.get(key)
        held_at = key  # where the flow found is held: under its own first packet's tags
        if flow is None and hit.seg < VLAN_CODES and self.tagged:
            flow = self._paired(hit, key)
            if flow is not None:
                held_at = flow_key_of(flow)
        if flow is not None and self._ended(flow, hit, ts):
            self.done.append(self._pop(held_at))
            flow = None
        if flow is None:
            flow = self.flows[key] = Flow(hit, _orig_is_src(hit), ts, number)
            if 0 < hit.seg < VLAN_CODES:
                self.tagged.setdefault(key[:5], []).append(flow)
            dns = hit.proto == UDP and (hit.sport in DNS_PORTS or hit.dport in DNS_PORTS)
            flow.timeout = DNS_TIMEOUT * NS if dns else self.timeouts.get(hit.proto, OTHER_TIMEOUT * NS)
            held = len(self.flows)
            if held > self.peak_open:
                self.peak_open = held
            if held > self.max_flows:
                self._evict(ts, number, flow)
        if hit.tunnel and hit.tunnel != flow.tunnel:
            flow.tunnel = merged_tunnels(flow.tunnel, hit.tunnel)
        is_orig = hit.src == flow.orig_addr and hit.sport == flow.orig_port
        if hit.src == hit.dst and hit.sport == hit.dport:
            is_orig = True
        if ts < flow.start:  # a packet stamped before the flow's first one (clocks that step back)
            flow.start = ts
        tcp = flow.tcp
        if tcp is not None:
            if not (tcp.orig.did_close and tcp.resp.did_close) and ts > flow.last:
                flow.last = ts
            flipped, complete = tcp.segment(is_orig, hit.flags, hit.seq, hit.ack, hit.payload, hit.window)
            if flipped:
                flow.flip()
                is_orig = not is_orig
            if complete and not flow.closed_at:
                flow.closed_at = flow.last
        else:
            if ts > flow.last:
                flow.last = ts
            if hit.proto == UDP:
                if is_orig and "D" not in flow.history:
                    flow.history += "D"
                elif not is_orig and "d" not in flow.history:
                    flow.history += "d"
        if is_orig:
            flow.orig_packets += 1
            flow.orig_ip_bytes += hit.ip_bytes
            flow.orig_payload += hit.payload
        else:
            flow.resp_packets += 1
            flow.resp_ip_bytes += hit.ip_bytes
            flow.resp_payload += hit.payload
        if hit.data and flow.sample_count < flow.sample_max and flow.sample_bytes < outer_limit(flow.sample_max):
            if flow.sample_max == SAMPLE_HTTP_PACKETS and flow.sample_bytes >= SAMPLE_LIMIT and \
                    bytes(hit.data[:4]) not in HTTP_MAGIC:
                flow.unsampled += 1  # a body past SAMPLE_LIMIT: neither kept nor counted as looked at
            else:
                self._sample(flow, hit, is_orig)
                if self.held_bytes > self.sample_budget:
                    self._evict_bytes(number)
        elif hit.data and flow.sample_max >= SAMPLE_PACKETS:
            flow.unsampled += 1
        if ts >= self.next_sweep:
            self.sweep(ts)

    def _sample(self, flow: Flow, hit: Hit, is_orig: bool) -> None:
        """Keep the payload of ``hit`` on ``flow``: one big packet may use the flow's whole
        SAMPLE_LIMIT (a TLS server flight in one TSO segment), or SAMPLE_PLAIN_LIMIT while
        nothing says the flow is worth sampling."""
        if flow.sample_count < SAMPLE_PLAIN:
            flow.sample_max = sample_max(hit.data, hit.proto, hit.sport, hit.dport) or flow.sample_max
        limit = (SAMPLE_DNS_LIMIT if flow.sample_max == SAMPLE_DNS_PACKETS else
                 SAMPLE_PLAIN_LIMIT if flow.sample_max == SAMPLE_PLAIN else SAMPLE_LIMIT)
        if flow.sample_max == SAMPLE_HTTP_PACKETS and flow.sample_bytes >= SAMPLE_LIMIT:  # a message's head
            limit = min(SAMPLE_HTTP_LIMIT, flow.sample_bytes + SAMPLE_HTTP_HEAD)
        flow.sample_count += 1  # looked at, kept or not: a plain flow is named from its first packets
        if flow.sample_bytes >= limit:
            return
        data = bytes(hit.data[:limit - flow.sample_bytes])
        if len(data) < len(hit.data) and flow.sample_max >= SAMPLE_PACKETS:
            flow.unsampled += 1  # cut short at the flow's limit
        flow.samples.append((is_orig, hit.seq, data))
        flow.sample_bytes += len(data)
        self.held_bytes += len(data)

    def _paired(self, hit: Hit, key: FlowKey) -> Flow | None:
        """The open flow ``hit`` belongs to under other VLAN tags (see the class docstring)."""
        alias = self.aliases.get(key)
        if alias is not None:
            return alias
        for flow in self.tagged.get(key[:5], ()):
            if flow.rseg >= 0 or flow.seg == hit.seg or (hit.src == hit.dst and hit.sport == hit.dport):
                continue
            first_from_there = (flow.orig_packets if hit.src == flow.orig_addr and hit.sport == flow.orig_port
                                else flow.resp_packets) == 0
            if first_from_there:
                flow.rseg = hit.seg
                self.aliases[key] = flow
                return flow
        return None

    def _pop(self, key: FlowKey) -> Flow:
        """Take the flow of ``key`` out of the table (and out of the VLAN pairing)."""
        flow = self.flows.pop(key)
        self.held_bytes -= flow.sample_bytes
        if 0 < flow.seg < VLAN_CODES:
            waiting = self.tagged.get(key[:5])
            if waiting is not None:
                waiting.remove(flow)
                if not waiting:
                    del self.tagged[key[:5]]
            if flow.rseg >= 0:
                self.aliases.pop((*key[:5], flow.rseg), None)
        return flow

    def restore(self, flows: list[Flow]) -> None:
        """Hold ``flows`` (carried from an earlier read) as open flows, in their creation order."""
        self.flows, self.tagged, self.aliases = {}, {}, {}
        self.held_bytes = 0
        for flow in sorted(flows, key=lambda f: f.first_number):
            key = flow_key_of(flow)
            self.flows[key] = flow
            self.held_bytes += flow.sample_bytes
            if 0 < flow.seg < VLAN_CODES:
                self.tagged.setdefault(key[:5], []).append(flow)
                if flow.rseg >= 0:
                    self.aliases[(*key[:5], flow.rseg)] = flow

    def _ended(self, flow: Flow, hit: Hit, ts: int) -> bool:
        """Whether ``flow`` is over before ``hit``: idle too long, or closed and then reused."""
        if ts - flow.last > flow.timeout:
            return True
        tcp = flow.tcp
        if tcp is None:
            return False
        if flow.closed_at and ts - flow.closed_at > self.close_delay:
            return True
        if not hit.flags & SYN or hit.flags & ACK:
            return False
        # Zeek's IsReuse: a SYN that is not a retransmission of its sender's first SYN opens a new
        # connection; on a connection whose close completed (both sides closed, or one reset) any
        # SYN does. No close is needed (review R14b N3): an unanswered or half-closed connection
        # re-opened by its originator with another ISN is a new one (Zeek: SYN_seq_jump)
        from_orig = hit.src == flow.orig_addr and hit.sport == flow.orig_port
        sender = tcp.orig if from_orig else tcp.resp
        if not flow.closed_at:
            return from_orig and sender.state != INACTIVE and hit.seq != sender.start_seq
        return hit.seq != sender.start_seq or (tcp.orig.state in (CLOSED, RESET) and tcp.resp.state in (CLOSED, RESET))

    def _evict(self, now: int, number: int, keep: Flow) -> None:
        """The table is full: end the flows idle past their time-out, then, if that freed too
        little, the least recently active (oldest last packet, then oldest first packet), a
        tenth of MAX_FLOWS at once, never ``keep`` (the flow of the packet in hand)."""
        self.sweep(now)
        target = self.max_flows - max(1, self.max_flows // EVICT_PART)
        if len(self.flows) <= target:
            return
        held = sorted(((f.last, f.first_number, k) for k, f in self.flows.items() if f is not keep),
                      key=lambda entry: entry[:2])
        early = held[:len(self.flows) - target]
        for _, _, key in early:
            self.done.append(self._pop(key))
        self.evictions.append((number, len(early), "flows"))

    def _evict_bytes(self, number: int) -> None:
        """The open flows' samples passed ``sample_budget``: the least recently active flows
        holding samples end until a tenth of it is free (the flow of the packet in hand, the most
        recently active, last)."""
        target = self.sample_budget - max(1, self.sample_budget // EVICT_PART)
        held = sorted((f.last, f.first_number, k) for k, f in self.flows.items() if f.sample_bytes)
        ended = 0
        for _, _, key in held:
            if self.held_bytes <= target:
                break
            self.done.append(self._pop(key))
            ended += 1
        self.evictions.append((number, ended, "bytes"))

    def sweep(self, now: int) -> None:
        """Move flows idle past their time-out (or closed past the close delay) to ``done``."""
        self.next_sweep = now + SWEEP_SECONDS * NS
        expired = [key for key, flow in self.flows.items()
                   if now - flow.last > flow.timeout or (flow.closed_at and now - flow.closed_at > self.close_delay)]
        for key in expired:
            self.done.append(self._pop(key))

    def finished(self) -> list[Flow]:
        """The flows that ended since the last call, in the order they ended."""
        done, self.done = self.done, []
        return done

    def flush(self) -> Iterator[Flow]:
        """Every flow still open (the end of the capture), oldest first."""
        yield from self.finished()
        flows = sorted(self.flows.values(), key=lambda f: (f.start, f.first_number))
        self.flows, self.tagged, self.aliases = {}, {}, {}
        self.held_bytes = 0
        yield from flows
