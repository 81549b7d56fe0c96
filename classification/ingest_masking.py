"""What masking before storage masks beyond the ingest set, in a masked source's free-text fields
(stage: classification; issue 15 "masking before storage can be switched on per source"; PIPL
art. 51, GB/T 35273-2020 §6.2 去标识化; R15at-4).

The ingest scan (govsoc.classification.tagging, AT_INGEST) finds what needs no context: ID, mobile
and card numbers, e-mail addresses, passports after 护照号. Names, addresses, passports after
``passport=`` / ``hzhm=``, 15-digit IDs after ``idcard=``, landlines after ``tel=`` and plates after
``cph=`` need the key or label naming them, and a masked source stored them in the clear. The
reports' free-text masker (govsoc.classification.free_text: the recognizers, key contexts and
masking module ``govsoc classify`` uses) knows those keys and labels; :class:`IngestMasker` gives
its hits on the free-text fields only (FREE_TEXT_FIELDS: message, event.original, the URLs, a
request body), and only those masking before storage may take (RRR15av, review of a first attempt
that ran it over every field):

- no account (``user=``, ``for X from``, ``sudo: X :``) and no name in Latin letters: brute-force,
  spraying and login-after-failures rules group and count by the account (``zhangwei`` and
  ``zhaoli`` both masked ``z**`` merged; RRR15av-1/-2); a name is masked at ingest in Chinese
  characters after its key or label (``xm=``, ``姓名：``, ``用户``) only;
- no number inside a host name or a hexadecimal word: ``195-154-37-122.rev.example.eu`` is a
  reverse-DNS name, not a phone number (RRR15av-3), a digest's digits are none (RRR15av-5);
- the hits stay in their own field: only the ingest scan's validated numbers are carried to the
  other fields as text (a name found in the message is no substring of host.name; RRR15av-4);
- cheap on logs that hold none of it (RRR15av-6): only a text with a Chinese character, or a run
  of six digits standing alone or after a key or label of the vocabulary below, is read, and only
  its first READ characters (the rest of a long line goes through the ingest scan alone, as the
  whole line did before).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache
from typing import Final

from govsoc.classification.free_text import FreeTextMasker
from govsoc.classification.recognizer import Match
from govsoc.classification.spans import Spans

__all__ = ["FREE_TEXT_FIELDS", "IngestMasker", "READ"]

#: The fields a person writes or a form posts: what the free-text masker reads in a masked source.
#: Account, host, service, identifier and hash fields are not among them (RRR15av-1, -4, -5).
FREE_TEXT_FIELDS: Final = frozenset({"message", "error.message", "event.original", "url.original", "url.full",
                                     "url.query", "http.request.referrer", "http.request.body.content"})
#: How much of a text the free-text masker reads (its cost is linear in the text, about 10 µs a
#: character on key=value text: a 5 MB line held a masked source up for a minute, RRR15av-6).
READ: Final = 4096
#: A text worth the free-text masker's time has a Chinese character (names, addresses, plates,
#: labels such as 住址 and 护照), a percent-escaped UTF-8 or GBK byte (Chinese text escaped), or a run
#: of six digits (what the masker finds in ASCII text after a key or label is a number: a landline,
#: a 15-digit ID, a passport E12345678). A run of digits alone does not do: it must stand alone
#: (_ALONE, not in a host name: rhost=061092085098.ctinets.com) or follow a key or label of the
#: vocabulary (_NAMED: hzhm=, passport, ID no ...). Searched in this order, a few µs a log line:
#: the whole check is what masking adds to a line that holds none of it (RRR15av-6).
_FIRST: Final = re.compile(r"[\u4e00-\u9fff]|%[89a-fA-F][0-9a-fA-F]|\d{6}")
_CHINESE: Final = re.compile(r"[\u4e00-\u9fff]|%[89a-fA-F][0-9a-fA-F]")
_ESCAPED: Final = re.compile(r"%[89a-fA-F][0-9a-fA-F]")
_SIX_DIGITS: Final = re.compile(r"\d{6}")
#: (no number of a person starts 00: an address or an offset does, BIOS-e820: 0000000000100000)
_ALONE: Final = re.compile(r"(?<![0-9A-Za-z.])(?!00)\d{6,}(?![0-9A-Za-z.])")
_NAMED: Final = re.compile(
    # a key naming what the masker finds with context, set off as a key is (hzhm=, "passport": , id_no：)
    r"(?<![a-z])(?:passport|hzh(?:m)?|id_?(?:card|no|number)|sfz(?:h|hm)?|zjhm|cert_?no|tel(?:ephone)?|phone"
    r"|mobile|lxdh|dh|sj(?:h|hm)|csrq|birth(?:day|date)?)[\"']?[ \t]*[=:：]"
    # an English label before its number (passport E12345678, ID no 110105491231002, phone 0571...)
    r"|(?<![a-z])(?:passport|id|tel(?:ephone)?|phone)(?:[ \t]*(?:no\.?|number|#))?[ \t:：=#]*[a-z]?\d")
#: Where a cut text may end: a separator, so that no value is read half.
_CUT: Final = re.compile(r"[\s&;,，、。]")
#: A number read where a host name's label or a hexadecimal word goes on: a letter or a digit
#: right beside it, or a dot and a letter after it (RRR15av-3, -5).
_IN_A_WORD_AFTER: Final = re.compile(r"[0-9A-Za-z]|\.[A-Za-z]")
_IN_A_WORD_BEFORE: Final = re.compile(r"[0-9A-Za-z]\Z")
#: Four groups of one to three digits set off by '-': an IPv4 address written in a host name.
_DASHED_IPV4: Final = re.compile(r"(\d{1,3})-(\d{1,3})-(\d{1,3})-(\d{1,3})")
_HAN: Final = re.compile(r"[\u4e00-\u9fff]")


class IngestMasker:
    """The free-text masker's hits that masking before storage takes; see the module docstring."""

    def __init__(self, masker: FreeTextMasker | None = None) -> None:
        self._masker = masker

    @property
    def masker(self) -> FreeTextMasker:
        """The free-text masker (one looking for no Latin names, shared, unless given; built on first use)."""
        if self._masker is None:
            self._masker = _shared()
        return self._masker

    def hits(self, text: str, ingest: Sequence[Match] = ()) -> list[Match]:
        """The hits in ``text`` (a free-text field's value, as written) that none of ``ingest``
        (the ingest scan's hits in it) overlaps and that masking before storage takes."""
        head = _head(text)
        if not _worth_reading(head):
            return []
        taken = Spans(list(ingest))
        out = []
        for hit in self.masker.placed_hits(head):
            if taken.free(hit.start, hit.end) and _taken_at_ingest(text, hit):
                out.append(hit)
                taken.add(hit)
        return out


def _worth_reading(text: str) -> bool:
    """Whether the free-text masker may find in ``text`` what the ingest scan does not (_FIRST)."""
    if text.isascii():  # most log lines: no Chinese character to look for, a cheap test in C
        if "%" in text and _ESCAPED.search(text):
            return True
        first = _SIX_DIGITS.search(text)
    else:
        first = _FIRST.search(text)
    if first is None:
        return False
    if not first.group()[0].isdigit() or _CHINESE.search(text, first.end()):
        return True
    return bool(_ALONE.search(text) or _NAMED.search(text.lower()))


def _head(text: str) -> str:
    """The first READ characters of ``text``, cut at a separator (or before a percent-escape)."""
    if len(text) <= READ:
        return text
    cut = max((m.start() for m in _CUT.finditer(text, READ // 2, READ)), default=READ)
    while cut > READ - 3 and "%" in text[cut - 2:cut]:
        cut -= 1
    return text[:cut]


def _taken_at_ingest(text: str, hit: Match) -> bool:
    """Whether masking before storage takes ``hit`` (the module docstring's list)."""
    if hit.recognizer == "account":
        return False
    if hit.recognizer == "cn_person_name":
        return bool(_HAN.match(hit.masked))  # the masked form starts with the surname as written
    value = text[hit.start:hit.end]
    if _HAN.search(value) or "%" in value or not any(c.isdigit() for c in value):
        return True  # a plate, an address, an escaped value: no host name or digest holds one
    if _IN_A_WORD_AFTER.match(text, hit.end) or _IN_A_WORD_BEFORE.search(text, max(0, hit.start - 1), hit.start):
        return False
    ip = _DASHED_IPV4.fullmatch(value)
    return ip is None or any(int(octet) > 255 for octet in ip.groups())


@cache
def _shared() -> FreeTextMasker:
    return FreeTextMasker(latin_names=False)  # dropped here anyway: not looked for (pinyin tables: 1 s to load)
