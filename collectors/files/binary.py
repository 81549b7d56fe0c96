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

A window judged so is not yet a binary file (R11i-5): one logged field holding raw newlines and
some KiB of control bytes (a User-Agent, a user name that sshd or nginx wrote unescaped) makes
its windows look exactly like that. The rule, per run and not per file (``run_end``): from the
first control byte of such a window, the next *text line* is looked for: a line whose first
HEAD_BYTES bytes and every byte up to its newline are free of control bytes, with no NUL byte
(but crash padding) in the WINDOW after it (text in an executable is NUL-terminated: its help
text is no log). Found within RESUME_BYTES of the run's last line that starts as text (a string
of hostile lines is one run), the bytes from the start of the line the run begins in up to that
text line are a run of garbage in a text log: the reader stores them as records flagged
``garbled``, one for each line in it that starts as text with the lines of control bytes after
it (``line_heads``: one logged line with its field's raw newlines), and goes on at the text
line. No line starting as text within RESUME_BYTES: binary content, and the read stops at the
start of the line it begins in, until the file grows and is judged again. Measured on 203
executables and libraries of /usr/bin and /usr/lib (their ELF header cut off, written into a
log mid-line or at a line start): every one binary; followed by more log lines, 133 of them
are runs of garbage (1 to 149 garbled records each) and the lines after them are read.
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
#: The rule a checkpoint's binary verdict was reached by (Checkpoint.binary_rule): 0 per file
#: (before R11i-5, its file is judged again), 2 per run, as described above.
BINARY_RULE = 2
#: How far after the first control byte of a non-text window a text line is looked for: found,
#: the bytes before it are a run of garbage in a text log; not found, binary content.
RESUME_BYTES = 64 << 10
#: The longest run of garbage told from binary content (a string of hostile lines each within
#: RESUME_BYTES of the one before): held in memory while it is judged.
MAX_RUN_BYTES = 4 << 20
#: The start of a text line: after a newline, HEAD_BYTES bytes and the rest of the line up to its
#: newline free of control bytes (tab, CR, VT, FF and ESC are text).
_TEXT_LINE = re.compile(rb"\n(?=[^\x00-\x08\x0a\x0e-\x1a\x1c-\x1f]{%d}[^\x00-\x08\x0a\x0e-\x1a\x1c-\x1f]*\n)"
                        % HEAD_BYTES)
_TEXT_HEAD = re.compile(rb"\n(?=[^\x00-\x08\x0a\x0e-\x1a\x1c-\x1f]{%d})" % HEAD_BYTES)


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


def line_heads(run: bytes) -> list[int]:
    """Where the lines of a run of garbage that start as text (HEAD_BYTES bytes free of control
    bytes: the logger's time and tag) begin in it: each is a logged line of its own, with the
    lines of control bytes after it (its field's raw newlines)."""
    return [found.end() for found in _TEXT_HEAD.finditer(run)]


def nul_in(sample: bytes) -> bool:
    """Whether ``sample`` holds a NUL byte that is not part of crash padding."""
    if b"\x00" * 16 in sample:
        sample = _PADDING.sub(b"", sample)
    return b"\x00" in sample


def run_end(data: bytes, after: int, *, complete: bool = False) -> tuple[int | None, bool]:
    """Where the text line ending the run of garbage that begins at ``after`` in ``data`` begins
    (None: binary content), and whether that could be told from ``data`` (``complete``: nothing
    follows it for now). A text line (see the module docstring) is looked for within
    RESUME_BYTES of the run's last line that starts as text (its start at first), with no NUL
    byte but crash padding in the WINDOW after it (text in an executable is NUL-terminated: its
    help text is no log); a string of hostile lines, each within RESUME_BYTES of the one
    before, is one run, up to MAX_RUN_BYTES. No line that starts as text within RESUME_BYTES:
    binary content."""
    at = after
    while at - after <= MAX_RUN_BYTES:
        limit = at + RESUME_BYTES
        search = at
        while (found := _TEXT_LINE.search(data, search, limit + WINDOW)) is not None and found.start() < limit:
            after_it = data[found.end():found.end() + WINDOW]
            if not nul_in(after_it):
                return (found.end(), True) if len(after_it) == WINDOW or complete else (None, False)
            search = found.end()
        if len(data) < limit + WINDOW:
            return None, False  # more may come: not told yet
        heads = line_heads(data[at + 1:limit])
        if not heads:
            return None, True
        at += heads[-1]  # the newline before the last line that starts as text
    return None, True
