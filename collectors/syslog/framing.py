"""Syslog message framing on a byte stream: RFC 6587 (TCP) and RFC 5425 (TLS).

Two framings exist, and a sender never says which it uses:

| framing            | on the wire                         | who sends it                                |
|--------------------|-------------------------------------|---------------------------------------------|
| octet counting     | ``MSG-LEN SP SYSLOG-MSG``           | RFC 5425 (TLS, mandatory), rsyslog, syslog-ng |
|                    | (RFC 6587 3.4.1, RFC 5425 4.3)      | with ``framing octet-counted``              |
| non-transparent    | ``SYSLOG-MSG TRAILER``, the trailer | most devices, ``logger --tcp``, rsyslog's   |
|                    | LF (some send CRLF or NUL)          | default omfwd                               |
|                    | (RFC 6587 3.4.2)                    |                                             |

The framing is decided by each frame's first bytes, as rsyslog's imtcp does (RFC 6587 names
both framings and no rule that a sender keeps one; a relay that forwards several devices over
one connection may mix them). A connection's first frame sets its framing; then:

- in an octet-counted connection, a frame that starts with ``<`` (a PRI) is a non-transparent
  frame, up to its trailer; the frame after it is read by its own first byte again;
- in a newline-framed connection, a frame that starts with ``MSG-LEN SP <`` (a count followed by
  a PRI) is octet-counted. A bare count is not enough there: a message without a PRI that
  happens to begin with "12 " would otherwise be cut at the wrong place.

syslog-ng decides once per connection instead and closes the connection at a frame that does
not fit; either way nothing may go silently: a frame neither framing explains is a framing error,
counted with its bytes.

Every frame is at most ``max_bytes`` long, and memory per connection stays bounded whatever the
peer sends:

- an octet-counted frame longer than the limit keeps its first ``max_bytes`` (flagged
  ``truncated``) and the rest is skipped as it arrives (never buffered); the count says exactly
  where the next frame starts, so the stream stays in step;
- a non-transparent frame without a trailer within the limit keeps its first ``max_bytes``
  (``truncated``) and the rest up to the next trailer is skipped;
- in an octet-counted connection, a frame that does not start with a valid count (letters, a
  leading zero, more than ten digits) is a framing error: the bytes up to the next
  ``MSG-LEN SP <`` (or the next ``<`` after a trailer: a newline-framed message) are skipped
  and counted, and framing resumes there.

LF, NUL and a CR before either are trailers; empty frames (a CRLF pair, ``\\n\\0``) are skipped.
In an octet-counted connection, trailers between frames (some senders add LF) are skipped too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["TORN", "TRUNCATED", "FramingStats", "StreamFramer", "datagram_message"]

# A count: a non-zero first digit, at most ten digits in all (RFC 6587: "NONZERO-DIGIT *DIGIT"),
# then a space.
_COUNT = re.compile(rb"[1-9][0-9]{0,9} ")
# Where an octet-counted frame may start again after a framing error: a count, a space, a PRI.
_RESYNC = re.compile(rb"(?<![0-9])[1-9][0-9]{0,9} <|(?<=[\n\x00])<")
# A newline-framed connection switches to octet counting only for a count followed by a PRI.
_COUNTED_PRI = re.compile(rb"[1-9][0-9]{0,9} <")
_MAX_COUNT_BYTES = 11
_TRAILERS = b"\r\n\x00"
_DIGITS = b"0123456789"
#: Frame flags (they become govsoc.flags on the message's events).
TRUNCATED = "truncated"
TORN = "torn"


@dataclass(slots=True)
class FramingStats:
    """What framing did besides handing out frames: frames cut to the limit, framing errors and
    the bytes skipped (the tails of oversize frames, the garbage after a framing error)."""

    truncated: int = 0
    framing_errors: int = 0
    skipped_bytes: int = 0
    #: Frames in the other framing than the one before them on their connection.
    switches: int = 0


class StreamFramer:
    """Cuts one connection's byte stream into syslog messages (see the module docstring).

    ``feed`` takes the bytes as they arrive and returns the frames completed so far, each with
    its flag (None, ``truncated``, or ``torn``: an octet-counted frame the peer did not finish
    before it closed); ``close`` returns what is left when the peer closes.
    """

    __slots__ = ("max_bytes", "mode", "stats", "_buffer", "_skip", "_discarding", "_resyncing", "_after_digit")

    def __init__(self, max_bytes: int, stats: FramingStats | None = None) -> None:
        self.max_bytes = max_bytes
        #: "octet" or "newline" once the first frame decided it.
        self.mode: str | None = None
        #: May be shared by the connections of one listener.
        self.stats = stats if stats is not None else FramingStats()
        self._buffer = b""
        self._skip = 0
        self._discarding = False
        self._resyncing = False
        self._after_digit = False

    def feed(self, data: bytes) -> list[tuple[bytes, str | None]]:
        """The frames ``data`` completes, as (message, truncated)."""
        if self.mode is None:
            data = self._buffer + data
            self._buffer = b""
            start = 0
            while start < len(data) and data[start] in _TRAILERS:
                start += 1
            data = data[start:]
            if not data:
                return []
            if data[:1].isdigit() and _COUNT.match(data) is None:
                head = data[:_MAX_COUNT_BYTES]
                if head.isdigit() and len(head) < _MAX_COUNT_BYTES:  # the count is still arriving
                    self._buffer = data
                    return []
            self.mode = "octet" if _COUNT.match(data) else "newline"
        frames: list[tuple[bytes, str | None]] = []
        while True:
            rest = self._octets(data, frames) if self.mode == "octet" else self._lines(data, frames)
            if rest is None:
                return frames
            # the frame at the start of ``rest`` is in the other framing
            self.mode = "newline" if self.mode == "octet" else "octet"
            self.stats.switches += 1
            data = rest

    def close(self) -> list[tuple[bytes, str | None]]:
        """What the peer left when it closed: an unterminated last message (kept; many senders
        close without a trailer), or the start of an octet-counted frame that never completed
        (kept too, cut where it ends; counted as a framing error)."""
        rest, self._buffer = self._buffer, b""
        if self._discarding or self._resyncing or self._skip:
            self.stats.skipped_bytes += len(rest)
            return []
        rest = rest.strip(_TRAILERS) if self.mode != "octet" else rest.lstrip(_TRAILERS)
        if not rest:
            return []
        if self.mode == "octet":
            self.stats.framing_errors += 1
            match = _COUNT.match(rest)
            rest = rest[match.end():] if match else rest
            if not rest:
                return []
        flag = TORN if self.mode == "octet" else None
        if len(rest) > self.max_bytes:
            self.stats.truncated += 1
            self.stats.skipped_bytes += len(rest) - self.max_bytes
            return [(rest[:self.max_bytes], TRUNCATED)]
        return [(rest, flag)]

    # -- non-transparent framing ------------------------------------------------------------
    def _lines(self, data: bytes, frames: list[tuple[bytes, str | None]]) -> bytes | None:
        """Newline frames of ``data`` into ``frames``; the bytes from an octet-counted frame's
        start on when one begins (None otherwise: the rest stays buffered)."""
        if self._discarding:
            cut = _first_trailer(data)
            if cut < 0:
                self.stats.skipped_bytes += len(data)
                return None
            self.stats.skipped_bytes += cut
            data, self._discarding = data[cut:], False
        original = self._buffer + data if self._buffer else data
        self._buffer = b""
        buffer = original.replace(b"\x00", b"\n") if b"\x00" in original else original
        parts = buffer.split(b"\n")
        rest = parts.pop()
        limit, start = self.max_bytes, 0
        for part in parts:
            if part[:1].isdigit() and _COUNTED_PRI.match(part):
                return original[start:]
            start += len(part) + 1
            if part.endswith(b"\r"):
                part = part[:-1]
            if not part:
                continue
            if len(part) > limit:
                self.stats.truncated += 1
                self.stats.skipped_bytes += len(part) - limit
                frames.append((part[:limit], TRUNCATED))
            else:
                frames.append((part, None))
        if rest[:1].isdigit() and _COUNTED_PRI.match(rest):
            return original[start:]
        if len(rest) > limit:
            self.stats.truncated += 1
            self.stats.skipped_bytes += len(rest) - limit
            frames.append((rest[:limit], TRUNCATED))
            rest, self._discarding = b"", True
        self._buffer = original[start:] if rest else b""
        return None

    # -- octet counting ----------------------------------------------------------------------
    def _octets(self, data: bytes, frames: list[tuple[bytes, str | None]]) -> bytes | None:
        """Octet-counted frames of ``data`` into ``frames``; the bytes from a newline frame's
        start on when one begins (None otherwise: the rest stays buffered)."""
        buffer = self._buffer + data if self._buffer else data
        pos, size, limit = 0, len(buffer), self.max_bytes
        while True:
            if self._skip:
                step = min(self._skip, size - pos)
                pos += step
                self._skip -= step
                self.stats.skipped_bytes += step
                if self._skip:
                    break
            if self._resyncing:
                pos = self._resync(buffer, pos)
                if self._resyncing:
                    break
            while pos < size and buffer[pos] in _TRAILERS:
                pos += 1
            if pos >= size:
                break
            if buffer[pos] == 60:  # "<": a PRI, so a newline-framed message (rsyslog's rule)
                self._buffer = b""
                return buffer[pos:]
            match = _COUNT.match(buffer, pos)
            if match is None:
                head = buffer[pos:pos + _MAX_COUNT_BYTES]
                if head.isdigit() and len(head) < _MAX_COUNT_BYTES and head[:1] != b"0":
                    break  # the count is still arriving
                self.stats.framing_errors += 1
                self.stats.skipped_bytes += 1
                pos += 1
                self._resyncing = True
                continue
            length, start = int(match[0]), match.end()
            if length > limit:
                if size - start < limit:
                    break
                frames.append((buffer[start:start + limit], TRUNCATED))
                self.stats.truncated += 1
                pos, self._skip = start + limit, length - limit
                continue
            if size - start < length:
                break
            frames.append((buffer[start:start + length], None))
            pos = start + length
        self._buffer = buffer[pos:]
        return None

    def _resync(self, buffer: bytes, pos: int) -> int:
        """Skip to the next ``MSG-LEN SP <`` (not preceded by a digit) after a framing error;
        while none is in sight, keep only the last bytes (a count may be arriving in two
        pieces), remembering whether the byte before them was a digit."""
        size = len(buffer)
        if pos == 0 and self._after_digit:  # the bytes before this buffer ended in a digit run
            while pos < size and buffer[pos] in _DIGITS:
                pos += 1
            self.stats.skipped_bytes += pos
        match = _RESYNC.search(buffer, pos)
        if match is not None:
            self.stats.skipped_bytes += match.start() - pos
            self._resyncing = self._after_digit = False
            return match.start()
        keep = max(pos, size - _MAX_COUNT_BYTES - 1)
        self._after_digit = keep > 0 and buffer[keep - 1] in _DIGITS
        self.stats.skipped_bytes += keep - pos
        return keep


def _first_trailer(data: bytes) -> int:
    """The position of the first LF or NUL in ``data`` (-1 when there is none)."""
    found = [i for i in (data.find(b"\n"), data.find(b"\x00")) if i >= 0]
    return min(found) if found else -1


def datagram_message(data: bytes) -> bytes:
    """The message of one UDP datagram (RFC 5426: one message per datagram), without the LF,
    CR and NUL some senders put at its end (Hillstone ends each with LF NUL)."""
    return data.rstrip(_TRAILERS)
