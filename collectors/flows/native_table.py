"""The flow table of the compiled flow engine (collectors.flows.native) on its arrays:
which side is the originator, indexing flows in the slot tables (collectors.flows.slots), pairing
a packet with the flow of its other tag segment, adding a packet to its flow and ending flows,
as collectors.flows.table.FlowTable does. Plain Python here, compiled with numba by
native._compile().
"""

from __future__ import annotations

from typing import Any

from govsoc.collectors.flows.native_layout import (
    C_CREATED,
    C_DELAY,
    C_DONE,
    C_FREE,
    C_PEAK,
    C_SAMPLE_PLAIN,
    C_TAGGED,
    CLOSED,
    CLOSED_S,
    CSEQ,
    DIDC,
    FIRST,
    FLAST,
    FSTART,
    HSEEN,
    INACTIVE,
    IPB,
    K0,
    K1,
    K2,
    K3,
    K4,
    K_DNS,
    K_DNS_TIMEOUT,
    K_LIKELY,
    K_REPLY4,
    K_REPLY6,
    K_TIMEOUT,
    LFIN,
    LIVE,
    LRST,
    LSYN,
    NVLAN,
    OHI,
    OLO,
    OPORT,
    PAY,
    PKTS,
    PROTO,
    RESET,
    RHI,
    RLO,
    RPORT,
    RSEG,
    RXT,
    SMAX,
    START,
    STATE,
    TAGGED,
    TMO,
    V6,
    VLAN0,
    VLAN1,
    W0T,
)
from govsoc.collectors.flows.native_tcp import _hist, _segment
from govsoc.collectors.flows.slots import (
    K5,
    KHASH,
    KHASH2,
    _key_hash,
    _slot_drop,
    _slot_of,
    _slot_put,
)
from govsoc.collectors.flows.table import (
    VLAN_CODES,
)


def _orig_is_src(K: Any, proto: int, sport: int, dport: int, flags: int, dns_response: bool,
                 dst_multicast: bool) -> bool:
    if proto == 6:
        if flags & 2 and not flags & 16:
            return True
        if K[K_LIKELY, sport]:
            if K[K_LIKELY, dport]:
                return not (not flags & 2 and sport < dport)
            return False
        return True
    if proto == 17:
        if (K[K_DNS, sport] or K[K_DNS, dport]) and dns_response:
            return dst_multicast
        return not (K[K_LIKELY, sport] and not K[K_LIKELY, dport])
    if proto == 1:
        return not K[K_REPLY4, sport]
    if proto == 58:
        return not K[K_REPLY6, sport]
    return True


def _unindex(F: Any, D: Any, C: Any, slot: int) -> None:
    """Take ``slot`` out of both tables (D's lower half by key, its upper half by 5-tuple for
    VLAN-tagged flows: one array, so that the kernel's functions take no more arguments)."""
    _slot_drop(D, F, slot, KHASH, 0)
    if F[slot, TAGGED]:
        _untag(F, D, C, slot)


def _tag(F: Any, D: Any, C: Any, slot: int) -> None:
    """Index a new VLAN-tagged flow by its 5-tuple (its row holds its key)."""
    F[slot, KHASH2] = _key_hash(F[slot, K0], F[slot, K1], F[slot, K2], F[slot, K3], F[slot, K4], -1)
    F[slot, TAGGED] = 1
    C[C_TAGGED] += 1
    _slot_put(D, F, slot, KHASH2, len(D) >> 1)


def _untag(F: Any, D: Any, C: Any, slot: int) -> None:
    _slot_drop(D, F, slot, KHASH2, len(D) >> 1)
    F[slot, TAGGED] = 0
    C[C_TAGGED] -= 1


def _paired(D: Any, F: Any, E: Any, k0: int, k1: int, k2: int, k3: int, k4: int, seg: int, shi: int, slo: int,
            sport: int, dhi: int, dlo: int, dport: int) -> int:
    """collectors.flows.table.FlowTable._paired on the arrays: the flow a packet with segment
    ``seg`` and no flow under it joins, or -1 (kept out of _add, which the kernel inlines)."""
    if shi == dhi and slo == dlo and sport == dport:
        return -1
    h2 = _key_hash(k0, k1, k2, k3, k4, -1)
    base = len(D) >> 1
    mask = base - 1
    i = h2 & mask
    best, best_seq = -1, 0
    while True:
        v = D[base + i]
        if v == 0:
            break
        s = v - 1
        if (F[s, KHASH2] == h2 and F[s, K0] == k0 and F[s, K1] == k1 and F[s, K2] == k2 and F[s, K3] == k3
                and F[s, K4] == k4):
            if F[s, RSEG] == seg + 1:
                return int(s)
            if F[s, RSEG] == 0 and F[s, K5] != seg:
                side = 0 if (shi == F[s, OHI] and slo == F[s, OLO] and sport == F[s, OPORT]) else 1
                if E[2 * s + side, PKTS] == 0 and (best < 0 or F[s, CSEQ] < best_seq):
                    best, best_seq = s, F[s, CSEQ]
        i = (i + 1) & mask
    if best >= 0:
        F[best, RSEG] = seg + 1
    return int(best)


def _end(F: Any, D: Any, C: Any, done: Any, slot: int) -> None:
    _unindex(F, D, C, slot)
    F[slot, LIVE] = 0
    done[C[C_DONE]] = slot
    C[C_DONE] += 1


def _add(K: Any, F: Any, E: Any, H: Any, D: Any, C: Any, free: Any, done: Any, proto: int, shi: int, slo: int,
         sport: int, dhi: int, dlo: int, dport: int, v6: int, ip_bytes: int, payload: int, flags: int, seq: int,
         ack: int, window: int, ts: int, number: int, dns_response: bool, dst_multicast: bool, vlan0: int, vlan1: int,
         nvlan: int, seg: int) -> tuple[int, int, bool]:
    """collectors.flows.table.FlowTable.add on the arrays: (slot, sender's side, created); ``seg``
    is the key's segment word (collectors.flows.segments)."""
    if shi < dhi or (shi == dhi and (slo < dlo or (slo == dlo and sport <= dport))):
        k0, k1, k2, k3, k4 = (proto << 32) | (sport << 16) | dport, shi, slo, dhi, dlo
    else:
        k0, k1, k2, k3, k4 = (proto << 32) | (dport << 16) | sport, dhi, dlo, shi, slo
    h = _key_hash(k0, k1, k2, k3, k4, seg)
    slot = _slot_of(D, F, k0, k1, k2, k3, k4, seg, h)
    if slot < 0 and C[C_TAGGED] > 0 and seg < VLAN_CODES:
        slot = _paired(D, F, E, k0, k1, k2, k3, k4, seg, shi, slo, sport, dhi, dlo, dport)
    if slot >= 0:
        ended = ts - F[slot, FLAST] > F[slot, TMO]
        if not ended and proto == 6 and F[slot, CLOSED] and ts - F[slot, CLOSED] > C[C_DELAY]:
            ended = True
        elif not ended and proto == 6 and flags & 2 and not flags & 16:  # a SYN: Zeek's IsReuse
            so, sr = E[2 * slot, STATE], E[2 * slot + 1, STATE]
            from_orig = shi == F[slot, OHI] and slo == F[slot, OLO] and sport == F[slot, OPORT]
            sender = 2 * slot if from_orig else 2 * slot + 1
            if not F[slot, CLOSED]:  # not closed: only its originator's SYN with another ISN (R14b N3)
                ended = from_orig and so != INACTIVE and seq != E[sender, START]
            else:
                ended = seq != E[sender, START] or ((so == CLOSED_S or so == RESET) and (sr == CLOSED_S or sr == RESET))
        if ended:
            _end(F, D, C, done, slot)
            slot = -1
    created = slot < 0
    if created:
        C[C_FREE] -= 1
        slot = free[C[C_FREE]]
        F[slot, :] = 0
        E[2 * slot:2 * slot + 2, :] = 0
        for row in (2 * slot, 2 * slot + 1):
            E[row, RXT] = 1
            E[row, W0T] = 1
            E[row, LSYN] = -1
            E[row, LFIN] = -1
            E[row, LRST] = -1
        forward = _orig_is_src(K, proto, sport, dport, flags, dns_response, dst_multicast)
        F[slot, PROTO] = proto
        if forward:
            F[slot, OHI], F[slot, OLO], F[slot, OPORT] = shi, slo, sport
            F[slot, RHI], F[slot, RLO], F[slot, RPORT] = dhi, dlo, dport
        else:
            F[slot, OHI], F[slot, OLO], F[slot, OPORT] = dhi, dlo, dport
            F[slot, RHI], F[slot, RLO], F[slot, RPORT] = shi, slo, sport
            if proto == 6 or proto == 17:
                _hist(F, H, slot, 94)
        F[slot, FSTART] = ts
        F[slot, FLAST] = ts
        dns = proto == 17 and (K[K_DNS, sport] or K[K_DNS, dport])
        F[slot, TMO] = K[K_TIMEOUT, K_DNS_TIMEOUT] if dns else K[K_TIMEOUT, proto]
        F[slot, FIRST] = number
        F[slot, V6] = v6
        F[slot, VLAN0], F[slot, VLAN1], F[slot, NVLAN] = vlan0, vlan1, nvlan
        F[slot, K0], F[slot, K1], F[slot, K2], F[slot, K3], F[slot, K4], F[slot, KHASH] = k0, k1, k2, k3, k4, h
        F[slot, K5] = seg
        F[slot, SMAX] = C[C_SAMPLE_PLAIN]
        F[slot, CSEQ] = C[C_CREATED]
        F[slot, LIVE] = 1
        C[C_CREATED] += 1
        if len(free) - C[C_FREE] > C[C_PEAK]:  # flows open at once: what memory follows
            C[C_PEAK] = len(free) - C[C_FREE]
        _slot_put(D, F, slot, KHASH, 0)
        if 0 < seg < VLAN_CODES:
            _tag(F, D, C, slot)
    side = 0 if (shi == F[slot, OHI] and slo == F[slot, OLO] and sport == F[slot, OPORT]) else 1
    if shi == dhi and slo == dlo and sport == dport:
        side = 0
    if ts < F[slot, FSTART]:  # stamped before the flow's first packet (a clock that stepped back)
        F[slot, FSTART] = ts
    if proto == 6:
        o, r = 2 * slot, 2 * slot + 1
        if not (E[o, DIDC] and E[r, DIDC]) and ts > F[slot, FLAST]:
            F[slot, FLAST] = ts
        side = _segment(F, E, H, slot, side, flags, seq, ack, payload, window)
    else:
        if ts > F[slot, FLAST]:
            F[slot, FLAST] = ts
        if proto == 17:
            _udp_letter(F, H, slot, side)
    e = 2 * slot + side
    E[e, PKTS] += 1
    E[e, IPB] += ip_bytes
    E[e, PAY] += payload
    return slot, side, created


def _udp_letter(F: Any, H: Any, slot: int, side: int) -> None:
    mask = 1 if side == 0 else 2
    if not F[slot, HSEEN] & mask:
        F[slot, HSEEN] |= mask
        _hist(F, H, slot, 68 if side == 0 else 100)


def _forget(F: Any, D: Any, C: Any, slots: Any) -> None:
    for slot in slots:
        _unindex(F, D, C, slot)
        F[slot, LIVE] = 0
