"""The fast path: the flow table and the common-case packet decoder compiled to native code
with numba (a registry package, extra ``pcap``), over whole chunks of the capture at once.

The kernel walks a chunk's packets in order. Ethernet (up to two VLAN tags), Linux cooked and
raw-IP frames carrying IPv4 (unfragmented) or IPv6 (no extension header) with TCP or UDP are
decoded and counted in native code; the kernel stops at any other packet (tunnels, fragments,
ICMP, damage), which Python decodes with collectors.flows.decode and feeds back, one hit at a
time, into the same native table, so each flow lives in one place and sees its packets in
order. The table keeps Zeek's semantics exactly as collectors.flows.tcp and .table do (a test
holds the two engines to the same flows on every corpus trace and on generated traffic).

State is a set of arrays indexed by flow slot (two endpoint rows per slot: originator,
responder); slots are reused through a free list, so memory follows the open flows, not the
file. Finished flows come back as collectors.flows.table.Flow objects.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np

from govsoc.collectors.flows.decode import (
    ICMP,
    ICMP4_COUNTERPART,
    ICMP6,
    ICMP6_COUNTERPART,
    TCP,
    UDP,
    UDP_TUNNEL_PORTS,
    Hit,
)
from govsoc.collectors.flows.pcap import BAD_TIME
from govsoc.collectors.flows.slots import (
    K5,
    KHASH,
    KHASH2,
    _key_hash,
    _slot_drop,
    _slot_of,
    _slot_put,
)
from govsoc.collectors.flows.slots import NAMES as SLOT_NAMES
from govsoc.collectors.flows.table import (
    CLOSE_DELAY,
    DNS_PORTS,
    DNS_TIMEOUT,
    EVICT_PART,
    HTTP_MAGIC,
    ICMP_REPLIES,
    LIKELY_SERVER_PORTS,
    MAX_FLOWS,
    NOT_FLOWS,
    NS,
    OTHER_TIMEOUT,
    SAMPLE_BUDGET,
    SAMPLE_DNS_LIMIT,
    SAMPLE_DNS_PACKETS,
    SAMPLE_HTTP_HEAD,
    SAMPLE_HTTP_LIMIT,
    SAMPLE_HTTP_PACKETS,
    SAMPLE_LIMIT,
    SAMPLE_MAGIC,
    SAMPLE_PACKETS,
    SAMPLE_PLAIN,
    SAMPLE_PLAIN_LIMIT,
    SAMPLE_PORTS,
    SWEEP_SECONDS,
    TIMEOUTS,
    VLAN_CODES,
    Flow,
    merged_tunnels,
    sample_max,
)
from govsoc.collectors.flows.tcp import Endpoint, TcpConnection

_numba: Any
try:
    import numba as _numba
except ImportError:  # pragma: no cover - the pure-Python engine is used instead
    _numba = None

# endpoint fields (columns of the endpoint matrix)
STATE, PREV, START, LAST, ACKS, FINS, RSTS, PKTS, IPB, PAY, RXC, RXT, W0C, W0T, LSYN, LFIN, LRST, DIDC = range(18)
EP_FIELDS = 18
# flow fields (columns of the flow matrix)
(PROTO, OHI, OLO, RHI, RLO, OPORT, RPORT, FSTART, FLAST, CLOSED, FIRST, HSEEN, HLEN, VLAN0, VLAN1, NVLAN, V6, SAMPLES,
 K0, K1, K2, K3, K4, FLIPPED) = range(24)
FLOW_FIELDS = 24
HISTORY_BYTES = 48
_M = 0xFFFFFFFF
V4_MARK = -1  # the high half of an IPv4 address (keeps v4 and v6 keys apart)
INACTIVE, SYN_SENT, SYN_ACK_SENT, PARTIAL, ESTABLISHED, CLOSED_S, RESET = range(7)


#: set when a NativeEngine is made: the compiled code is loaded (collectors.flows.assemble)
warm = False


def available() -> bool:
    """Whether numba is installed (the fast path can run)."""
    return _numba is not None


# rows of the lookup matrix handed to the compiled functions (an argument, not a global: numba would
# bake a global array into its on-disk cache, which would then outlive a change of the tables)
K_LIKELY, K_DNS, K_TUNNEL, K_TIMEOUT, K_ANSWER4, K_ANSWER6, K_REPLY4, K_REPLY6, K_SAMPLE_PORT, K_MAGIC = range(10)
K_DNS_TIMEOUT = 256  # column of the time-out row holding DNS's


def lookups() -> np.ndarray:
    """The port, time-out and ICMP tables of collectors.flows.table/decode as one matrix."""
    K = np.zeros((10, 65536), dtype=np.int64)
    K[K_SAMPLE_PORT] = _lookup(SAMPLE_PORTS)
    for index, magic in enumerate(SAMPLE_MAGIC):
        K[K_MAGIC, index] = int.from_bytes(magic, "big")
    K[K_MAGIC, 65535] = len(SAMPLE_MAGIC)
    K[K_LIKELY] = LIKELY
    K[K_DNS] = DNS
    K[K_TUNNEL] = TUNNEL
    K[K_TIMEOUT, :256] = TIMEOUT
    K[K_TIMEOUT, K_DNS_TIMEOUT] = DNS_TIMEOUT * NS
    K[K_ANSWER4, :256] = COUNTERPART[0]
    K[K_ANSWER6, :256] = COUNTERPART[1]
    K[K_REPLY4, :256] = REPLIES[ICMP]
    K[K_REPLY6, :256] = REPLIES[ICMP6]
    return K


def _lookup(values: frozenset[int]) -> np.ndarray:
    table = np.zeros(65536, dtype=np.uint8)
    for value in values:
        table[value] = 1
    return table


LIKELY = _lookup(LIKELY_SERVER_PORTS)
DNS = _lookup(DNS_PORTS)
TUNNEL = _lookup(frozenset(UDP_TUNNEL_PORTS))
NOFLOW = _lookup(NOT_FLOWS)
REPLIES = np.zeros((256, 256), dtype=np.uint8)  # [proto, icmp type]
for _proto, _types in ICMP_REPLIES.items():
    for _type in _types:
        REPLIES[_proto, _type] = 1
COUNTERPART = np.full((2, 256), -1, dtype=np.int64)  # [ICMPv6?, type] -> the answer's type
for _row, _pairs in enumerate((ICMP4_COUNTERPART, ICMP6_COUNTERPART)):
    for _type, _answer in _pairs.items():
        COUNTERPART[_row, _type] = _answer
TIMEOUT = np.full(256, OTHER_TIMEOUT * NS, dtype=np.int64)
for _proto, _seconds in TIMEOUTS.items():
    TIMEOUT[_proto] = _seconds * NS
CSEQ, LIVE, SBYTES, TMO, SMAX = FLOW_FIELDS, FLOW_FIELDS + 1, FLOW_FIELDS + 2, FLOW_FIELDS + 3, FLOW_FIELDS + 4
# then KHASH, the key's hash, and K5, its segment word, beside the key (a lookup reads them with
# it: one cache line fewer than when they sat past the columns below); then, read only when a
# flow is made or paired, KHASH2 (collectors.flows.slots reads those three), the other side's
# segment word + 1 (0: none) when it came on other VLAN tags (FlowTable._paired), and whether the
# row is in the second table (VLAN-tagged flows by 5-tuple); last, Flow.unsampled
RSEG, TAGGED, UNREAD = FLOW_FIELDS + 8, FLOW_FIELDS + 9, FLOW_FIELDS + 10
FLOW_FIELDS += 11
if (K0, K4, KHASH, K5, KHASH2) != (18, 22, FLOW_FIELDS - 6, FLOW_FIELDS - 5, FLOW_FIELDS - 4):  # pragma: no cover
    raise ImportError("collectors.flows.slots disagrees with the flow matrix layout")
# control cells shared by the kernel and Python
(C_FREE, C_DONE, C_SWEEP, C_DELAY, C_CREATED, C_SAMPLES, C_SAMPLE_PACKETS, C_SAMPLE_BYTES, C_SAMPLE_LIMIT,
 C_SAMPLE_PLAIN, C_PEAK, C_TAGGED, C_PLAIN_LIMIT, C_DNS_PACKETS, C_DNS_LIMIT, C_HTTP_PACKETS, C_HTTP_HEAD,
 C_HTTP_LIMIT) = range(18)
# why the kernel returned
R_END, R_SLOW, R_SWEEP = 0, 1, 2


# -- the compiled functions (plain Python here; compiled by _compile()) ---------------------------
def _sd(a: int, b: int) -> int:
    d = (a - b) & 0xFFFFFFFF
    if d & 0x80000000:
        return d - 0x100000000
    return d


def _hist(F: Any, H: Any, slot: int, code: int) -> None:
    n = F[slot, HLEN]
    if n < HISTORY_BYTES:
        H[slot, n] = code
        F[slot, HLEN] = n + 1


def _flip(F: Any, E: Any, H: Any, slot: int) -> None:
    o, r = 2 * slot, 2 * slot + 1
    for c in range(EP_FIELDS):
        t = E[o, c]
        E[o, c] = E[r, c]
        E[r, c] = t
    for a, b in ((OHI, RHI), (OLO, RLO), (OPORT, RPORT)):
        t = F[slot, a]
        F[slot, a] = F[slot, b]
        F[slot, b] = t
    F[slot, FLIPPED] ^= 1
    _hist(F, H, slot, 94)


def _check(F: Any, E: Any, H: Any, slot: int, side: int, mask: int, code: int) -> tuple[bool, int]:
    if (code == 65 or code == 68) and F[slot, HLEN] == 1 and H[slot, 0] == 72:
        _flip(F, E, H, slot)
        H[slot, 0], H[slot, 1] = 94, 104
        F[slot, HLEN] = 2
        side = 1 - side
    if side == 1:
        mask <<= 16
        code += 32
    if F[slot, HSEEN] & mask:
        return True, side
    F[slot, HSEEN] |= mask
    _hist(F, H, slot, code)
    return False, side


def _scaled(F: Any, E: Any, H: Any, slot: int, side: int, code: int, count: int, threshold: int) -> None:
    e = 2 * slot + side
    c = E[e, count] + 1
    t = E[e, threshold]
    if c == t:
        _hist(F, H, slot, code if side == 0 else code + 32)
        t *= 10
    E[e, count] = c
    E[e, threshold] = t


def _state(E: Any, row: int, state: int) -> None:
    if state != E[row, STATE]:
        E[row, PREV] = E[row, STATE]
        E[row, STATE] = state


def _init(E: Any, row: int, seq: int, last: int) -> None:
    E[row, START] = seq
    E[row, ACKS] = seq
    E[row, LAST] = last


def _size(E: Any, row: int, peer: int) -> Any:
    if (E[row, PREV] == SYN_SENT and E[row, STATE] == RESET and E[peer, STATE] == INACTIVE
            and E[row, ACKS] != E[row, START] and E[row, ACKS] != ((E[row, START] + 1) & 0xFFFFFFFF)):
        return 0
    top = E[row, LAST] if _sd(E[row, LAST], E[row, ACKS]) > 0 else E[row, ACKS]
    size = (top - E[row, START]) & 0xFFFFFFFF
    if size:
        size -= 1
    if E[row, FINS] and size:
        size -= 1
    return size


def _history_letters(F: Any, E: Any, H: Any, slot: int, side: int, flags: int, rel: int, length: int) -> int:
    syn, fin, rst = flags & 2, flags & 1, flags & 4
    bits = (1 if syn else 0) + (1 if fin else 0) + (1 if rst else 0)
    if bits > 1:
        if fin and rst:
            side = _check(F, E, H, slot, side, 8, 73)[1]
        else:
            side = _check(F, E, H, slot, side, 64, 81)[1]
    elif bits == 1:
        if syn:
            code = 72 if flags & 16 else 83
            seen, side = _check(F, E, H, slot, side, 1, code)
            e = 2 * slot + side
            if seen and rel != E[e, LSYN]:
                _hist(F, H, slot, code if side == 0 else code + 32)
            E[e, LSYN] = rel
        if fin:
            seen, side = _check(F, E, H, slot, side, 2, 70)
            e = 2 * slot + side
            if seen and rel + length != E[e, LFIN]:
                _hist(F, H, slot, 70 if side == 0 else 102)
            E[e, LFIN] = rel + length
        if rst:
            seen, side = _check(F, E, H, slot, side, 4, 82)
            e = 2 * slot + side
            if seen and rel != E[e, LRST]:
                _hist(F, H, slot, 82 if side == 0 else 114)
            E[e, LRST] = rel
    elif length:
        side = _check(F, E, H, slot, side, 16, 68)[1]
    elif flags & 16:
        side = _check(F, E, H, slot, side, 32, 65)[1]
    return side


def _segment(F: Any, E: Any, H: Any, slot: int, side: int, flags: int, seq: int, ack: int, length: int,
             window: int) -> int:
    """collectors.flows.tcp.TcpConnection.segment on the arrays; returns the sender's side."""
    syn, fin, rst, has_ack = flags & 2, flags & 1, flags & 4, flags & 16
    sent_by_orig = side == 0
    seg_len = length + (1 if syn else 0) + (1 if fin else 0) - (length if rst else 0)
    past = (seq + seg_len) & 0xFFFFFFFF
    e = 2 * slot + side
    state = E[e, STATE]
    if state == INACTIVE:
        if syn:
            _init(E, e, seq, past)
        else:
            _init(E, e, (seq - 1) & 0xFFFFFFFF, seq)
    elif syn and (state == SYN_SENT or state == SYN_ACK_SENT or state == ESTABLISHED or state == PARTIAL):
        if state == ESTABLISHED or state == PARTIAL or seq != E[e, START]:
            _init(E, e, seq, past)
    elif syn and state == RESET and E[e, PREV] == INACTIVE:
        _init(E, e, seq, past)
    rel = _sd(seq, E[e, START])
    side = _history_letters(F, E, H, slot, side, flags, rel, length)
    e, p = 2 * slot + side, 2 * slot + 1 - side
    if window == 0 and not rst and E[p, STATE] != CLOSED_S and E[e, STATE] != RESET:
        _scaled(F, E, H, slot, side, 87, W0C, W0T)
    if fin:
        E[e, FINS] += 1
    if rst:
        E[e, RSTS] += 1
    if has_ack:
        if E[p, STATE] == INACTIVE:
            _init(E, p, (ack - 1) & 0xFFFFFFFF, (ack - 1) & 0xFFFFFFFF)
        elif _sd(ack, E[p, START]) >= 0 and not rst:
            delta = _sd(ack, E[p, ACKS])
            if not (ack == 0 and delta > 1048576) and delta > 0:
                E[p, ACKS] = ack
    delta = _sd(past, E[e, LAST])
    if (syn or rst) and (delta > 1048576 or delta < -1048576):
        pass
    elif fin and E[e, LAST] == ((E[e, START] + 1) & 0xFFFFFFFF):
        E[e, LAST] = past
    elif E[e, STATE] == RESET:
        pass
    elif delta > 0:
        E[e, LAST] = past
    elif length > 0:
        _scaled(F, E, H, slot, side, 84, RXC, RXT)
    return _machine(F, E, H, slot, side, sent_by_orig, flags, seq, length)


def _machine(F: Any, E: Any, H: Any, slot: int, side: int, is_orig: bool, flags: int, seq: int, length: int) -> int:
    syn, fin, rst, has_ack = flags & 2, flags & 1, flags & 4, flags & 16
    e, p = 2 * slot + side, 2 * slot + 1 - side
    state, close = E[e, STATE], False
    if state == INACTIVE:
        if syn:
            if is_orig:
                _state(E, e, SYN_ACK_SENT if has_ack else SYN_SENT)
            else:
                if not has_ack and E[p, STATE] == SYN_ACK_SENT and seq == E[e, START]:
                    _flip(F, E, H, slot)
                    side = 1 - side
                    e, p = p, e
                    _state(E, p, ESTABLISHED)
                if E[p, STATE] == SYN_SENT:
                    _state(E, p, ESTABLISHED)
                _state(E, e, ESTABLISHED)
        if fin:
            _state(E, e, CLOSED_S)
            close = True
        if rst:
            _state(E, e, RESET)
            close = True
        if E[e, STATE] == INACTIVE:
            if not is_orig and length == 0 and E[2 * slot, STATE] == SYN_SENT:
                pass
            elif has_ack and E[p, STATE] == ESTABLISHED:
                _state(E, e, ESTABLISHED)
            else:
                _state(E, e, PARTIAL)
    elif state == SYN_SENT or state == SYN_ACK_SENT:
        if fin:
            _state(E, e, CLOSED_S)
            close = True
        if rst:
            _state(E, e, RESET)
            close = True
    elif state == ESTABLISHED or state == PARTIAL:
        if syn and state == PARTIAL and E[p, STATE] == INACTIVE and not has_ack:
            _state(E, e, SYN_SENT)
        if fin and not rst:
            _state(E, e, CLOSED_S)
            if E[p, STATE] == RESET and E[p, PREV] == CLOSED_S:
                _state(E, p, CLOSED_S)
            close = True
        if rst:
            _state(E, e, RESET)
            close = True
    elif state == CLOSED_S:
        if rst and E[p, STATE] != CLOSED_S:
            _state(E, e, RESET)
            if not E[e, DIDC]:
                close = True
    if close and not E[e, DIDC]:
        E[e, DIDC] = 1
        if E[e, STATE] == RESET or E[p, DIDC] or E[p, STATE] == INACTIVE:  # Zeek's close_complete
            if not F[slot, CLOSED]:
                F[slot, CLOSED] = F[slot, FLAST]
    return side


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


def _be16(b: Any, at: int) -> Any:
    return (np.int64(b[at]) << 8) | np.int64(b[at + 1])


def _be32(b: Any, at: int) -> Any:
    return (np.int64(b[at]) << 24) | (np.int64(b[at + 1]) << 16) | (np.int64(b[at + 2]) << 8) | np.int64(b[at + 3])


def _be64(b: Any, at: int) -> Any:
    value: Any = 0
    for k in range(8):
        value = (value << 8) | np.int64(b[at + k])
    return value


def _kernel(K: Any, b: Any, starts: Any, caplens: Any, wirelens: Any, times: Any, linktypes: Any, first_number: int,
            begin: int, F: Any, E: Any, H: Any, D: Any, C: Any, free: Any, done: Any,
            samples: Any) -> tuple[int, int]:
    """Count packets ``begin``... of a chunk; returns (next packet, why it stopped: the chunk's end,
    a packet for the slow path, or a sweep of idle flows that is due)."""
    for i in range(begin, len(starts)):
        s, stop, lt = starts[i], starts[i] + caplens[i], linktypes[i]
        vlan0 = vlan1 = nvlan = 0
        proto: Any
        if lt == 1 or lt == 113:
            if lt == 1:
                if stop - s < 14:
                    return i, R_SLOW
                et, off = _be16(b, s + 12), s + 14
            else:
                if stop - s < 16:
                    return i, R_SLOW
                et, off = _be16(b, s + 14), s + 16
            while et == 0x8100 or et == 0x88A8 or et == 0x9100:
                if nvlan == 2 or off + 4 > stop:
                    return i, R_SLOW
                if nvlan == 0:
                    vlan0 = _be16(b, off) & 0xFFF
                else:
                    vlan1 = _be16(b, off) & 0xFFF
                nvlan += 1
                et, off = _be16(b, off + 2), off + 4
        elif lt == 228:
            et, off = 0x0800, s
        elif lt == 229:
            et, off = 0x86DD, s
        elif lt == 101 or lt == 12 or lt == 14:
            if stop - s < 1:
                return i, R_SLOW
            version = b[s] >> 4
            et, off = (0x0800 if version == 4 else 0x86DD if version == 6 else 0), s
        else:
            return i, R_SLOW
        if et == 0x0800:
            if off + 20 > stop or b[off] >> 4 != 4:
                return i, R_SLOW
            ihl = (b[off] & 15) * 4
            total = _be16(b, off + 2)
            if ihl < 20 or total < ihl or off + ihl > stop or _be16(b, off + 6) & 0x3FFF:
                return i, R_SLOW
            proto = np.int64(b[off + 9])
            v6, shi, slo, dhi, dlo = 0, V4_MARK, _be32(b, off + 12), V4_MARK, _be32(b, off + 16)
            multicast = 224 <= b[off + 16] <= 239
            l4, ip_payload = off + ihl, total - ihl
        elif et == 0x86DD:
            if off + 40 > stop or b[off] >> 4 != 6:
                return i, R_SLOW
            plen = _be16(b, off + 4)
            if plen == 0:
                return i, R_SLOW
            total, proto = plen + 40, np.int64(b[off + 6])
            v6, shi, slo, dhi, dlo = 1, _be64(b, off + 8), _be64(b, off + 16), _be64(b, off + 24), _be64(b, off + 32)
            multicast = b[off + 24] == 0xFF
            l4, ip_payload = off + 40, plen
        else:
            return i, R_SLOW
        if off + total > stop and caplens[i] >= wirelens[i]:
            return i, R_SLOW  # an IP length over a frame the capture did not cut: decode reports it
        ipend = min(stop, off + total)
        if proto == 6:
            if ipend - l4 < 20:
                return i, R_SLOW
            sport, dport = _be16(b, l4), _be16(b, l4 + 2)
            seq, ack = _be32(b, l4 + 4), _be32(b, l4 + 8)
            offset_flags, window = _be16(b, l4 + 12), _be16(b, l4 + 14)
            header = (offset_flags >> 12) * 4
            payload = ip_payload - header
            if header < 20 or payload < 0:
                return i, R_SLOW
            flags, data_at = offset_flags & 0x1FF, l4 + header
        elif proto == 17:
            if ipend - l4 < 8:
                return i, R_SLOW
            sport, dport = _be16(b, l4), _be16(b, l4 + 2)
            payload = ip_payload - 8
            if payload < 0 or K[K_TUNNEL, sport] or K[K_TUNNEL, dport]:
                return i, R_SLOW
            at = l4 + 8
            if (ipend - at >= 40 and b[at] >> 4 == 6 and _be16(b, at + 4) + 40 == ipend - at
                    and ((b[at + 8] == 0x20 and b[at + 9] == 1 and b[at + 10] == 0 and b[at + 11] == 0)
                         or (b[at + 24] == 0x20 and b[at + 25] == 1 and b[at + 26] == 0 and b[at + 27] == 0))):
                return i, R_SLOW  # Teredo on another port (decode.teredo_payload)
            flags, seq, ack, window, data_at = 0, 0, 0, 0, l4 + 8
        elif proto == 1 or proto == 58:
            if ipend - l4 < 4:
                return i, R_SLOW
            sport, code = np.int64(b[l4]), np.int64(b[l4 + 1])
            answer = K[K_ANSWER6 if proto == 58 else K_ANSWER4, sport]
            dport = code if answer < 0 else answer
            payload = max(0, ip_payload - 8)
            flags, seq, ack, window, data_at = 0, 0, 0, 0, l4 + 8
        else:
            return i, R_SLOW
        captured = ipend - data_at
        dns_response = proto == 17 and captured >= 12 and (b[data_at + 2] & 0x80) != 0
        ts = times[i]
        seg = (nvlan << 24) | (vlan0 << 12) | vlan1 if nvlan else 0  # collectors.flows.segments.vlan_code
        slot, side, created = _add(K, F, E, H, D, C, free, done, proto, shi, slo, sport, dhi, dlo, dport, v6, total,
                                   payload, flags, seq, ack, window, ts, first_number + i, dns_response, multicast,
                                   vlan0, vlan1, nvlan, seg)
        if captured > 0 and F[slot, SAMPLES] < F[slot, SMAX] and F[slot, SBYTES] < _outer(F, C, slot) and \
                _body(F, C, slot) and not _http_head(K, b, data_at, captured):
            F[slot, UNREAD] += 1  # an HTTP body past SAMPLE_LIMIT (FlowTable.add)
        elif captured > 0 and F[slot, SAMPLES] < F[slot, SMAX] and F[slot, SBYTES] < _outer(F, C, slot):
            if F[slot, SAMPLES] < C[C_SAMPLE_PLAIN]:
                worth = _sample_max(K, C, b, data_at, captured, proto, sport, dport)
                if worth:
                    F[slot, SMAX] = worth
            kept = _keep(F, C, slot, captured)
            if kept > 0:
                n = C[C_SAMPLES]
                samples[n, 0], samples[n, 1], samples[n, 2] = slot, side ^ F[slot, FLIPPED], data_at
                samples[n, 3], samples[n, 4] = kept, seq
                C[C_SAMPLES] = n + 1
        elif captured > 0 and F[slot, SMAX] >= C[C_SAMPLE_PACKETS]:
            F[slot, UNREAD] += 1
        if ts >= C[C_SWEEP]:
            return i + 1, R_SWEEP
    return len(starts), R_END


def _worth(K: Any, b: Any, at: int, n: int, sport: int, dport: int) -> bool:
    """collectors.flows.table.worth_sampling on the chunk's bytes."""
    if K[K_SAMPLE_PORT, sport] or K[K_SAMPLE_PORT, dport]:
        return True
    if n >= 2 and b[at] == 0x16 and (b[at + 1] == 1 or b[at + 1] == 3):
        return True
    if n >= 4:
        word = _be32(b, at)
        for index in range(K[K_MAGIC, 65535]):
            if word == K[K_MAGIC, index]:
                return True
    return False


def _add_hit(K: Any, F: Any, E: Any, H: Any, D: Any, C: Any, free: Any, done: Any, proto: int, shi: int, slo: int,
             sport: int, dhi: int, dlo: int, dport: int, v6: int, ip_bytes: int, payload: int, flags: int, seq: int,
             ack: int, window: int, ts: int, number: int, dns_response: bool, dst_multicast: bool, vlan0: int,
             vlan1: int, nvlan: int, seg: int, data_bytes: int, worth: int, head: bool) -> tuple[int, int, bool, int]:
    """One hit from the Python decoder (``worth``: collectors.flows.table.sample_max of its
    payload; ``head``: whether it starts with an HTTP magic word): (slot, side, created, how
    many payload bytes to keep: 0, none)."""
    slot, side, created = _add(K, F, E, H, D, C, free, done, proto, shi, slo, sport, dhi, dlo, dport, v6, ip_bytes,
                               payload, flags, seq, ack, window, ts, number, dns_response, dst_multicast, vlan0,
                               vlan1, nvlan, seg)
    kept = 0
    if data_bytes > 0 and F[slot, SAMPLES] < F[slot, SMAX] and F[slot, SBYTES] < _outer(F, C, slot) and \
            _body(F, C, slot) and not head:
        F[slot, UNREAD] += 1  # an HTTP body past SAMPLE_LIMIT (FlowTable.add)
    elif data_bytes > 0 and F[slot, SAMPLES] < F[slot, SMAX] and F[slot, SBYTES] < _outer(F, C, slot):
        if F[slot, SAMPLES] < C[C_SAMPLE_PLAIN] and worth:
            F[slot, SMAX] = worth
        kept = _keep(F, C, slot, data_bytes)
    elif data_bytes > 0 and F[slot, SMAX] >= C[C_SAMPLE_PACKETS]:
        F[slot, UNREAD] += 1
    return slot, side, created, kept


def _keep(F: Any, C: Any, slot: int, length: int) -> int:
    """FlowTable._sample's count: the payload bytes of a packet of ``length`` the flow keeps
    (SAMPLE_PLAIN_LIMIT at most while it is not worth sampling), the packet looked at either way."""
    smax = F[slot, SMAX]
    limit = C[C_DNS_LIMIT] if smax == C[C_DNS_PACKETS] else C[C_PLAIN_LIMIT] if smax == C[C_SAMPLE_PLAIN] \
        else C[C_SAMPLE_LIMIT]
    if smax == C[C_HTTP_PACKETS] and F[slot, SBYTES] >= C[C_SAMPLE_LIMIT]:  # a message's head
        limit = min(C[C_HTTP_LIMIT], F[slot, SBYTES] + C[C_HTTP_HEAD])
    F[slot, SAMPLES] += 1
    kept = max(0, min(length, limit - F[slot, SBYTES]))
    F[slot, SBYTES] += kept
    if 0 < kept < length and smax >= C[C_SAMPLE_PACKETS]:
        F[slot, UNREAD] += 1  # cut short at the flow's limit
    return int(kept)


def _outer(F: Any, C: Any, slot: int) -> int:
    """The sample bytes past which FlowTable.add looks at no more of a flow's packets."""
    smax = F[slot, SMAX]
    return int(C[C_DNS_LIMIT] if smax == C[C_DNS_PACKETS] else C[C_HTTP_LIMIT] if smax == C[C_HTTP_PACKETS]
               else C[C_SAMPLE_LIMIT])


def _body(F: Any, C: Any, slot: int) -> bool:
    """Whether an HTTP flow's sample is past SAMPLE_LIMIT: it keeps only the heads of messages."""
    return bool(F[slot, SMAX] == C[C_HTTP_PACKETS] and F[slot, SBYTES] >= C[C_SAMPLE_LIMIT])


def _http_head(K: Any, b: Any, at: int, n: int) -> bool:
    """Whether the payload at ``at`` starts with one of HTTP's magic words (SAMPLE_MAGIC after SSH's)."""
    if n < 4:
        return False
    word = _be32(b, at)
    for index in range(1, K[K_MAGIC, 65535]):
        if word == K[K_MAGIC, index]:
            return True
    return False


def _sample_max(K: Any, C: Any, b: Any, at: int, n: int, proto: int, sport: int, dport: int) -> int:
    """collectors.flows.table.sample_max on the chunk's bytes (the magic words after SSH's are
    HTTP's)."""
    if not _worth(K, b, at, n, sport, dport):
        return 0
    if (proto == 17 or proto == 6) and (K[K_DNS, sport] or K[K_DNS, dport]):
        return int(C[C_DNS_PACKETS])
    if n >= 4:
        word = _be32(b, at)
        for index in range(1, K[K_MAGIC, 65535]):
            if word == K[K_MAGIC, index]:
                return int(C[C_HTTP_PACKETS])
    return int(C[C_SAMPLE_PACKETS])


def _walk_pcap(b: Any, position: int, little: bool, nanos: bool, limit: int, snaplen: int, starts: Any,
               caplens: Any, wirelens: Any, times: Any, positions: Any) -> tuple[int, int, int, int]:
    """The pcap records in ``b`` from ``position``: (how many, where the next one starts, 0 when
    the buffer ends or 1 at a record header that cannot be right, bytes the next record needs)."""
    end, n, want = len(b), 0, 16
    while position + 16 <= end:
        if little:
            seconds, fraction = _le32(b, position), _le32(b, position + 4)
            caplen, wirelen = _le32(b, position + 8), _le32(b, position + 12)
        else:
            seconds, fraction = _be32(b, position), _be32(b, position + 4)
            caplen, wirelen = _be32(b, position + 8), _be32(b, position + 12)
        if caplen > limit or (caplen > wirelen and caplen > snaplen):
            return n, position, 1, 16
        if position + 16 + caplen > end:
            want = 16 + caplen
            break
        starts[n], caplens[n], wirelens[n], positions[n] = position + 16, caplen, wirelen, position
        if fraction >= (1000000000 if nanos else 1000000):
            times[n] = BAD_TIME  # framing is sane: read, its time judged by pcap._record_times
        else:
            times[n] = seconds * 1000000000 + (fraction if nanos else fraction * 1000)
        n += 1
        position += 16 + caplen
    return n, position, 0, want


def _le32(b: Any, at: int) -> Any:
    return (np.int64(b[at + 3]) << 24) | (np.int64(b[at + 2]) << 16) | (np.int64(b[at + 1]) << 8) | np.int64(b[at])


def _forget(F: Any, D: Any, C: Any, slots: Any) -> None:
    for slot in slots:
        _unindex(F, D, C, slot)
        F[slot, LIVE] = 0


def walker() -> Any:
    """The compiled pcap record walker (collectors.flows.pcap uses it when given)."""
    return _compile()["_walk_pcap"]


_COMPILED: dict[str, Any] = {}
_NAMES = (*SLOT_NAMES, "_forget", "_walk_pcap", "_le32", "_sd", "_hist", "_flip", "_check", "_scaled", "_state",
          "_init", "_size", "_history_letters", "_segment", "_machine", "_orig_is_src", "_tag", "_untag", "_unindex",
          "_paired", "_end", "_add", "_udp_letter", "_be16", "_be32", "_be64", "_kernel", "_worth", "_add_hit",
          "_keep", "_outer", "_sample_max", "_body", "_http_head")


def _compile() -> dict[str, Any]:
    """Compile the functions above with numba (machine code cached on disk by numba)."""
    if not _COMPILED:
        from govsoc.collectors.flows import slots

        module, home = globals(), vars(slots)
        for name in _NAMES:
            own = name in SLOT_NAMES  # slots' functions call each other through that module's globals
            module[name] = _numba.njit(cache=True)((home if own else module)[name])
            if own:
                home[name] = module[name]
        _COMPILED.update({name: module[name] for name in _NAMES})
    return _COMPILED


#: The fewest packets a kernel call is given when the table is (nearly) full.
MIN_SPAN = 256


class NativeEngine:
    """The compiled flow table over a capture's chunks (see the module docstring)."""

    def __init__(self, *, capacity: int = 4096, close_delay: int = CLOSE_DELAY, max_flows: int = MAX_FLOWS,
                 sample_budget: int = SAMPLE_BUDGET) -> None:
        global warm
        #: payload sample bytes the open flows hold at most (FlowTable.sample_budget), checked
        #: after each kernel call: passed by at most what one call kept
        self.sample_budget = max(1, sample_budget)
        self.held_bytes = 0
        #: open flows past which the least recently active are ended early (FlowTable.max_flows),
        #: checked before each kernel call, which gets no more packets than there is room for
        #: (at least MIN_SPAN): the table holds at most this plus MIN_SPAN
        self.max_flows = max(1, max_flows)
        #: (packet number, flows ended early then, "flows" or "bytes") each time the table was full
        self.evictions: list[tuple[int, int, str]] = []
        self.fn = _compile()
        warm = True
        self.F = np.zeros((capacity, FLOW_FIELDS), dtype=np.int64)
        self.E = np.zeros((2 * capacity, EP_FIELDS), dtype=np.int64)
        self.H = np.zeros((capacity, HISTORY_BYTES), dtype=np.uint8)
        self.free = np.arange(capacity - 1, -1, -1, dtype=np.int64)
        self.C = np.zeros(18, dtype=np.int64)
        self.C[C_FREE] = capacity
        self.C[C_DELAY] = close_delay * NS
        self.C[C_SAMPLE_PACKETS] = SAMPLE_PACKETS
        self.C[C_SAMPLE_LIMIT], self.C[C_SAMPLE_PLAIN] = SAMPLE_LIMIT, SAMPLE_PLAIN
        self.C[C_PLAIN_LIMIT] = SAMPLE_PLAIN_LIMIT
        self.C[C_DNS_PACKETS], self.C[C_DNS_LIMIT] = SAMPLE_DNS_PACKETS, SAMPLE_DNS_LIMIT
        self.C[C_HTTP_PACKETS] = SAMPLE_HTTP_PACKETS
        self.C[C_HTTP_HEAD], self.C[C_HTTP_LIMIT] = SAMPLE_HTTP_HEAD, SAMPLE_HTTP_LIMIT
        self.K = lookups()
        #: the slot tables (collectors.flows.slots): by key, then VLAN-tagged flows by 5-tuple
        self.D = np.zeros(2 * _cells(capacity), dtype=np.int64)
        self.done = np.zeros(1024, dtype=np.int64)
        self.samples = np.zeros((1024, 5), dtype=np.int64)
        #: slot -> its payload samples as (from the originator the flow was created with, seq,
        #: bytes); those of a flow flipped since are turned round when it is released
        self.sampled: dict[int, list[tuple[bool, int, bytes]]] = {}
        self.tunnels: dict[int, tuple[str, ...]] = {}
        self.vlans: dict[int, tuple[int, ...]] = {}
        self.vnets: dict[int, int] = {}
        self.native_packets = 0

    @property
    def peak_open(self) -> int:
        """The most flow slots in use at once so far (open flows, and ended ones not yet handed
        over): the table's memory follows it, not the size of the file."""
        return int(self.C[C_PEAK])

    # -- capacity ----------------------------------------------------------------------------
    def _room(self, packets: int) -> None:
        """Make sure ``packets`` new flows and ended flows fit."""
        if len(self.done) < packets + 1:
            self.done = np.zeros(2 * packets + 1, dtype=np.int64)
            self.samples = np.zeros((2 * packets + 1, 5), dtype=np.int64)
        if self.C[C_FREE] >= packets + 1:
            return
        old = len(self.F)
        new = max(2 * old, old + packets + 1)
        self.F = np.concatenate([self.F, np.zeros((new - old, FLOW_FIELDS), dtype=np.int64)])
        self.E = np.concatenate([self.E, np.zeros((2 * (new - old), EP_FIELDS), dtype=np.int64)])
        self.H = np.concatenate([self.H, np.zeros((new - old, HISTORY_BYTES), dtype=np.uint8)])
        top = int(self.C[C_FREE])
        free = np.zeros(new, dtype=np.int64)
        free[:top] = self.free[:top]
        added = np.arange(new - 1, old - 1, -1, dtype=np.int64)
        free[top:top + len(added)] = added
        self.free = free
        self.C[C_FREE] = top + len(added)
        self.D = np.zeros(2 * _cells(new), dtype=np.int64)
        self.fn["_slots_rebuild"](self.D, self.F, LIVE, KHASH, 0)
        self.fn["_slots_rebuild"](self.D, self.F, TAGGED, KHASH2, len(self.D) >> 1)

    # -- packets -----------------------------------------------------------------------------
    def run(self, chunk: Any, decode: Any, out: list[Flow]) -> None:
        """Count one chunk's packets; flows that ended go to ``out``, in the order they ended."""
        with _collector_paused():
            self._run(chunk, decode, out)

    def _run(self, chunk: Any, decode: Any, out: list[Flow]) -> None:
        data = chunk.data if isinstance(chunk.data, np.ndarray) else np.frombuffer(chunk.data, dtype=np.uint8)
        starts = np.asarray(chunk.starts, dtype=np.int64)
        caplens = np.asarray(chunk.caplens, dtype=np.int64)
        wirelens = np.asarray(chunk.wirelens, dtype=np.int64)
        times = np.asarray(chunk.times, dtype=np.int64)
        linktypes = np.asarray(chunk.linktypes, dtype=np.int64)
        kernel, count = self.fn["_kernel"], len(starts)
        i = 0
        while i < count:
            if len(self.free) - self.C[C_FREE] >= self.max_flows:
                self._evict(int(times[i - 1] if i else times[0]), chunk.first_number + i, out)
            # a kernel call creates at most one flow a packet: no more packets than there is room
            end = min(count, i + max(MIN_SPAN, self.max_flows - (len(self.free) - int(self.C[C_FREE]))))
            self._room(end - i)
            self.C[C_DONE] = self.C[C_SAMPLES] = 0
            stop, why = kernel(self.K, data, starts[:end], caplens, wirelens, times, linktypes, chunk.first_number, i,
                               self.F, self.E, self.H, self.D, self.C, self.free, self.done, self.samples)
            self.native_packets += stop - i
            self._collect(data, out)
            if self.held_bytes > self.sample_budget:
                self._evict_bytes(chunk.first_number + stop - 1, out)
            i = stop
            if why == R_SWEEP:
                self.sweep(int(times[i - 1]), out)
            elif why == R_SLOW:
                self._slow(chunk, i, decode, out)
                i += 1

    def _slow(self, chunk: Any, i: int, decode: Any, out: list[Flow]) -> None:
        number, start, ts = chunk.first_number + i, chunk.starts[i], chunk.times[i]
        packet = bytes(chunk.data[start:start + chunk.caplens[i]])  # the chunk's buffer is reused
        for hit in decode(chunk.linktypes[i], packet, number, chunk.offsets[i], ts,
                          whole=chunk.caplens[i] >= chunk.wirelens[i]):
            if hit.proto in NOT_FLOWS:
                continue
            self.add_hit(hit, ts, number, out)

    def add_hit(self, hit: Hit, ts: int, number: int, out: list[Flow]) -> None:
        """Count one hit of the per-packet decoder."""
        if len(self.free) - self.C[C_FREE] > self.max_flows:
            self._evict(ts, number, out)
        self._room(1)
        self.C[C_DONE] = self.C[C_SAMPLES] = 0
        shi, slo = _halves(hit.src)
        dhi, dlo = _halves(hit.dst)
        vlan = hit.vlan
        data = hit.data
        dns_response = hit.proto == UDP and len(data) >= 12 and bool(data[2] & 0x80)
        multicast = (len(hit.dst) == 4 and 224 <= hit.dst[0] <= 239) or (len(hit.dst) == 16 and hit.dst[0] == 0xFF)
        slot, side, created, sample = self.fn["_add_hit"](
            self.K, self.F, self.E, self.H, self.D, self.C, self.free, self.done, hit.proto, shi, slo, hit.sport, dhi,
            dlo, hit.dport, int(len(hit.src) == 16), hit.ip_bytes, hit.payload, hit.flags, hit.seq, hit.ack, hit.window,
            ts, number, dns_response, multicast, vlan[0] if vlan else 0, vlan[1] if len(vlan) > 1 else 0,
            min(len(vlan), 2), hit.seg, len(data), sample_max(data, hit.proto, hit.sport, hit.dport) if data else 0,
            bytes(data[:4]) in HTTP_MAGIC)
        self._collect(b"", out)
        if created:
            self.tunnels.pop(slot, None)
            self.vlans.pop(slot, None)
            self.vnets.pop(slot, None)
            if hit.tunnel:
                self.tunnels[slot] = hit.tunnel
            if len(vlan) > 2:
                self.vlans[slot] = vlan
            if hit.vnet:
                self.vnets[slot] = hit.vnet
        elif hit.tunnel:  # each direction's tunnel labels (endpoints, ports, TEID) may differ
            kept = self.tunnels.get(slot, ())
            if hit.tunnel != kept:
                self.tunnels[slot] = merged_tunnels(kept, hit.tunnel)
        if sample:
            self.sampled.setdefault(slot, []).append((side == int(self.F[slot, FLIPPED]), hit.seq,
                                                      bytes(data[:sample])))
            self.held_bytes += sample
            if self.held_bytes > self.sample_budget:
                self._evict_bytes(number, out)
        if ts >= self.C[C_SWEEP]:
            self.sweep(ts, out)

    def _collect(self, data: Any, out: list[Flow]) -> None:
        """After a kernel call: keep its payload samples (copied out of the chunk's buffer, which
        the reader reuses), hand over the flows it ended."""
        sampled = self.sampled
        count = int(self.C[C_SAMPLES])
        if count:
            self.held_bytes += int(self.samples[:count, 3].sum())
            for slot, tag, at, length, seq in self.samples[:count].tolist():
                sample = (tag == 0, seq, data[at:at + length].tobytes())
                kept = sampled.get(slot)
                if kept is None:
                    sampled[slot] = [sample]
                else:
                    kept.append(sample)
        self._release(self.done[:int(self.C[C_DONE])].copy(), out)
        self.C[C_DONE] = self.C[C_SAMPLES] = 0

    def sweep(self, now: int, out: list[Flow]) -> None:
        """End flows idle past their time-out or closed past the close delay (FlowTable.sweep)."""
        self.C[C_SWEEP] = now + SWEEP_SECONDS * NS
        F = self.F
        live = F[:, LIVE] == 1
        idle = now - F[:, FLAST] > F[:, TMO]
        closed = (F[:, CLOSED] != 0) & (now - F[:, CLOSED] > self.C[C_DELAY])
        slots = np.nonzero(live & (idle | closed))[0]
        slots = slots[np.argsort(F[slots, CSEQ], kind="stable")]
        self.fn["_forget"](self.F, self.D, self.C, slots)
        self._release(slots, out)

    def _evict(self, now: int, number: int, out: list[Flow]) -> None:
        """The table is full (FlowTable._evict): the idle flows end, then the least recently
        active (oldest last packet, then oldest first packet) down to MAX_FLOWS less a tenth."""
        self.sweep(now, out)
        F = self.F
        slots = np.nonzero(F[:, LIVE] == 1)[0]
        target = self.max_flows - max(1, self.max_flows // EVICT_PART)
        if len(slots) <= target:
            return
        early = slots[np.lexsort((F[slots, FIRST], F[slots, FLAST]))[:len(slots) - target]]
        self.fn["_forget"](self.F, self.D, self.C, early)
        self._release(early, out)
        self.evictions.append((number, len(early), "flows"))

    def _evict_bytes(self, number: int, out: list[Flow]) -> None:
        """The open flows' samples passed the budget (FlowTable._evict_bytes): the least recently
        active flows holding samples end until a tenth of it is free."""
        F = self.F
        slots = np.nonzero((F[:, LIVE] == 1) & (F[:, SBYTES] > 0))[0]
        slots = slots[np.lexsort((F[slots, FIRST], F[slots, FLAST]))]
        target = self.sample_budget - max(1, self.sample_budget // EVICT_PART)
        freed = np.cumsum(F[slots, SBYTES])
        early = slots[:int(np.searchsorted(freed, self.held_bytes - target)) + 1]
        self.fn["_forget"](self.F, self.D, self.C, early)
        self._release(early, out)
        self.evictions.append((number, len(early), "bytes"))

    def flush(self, out: list[Flow]) -> None:
        """Every flow still open, oldest first (FlowTable.flush)."""
        with _collector_paused():
            self._flush(out)

    def _flush(self, out: list[Flow]) -> None:
        F = self.F
        slots = np.nonzero(F[:, LIVE] == 1)[0]
        slots = slots[np.lexsort((F[slots, CSEQ], F[slots, FIRST], F[slots, FSTART]))]
        self.fn["_forget"](self.F, self.D, self.C, slots)
        self._release(slots, out)

    # -- back to Python ----------------------------------------------------------------------
    def _release(self, slots: Any, out: list[Flow]) -> None:
        """The Flows of ended slots, in order, to ``out``; the slots go back to the free list.
        Rows leave numpy in a few bulk conversions (lists, one bytes object for the addresses
        and one for the histories), so a flow costs only its objects."""
        if not len(slots):
            return
        slots = np.asarray(slots, dtype=np.int64)
        rows = self.F[slots]
        self.held_bytes -= int(rows[:, SBYTES].sum())
        addresses = rows[:, [OHI, OLO, RHI, RLO]].astype(">i8").tobytes()
        histories = self.H[slots].tobytes()
        origs, resps = self.E[2 * slots].tolist(), self.E[2 * slots + 1].tolist()
        sampled, tunnels, vlans, vnets = self.sampled, self.tunnels, self.vlans, self.vnets
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
        top = int(self.C[C_FREE])
        self.free[top:top + len(slots)] = slots
        self.C[C_FREE] = top + len(slots)


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector held off while one chunk's flows and samples are made.
    They hold no reference cycles, but each allocation counts towards a collection, and the
    collections that follow scan every object of the process (numba's among them): two thirds of
    the time spent making flow objects went there. Collection resumes after the chunk."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def _cells(rows: int) -> int:
    """Cells of the slot table for a flow matrix of ``rows`` rows: a power of two, twice as many."""
    return 1 << (2 * rows - 1).bit_length()


def _halves(address: bytes) -> tuple[int, int]:
    """An address as the two int64 halves the kernel keys on (IPv4: a mark and the address)."""
    if len(address) == 4:
        return V4_MARK, int.from_bytes(address, "big")
    return int.from_bytes(address[:8], "big", signed=True), int.from_bytes(address[8:], "big", signed=True)
