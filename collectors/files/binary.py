"""Tell binary files from text before reading them as lines, so that an executable or an image
given by mistake is reported once instead of being stored as hundreds of garbage events.

Known magic numbers first (a table), then the share of control bytes in the first 8 KiB, as
file(1) and grep do; runs of NUL bytes (crash padding in a real log) do not count. The line
reader asks the same of every 8 KiB it reads (``binary_in``, control share only: a magic number
inside text is no sign), so binary content after a text head is found where it begins (R11 F6).

Control bytes alone are no proof: a log that writes client-supplied bytes unescaped can hold a
line of 1 KiB of \\x01 (R11e F3), and judging by the share alone stopped that log for good. So a
sample over the share is binary only when it is not made of lines: in a text log nearly every line
starts with printable text (the logger's timestamp and tag), where lines cut out of binary data at
its 0x0a bytes start with control bytes (measured on /bin/ls: 0-20 % of them start with 16
printable bytes; random data 18 %). A sample without any line start (inside one long line) is left
to the line reader, which caps and flags long lines.
"""

from __future__ import annotations

import re

#: Leading bytes of binary formats people have near their logs, and what to call them.
MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x7fELF", "an ELF executable"),
    (b"PK\x03\x04", "a zip archive"),
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"SQLite format 3\x00", "a SQLite database"),
    (b"%PDF-", "a PDF document"),
    (b"\xd4\xc3\xb2\xa1", "a pcap capture"),
    (b"\xa1\xb2\xc3\xd4", "a pcap capture"),
    (b"\x0a\x0d\x0d\x0a", "a pcapng capture"),
    (b"ElfFile\x00", "a Windows event log (EVTX)"),
    (b"BZh", "a bzip2 archive"),
    (b"\xfd7zXZ\x00", "an xz archive"),
    (b"(\xb5/\xfd", "a zstd archive"),
)
#: Share of control bytes above which a sample is binary.
CONTROL_SHARE = 0.10
_PADDING = re.compile(rb"\x00{16,}")
_CONTROL = frozenset(range(0, 32)) - {9, 10, 11, 12, 13, 27}
#: Every byte that is not a control byte: bytes.translate(None, _TEXT) leaves the control bytes.
_TEXT = bytes(sorted(set(range(256)) - _CONTROL))
#: The window the control share is measured over, in a file's head and in every chunk read,
#: and the step by which binary_in looks for where it begins.
WINDOW = 8192
_STEP = 256
#: How many leading bytes of a line must be free of control bytes for it to start like text.
HEAD_BYTES = 16


def _made_of_lines(sample: bytes, *, starts_line: bool = False) -> bool:
    """Whether at least half of the lines starting in ``sample`` (after each line end, and at 0
    when ``starts_line``) start with HEAD_BYTES printable bytes, or none starts in it at all."""
    heads = text = 0
    at = 0 if starts_line else sample.find(b"\n") + 1
    while at > 0 or (at == 0 and starts_line):
        head = sample[at:at + HEAD_BYTES].split(b"\n", 1)[0]
        if head:  # a blank line says nothing
            heads += 1
            text += not head.translate(None, _TEXT)
        at, starts_line = sample.find(b"\n", at) + 1, False
    return 2 * text >= heads


def sniff_binary(head: bytes) -> str | None:
    """Why ``head`` (a file's first bytes) is not text, or None when it is text."""
    for magic, what in MAGIC:
        if head.startswith(magic):
            return what
    share = _control_share(head)
    if share is not None and not _made_of_lines(head, starts_line=True):
        return f"binary data ({share}% control bytes in its first {len(head)} bytes)"
    return None


def _control_share(sample: bytes) -> int | None:
    """The percentage of control bytes in ``sample`` (NUL padding left out) when above
    CONTROL_SHARE, else None."""
    if b"\x00" * 16 in sample:
        sample = _PADDING.sub(b"", sample)
    if not sample:
        return None
    control = len(sample.translate(None, _TEXT))
    return 100 * control // len(sample) if control / len(sample) > CONTROL_SHARE else None


def binary_in(data: bytes) -> tuple[int, str] | None:
    """Where binary content begins in ``data`` (text read so far), and what it is: the first
    control byte of the first WINDOW bytes whose control share is over CONTROL_SHARE, or None.
    Only whole windows are judged (the last one overlaps the one before): fewer bytes, a few
    lines, say too little (a short line with two control bytes is no binary file), so data
    shorter than WINDOW is never binary here. Costs one translate for text."""
    size = len(data)
    if size < WINDOW or not data.translate(None, _TEXT):  # the common case: no control byte at all
        return None
    for start in dict.fromkeys((*range(0, size - WINDOW + 1, WINDOW), size - WINDOW)):
        stop = start + WINDOW
        share = _control_share(data[start:stop])
        if share is None or _made_of_lines(data[start:stop]):
            continue
        # It may begin in the window before, which text before it kept under the share: the
        # first of these windows over the share, a step at a time, is where it begins.
        begins = next(p for p in (*range(max(0, start - WINDOW + _STEP), start, _STEP), start)
                      if _control_share(data[p:p + WINDOW]) is not None)
        window = data[begins:stop]
        first = min(i for i in (window.find(bytes([b])) for b in _CONTROL) if i >= 0)
        return begins + first, f"binary data ({share}% control bytes in {stop - start} bytes)"
    return None


def binary_magic(data: bytes) -> str | None:
    """What the binary format ``data`` starts with is, by its magic number, or None."""
    return next((what for magic, what in MAGIC if data.startswith(magic)), None)
