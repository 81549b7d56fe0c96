"""The compiled flow engine's way back to Python (collectors.flows.native): the rows of ended flow
slots made into collectors.flows.flow.Flow objects (with their TCP endpoints, tunnels, VLANs and
payload samples) in a few bulk conversions, and the slots given back to the free list. Plain
Python over numpy arrays: nothing here is compiled.
"""

from __future__ import annotations

from typing import Any, Protocol

import numpy as np

from govsoc.collectors.flows.decode import TCP, UDP
from govsoc.collectors.flows.flow import Flow
from govsoc.collectors.flows.native_layout import (
    C_FREE,
    CLOSED,
    FIRST,
    FLAST,
    FLIPPED,
    FSTART,
    HISTORY_BYTES,
    HLEN,
    HSEEN,
    NVLAN,
    OHI,
    OLO,
    OPORT,
    PROTO,
    RHI,
    RLO,
    RPORT,
    RSEG,
    SBYTES,
    SMAX,
    TMO,
    UNREAD,
    V6,
    VLAN0,
    VLAN1,
)
from govsoc.collectors.flows.slots import K5
from govsoc.collectors.flows.tcp import Endpoint, TcpConnection


class _Engine(Protocol):
    """What :func:`_release` uses of a collectors.flows.native.NativeEngine (a protocol, not the
    class: native imports this module)."""

    F: Any
    E: Any
    H: Any
    C: Any
    free: Any
    held_bytes: int
    sampled: dict[int, list[tuple[bool, int, bytes]]]
    tunnels: dict[int, tuple[str, ...]]
    vlans: dict[int, tuple[int, ...]]
    vnets: dict[int, int]


def _release(engine: _Engine, slots: Any, out: list[Flow]) -> None:
    """The Flows of ended slots, in order, to ``out``; the slots go back to the free list.
    Rows leave numpy in a few bulk conversions (lists, one bytes object for the addresses
    and one for the histories), so a flow costs only its objects."""
    if not len(slots):
        return
    slots = np.asarray(slots, dtype=np.int64)
    rows = engine.F[slots]
    engine.held_bytes -= int(rows[:, SBYTES].sum())
    addresses = rows[:, [OHI, OLO, RHI, RLO]].astype(">i8").tobytes()
    histories = engine.H[slots].tobytes()
    origs, resps = engine.E[2 * slots].tolist(), engine.E[2 * slots + 1].tolist()
    sampled, tunnels, vlans, vnets = engine.sampled, engine.tunnels, engine.vlans, engine.vnets
    new, endpoint = Flow.__new__, Endpoint.__new__
    for index, (slot, f) in enumerate(zip(slots.tolist(), rows.tolist(), strict=True)):
        flow = new(Flow)
        at = 32 * index
        if f[V6]:
            flow.orig_addr, flow.resp_addr = addresses[at:at + 16], addresses[at + 16:at + 32]
        else:
            flow.orig_addr, flow.resp_addr = addresses[at + 12:at + 16], addresses[at + 28:at + 32]
        at = HISTORY_BYTES * index
        history = histories[at:at + f[HLEN]].decode("ascii")
        proto, flipped = f[PROTO], f[FLIPPED]
        (flow.proto, flow.orig_port, flow.resp_port, flow.start, flow.last, flow.closed_at, flow.first_number,
         flow.timeout, flow.sample_bytes, flow.sample_max) = (proto, f[OPORT], f[RPORT], f[FSTART], f[FLAST],
                                                              f[CLOSED], f[FIRST], f[TMO], f[SBYTES], f[SMAX])
        flow.vlan = vlans.pop(slot) if vlans and slot in vlans else (f[VLAN0], f[VLAN1])[:f[NVLAN]]
        flow.tunnel = tunnels.pop(slot, ()) if tunnels else ()
        flow.seg, flow.rseg, flow.unsampled = f[K5], f[RSEG] - 1, f[UNREAD]
        flow.vnet = vnets.pop(slot, 0) if vnets else 0
        o, r = endpoint(Endpoint), endpoint(Endpoint)
        (o.state, o.prev_state, o.start_seq, o.last_seq, o.ack_seq, o.fin_cnt, o.rst_cnt, o.packets, o.ip_bytes,
         o.payload, o.rxmt_cnt, o.rxmt_thresh, o.win0_cnt, o.win0_thresh, o.last_syn, o.last_fin, o.last_rst,
         o.did_close) = origs[index]
        (r.state, r.prev_state, r.start_seq, r.last_seq, r.ack_seq, r.fin_cnt, r.rst_cnt, r.packets, r.ip_bytes,
         r.payload, r.rxmt_cnt, r.rxmt_thresh, r.win0_cnt, r.win0_thresh, r.last_syn, r.last_fin, r.last_rst,
         r.did_close) = resps[index]
        o.is_orig, r.is_orig, o.did_close, r.did_close = True, False, o.did_close == 1, r.did_close == 1
        flow.orig_packets, flow.orig_ip_bytes, flow.orig_payload = o.packets, o.ip_bytes, o.payload
        flow.resp_packets, flow.resp_ip_bytes, flow.resp_payload = r.packets, r.ip_bytes, r.payload
        if proto == TCP:
            tcp = TcpConnection.__new__(TcpConnection)
            tcp.orig, tcp.resp, tcp.history, tcp.hist_seen, tcp.flipped = o, r, list(history), f[HSEEN], \
                flipped == 1
            flow.tcp, flow.history = tcp, ""
        else:
            flow.tcp, flow.history = None, history if proto == UDP else ""
        kept = sampled.pop(slot, None)
        if kept:
            flow.samples = [(not orig, seq, data) for orig, seq, data in kept] if flipped else kept
            flow.sample_count = len(kept)
        else:
            flow.samples, flow.sample_count = [], 0
        out.append(flow)
    top = int(engine.C[C_FREE])
    engine.free[top:top + len(slots)] = slots
    engine.C[C_FREE] = top + len(slots)
