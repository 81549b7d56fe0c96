"""Identifiers glued to letters or split by separators in free text (stage: classification;
GB 11643-1999, the mobile numbering plan of YD/T 2740, ISO/IEC 7812 Luhn; review r18d finding 1).

The recognizers want a non-alphanumeric boundary on both sides of a number, so that a column of
``ORD13812345678`` codes is not taken for phone numbers. A report quoting a log line must be
stricter, because whoever wrote the line put the number there as they liked: ``SFZ110101199003071233``,
``u=ID110101199003071233``, ``tel=8613812345678`` (the country code without '+'),
``card=6222021234567890128x``, ``1381 234 5678``, ``138.1234.5678``, ``user13812345678``,
``tel=138+1234+5678`` (a space of a form's query string, HTML 4.01 §17.13.4).

Here a text is cut into its digit groups (full-width digits are folded by the caller), and a
group, or consecutive groups joined by one separator each (space, '-', '_', '+', or '.' between
three or more groups of 3-4 digits, after a country code marked as one if any: ``+86.138.1234.5678``,
``0086 138.1234.5678``; after one, also an area code of 2-3 digits and the number:
``+86.10.6234.5678``), is judged alone, letters around it ignored, by the same
validation as the recognizers: an 18-digit number (or 17 digits and an X) with a real region,
birth date and check character, or only the shape of one; an 11-digit allocated mobile number,
also after a bare ``86`` or ``0086``; a 13-19 digit card number with an issuer prefix and the Luhn
check; a 15-digit first-generation ID number with a real region and a 19YY birth date; a landline
number in its international form (``+86 755 8888 1234``, ``0086-10-12345678``: the country code
written as such, '+' or a group of its own, then the area code without its trunk 0, ITU-T E.164),
whose area code and length the landline recognizer checks. Groups that are part of a decimal
(``0.13812345678``, ``13812345678.5``) are not numbers of their own.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from typing import Final

from govsoc.classification.checksums import uscc_ok
from govsoc.classification.recognizer import Match, Recognizer
from govsoc.classification.recognizers.identity import ID_SHAPED
from govsoc.classification.spans import Spans

__all__ = ["GluedNumbers"]

#: Digit groups joined by single separators.
_CHAIN: Final = re.compile(r"[0-9]+(?:[ \-_.+][0-9]+)*")
_GROUP: Final = re.compile(r"[0-9]+")
_LENGTHS: Final = frozenset({11, 13, 15, 16, 17, 18, 19})
_SHAPED_ONLY: Final = "shaped like a resident ID number (region, birth date), check character wrong"
_NOT_DIGIT: Final = re.compile(r"[^0-9]")
#: GB 32100's shape (organisation.UsccRecognizer's pattern, unanchored there).
_USCC: Final = re.compile(r"[1-9ANY][1-9]\d{6}[0-9A-HJ-NPQRTUWXY]{10}")
_HEX: Final = re.compile(r"[0-9a-fA-F]+")
#: What joins the digit groups of a chain (_CHAIN).
_SEPARATORS: Final = frozenset(" -_.+")
#: A word of ASCII letters and digits (str.isascii() and str.isalnum() of each character) with a
#: digit in it: only these hold a digit run, and only these are kept (a list of every word of 5 MB
#: of tiny words took 183 MB: R15aa-3). The look-behind starts each at a word's start.
_DIGIT_WORD: Final = re.compile(r"(?<![0-9A-Za-z])[0-9A-Za-z]*[0-9][0-9A-Za-z]*")
#: A word of ASCII letters and digits (the one a labelled number starts: GluedNumbers.labelled).
_WORD: Final = re.compile(r"[0-9A-Za-z]+")


class GluedNumbers:
    """Finds identifiers whatever stands around them; see the module docstring. ``known`` maps
    the recognizer ids used here (cn_resident_id, cn_mobile, cn_bank_card,
    cn_resident_id_15, cn_landline) to their instances."""

    def __init__(self, known: dict[str, Recognizer]) -> None:
        self.ids = known["cn_resident_id"]
        self.mobile = known["cn_mobile"]
        self.card = known["cn_bank_card"]
        self.legacy = known["cn_resident_id_15"]
        self.landline = known["cn_landline"]

    def hits(self, text: str, taken: list[Match]) -> list[Match]:
        """Hits in ``text`` (digits folded to ASCII) overlapping none of ``taken`` nor each other."""
        out: list[Match] = []
        spans = Spans(taken)
        codes = _Codes(text)
        for chain in _CHAIN.finditer(text):
            if chain.end() - chain.start() < 11:
                continue
            groups = [(g.start() + chain.start(), g.end() + chain.start()) for g in _GROUP.finditer(chain.group())]
            for start, end in _candidates(text, groups):
                if spans.free(start, end):
                    hit = self._judge(_NOT_DIGIT.sub("", text[start:end]), start, end, text, codes)
                    if hit is not None:
                        out.append(hit)
                        spans.add(hit)
        return out

    def labelled(self, value: str, kinds: frozenset[str]) -> Match | None:
        """The mobile (``cn_mobile`` in ``kinds``) or bank card number (``cn_bank_card``) that
        starts ``value``, the value right after a label naming it, glued to letters after it
        (``手机：13812345678abcde``, ``tel=+8613812345678abc``): found though the word it starts
        is shaped like a hexadecimal id, where hits() skips it (R15aa-1). The label decides what
        the digits are, as a key does for a column; a word that is a real unified social credit
        code (GB 32100, both check characters right) is still one. Offsets are ``value``'s."""
        plus = 1 if value[:1] == "+" else 0
        run = _GROUP.match(value, plus)
        word = _WORD.match(value, plus)
        if run is None or word is None or run.end() == word.end() or uscc_ok(word.group().upper()):
            return None  # no digits first, no letters glued (hits() judged it), or a credit code
        digits = run.group()
        if "cn_mobile" in kinds and len(digits) in (11, 13, 15) and digits[:-11] in ("", "86", "0086") \
                and (why := self.mobile.validate(digits[-11:])) is not None:
            return self._match(self.mobile, 0 if plus and len(digits) > 11 else plus, run.end(), digits[-11:], why)
        if "cn_bank_card" in kinds and 13 <= len(digits) <= 19 and not plus \
                and (why := self.card.validate(digits)) is not None:
            return self._match(self.card, 0, run.end(), digits, why)
        return None

    def _judge(self, digits: str, start: int, end: int, text: str, codes: _Codes) -> Match | None:
        if len(digits) == 17 and text[end:end + 1] in ("X", "x"):
            hit = self._as_id(digits + "X", start, end + 1)
            if hit is not None:
                return hit
        if len(digits) == 18:
            hit = self._as_id(digits, start, end)
            if hit is not None:
                return hit
        if codes.inside(start, end):
            return None
        if (hit := self._international_landline(digits, start, end, text)) is not None:
            return hit
        if len(digits) not in _LENGTHS:
            return None
        if len(digits) in (11, 13, 15):
            number = digits[-11:]
            prefix = digits[:-11]
            if prefix in ("", "86", "0086") and (why := self.mobile.validate(number)) is not None:
                plus = bool(prefix) and text[start - 1:start] == "+"  # "+86": masked with its code
                return self._match(self.mobile, start - plus, end, number, why)
        if len(digits) == 15 and (why := self.legacy.validate(digits)) is not None:
            return self._match(self.legacy, start, end, digits, why)
        if len(digits) >= 13 and (why := self.card.validate(digits)) is not None:
            return self._match(self.card, start, end, digits, why)
        return None

    def _international_landline(self, digits: str, start: int, end: int, text: str) -> Match | None:
        """``+86 755 8888 1234``: the country code marked as one ('+' before it, or 0086, or 86 as a
        group of its own), then an area code and number the landline recognizer accepts."""
        for code in ("0086", "86"):
            marked = text[start - 1:start] == "+" or code == "0086" or text[start + 2:start + 3] in _SEPARATORS
            if digits.startswith(code) and marked and digits[len(code):len(code) + 1] != "0":
                number = "0" + digits[len(code):]
                if (why := self.landline.validate(number)) is not None:
                    plus = text[start - 1:start] == "+"  # masked with the number (as a mobile's +86 is)
                    return self._match(self.landline, start - plus, end, number, why)
        return None

    def _as_id(self, number: str, start: int, end: int) -> Match | None:
        why = self.ids.validate(number)
        if why is not None:
            return self._match(self.ids, start, end, number, why)
        if ID_SHAPED.match(number):
            return Match(recognizer="cn_resident_id_shaped", start=start, end=end, masked=self.ids.mask(number),
                         score=0.3, reason=_SHAPED_ONLY)
        return None

    @staticmethod
    def _match(recognizer: Recognizer, start: int, end: int, number: str, why: str) -> Match:
        return Match(recognizer=recognizer.id, start=start, end=end, masked=recognizer.mask(number), score=1.0,
                     reason=f"{recognizer.entity}: letters or separators around it; {why}")


def _candidates(text: str, groups: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The spans judged in a chain of digit groups: the whole chain when it is split as numbers
    are (a part of a chain is no number of its own: 150928 19950001 955X holds no phone number),
    then each group alone; never the fraction or the integer part of a decimal."""
    spans = [(s, e) for s, e in groups if e - s >= 11]
    if len(groups) > 1 and _well_split(text, groups):
        spans.insert(0, (groups[0][0], groups[-1][1]))
    return [(s, e) for s, e in spans
            if not _in_decimal(text, s, before=True) and not _in_decimal(text, e, before=False)]


def _well_split(text: str, groups: list[tuple[int, int]]) -> bool:
    sizes = [e - s for s, e in groups]
    seps = "".join(text[s - 1] for s, _ in groups[1:])
    if "." in seps:  # 138.1234.5678: never a decimal or an IPv4 address (groups of 1-3)
        return _dotted(sizes, seps) or (_country_code(text, groups[0])
                                        and (_dotted(sizes[1:], seps[1:]) or _dotted_landline(sizes[1:], seps[1:])))
    return all(n >= 2 for n in sizes)


def _dotted(sizes: list[int], seps: str) -> bool:
    """Three or more groups of 3-4 digits, all joined by '.' (138.1234.5678)."""
    return len(sizes) >= 3 and set(seps) == {"."} and all(3 <= n <= 4 for n in sizes)


def _dotted_landline(sizes: list[int], seps: str) -> bool:
    """An area code without its trunk 0 (2 digits for 010 and 02x, 3 for the others) and a
    number of 7-8 digits, in groups of 3-4 or whole, all joined by '.' (+86.10.6234.5678,
    +86.755.88881234): only after a country code, which no IPv4 address or version has."""
    number = sizes[1:]
    return (set(seps) == {"."} and len(sizes) >= 2 and 2 <= sizes[0] <= 3 and 7 <= sum(number) <= 8
            and (len(number) == 1 or all(3 <= n <= 4 for n in number)))


def _country_code(text: str, group: tuple[int, int]) -> bool:
    """True when ``group`` is a country code written as one: ``+86`` or ``0086`` (ITU-T E.164).
    A bare ``86.`` is not: 86.138.1234.5678 may as well be a version number."""
    start, end = group
    return text[start:end] == "0086" or (text[start:end] == "86" and text[start - 1:start] == "+")


def _in_decimal(text: str, at: int, *, before: bool) -> bool:
    """True when the group starting (ending) at ``at`` is the fraction (integer part) of a decimal."""
    if before:
        return at >= 2 and text[at - 1] == "." and text[at - 2].isdigit()
    return text[at:at + 1] == "." and text[at + 1:at + 2].isdigit()


class _Codes:
    """Whether the digits at [start, end) of ``text`` are part of a word shaped like a unified
    social credit code (GB 32100: 18 characters, letters among them) or a hexadecimal digest or
    identifier of 16 characters or more (an MD5 or SHA hash, a trace id), where a digit run is no
    card or phone number. The word runs from the ASCII letters and digits before ``start`` to
    those after ``end``. The words of the text are found once and each is judged once: walking
    the word again for each digit run in it made a text of mobiles glued into one word
    (``x13812345678`` repeated) quadratic (R15z-1: 88 s for 30,000 characters)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.starts: list[int] = []
        self.ends: list[int] = []
        self.judged: dict[tuple[int, int], bool] = {}
        self.found = False

    def inside(self, start: int, end: int) -> bool:
        """The answer for the digit run [start, end) (``text[start]`` and ``text[end - 1]`` are digits)."""
        if not self.found:
            for m in _DIGIT_WORD.finditer(self.text):  # the words a digit run can be in
                self.starts.append(m.start())
                self.ends.append(m.end())
            self.found = True
        first = bisect_right(self.starts, start) - 1
        last = bisect_right(self.starts, end - 1) - 1
        if (first, last) not in self.judged:
            word = self.text[self.starts[first]:self.ends[last]]
            self.judged[first, last] = (_USCC.fullmatch(word.upper()) is not None
                                        or (len(word) >= 16 and _HEX.fullmatch(word) is not None))
        return self.judged[first, last]
