"""The character set of a log line or syslog message: UTF-8 or GBK (read as GB18030, its
superset), decided per line with the evidence of the other lines of the same file or messages of
the same sender (shared/reference/log-formats.md section 2; RFC 5424 section 6.4).

Chinese network devices (Huawei, H3C, Sangfor ...) log GBK, newer firmware and Linux hosts UTF-8.
Trying UTF-8 first is not enough (R11v-2): a GBK lead byte C2-DF followed by a trail byte 80-BF
is also a valid 2-byte UTF-8 sequence, so 18 % of the 3,755 common characters alone (学, 一, 姚)
and 3.3 % of two-character words (学校 -> ѧУ, 系统 -> ϵͳ, 医院 -> ҽԺ) encoded in GBK are valid
UTF-8 too: a short message whose only Chinese is a policy, zone or user name was stored as
Cyrillic or Greek, unsearchable by its words.

Per line, with the setting ``auto``:

| the bytes                                             | read as                               |
|-------------------------------------------------------|---------------------------------------|
| ASCII                                                 | UTF-8 (the same text either way)      |
| not UTF-8, strict GB18030                             | GB18030; evidence the source is GBK   |
| UTF-8 with a UTF-8 BOM (RFC 5424's MSG marker)        | UTF-8                                 |
| *ambiguous*: UTF-8 whose non-ASCII characters are all | the source's evidence decides; with   |
| 2-byte sequences (U+0080-U+07FF: Latin-1, Greek,      | none, GB18030 when every non-ASCII    |
| Cyrillic, Hebrew ...) and whose GB18030 reading is    | character of that reading is in       |
| CJK ideographs and punctuation                        | GB2312 (common Chinese) and no Latin  |
|                                                       | letter or sign touches an ASCII one   |
|                                                       | (café, 25°C), else UTF-8              |
| other UTF-8 (3-byte CJK, ß, à + ASCII ...)            | UTF-8; evidence the source is UTF-8   |
| neither                                               | GB18030 with replacement characters   |

Ambiguous lines are no evidence either way, so the order in which a file's lines are judged
(a chunk's evidence is taken before its first line is decided) does not change the outcome.

Why GB2312 for a message with no evidence: it is the set of common characters (6,763 hanzi and
the CJK punctuation); a genuine UTF-8 2-byte sequence reads as one of them only when its trail
byte is A1-BF, so Cyrillic words (trails 80-BF mixed) mostly fail it, while GBK text written by
a device almost always passes. A Latin-1 letter or sign alone (½, Ω) stays ambiguous by nature;
in a file or from a sender with other UTF-8 lines it is UTF-8.

Why not a library: charset-normalizer 3.5 (installed with requests) read 0 of 5 short GBK
device messages right (4 as UTF-8 mojibake, 1 as UTF-16-BE: /work/findings/F11c/cn_measure.py);
its statistics need more text than a syslog message holds.

``utf-8`` tries strict UTF-8, then GB18030; ``gbk`` (or ``gb18030``) strict GB18030, then UTF-8
(a BOM still means UTF-8). Whatever is decided, the bytes stay recoverable: strict decoding is
reversible (``text.encode(govsoc.charset)``), and a replaced decode keeps them in
``govsoc.original_base64``.
"""

from __future__ import annotations

import re
from typing import NamedTuple

__all__ = ["CHARSETS", "CharsetJudge", "Decoded", "decode_message"]

#: The settings a receiver, sender or file source accepts (gbk and gb18030 are one reading).
CHARSETS = ("auto", "utf-8", "gbk", "gb18030")
_BOM = b"\xef\xbb\xbf"
#: Evidence counts are halved past this sum, so a sender's recent messages weigh most.
_MEMORY = 64
#: A deletion table that leaves only the bytes E0-FF (lead bytes of 3- and 4-byte UTF-8 sequences).
_BELOW_E0 = bytes(range(0xE0))
#: A Latin-1 or Latin Extended letter or sign written against an ASCII letter or digit (café,
#: Müller, São, 25°C, ±5): Latin text. A GBK reading would put a Chinese character inside a
#: Latin word or number, which device logs do not do (they separate names with =, : or spaces).
_LATIN = re.compile(r"[A-Za-z0-9][\u00a1-\u024f]|[\u00a1-\u024f][A-Za-z0-9]")


class Decoded(NamedTuple):
    """A message's text, the codec that gave it, and whether bytes had to be replaced."""

    text: str
    charset: str
    replaced: bool


def _gb2312(char: str) -> bool:
    try:
        char.encode("gb2312")
    except UnicodeEncodeError:
        return False
    return True


def _cjk(char: str) -> bool:
    code = ord(char)
    return (0x4E00 <= code <= 0x9FFF or 0x3000 <= code <= 0x303F or 0xFF00 <= code <= 0xFFEF
            or 0x3400 <= code <= 0x4DBF or _gb2312(char))


def _gbk_reading(data: bytes, text: str) -> str | None:
    """The GB18030 reading of ``data`` (UTF-8 ``text``) when it could be GBK text: UTF-8 with
    2-byte sequences only, read by GB18030 as CJK characters and punctuation; else None."""
    if any(ord(char) >= 0x800 for char in text):
        return None  # a 3-byte UTF-8 sequence: GBK text hardly ever makes one
    try:
        reading = data.decode("gb18030")
    except UnicodeDecodeError:
        return None
    if all(char.isascii() or _cjk(char) for char in reading):
        return reading
    return None


class CharsetJudge:
    """The decision for one source (a file, a syslog sender): a setting, and the evidence of
    the lines it decided so far (``observe`` adds that of bytes read ahead: a file's chunk)."""

    __slots__ = ("gbk", "setting", "utf8")

    def __init__(self, setting: str = "auto") -> None:
        self.setting = "gb18030" if setting == "gbk" else setting
        #: Lines seen that only GB18030 reads, and non-ASCII lines only UTF-8 reads.
        self.gbk = 0
        self.utf8 = 0

    @property
    def leaning(self) -> str:
        """What the evidence says: ``gb18030``, ``utf-8`` or ``none``."""
        if self.gbk > self.utf8:
            return "gb18030"
        return "utf-8" if self.utf8 > self.gbk else "none"

    def _note(self, gbk: int, utf8: int) -> None:
        self.gbk += gbk
        self.utf8 += utf8
        if self.gbk + self.utf8 > _MEMORY:
            self.gbk, self.utf8 = self.gbk // 2, self.utf8 // 2

    def observe(self, lines: bytes) -> None:
        """Take the evidence of newline-separated ``lines`` (read ahead; not decided here)."""
        if self.setting != "auto" or lines.isascii():
            return
        cut = lines.rfind(b"\n")
        whole = lines[:cut] if cut >= 0 else lines
        try:
            text = whole.decode("utf-8")
        except UnicodeDecodeError:
            text = None
        if text is not None and not whole.translate(None, _BELOW_E0):
            pass  # valid and 2-byte only: each line may be ambiguous, judged below
        elif text is not None:
            self._note(0, 1)  # 3-byte sequences: UTF-8 text
            return
        for line in whole.split(b"\n"):
            if not line.isascii():
                self.decide(line)

    def decide(self, data: bytes) -> Decoded:
        """``data`` decoded as the module docstring says, the evidence updated."""
        if data.isascii():
            return Decoded(data.decode("ascii"), "utf-8", False)
        if self.setting != "auto" or _BOM in data:
            return decode_message(data, "gbk" if self.setting == "gb18030" and _BOM not in data else "utf-8")
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            try:
                reading = data.decode("gb18030")
            except UnicodeDecodeError:
                return Decoded(data.decode("gb18030", errors="replace"), "gb18030", True)
            self._note(1, 0)
            return Decoded(reading, "gb18030", False)
        gbk = _gbk_reading(data, text)
        if gbk is None:  # no GBK reading at all: evidence of UTF-8 (ambiguous lines are none)
            self._note(0, 1)
            return Decoded(text, "utf-8", False)
        leaning = self.leaning
        if leaning == "gb18030" or (leaning == "none" and all(char.isascii() or _gb2312(char) for char in gbk)
                                    and not _LATIN.search(text)):
            return Decoded(gbk, "gb18030", False)
        return Decoded(text, "utf-8", False)


def decode_message(data: bytes, charset: str = "auto") -> Decoded:
    """``data`` decoded alone (no evidence of other messages) with the setting ``charset``."""
    if charset == "auto":
        return CharsetJudge().decide(data)
    order = ("gb18030", "utf-8") if charset in ("gbk", "gb18030") and _BOM not in data else ("utf-8", "gb18030")
    for codec in order:
        try:
            return Decoded(data.decode(codec), codec, False)
        except UnicodeDecodeError:
            continue
    return Decoded(data.decode("gb18030", errors="replace"), "gb18030", True)
