"""The charset of a delimited file (stage: classification; a part of sources/files.py).

A BOM names it (UTF-8, UTF-16 as Excel's "Unicode text" export writes, UTF-32). Without one the
first MiB decides between UTF-8 and GB18030 (what Chinese Excel and WPS export); a UTF-8 read is
strict, so that the first byte that is not UTF-8 after an ASCII head can send the file back to be
read as GB18030 (Undecodable). Tally counts what the decoding replaced (U+FFFD) and NULs, and the
lines as editors number them; over BAD_SHARE of a file, it is not text in that charset.
"""

from __future__ import annotations

import codecs
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from govsoc.core.errors import ConfigError, Location

__all__ = ["BAD_SHARE", "BOMS", "Tally", "Undecodable", "bom_charset", "decodes", "guess_charset", "tallied"]

#: BOMs, longest first (UTF-32 LE's starts with UTF-16 LE's): what Excel's "Unicode text" writes.
BOMS: Final = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"), (codecs.BOM_UTF8, "utf-8-sig"),
         (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
#: Share of characters that may be U+FFFD (undecodable bytes) or NUL before a file is refused as not
#: text in its charset (binary, or a charset guessed wrong): graded, it would say "level 1" of mojibake.
BAD_SHARE: Final = 0.01


def bom_charset(head: bytes) -> str | None:
    """The codec the file's BOM names (one that strips the BOM), or None."""
    return next((name for bom, name in BOMS if head.startswith(bom)), None)


class Undecodable(Exception):
    """A strict UTF-8 read met a byte that is not UTF-8; ``utf8_seen``: after non-ASCII UTF-8 text."""

    def __init__(self, utf8_seen: bool) -> None:
        super().__init__()
        self.utf8_seen = utf8_seen


@dataclass(slots=True)
class Tally:
    """What a delimited file's decoding gave: characters, U+FFFD and NULs, the first line with one."""

    chars: int = 0
    bad: int = 0
    first_bad: int | None = None
    lf: int = 0
    cr: int = 0
    non_ascii: bool = False

    def next_line(self) -> int:
        """The line the next text read starts on, as editors, grep and sed number them: LF and
        CRLF end a line, a lone CR (in a quoted cell) does not, unless the file has no LF at all
        (old Mac exports end lines with CR)."""
        return self.lf + 1 if self.lf else self.cr + 1

    def note_bad(self, line: str) -> None:
        """Count the U+FFFD and NULs of ``line``, the next one read."""
        self.bad += line.count("\ufffd") + line.count("\x00")
        if self.first_bad is None:
            self.first_bad = self.next_line()

    def judge(self, path: Path, encoding: str) -> str | None:
        """Refuse the file (ConfigError) when over BAD_SHARE of it is U+FFFD or NUL; else the
        reason to list a few replaced bytes under (None: there were none)."""
        if not self.bad:
            return None
        what = (f"{self.bad:,} of {self.chars:,} characters read as {encoding} are undecodable bytes (U+FFFD) "
                f"or NUL, the first on line {self.first_bad}")
        if self.bad > BAD_SHARE * self.chars:
            raise ConfigError(f"{what}: not text in this charset (binary, or saved in another one); "
                              "not classified", location=Location(path=str(path)))
        return f"{what}: those cells classified with the replacement"


def tallied(lines: Iterable[str], tally: Tally) -> Iterator[str]:
    """``lines`` as they are, counted into ``tally``; a strict read's UnicodeDecodeError becomes
    Undecodable, saying whether non-ASCII UTF-8 came before it."""
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
            end = line[-1:]
            if end == "\n":
                tally.lf += 1
            elif end == "\r":
                tally.cr += 1
            yield line
    except UnicodeDecodeError as e:  # strict UTF-8 only; the decoder reads ahead of the lines given
        raise Undecodable(tally.non_ascii or not bytes(e.object[:e.start]).isascii()) from None


def guess_charset(head: bytes) -> str:
    """"utf-8" when the head is UTF-8 (read strictly, see _delimited), "utf-8-sig" (read with
    replacement, counted) when it is UTF-8 text with a few stray bytes, else "gb18030": GBK text
    read as UTF-8 is nearly all U+FFFD, with a valid sequence only now and then."""
    if decodes(head, "utf-8"):
        return "utf-8"
    text = head.decode("utf-8", "replace")
    bad = text.count("\ufffd")
    return "utf-8-sig" if sum(not c.isascii() for c in text) - bad >= 10 * bad else "gb18030"


def decodes(head: bytes, encoding: str) -> bool:
    """Whether ``head`` (the first MiB) decodes, but for a character its end cut."""
    try:
        head.decode(encoding)
    except UnicodeDecodeError as e:
        return e.start >= len(head) - 3  # only a character cut by the 1 MiB boundary
    return True
