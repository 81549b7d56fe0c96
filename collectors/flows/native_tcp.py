"""The TCP endpoint state machine of the compiled flow engine (collectors.flows.native) on its
arrays: sequence arithmetic, Zeek's history letters, retransmission and zero-window counts and the
state transitions, with collectors.flows.tcp's semantics exactly (RFC 9293 states as Zeek's
analyzer tracks them). Plain Python here, compiled with numba by native._compile().
"""

from __future__ import annotations

from typing import Any

from govsoc.collectors.flows.native_layout import (
    ACKS,
    CLOSED,
    CLOSED_S,
    DIDC,
    EP_FIELDS,
    ESTABLISHED,
    FINS,
    FLAST,
    FLIPPED,
    HISTORY_BYTES,
    HLEN,
    HSEEN,
    INACTIVE,
    LAST,
    LFIN,
    LRST,
    LSYN,
    OHI,
    OLO,
    OPORT,
    PARTIAL,
    PREV,
    RESET,
    RHI,
    RLO,
    RPORT,
    RSTS,
    RXC,
    RXT,
    START,
    STATE,
    SYN_ACK_SENT,
    SYN_SENT,
    W0C,
    W0T,
)


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
