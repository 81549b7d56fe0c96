"""The character set of a log line or syslog message: UTF-8 or GBK (read as GB18030, its
superset), decided per line with the evidence of the other lines of the same source: a file, or
a syslog sender (shared/reference/log-formats.md section 2; RFC 5424 section 6.4).

Chinese network devices (Huawei, H3C, Sangfor ...) log GBK, newer firmware and Linux hosts UTF-8.
A GBK lead byte C2-DF followed by a trail byte 80-BF is also a 2-byte UTF-8 sequence, so a short
GBK text can be valid UTF-8 (R11v-2: 学校 -> ѧУ, 系统 -> ϵͳ, 医院 -> ҽԺ). Genuine UTF-8 text of
2-byte letters is just as often valid GBK (иван -> 懈胁邪薪, josé -> jos茅: R11x-1, R11x-2, R11y-2).
A line alone cannot tell them apart, so:

1. A line is read as GBK only with GBK evidence of its source beyond doubt: at least ``least``
   lines of it that only GB18030 reads (not UTF-8), and more than twice as many as its lines
   that only UTF-8 reads (3-byte UTF-8 sequences: CJK ... ). One datagram is no evidence; a
   sender is its address and syslog HOSTNAME (collectors.receivers.senders.sender_key), so
   another host behind a relay, or a spoofed packet with another name, adds nothing to it.
   Lines that both read (2-byte UTF-8) are no evidence either way, whatever their reading.
2. Even then, only a line whose UTF-8 reading is no text of any script (``plausible`` below):
   a reading made of words of one script (Latin incl. Vietnamese ơ ư and pinyin ǎ ǚ, Azerbaijani
   ə; Greek; Cyrillic incl. Kazakh, Uyghur, Tajik, Mongolian letters; Armenian; Hebrew; Arabic
   script incl. Uyghur), Latin-1 signs (« » ½ µ © ° ± × ·) and marks after a letter (NFD) stays
   UTF-8. Implausible: a word mixing scripts (ҽԺ: Cyrillic and Armenian; adminС; ΪDOWN), a
   letter of no table (archaic Cyrillic ѧ, Coptic ϵ, IPA, C1 controls), a mark after no letter,
   a Hebrew final letter inside a word. Its GB18030 reading must also be Chinese (CJK ideographs,
   punctuation or other GB2312 characters).

A GBK text whose UTF-8 reading is text (user=谢 -> user=л, 小 -> С) stays UTF-8 (wrong): storing a
genuine name as hanzi is the error this avoids. The setting ``utf-8`` tries strict UTF-8, then
GB18030; ``gbk`` (or ``gb18030``) strict GB18030, then UTF-8 (a UTF-8 BOM still means UTF-8).
Whatever is decided, the bytes stay recoverable: strict decoding is reversible
(``text.encode(govsoc.charset)``), and a replaced decode keeps them in ``govsoc.original_base64``.

Each line is decided with the evidence of the lines before it and then adds its own, once: a
file's judge keeps ``counted_to``, the content position its evidence was taken up to, so a line
read again (a resumed run) adds nothing; counts are plain sums, so a file read in many runs is
decided line by line as one run decides it (R11x-4).

Why not a library: charset-normalizer 3.5 read 0 of 5 short GBK device messages right
(/work/findings/F11c/cn_measure.py); its statistics need more text than a syslog message holds.
"""

from __future__ import annotations

import re
from typing import NamedTuple

__all__ = ["CHARSETS", "CharsetJudge", "Decoded", "decode_message", "plausible"]

#: The settings a receiver, sender or file source accepts (gbk and gb18030 are one reading).
CHARSETS = ("auto", "utf-8", "gbk", "gb18030")
_BOM = b"\xef\xbb\xbf"
#: Deletion table leaving only lead bytes of 3- and 4-byte UTF-8 sequences (E0-FF).
_BELOW_E0 = bytes(range(0xE0))
#: A character GB18030 gives that is not a CJK ideograph or CJK/full-width punctuation.
_NOT_CJK = re.compile(r"[^\x00-\x7f\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef]")
#: A run of non-ASCII characters with the ASCII letters touching it (a word's letters).
_WORD = re.compile(r"[A-Za-z]*[^\x00-\x7f]+(?:[A-Za-z]+[^\x00-\x7f]+)*[A-Za-z]*")


def _chars(*spans: tuple[int, int]) -> str:
    return "".join(chr(code) for first, last in spans for code in range(first, last + 1))


#: Letters of the scripts written in 2-byte UTF-8 that people write (not archaic or extended
#: Cyrillic, Coptic, IPA, Syriac, Thaana, NKo: what GBK text reads as, 学 -> ѧ).
_LETTERS = {
    "latin": _chars((0x41, 0x5A), (0x61, 0x7A), (0xAA, 0xAA), (0xBA, 0xBA), (0xC0, 0xD6), (0xD8, 0xF6),
                    (0xF8, 0x17E), (0x18F, 0x18F), (0x1A0, 0x1A1), (0x1AF, 0x1B0), (0x1C4, 0x1DC),
                    (0x218, 0x21B), (0x259, 0x259)),
    "greek": _chars((0x386, 0x386), (0x388, 0x38A), (0x38C, 0x38C), (0x38E, 0x3A1), (0x3A3, 0x3CE)),
    # Russian, Ukrainian, Belarusian, Serbian ... and the letters of Kazakh, Kyrgyz, Uzbek, Tajik,
    # Tatar, Uyghur and Mongolian Cyrillic: ғ җ қ ң ү ұ ҳ ҷ һ ә ӣ ө ӯ
    "cyrillic": _chars((0x400, 0x45F), (0x490, 0x493), (0x496, 0x497), (0x49A, 0x49B), (0x4A2, 0x4A3),
                       (0x4AE, 0x4B3), (0x4B6, 0x4B7), (0x4BA, 0x4BB), (0x4D8, 0x4D9), (0x4E2, 0x4E3),
                       (0x4E8, 0x4E9), (0x4EE, 0x4EF)),
    "armenian": _chars((0x531, 0x556), (0x561, 0x587)),
    "hebrew": _chars((0x5D0, 0x5EA), (0x5F3, 0x5F4)),
    # Arabic, Persian, Urdu and Uyghur letters, tatweel
    "arabic": _chars((0x620, 0x64A), (0x640, 0x640), (0x66E, 0x6D3), (0x6D5, 0x6D5)),
}
_SCRIPT_OF = {char: name for name, chars in _LETTERS.items() for char in chars}
#: Marks written after a letter: combining diacritics (NFD é, Vietnamese), Hebrew points, Arabic
#: harakat; and modifier letters inside words (Марʼяна, oʻzbek).
_MARKS = frozenset(_chars((0x300, 0x36F), (0x5B0, 0x5BD), (0x5BF, 0x5BF), (0x5C1, 0x5C2), (0x64B, 0x652),
                          (0x670, 0x670), (0x2B9, 0x2BC), (0x2BE, 0x2BF)))
#: Signs and digits that stand between words: Latin-1 signs (NBSP « » ½ µ © ° ± × ÷ ·), Arabic
#: punctuation and digits.
_SIGNS = frozenset(_chars((0xA0, 0xA9), (0xAB, 0xB9), (0xBB, 0xBF), (0xD7, 0xD7), (0xF7, 0xF7),
                          (0x60C, 0x60C), (0x61B, 0x61B), (0x61F, 0x61F), (0x660, 0x66D), (0x6F0, 0x6F9)))
_HEBREW_FINAL = frozenset("ךםןףץ")
#: Words whose plausibility was worked out, bounded.
_KNOWN: dict[str, bool] = {}


def _word_plausible(word: str) -> bool:
    """Whether one word (non-ASCII characters and the ASCII letters touching them) is text."""
    script = last = ""  # last: the script of the letter before
    for index, char in enumerate(word):
        if char in _SIGNS:
            last = ""
            continue
        if char in _MARKS:
            if not last:
                return False  # a mark after no letter
            continue
        found = _SCRIPT_OF.get(char)
        if found is None or (script and found != script):
            return False  # a letter of no table, a control; scripts mixed inside a word
        if char in _HEBREW_FINAL and _SCRIPT_OF.get(word[index + 1:index + 2]) == "hebrew":
            return False  # a final letter inside a word
        script = last = found
    return True


def plausible(text: str) -> bool:
    """Whether the UTF-8 reading ``text`` is text of some script (module docstring, point 2)."""
    for word in _WORD.findall(text):
        known = _KNOWN.get(word)
        if known is None:
            if len(_KNOWN) >= 65536:
                _KNOWN.clear()
            known = _KNOWN[word] = _word_plausible(word)
        if not known:
            return False
    return True


def _gbk_reading(data: bytes) -> str | None:
    """The GB18030 reading of ``data`` when it is Chinese: CJK characters and punctuation, or
    other GB2312 characters."""
    try:
        reading = data.decode("gb18030")
    except UnicodeDecodeError:
        return None
    for char in _NOT_CJK.findall(reading):
        try:
            char.encode("gb2312")
        except UnicodeEncodeError:
            return None
    return reading


class Decoded(NamedTuple):
    """A message's text, the codec that gave it, and whether bytes had to be replaced."""

    text: str
    charset: str
    replaced: bool


class CharsetJudge:
    """The decision for one source (a file, a syslog sender): a setting, and the evidence of
    its lines, each taken as it is decided, in the source's order."""

    __slots__ = ("counted_to", "gbk", "least", "setting", "utf8")

    def __init__(self, setting: str = "auto", *, least: int = 2) -> None:
        self.setting = "gb18030" if setting == "gbk" else setting
        #: Lines seen that only GB18030 reads, and lines with 3-byte UTF-8 that UTF-8 reads.
        self.gbk = 0
        self.utf8 = 0
        #: GBK lines needed before the source leans GBK (never fewer than 2).
        self.least = max(least, 2)
        #: The content position of a file up to which its lines' evidence was taken.
        self.counted_to = 0

    @property
    def leaning(self) -> str:
        """What the evidence says: ``gb18030``, ``utf-8`` or ``none`` (module docstring)."""
        if self.gbk >= self.least and self.gbk > 2 * self.utf8:
            return "gb18030"
        return "utf-8" if self.utf8 > 2 * self.gbk else "none"

    def decide(self, data: bytes, *, evidence: bool = True, end: int | None = None) -> Decoded:
        """``data`` decoded as the module docstring says, with the evidence of the lines before
        it; its own evidence taken unless ``evidence`` is False or the line ends (content
        position ``end`` of a file) where evidence was taken already (a line read again)."""
        if data.isascii():
            return Decoded(data.decode("ascii"), "utf-8", False)
        if self.setting != "auto":  # (with auto a BOM, 3 bytes of UTF-8, is read as UTF-8 below)
            return decode_message(data, self.setting)
        if end is not None and evidence:
            evidence, self.counted_to = end > self.counted_to, max(end, self.counted_to)
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            try:
                only = data.decode("gb18030")
            except UnicodeDecodeError:
                return Decoded(data.decode("gb18030", errors="replace"), "gb18030", True)
            self.gbk += evidence
            return Decoded(only, "gb18030", False)
        if data.translate(None, _BELOW_E0):  # a 3-byte sequence: GBK text hardly ever makes one
            self.utf8 += evidence
            return Decoded(text, "utf-8", False)
        if self.gbk < self.least or self.gbk <= 2 * self.utf8 or plausible(text):
            return Decoded(text, "utf-8", False)
        reading = _gbk_reading(data)
        return Decoded(text, "utf-8", False) if reading is None else Decoded(reading, "gb18030", False)


def decode_message(data: bytes, charset: str = "auto") -> Decoded:
    """``data`` decoded alone (no evidence of other messages) with the setting ``charset``:
    ``auto`` and ``utf-8`` UTF-8 first, ``gbk``/``gb18030`` GB18030 first."""
    order = ("gb18030", "utf-8") if charset in ("gbk", "gb18030") and _BOM not in data else ("utf-8", "gb18030")
    for codec in order:
        try:
            return Decoded(data.decode(codec), codec, False)
        except UnicodeDecodeError:
            continue
    return Decoded(data.decode("gb18030", errors="replace"), "gb18030", True)
