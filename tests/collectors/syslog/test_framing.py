"""RFC 6587 / RFC 5425 framing: both framings, found per connection; limits, resynchronisation
and arbitrary chunking."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from govsoc.collectors.syslog.framing import TORN, TRUNCATED, StreamFramer, datagram_message

A = b"<34>1 2003-10-11T22:14:15.003Z mymachine.example.com su - ID47 - 'su root' failed for lonvick on /dev/pts/8"
B = b"<165>Aug 24 05:34:00 CST 1987 mymachine myproc[10]: %% It's time to make the do-nuts."


def frames_of(stream: bytes, max_bytes: int = 1024, chunk: int | None = None) -> tuple[list, StreamFramer]:
    framer = StreamFramer(max_bytes)
    out: list = []
    step = chunk or len(stream) or 1
    for i in range(0, len(stream), step):
        out += framer.feed(stream[i:i + step])
    out += framer.close()
    return out, framer


@pytest.mark.parametrize(("stream", "expected", "mode"), [
    # RFC 6587 3.4.1 octet counting, RFC 5425's only framing: the length counts the message bytes
    (b"%d %s%d %s" % (len(A), A, len(B), B), [(A, None), (B, None)], "octet"),
    # a message holding LF stays whole under octet counting (multi-line stack traces)
    (b"%d %s" % (len(A + b"\nx"), A + b"\nx"), [(A + b"\nx", None)], "octet"),
    # rsyslog and some devices put LF after each counted frame: skipped, not a framing error
    (b"%d %s\n%d %s\n" % (len(A), A, len(B), B), [(A, None), (B, None)], "octet"),
    # RFC 6587 3.4.2 non-transparent framing with LF
    (A + b"\n" + B + b"\n", [(A, None), (B, None)], "newline"),
    # CRLF and NUL trailers (log-formats.md 1.4: some senders use them)
    (A + b"\r\n" + B + b"\x00", [(A, None), (B, None)], "newline"),
    # blank lines and "\n\0" pairs give no empty messages
    (b"\n\n" + A + b"\n\x00\n" + B + b"\n", [(A, None), (B, None)], "newline"),
    # the sender closes without a trailer after its last message: kept
    (A + b"\n" + B, [(A, None), (B, None)], "newline"),
    # a device that sends no PRI at all (Topsec without a header): newline framing
    (b"id=tos time=\"2026-11-23 10:00:00\" fw=fw01 pri=6\n", [(b"id=tos time=\"2026-11-23 10:00:00\" fw=fw01 pri=6",
                                                             None)], "newline"),
    # a message without PRI that starts with a date is not taken for a count ("2026-" has no space)
    (b"2026-01-08 10:21:48 fw01 x\n", [(b"2026-01-08 10:21:48 fw01 x", None)], "newline"),
])
def test_framings(stream: bytes, expected: list, mode: str) -> None:
    for chunk in (None, 1, 7):  # whole, byte by byte, odd pieces: the same frames
        frames, framer = frames_of(stream, chunk=chunk)
        assert frames == expected
        assert framer.mode == mode
        assert framer.stats.framing_errors == 0


def test_octet_frame_over_the_limit_is_cut_and_the_stream_stays_in_step() -> None:
    big = b"<13>" + b"x" * 5_000_000  # 5 MB in one frame
    stream = b"%d %s%d %s" % (len(big), big, len(A), A)
    frames, framer = frames_of(stream, max_bytes=65536, chunk=65536)
    assert frames == [(big[:65536], TRUNCATED), (A, None)]
    assert framer.stats.truncated == 1
    assert framer.stats.skipped_bytes == len(big) - 65536


def test_newline_frame_over_the_limit_is_cut_up_to_its_trailer() -> None:
    big = b"<13>" + b"y" * 5_000_000
    frames, framer = frames_of(big + b"\n" + B + b"\n", max_bytes=4096, chunk=100_000)
    assert frames == [(big[:4096], TRUNCATED), (B, None)]
    assert framer.stats.skipped_bytes == len(big) - 4096


def test_memory_stays_bounded_on_an_endless_line() -> None:
    framer = StreamFramer(4096)
    for _ in range(200):
        framer.feed(b"<13>" + b"z" * 65536)
        assert len(framer._buffer) <= 4096 + 65536


@pytest.mark.parametrize(("garbage", "why"), [
    (b"12a <13>x", "a letter in the count"),
    (b"0 ", "a count may not start with 0 (NONZERO-DIGIT)"),
    (b"123456789012 <13>x", "more than ten digits"),
    (b"\xff\xfe\x00binary", "binary"),
])
def test_bad_octet_count_resynchronises_on_the_next_count(garbage: bytes, why: str) -> None:
    stream = b"%d %s" % (len(A), A) + garbage + b"%d %s" % (len(B), B)
    for chunk in (None, 3):
        frames, framer = frames_of(stream, chunk=chunk)
        assert frames == [(A, None), (B, None)], why
        assert framer.stats.framing_errors >= 1
        assert framer.stats.skipped_bytes >= len(garbage.lstrip(b"\x00")) - 1


def test_unfinished_octet_frame_at_close_is_kept_torn() -> None:
    frames, framer = frames_of(b"%d %s" % (len(A) + 50, A))
    assert frames == [(A, TORN)]
    assert framer.stats.framing_errors == 1


def test_datagram_trailers() -> None:
    # Hillstone ends each datagram with LF NUL (log-formats.md 1.2)
    assert datagram_message(B + b"\n\x00") == B
    assert datagram_message(B + b"\r\n") == B


@settings(max_examples=150, deadline=None)
@given(messages=st.lists(st.binary(min_size=1, max_size=300), min_size=1, max_size=8),
       cuts=st.lists(st.integers(min_value=1, max_value=64), min_size=1, max_size=40))
def test_octet_counting_any_chunking_gives_the_messages(messages: list[bytes], cuts: list[int]) -> None:
    stream = b"".join(b"%d %s" % (len(m), m) for m in messages)
    framer, frames, pos, i = StreamFramer(200), [], 0, 0
    while pos < len(stream):
        step = cuts[i % len(cuts)]
        frames += framer.feed(stream[pos:pos + step])
        pos, i = pos + step, i + 1
    frames += framer.close()
    assert frames == [(m[:200], TRUNCATED if len(m) > 200 else None) for m in messages]


@settings(max_examples=150, deadline=None)
@given(data=st.binary(max_size=2000), chunk=st.integers(min_value=1, max_value=500))
def test_arbitrary_bytes_never_crash_and_stay_bounded(data: bytes, chunk: int) -> None:
    framer = StreamFramer(480)
    frames = []
    for i in range(0, len(data), chunk):
        frames += framer.feed(data[i:i + chunk])
        assert len(framer._buffer) <= 480 + chunk + 12
    frames += framer.close()
    assert all(len(frame) <= 480 for frame, _flag in frames)


@pytest.mark.parametrize(("stream", "expected", "switches"), [
    # an octet-counted frame, then a newline-framed one on the same connection (a relay forwarding
    # two senders; rsyslog's imtcp reads each frame by its first byte): both kept
    (b"%d %s%s\n" % (len(A), A, B), [(A, None), (B, None)], 1),
    # and back: newline, counted (a count followed by a PRI), newline
    (b"%s\n%d %s%s\n" % (A, len(B), B, A), [(A, None), (B, None), (A, None)], 2),
    # a counted frame holding LF after a newline frame stays whole
    (b"%s\n%d %s\nx" % (B, len(A) + 2, A), [(B, None), (A + b"\nx", None)], 1),
    # a newline frame ended by NUL between counted frames
    (b"%d %s%s\x00%d %s" % (len(A), A, B, len(A), A), [(A, None), (B, None), (A, None)], 2),
])
def test_mixed_framings_on_one_connection(stream: bytes, expected: list, switches: int) -> None:
    for chunk in (None, 1, 7):
        frames, framer = frames_of(stream, chunk=chunk)
        assert frames == expected
        assert framer.stats.framing_errors == 0 and framer.stats.skipped_bytes == 0
        assert framer.stats.switches == switches


def test_a_newline_message_after_a_framing_error_is_kept() -> None:
    # garbage ends with LF and a newline-framed message follows: resynchronised on its PRI
    stream = b"%d %s" % (len(A), A) + b"\xff\xfe junk\n" + B + b"\n" + b"%d %s" % (len(A), A)
    for chunk in (None, 1, 5):
        frames, framer = frames_of(stream, chunk=chunk)
        assert frames == [(A, None), (B, None), (A, None)]
        assert framer.stats.framing_errors == 1 and framer.stats.skipped_bytes == len(b"\xff\xfe junk\n")


def test_a_message_without_pri_that_starts_with_a_number_stays_one_line() -> None:
    # newline framing switches only for a count followed by a PRI
    frames, _framer = frames_of(b"%s\n12 records copied\n" % A)
    assert frames == [(A, None), (b"12 records copied", None)]
