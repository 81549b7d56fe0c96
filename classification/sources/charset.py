"""The charset of a delimited file (stage: classification; a part of sources/files.py).

A BOM names it (UTF-8, UTF-16 as Excel's "Unicode text" export writes, UTF-32). Without one the
choice between UTF-8 and GB18030 (what Chinese Excel and WPS export) is made on Evidence: the
file's non-ASCII bytes decoded both ways, as many as EVIDENCE or the whole file, not a fixed head.
A file whose first MiB is UTF-8 (or ASCII) is read as UTF-8 strictly, and the first byte that is
not UTF-8 (Undecodable) sends it back to be decided on the evidence around and after that byte.
Tally counts what the decoding replaced (COUNTED, the decoder's own replacements: a U+FFFD the
file holds is text) and NULs, and the lines as editors number them; over BAD_SHARE of a file, it
is not text in that charset (NotText; a file of lines in two charsets is read by sources/mixed_charsets.py).
"""
from __future__ import annotations

import codecs
import io
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final, TextIO

from govsoc.core.errors import ConfigError, Location

__all__ = ["BAD_SHARE", "BOMS", "BIG5", "EVIDENCE", "Evidence", "NotText", "Tally", "Undecodable", "bom_charset",
           "evidence", "first_charset", "json_charset", "open_text", "tallied", "utf16_without_bom"]

#: BOMs, longest first (UTF-32 LE's starts with UTF-16 LE's): what Excel's "Unicode text" writes.
BOMS: Final = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"), (codecs.BOM_UTF8, "utf-8-sig"),
         (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
#: Share of characters that may be U+FFFD (undecodable bytes) or NUL before a file is refused as not
#: text in its charset (binary, or a charset guessed wrong): graded, it would say "level 1" of mojibake.
BAD_SHARE: Final = 0.01
#: Non-ASCII bytes that decide a file without a BOM, read from its start (ASCII runs cost nothing):
#: a quarter MiB of names and addresses is some 80,000 Chinese characters.
EVIDENCE: Final = 256 * 1024
#: The UTF-8 reading wins while its valid multi-byte characters are at least this many times its
#: undecodable bytes: GBK text read as UTF-8 makes at most one valid sequence per two bad bytes
#: (a GB 2312 pair with lead C2-DF and trail A1-BF, 石 CA AF, is a valid UTF-8 pair; 0.15-0.5 in the
#: R15b corpora), while a UTF-8 file with stray bytes has thousands per bad byte.
UTF8_MARGIN: Final = 10
#: Share of the non-ASCII bytes in valid 3-byte UTF-8 sequences (CJK) that makes a file UTF-8 whatever
#: else it holds (a cell of cp1252 text: R15b-3's quoted_latin1_head.csv, 29 % in its first MiB, 40 %
#: whole): GBK text forms them by chance, 2 % of its non-ASCII bytes (Faker zh_CN), 10 % in R15b's
#: 100-name corpus; Big5 under 1 %.
WIDE_SHARE: Final = 0.25
#: Share of the characters a GB18030 reading gives that may fall outside GB 2312 (the 6,763
#: characters of nearly every Chinese name and address: none of 3,000 Faker zh_CN people) before the
#: reading is doubted: Big5 text read as GB18030 gives 42 % (Faker zh_TW), UTF-8 text 60 %.
RARE_SHARE: Final = 0.2
#: Bytes of the head that tell UTF-16 without a BOM.
UTF16_HEAD: Final = 64 * 1024
#: Bytes read at a time (and the head that may choose UTF-8 on its own).
CHUNK: Final = 1 << 20
COUNTED: Final = "govsoc.counted"
#: Big5 as Hong Kong and Macau write it (HKSCS, a superset of Big5); Taiwan's cp950 differs in a few
#: symbols only.
BIG5: Final = "big5hkscs"
_ASCII: Final = bytes(range(128))
_READING: Final = threading.local()  # .tally: the Tally that COUNTED counts into, one file per thread


def bom_charset(head: bytes) -> str | None:
    """The codec the file's BOM names (one that strips the BOM), or None."""
    return next((name for bom, name in BOMS if head.startswith(bom)), None)


class Undecodable(Exception):
    """A strict UTF-8 read met a byte that is not UTF-8: the file is decided again on its Evidence."""


class NotText(ConfigError):
    """Over BAD_SHARE of a file's characters and lines are undecodable in the charset it was read in."""


@dataclass(slots=True)
class Evidence:
    """What a file's non-ASCII bytes say of its charset: each chunk decoded as UTF-8 and as GB18030.

    Counted by the decoders themselves (C code): charset-normalizer (on PyPI, not a dependency)
    ranks dozens of charsets over the payload held in memory, while this choice is between two,
    over a stream of gigabytes, and must be explained in figures when it is doubtful."""

    non_ascii: int = 0
    utf8_chars: int = 0  # valid multi-byte UTF-8 sequences
    utf8_wide: int = 0  # of which 3 bytes long or more: CJK
    utf8_bad: int = 0  # U+FFFD the UTF-8 decoder made
    gb_chars: int = 0
    gb_bad: int = 0
    gb_rare: int = 0  # characters of the GB18030 reading outside GB 2312
    big5_bad: int = 0
    _utf8: codecs.IncrementalDecoder = field(default_factory=lambda: codecs.getincrementaldecoder("utf-8")("replace"))
    _gb: codecs.IncrementalDecoder = field(default_factory=lambda: codecs.getincrementaldecoder("gb18030")("replace"))
    _big5: codecs.IncrementalDecoder = field(default_factory=lambda: codecs.getincrementaldecoder(BIG5)("replace"))

    def add(self, chunk: bytes, final: bool = False) -> None:
        """Count one chunk of the file (the next after the last added)."""
        non_ascii = len(chunk.translate(None, _ASCII))
        if not non_ascii and not final:
            chunk = chunk[:4]  # ends a character cut by the chunk before; the rest says nothing
        self.non_ascii += non_ascii
        ascii_bytes = len(chunk) - non_ascii
        text = self._utf8.decode(chunk, final)
        bad = text.count("\ufffd") - chunk.count("\ufffd".encode())  # a U+FFFD the file holds is text
        self.utf8_bad += bad
        chars = max(0, len(text) - ascii_bytes - bad)
        self.utf8_chars += chars
        # 2 bytes a character, 3 a wide one (4-byte ones count as wide too): in C, no per-character test
        self.utf8_wide += max(0, len(text.encode()) - 3 * bad - ascii_bytes - 2 * chars)
        text = self._gb.decode(chunk, final)
        bad = text.count("\ufffd") - chunk.count("\ufffd".encode("gb18030"))
        self.gb_bad += bad
        self.gb_chars += max(0, len(text) - len(text.encode("ascii", "ignore")) - bad)
        # outside GB 2312: "?" for each, less the file's own "?" and the U+FFFD the decoder made
        self.gb_rare += max(0, text.encode("gb2312", "replace").count(b"?") - text.count("?") - bad)
        self.big5_bad += self._big5.decode(chunk, final).count("\ufffd")

    def charset(self) -> str:
        """"utf-8" when the UTF-8 reading is clean, wins by UTF8_MARGIN or leaves no more bytes
        undecodable than GB18030 (a stray byte among ASCII says nothing of GBK); else BIG5 when the
        GB18030 reading is doubtful (see doubt) and Big5 decodes it with no more bad bytes; else
        "gb18030"."""
        if (self.utf8_chars >= UTF8_MARGIN * self.utf8_bad or self.utf8_bad <= self.gb_bad
                or 3 * self.utf8_wide >= WIDE_SHARE * self.non_ascii):
            return "utf-8"
        if self._rare() and self.big5_bad <= self.gb_bad:
            return BIG5
        return "gb18030"

    def doubt(self) -> str | None:
        """Why the charset chosen may be wrong (a GB18030 reading of mostly rare characters), or None."""
        if self.charset() != "gb18030" or not self._rare():
            return None
        return (f"{self.gb_rare:,} of the {self.gb_chars:,} Chinese characters read as gb18030 are outside "
                f"GB 2312, as names and addresses rarely are: the file may be in another charset (Big5 "
                f"would leave {self.big5_bad:,} bytes undecodable); classified as read")

    def _rare(self) -> bool:
        return self.gb_rare > RARE_SHARE * self.gb_chars


def evidence(path: Path, *, limit: int = EVIDENCE, chunks: int | None = None) -> Evidence:
    """The Evidence of ``path`` from its start: until ``limit`` non-ASCII bytes, ``chunks`` chunks
    or its end."""
    found = Evidence()
    with path.open("rb") as raw:
        read = 0
        while chunk := raw.read(CHUNK):
            found.add(chunk)
            read += 1
            if found.non_ascii >= limit or read == chunks:
                return found
    found.add(b"", final=True)
    return found


def first_charset(path: Path) -> tuple[str, Evidence | None]:
    """(codec, evidence) to read ``path`` with. A BOM names the codec (no evidence). A file whose
    first MiB is UTF-8, or that starts with the UTF-8 BOM, is read strictly as "utf-8-sig" (no
    evidence): a later byte that is not UTF-8 raises Undecodable, and the file is decided on
    ``evidence(path)``, so a GBK body under a UTF-8 BOM (what a tool that only prepends the BOM
    leaves) is read as GB18030. Any other file is decided now on its Evidence."""
    with path.open("rb") as raw:
        head = raw.read(UTF16_HEAD)
    named = bom_charset(head) or utf16_without_bom(head)
    if named:
        return named, None
    found = evidence(path, chunks=1)
    if not found.utf8_bad:
        return "utf-8-sig", None
    found = found if found.non_ascii >= EVIDENCE else evidence(path)
    return found.charset(), found


def json_charset(path: Path) -> tuple[str, str | None]:
    """(codec, note) to read the JSON text at ``path`` with: a BOM's codec; else UTF-8 (RFC 8259
    §8.1) unless its Evidence decides GB18030 or Big5, as Chinese Windows tools write JSON: then
    that codec and a note saying so. Read as UTF-8, such a file was every line refused, rows=0 and
    graded 1级 (R15e-7)."""
    with path.open("rb") as raw:
        named = bom_charset(raw.read(4))
    if named:
        return named, None
    found = evidence(path)
    chosen = found.charset()
    if chosen == "utf-8":
        return "utf-8", None
    left = found.big5_bad if chosen == BIG5 else found.gb_bad
    note = (f"not UTF-8 (RFC 8259 §8.1): its {found.non_ascii:,} non-ASCII bytes looked at give {found.utf8_bad:,} "
            f"undecodable characters as UTF-8, {left:,} as {chosen}: read as {chosen}")
    doubt = found.doubt()
    return chosen, note if doubt is None else f"{note}; {doubt}"


def utf16_without_bom(head: bytes) -> str | None:
    """"utf-16-le" or "-be" when ``head`` is UTF-16 text without its BOM: ASCII characters (digits,
    delimiters, line ends) put a NUL at every other byte, on one side only, and the text decodes to
    printable characters; else None."""
    head = head[:len(head) & ~1]
    if len(head) < 16:
        return None
    odd, even = head[1::2].count(0) / (len(head) / 2), head[0::2].count(0) / (len(head) / 2)
    codec = "utf-16-le" if odd >= 0.3 > 100 * even else "utf-16-be" if even >= 0.3 > 100 * odd else None
    if codec is None:
        return None
    text = head.decode(codec, "replace")
    shown = sum(c.isprintable() or c in "\t\r\n" for c in text)
    return codec if shown >= 0.99 * len(text) else None


def open_text(path: Path, encoding: str, errors: str) -> TextIO:
    """``path`` as text (newline="" for the csv module). A UTF-8 BOM before a body decided to be
    in another charset (a tool that only prepended it) is left out, not read as GB18030."""
    raw = path.open("rb")
    if encoding != "utf-8-sig" and raw.read(len(codecs.BOM_UTF8)) != codecs.BOM_UTF8:
        raw.seek(0)
    return io.TextIOWrapper(raw, encoding=encoding, errors=errors, newline="")


def _count(error: UnicodeError) -> tuple[str, int]:
    # what "replace" does, counted into the tally being read
    if not isinstance(error, UnicodeDecodeError):
        raise error
    tally = getattr(_READING, "tally", None)
    if tally is not None:
        tally.replaced += 1
    return "\ufffd", error.end


codecs.register_error(COUNTED, _count)


@dataclass(slots=True)
class Tally:
    """What a delimited file's decoding gave: characters, bytes the decoder replaced (U+FFFD) and
    NULs, the first line with one."""

    chars: int = 0
    replaced: int = 0
    nul: int = 0
    lf: int = 0
    cr: int = 0
    non_ascii: bool = False
    #: the last line read, and the first line of the record being read (``fresh``: the next line
    #: read begins one), for a record the csv reader refuses (sources/long_records.py)
    last: str = ""
    head: str = ""
    fresh: bool = True
    _placed: int = 0  # replacements placed on a line: the decoder reads ahead of the lines
    #: lines holding a bad character, and the first, counted both ways lines may end: by LF (CRLF)
    #: and by a lone CR, until the file shows which (next_line): a lone CR in binary splits the
    #: text, not the lines, and before the first LF it is not known to (R15d-31)
    _bad: list[int] = field(default_factory=lambda: [0, 0])
    _bad_first: list[int | None] = field(default_factory=lambda: [None, None])
    _bad_at: list[int] = field(default_factory=lambda: [0, 0])

    @property
    def bad(self) -> int:
        """Bytes replaced and NULs."""
        return self.replaced + self.nul

    @property
    def bad_lines(self) -> int:
        """Lines holding a byte replaced or a NUL, as next_line numbers lines."""
        return self._bad[0 if self.lf else 1]

    @property
    def first_bad(self) -> int | None:
        """The first of them."""
        return self._bad_first[0 if self.lf else 1]

    def next_line(self) -> int:
        """The line the next text read starts on, as editors, grep and sed number them: LF and
        CRLF end a line, a lone CR (in a quoted cell) does not, unless the file has no LF at all
        (old Mac exports end lines with CR)."""
        return self.lf + 1 if self.lf else self.cr + 1

    def note_bad(self, line: str) -> None:
        """Count the NULs of ``line``, the next one read, and place the decoder's replacements not
        yet placed on it (the U+FFFD it holds, in order; a U+FFFD of the file's own is text)."""
        self.nul += line.count("\x00")
        placed = min(line.count("\ufffd"), self.replaced - self._placed)
        self._placed += placed
        if not placed and "\x00" not in line:
            return
        for way, at in enumerate((self.lf + 1, self.cr + 1)):
            if at != self._bad_at[way]:  # once a line
                self._bad[way], self._bad_at[way] = self._bad[way] + 1, at
                if self._bad_first[way] is None:
                    self._bad_first[way] = at

    def judge(self, path: Path, encoding: str) -> str | None:
        """Refuse the file (ConfigError) when over BAD_SHARE of its characters and of its lines hold
        U+FFFD or NUL (a few long cells in another charset do not refuse the rest); else the reason
        to list a few replaced bytes under (None: there were none)."""
        if not self.bad:
            return None
        ended = not self.last or self.last.endswith("\n" if self.lf else "\r")  # else a last line without its end
        lines = max(self.next_line() - ended, 1)
        encoding = "utf-8" if encoding == "utf-8-sig" else encoding  # the codec that strips a BOM is UTF-8
        what = (f"{self.bad:,} of {self.chars:,} characters read as {encoding} are undecodable bytes (U+FFFD) "
                f"or NUL, on {self.bad_lines:,} of {lines:,} lines, the first on line {self.first_bad}")
        if self.bad > BAD_SHARE * self.chars and self.bad_lines > BAD_SHARE * lines:
            raise NotText(f"{what}: not text in this charset (binary, or saved in another one); "
                              "not classified", location=Location(path=str(path)))
        return f"{what}: those cells classified with the replacement"


def tallied(lines: Iterable[str], tally: Tally) -> Iterator[str]:
    """``lines`` as they are, counted into ``tally`` (decoded with COUNTED, or strictly: a strict
    read's UnicodeDecodeError becomes Undecodable)."""
    _READING.tally = tally
    try:
        for line in lines:
            # per line of a file of millions of lines: C-level tests only, unless one finds something
            if not line.isascii():
                tally.non_ascii = True
                if "\ufffd" in line or "\x00" in line:
                    tally.note_bad(line)
            elif "\x00" in line:
                tally.note_bad(line)
            tally.chars += len(line)
            tally.last = line
            if tally.fresh:
                tally.head, tally.fresh = line, False
            end = line[-1:]
            if end == "\n":
                tally.lf += 1
            elif end == "\r":
                tally.cr += 1
            yield line
    except UnicodeDecodeError:  # strict UTF-8 only; the decoder reads ahead of the lines given
        raise Undecodable() from None
    finally:  # run when the reading ends, or later when an early stop frees the generator
        if getattr(_READING, "tally", None) is tally:
            _READING.tally = None

