"""Zeek's TCP endpoint state machine, so that a flow's connection state, history and payload
byte counts mean what Zeek's conn.log says (Zeek's TCPSessionAdapter and TCP_Endpoint; the
conn_state table of base/protocols/conn/main.zeek and shared/reference/log-formats.md 14.2).

Sequence numbers are compared in 32-bit sequence space (RFC 9293 3.4, ``seq_delta``); sizes are
the highest sequence number or acknowledgement seen less the initial one, less the SYN and FIN
octets, as Zeek's ``TCP_Endpoint::Size``. Sequence-space wrap-around past 4 GiB per direction is
not tracked.
"""

from __future__ import annotations

INACTIVE, SYN_SENT, SYN_ACK_SENT, PARTIAL, ESTABLISHED, CLOSED, RESET = range(7)
FIN, SYN, RST, ACK = 0x01, 0x02, 0x04, 0x10
#: Larger jumps than this in a SYN's or RST's sequence number are not believed (Zeek's value).
TOO_LARGE_SEQ_DELTA = 1048576
_M = 0xFFFFFFFF

# history bits, as Zeek's TCP_Endpoint::HIST_*; the responder's are shifted 16 up
HIST_SYN, HIST_FIN, HIST_RST, HIST_FIN_RST, HIST_DATA, HIST_ACK, HIST_MULTI = 1, 2, 4, 8, 16, 32, 64


def seq_delta(a: int, b: int) -> int:
    """a - b in 32-bit sequence space, as a signed number."""
    d = (a - b) & _M
    return d - 0x100000000 if d & 0x80000000 else d


class Endpoint:
    """One side of a TCP connection (and, for other protocols, only its counters)."""

    __slots__ = ("state", "prev_state", "start_seq", "last_seq", "ack_seq", "fin_cnt", "rst_cnt", "packets",
                 "ip_bytes", "payload", "rxmt_cnt", "rxmt_thresh", "win0_cnt", "win0_thresh", "last_syn",
                 "last_fin", "last_rst", "did_close", "is_orig")

    def __init__(self, is_orig: bool) -> None:
        self.state = self.prev_state = INACTIVE
        self.start_seq = self.last_seq = self.ack_seq = 0
        self.fin_cnt = self.rst_cnt = self.packets = self.ip_bytes = self.payload = 0
        self.rxmt_cnt = self.win0_cnt = 0
        self.rxmt_thresh = self.win0_thresh = 1
        self.last_syn = self.last_fin = self.last_rst = -1
        self.did_close = False
        self.is_orig = is_orig

    def set_state(self, state: int) -> None:
        """Move to ``state``, remembering the one before."""
        if state != self.state:
            self.prev_state, self.state = self.state, state

    def size(self, peer: Endpoint) -> int:
        """Payload bytes sent, from sequence numbers (Zeek's TCP_Endpoint::Size)."""
        if (self.prev_state == SYN_SENT and self.state == RESET and peer.state == INACTIVE
                and self.ack_seq not in (self.start_seq, (self.start_seq + 1) & _M)):
            return 0
        top = self.last_seq if seq_delta(self.last_seq, self.ack_seq) > 0 else self.ack_seq
        size = (top - self.start_seq) & _M
        if size:
            size -= 1
        if self.fin_cnt and size:
            size -= 1
        return size

    def init_seqs(self, seq: int, last: int) -> None:
        """Start the sequence space at ``seq``."""
        self.start_seq = self.ack_seq = seq
        self.last_seq = last


class TcpConnection:
    """The TCP part of a flow: its two endpoints and its history string."""

    __slots__ = ("orig", "resp", "history", "hist_seen", "flipped")

    def __init__(self) -> None:
        self.orig, self.resp = Endpoint(True), Endpoint(False)
        self.history: list[str] = []
        self.hist_seen = 0
        self.flipped = False

    # -- history -----------------------------------------------------------------------------
    def check(self, ep: Endpoint, mask: int, code: str) -> bool:
        """Add ``code`` the first time ``mask`` is seen for ``ep``; True when it was seen before.
        A connection that began with a SYN-ACK is flipped at its first ACK or data packet, as
        Zeek does (its TCP_Endpoint::CheckHistory): the SYN-ACK's sender was the responder."""
        if code in "AD" and self.history == ["H"]:
            self.flip()
            self.history = ["^", "h"]
        if not ep.is_orig:
            mask <<= 16
            code = code.lower()
        if self.hist_seen & mask:
            return True
        self.hist_seen |= mask
        self.history.append(code)
        return False

    def add(self, ep: Endpoint, code: str) -> None:
        """Add ``code`` (upper case for the originator)."""
        self.history.append(code if ep.is_orig else code.lower())

    def scaled(self, ep: Endpoint, code: str, which: str) -> None:
        """Zeek's scaled entries: the letter at the 1st, 10th, 100th... occurrence."""
        count = getattr(ep, which + "_cnt") + 1
        threshold = getattr(ep, which + "_thresh")
        if count == threshold:
            self.add(ep, code)
            threshold *= 10
        setattr(ep, which + "_cnt", count)
        setattr(ep, which + "_thresh", threshold)

    def flip(self) -> None:
        """The originator was the responder after all (a SYN after its SYN-ACK)."""
        self.orig, self.resp = self.resp, self.orig
        self.orig.is_orig, self.resp.is_orig = True, False
        self.flipped = not self.flipped
        self.history.append("^")

    # -- one segment -------------------------------------------------------------------------
    def segment(self, is_orig: bool, flags: int, seq: int, ack: int, length: int, window: int) -> tuple[bool, bool]:
        """Process one segment (Zeek's TCPSessionAdapter::Process, less reassembly); returns
        (whether the connection was flipped, whether this packet completed its close: Zeek's
        ConnectionClosed with close_complete, after which the connection is deleted once
        tcp_close_delay has passed)."""
        ep, peer = (self.orig, self.resp) if is_orig else (self.resp, self.orig)
        before = self.flipped
        syn, fin, rst, has_ack = flags & SYN, flags & FIN, flags & RST, flags & ACK
        seg_len = length + (1 if syn else 0) + (1 if fin else 0) - (length if rst else 0)
        past = (seq + seg_len) & _M
        self._init_endpoint(ep, syn, seq, past)
        rel_seq = seq_delta(seq, ep.start_seq)
        self._history(ep, flags, rel_seq, length)
        if window == 0 and not rst and peer.state != CLOSED and ep.state != RESET:
            self.scaled(ep, "W", "win0")
        if fin:
            ep.fin_cnt += 1
        if rst:
            ep.rst_cnt += 1
        if has_ack:
            if peer.state == INACTIVE:
                peer.init_seqs((ack - 1) & _M, (ack - 1) & _M)
            elif seq_delta(ack, peer.start_seq) >= 0 and not rst:
                delta = seq_delta(ack, peer.ack_seq)
                if not (ack == 0 and delta > TOO_LARGE_SEQ_DELTA) and delta > 0:
                    peer.ack_seq = ack
        delta_last = self._update_last_seq(ep, past, flags, length)
        close = self._state_machine(ep, peer, is_orig, flags, seq, ack, length, delta_last)
        complete = False
        if close and not ep.did_close:
            ep.did_close = True
            complete = ep.state == RESET or peer.did_close or peer.state == INACTIVE
        return self.flipped != before, complete

    def _init_endpoint(self, ep: Endpoint, syn: int, seq: int, past: int) -> None:
        state = ep.state
        if state == INACTIVE:
            if syn:
                ep.init_seqs(seq, past)
            else:
                ep.init_seqs((seq - 1) & _M, seq)
        elif syn and state in (SYN_SENT, SYN_ACK_SENT, ESTABLISHED, PARTIAL):
            if state in (ESTABLISHED, PARTIAL) or seq != ep.start_seq:
                ep.init_seqs(seq, past)
        elif syn and state == RESET and ep.prev_state == INACTIVE:
            ep.init_seqs(seq, past)

    def _history(self, ep: Endpoint, flags: int, rel_seq: int, length: int) -> None:
        syn, fin, rst = flags & SYN, flags & FIN, flags & RST
        bits = (1 if syn else 0) + (1 if fin else 0) + (1 if rst else 0)
        if bits > 1:
            if fin and rst:
                self.check(ep, HIST_FIN_RST, "I")
            else:
                self.check(ep, HIST_MULTI, "Q")
        elif bits == 1:
            if syn:
                code = "H" if flags & ACK else "S"
                if self.check(ep, HIST_SYN, code) and rel_seq != ep.last_syn:
                    self.add(ep, code)
                ep.last_syn = rel_seq
            if fin:
                if self.check(ep, HIST_FIN, "F") and rel_seq + length != ep.last_fin:
                    self.add(ep, "F")
                ep.last_fin = rel_seq + length
            if rst:
                if self.check(ep, HIST_RST, "R") and rel_seq != ep.last_rst:
                    self.add(ep, "R")
                ep.last_rst = rel_seq
        elif length:
            self.check(ep, HIST_DATA, "D")
        elif flags & ACK:
            self.check(ep, HIST_ACK, "A")

    def _update_last_seq(self, ep: Endpoint, past: int, flags: int, length: int) -> int:
        delta = seq_delta(past, ep.last_seq)
        if flags & (SYN | RST) and (delta > TOO_LARGE_SEQ_DELTA or delta < -TOO_LARGE_SEQ_DELTA):
            pass
        elif flags & FIN and ep.last_seq == (ep.start_seq + 1) & _M:
            ep.last_seq = past
        elif ep.state == RESET:
            pass
        elif delta > 0:
            ep.last_seq = past
        elif length > 0:
            self.scaled(ep, "T", "rxmt")
        return delta

    def _state_machine(self, ep: Endpoint, peer: Endpoint, is_orig: bool, flags: int, seq: int, ack: int,
                       length: int, delta_last: int) -> bool:
        """Zeek's UpdateStateMachine; returns whether the endpoint closed (do_close)."""
        syn, fin, rst, has_ack = flags & SYN, flags & FIN, flags & RST, flags & ACK
        state, close = ep.state, False
        if state == INACTIVE:
            if syn:
                if is_orig:
                    ep.set_state(SYN_ACK_SENT if has_ack else SYN_SENT)
                else:
                    if not has_ack and peer.state == SYN_ACK_SENT and seq == ep.start_seq:
                        self.flip()
                        peer.set_state(ESTABLISHED)
                    if peer.state == SYN_SENT:
                        peer.set_state(ESTABLISHED)
                    ep.set_state(ESTABLISHED)
            if fin:
                ep.set_state(CLOSED)
                close = True
            if rst:
                ep.set_state(RESET)
                close = True
            if ep.state == INACTIVE:
                if not is_orig and length == 0 and self.orig.state == SYN_SENT:
                    pass
                elif has_ack and peer.state == ESTABLISHED:
                    ep.set_state(ESTABLISHED)
                else:
                    ep.set_state(PARTIAL)
        elif state in (SYN_SENT, SYN_ACK_SENT):
            if fin:
                ep.set_state(CLOSED)
                close = True
            if rst:
                ep.set_state(RESET)
                close = True
        elif state in (ESTABLISHED, PARTIAL):
            if syn and state == PARTIAL and peer.state == INACTIVE and not has_ack:
                ep.set_state(SYN_SENT)
            if fin and not rst:
                ep.set_state(CLOSED)
                if peer.state == RESET and peer.prev_state == CLOSED:
                    peer.set_state(CLOSED)
                close = True
            if rst:
                ep.set_state(RESET)
                close = True
        elif state == CLOSED:
            if rst and peer.state != CLOSED:
                ep.set_state(RESET)
                if not ep.did_close:
                    close = True
        return close


def conn_state(orig: Endpoint, resp: Endpoint, history: str) -> str:
    """Zeek's conn_state for a TCP connection (base/protocols/conn/main.zeek)."""
    os, rs = orig.state, resp.state
    o_inactive, r_inactive = os in (INACTIVE, PARTIAL), rs in (INACTIVE, PARTIAL)
    if rs == RESET:
        if os in (SYN_SENT, SYN_ACK_SENT) or (os == RESET and orig.size(resp) == 0 and resp.size(orig) == 0):
            return "REJ"
        return "RSTRH" if o_inactive else "RSTR"
    if os == RESET:
        if r_inactive:
            return "RSTOS0" if _rstos0(history) else "OTH"
        return "RSTO"
    if rs == CLOSED and os == CLOSED:
        return "SF"
    if os == CLOSED:
        return "SH" if r_inactive else "S2"
    if rs == CLOSED:
        return "SHR" if o_inactive else "S3"
    if os == SYN_SENT and rs == INACTIVE:
        return "S0"
    if os == ESTABLISHED and rs == ESTABLISHED:
        return "S1"
    return "OTH"


def _rstos0(history: str) -> bool:
    """/^?S[^HAFGIQ]*R.*/ (Zeek patterns match the whole string)."""
    import re

    return re.fullmatch(r"\^?S[^HAFGIQ]*R.*", history) is not None
