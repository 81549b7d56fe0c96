"""Tell binary files from text before reading them as lines, and text lines from the rest once
reading, so that an executable or an image given by mistake is reported once instead of being
stored as hundreds of garbage events, and a text log is read whatever its writers put in it.

A file is binary only by its head (``sniff_binary``): known magic numbers first (a table), then
the share of control bytes in its first bytes, as file(1) and grep do; runs of NUL bytes (crash
padding in a real log) do not count, and a head made of lines that start as text is a log with a
hostile line at its top (R11i-5). A known format is refused whole; a head judged by its control
bytes alone is read, as lines and groups of non-text lines (below).

A file that began as text is never stopped (R11j-1, -9, -11): the rule that judged windows of
8 KiB and looked for a "text line" within 64 KiB (the next text line had to have no NUL in the
8 KiB after it) let one NUL byte or one 70 KB field in a hostile logged line stop a live log for
good, and its verdicts depended on where reads started and ended. Lines are now judged one by
one (``line_kind``), by their own bytes only, so one run, one-shot runs over pieces and a
follower killed at any moment judge the same bytes the same way:

- a *text line*: HEAD_BYTES bytes or more, none of them a control byte (tab, VT, FF, CR, ESC and
  the separators FS, GS, RS, US are text: ANSI colours, a final CR, auditd's ENRICHED records, JSON
  text sequences); the logger's time and tag alone make a line that long. Also a line whose
  first HEAD_BYTES bytes are clean and whose control bytes are few (CONTROL_SHARE at most): a
  logged line with an attacker's byte in a field is parsed like any other (R11k-1);
- a *non-text line*: any other line with a control byte in it, a NUL byte too (crash padding,
  NUL bytes at a line's start, is no part of any line: the reader skips it), unless the file's
  parser reads it (collectors.files.readable: the logger wrote its head, R11l-1);
- a short clean line (fewer than HEAD_BYTES bytes, blank lines too) says nothing: it is a line
  of its own among text lines, and part of the group it falls in among non-text lines (the
  tail of a logged field after its last raw newline, " port 4444").

Consecutive non-text lines (with the short clean lines among them) are one *group*: one logged
line whose field held raw newlines, a string of such lines, or binary bytes written into the
log. It ends before the next text line, or at the first line end GROUP_BYTES or more after its
own start, where the next group starts. Each group is one record flagged ``garbled`` (a
pipeline_error event: its text escaped, its exact bytes kept), however large: nothing of a file
accepted as text is dropped, and the cap keeps one event bounded and lets the checkpoint move
through an endless blob. Reporting a long group as "binary content skipped" instead was
weighed and not chosen: the issue asks that nothing accepted be lost, and a hostile request's
70 KB body is the evidence of the attack; a binary file is reported once by its head.
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
    (b"\xfd7zXZ\x00", "an xz archive"),
    (b"(\xb5/\xfd", "a zstd archive"),
)
#: Formats whose first bytes alone are ordinary text: their header is checked further. bzip2's
#: "BZh" is a log line's possible start ("BZh user logged in" kept a whole new log out, R11k-4);
#: a stream goes on with its block size digit and a block's (or the end's) 48-bit magic.
MAGIC_PATTERNS: tuple[tuple[re.Pattern[bytes], str], ...] = (
    (re.compile(rb"BZh[1-9](?:1AY&SY|\x17rE8P\x90)"), "a bzip2 archive"),
)
#: Share of control bytes above which a sample is binary.
CONTROL_SHARE = 0.10
_PADDING = re.compile(rb"\x00{16,}")
# Not control bytes here: TAB, LF, VT, FF, CR, ESC (ANSI colours), and the information separators
# FS, GS, RS, US, which log formats use as field separators: auditd's ENRICHED format puts GS before
# the names it resolves (a SYSCALL record that SigmaHQ's auditd rules read), RFC 7464 JSON text
# sequences begin each record with RS.
_CONTROL = frozenset(range(0, 32)) - {9, 10, 11, 12, 13, 27, 28, 29, 30, 31}
#: Every byte that is not a control byte: bytes.translate(None, TEXT_BYTES) leaves the control bytes.
TEXT_BYTES = _TEXT = bytes(sorted(set(range(256)) - _CONTROL))
#: How many leading bytes of a line must be free of control bytes for it to start like text, and
#: the shortest text line.
HEAD_BYTES = 16
#: The rule a checkpoint's binary verdict was reached by (Checkpoint.binary_rule): 0 per file
#: (before R11i-5), 2 per run of 8 KiB windows (stopped a text log for good: R11j-9, -11). Such a
#: checkpoint is judged again, its file read on from where it stopped; this rule never stops one.
BINARY_RULE = 3
#: Where a group of non-text lines ends at the latest: the first line end this many bytes or more
#: after its start (the next group starts there).
GROUP_BYTES = 64 << 10
#: Kinds of line (``line_kind``).
TEXT, SHORT, NON_TEXT = "text", "short", "non-text"


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


#: What a UTF-16 log is told (the reader reads bytes split at b"\n": a UTF-16 line is not that).
UTF16_TEXT = "UTF-16 text (not read: convert it to UTF-8, e.g. iconv -f UTF-16 -t UTF-8)"
UTF32_TEXT = "UTF-32 text (not read: convert it to UTF-8, e.g. iconv -f UTF-32 -t UTF-8)"
_ASCII = rb"[\x09\x0a\x0d\x20-\x7e]"
#: Unicode text that is not UTF-8, by its byte order mark or its shape (ASCII letters each beside
#: NULs, R11k-2), and what it is told; UTF-32 first, its little-endian mark starting as UTF-16's
#: does (a UTF-32 file was called UTF-16). A UTF-16 mark is one when NULs follow it (a log's
#: ASCII times and digits) or nothing does: "\xff\xfe" then Latin-1 text was refused as UTF-16
#: (R11l-4 5), or a UTF-16 line end does within 4 KiB: a first line in Chinese has no
#: NUL (R11m-7).
WIDE_TEXT: tuple[tuple[re.Pattern[bytes], str], ...] = (
    (re.compile(rb"\xff\xfe\x00\x00|\x00\x00\xfe\xff|(?:" + _ASCII + rb"\x00\x00\x00){4}|(?:\x00\x00\x00"
                + _ASCII + rb"){4}"), UTF32_TEXT),
    (re.compile(rb"(?:\xff\xfe|\xfe\xff)(?:\Z|(?=[^\x00]{0,62}\x00)|(?=[\s\S]{0,4094}?(?:\n\x00|\x00\n)))"
                rb"|(?:" + _ASCII + rb"\x00){8}|(?:\x00" + _ASCII
                + rb"){8}"), UTF16_TEXT),
)


def sniff_binary(head: bytes) -> str | None:
    """Why ``head`` (a file's first bytes) is not text, or None when it is text."""
    what = binary_magic(head)
    if what is not None:
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


def binary_magic(data: bytes) -> str | None:
    """What the binary format ``data`` starts with is, by its magic number, or None."""
    # One NUL in every two bytes: read as lines of bytes it was one garbled group for ever, cut
    # by the file's last "\n\x00" and its NULs taken for crash padding (R11k-2), or "binary
    # data" (no BOM). SQL Server's ERRORLOG and some Windows services write it.
    wide = wide_text(data)
    if wide is not None:
        return wide
    return next((what for magic, what in MAGIC if data.startswith(magic)), None) \
        or next((what for pattern, what in MAGIC_PATTERNS if pattern.match(data)), None)


def wide_text(data: bytes) -> str | None:
    """What Unicode text that is not UTF-8 ``data`` starts with is (UTF16_TEXT, UTF32_TEXT), or None."""
    return next((what for pattern, what in WIDE_TEXT if pattern.match(data)), None)


def line_kind(line: bytes) -> str:
    """What ``line`` (a line's bytes without its newline) is: TEXT, SHORT (clean, shorter than
    HEAD_BYTES: says nothing) or NON_TEXT, by its own bytes alone. A line with control bytes is
    text when it starts as text (HEAD_BYTES clean bytes: a logger's time and tag) and they are
    few (CONTROL_SHARE at most, as for a file's head): a logged line whose field an attacker
    filled with one such byte (a user name ``root\x01``) is still parsed, its fields seen by the
    rules; F11m's "any control byte" rule kept each such line from every field rule (R11k-1)."""
    control = len(line.translate(None, _TEXT))
    if not control:
        return TEXT if len(line) >= HEAD_BYTES else SHORT
    if len(line) >= HEAD_BYTES and control <= CONTROL_SHARE * len(line) \
            and not line[:HEAD_BYTES].translate(None, _TEXT):
        return TEXT
    return NON_TEXT
