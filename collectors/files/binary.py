"""Tell binary files from text before reading them as lines, so that an executable or an image
given by mistake is reported once instead of being stored as hundreds of garbage events.

Known magic numbers first (a table), then the share of control bytes in the first 8 KiB, as
file(1) and grep do; runs of NUL bytes (crash padding in a real log) do not count.
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


def sniff_binary(head: bytes) -> str | None:
    """Why ``head`` (a file's first bytes) is not text, or None when it is text."""
    for magic, what in MAGIC:
        if head.startswith(magic):
            return what
    sample = _PADDING.sub(b"", head)
    if not sample:
        return None
    control = sum(1 for byte in sample if byte in _CONTROL)
    if control / len(sample) > CONTROL_SHARE:
        return f"binary data ({100 * control // len(sample)}% control bytes in its first {len(head)} bytes)"
    return None
