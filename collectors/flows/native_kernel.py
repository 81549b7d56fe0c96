"""The packet kernels of the compiled flow engine (collectors.flows.native): the chunk
decoder (Ethernet, VLAN, Linux cooked and raw-IP frames carrying IPv4 or IPv6 with TCP or UDP),
the entry for one hit of the Python decoder, the payload sampling decisions of
collectors.flows.table on the chunk's bytes, and the pcap record walker (big- and little-endian
readers included). Plain Python here, compiled with numba by native._compile().
"""

from __future__ import annotations

from typing import Any

import numpy as np

from govsoc.collectors.flows.native_layout import (
    C_DNS_LIMIT,
    C_DNS_PACKETS,
    C_HTTP_HEAD,
    C_HTTP_LIMIT,
    C_HTTP_PACKETS,
    C_PLAIN_LIMIT,
    C_SAMPLE_LIMIT,
    C_SAMPLE_PACKETS,
    C_SAMPLE_PLAIN,
    C_SAMPLES,
    C_SWEEP,
    FLIPPED,
    K_ANSWER4,
    K_ANSWER6,
    K_DNS,
    K_MAGIC,
    K_SAMPLE_PORT,
    K_TUNNEL,
    R_END,
    R_SLOW,
    R_SWEEP,
    SAMPLES,
    SBYTES,
    SMAX,
    UNREAD,
    V4_MARK,
)
from govsoc.collectors.flows.native_table import _add
from govsoc.collectors.flows.pcap import BAD_TIME


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
