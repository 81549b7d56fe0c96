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

import dataclasses
import re
from collections.abc import Sequence
from functools import cache
from typing import Final

from govsoc.classification.free_text import FreeTextMasker
from govsoc.classification.percent import percent_decoded
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
#: The keys and labels naming what the ingest scan cannot find alone (names, addresses, keyed
#: passports, IDs, landlines, plates), as a key (xm=, "passport": , id_no：) or a label before its
#: value (姓名：, 住址, 护照, passport E12345678, ID no 110105...), searched in the lowered text.
#: Literals first (no look-behind before them: the key's start is checked after, _KEY_START), so
#: that one search costs a few ns a character (RRR15bc-1: the free-text masker on every line with
#: a Chinese character or a six-digit run cost 18-1,760x on nginx, H3C, JSON, k8s audit logs).
_KEYED: Final = re.compile(
    r"(?=[acdhijlmnpstxz姓名用客住地户护身证电座车手联患申办])"  # the first letters: one test rejects most positions
    r"(?:xm|name|xingming|address|addr|dz|jtzz|hjdz|passport|hzhm|hzh|idcard|id_card|idno|id_no|idnumber"
    r"|id_number|sfzhm|sfzh|sfz|zjhm|certno|cert_no|telephone|tel|phone|mobile|lxdh|sjhm|sjh|dh|cph|plate)"
    r"[\"']?[ \t]*[=:：]"
    r"|(?:passport|id|telephone|tel|phone)(?:[ \t]*(?:no\.?|number|#))?[ \t:：=#]*(?P<v>[a-z]?\d)"
    r"|姓名|名字|用户|客户|住址|地址|户籍|护照|身份证|证件|电话|座机|车牌|手机|联系人|患者|申请人|办理人")
#: A key in Latin letters starts a word (no letter, digit or '_' before it: hostname= is no name=).
_KEY_START: Final = re.compile(r"[0-9A-Za-z_]")
#: In ASCII text (no Chinese character, no escaped one) what a key names and the ingest scan does not
#: find is a number (a passport, a 15-digit ID, a landline; a Latin name stays): only a text with a
#: run of six digits and a key before it (KEY_BEFORE characters) is read further.
_NOT_A_DIGIT: Final = re.compile(rb"[^0]")
_ZEROS: Final = bytes.maketrans(b"0123456789", b"0000000000")
_KEY_BEFORE: Final = 40
#: How far a keyed value is read after its key or label (a window: key, value, up to a separator).
_WINDOW: Final = 256
_VALUE_END: Final = re.compile(r"[\s&;|]")
#: An address names a place: a province, city, district, county, town, road, street, lane or a number
#: (号); 未填写, 无, 不详, 机房三楼 after 住址 are not addresses (RRR15bc-2).
_PLACE: Final = re.compile(r"[省市区县州盟旗镇乡村路街道巷弄号]|胡同")
#: A Chinese character percent-escaped (UTF-8 or GBK): a lead byte 0x80-0xFF and the next byte
#: escaped too (a lone %De is a syslog priority or a format: H3C's %Dec  4 ... opens every line).
_ESCAPED: Final = re.compile(r"%[89a-fA-F][0-9a-fA-F]%[4-9a-fA-F][0-9a-fA-F]")
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
        windows = _windows(head)
        if not windows:
            return []
        taken = Spans(list(ingest))
        out = []
        for start, value, end in windows:
            for hit in self.masker.placed_hits(head[start:end]):
                hit = dataclasses.replace(hit, start=hit.start + start, end=hit.end + start)
                if hit.start >= value and taken.free(hit.start, hit.end) and _taken_at_ingest(text, hit):
                    out.append(hit)
                    taken.add(hit)
        return out


def _windows(text: str) -> list[tuple[int, int, int]]:
    """(start, value start, end) of each key or label of _KEYED in ``text`` with its value: from the
    key to the value's end (a blank, '&', ';', '|', at most _WINDOW characters on), overlaps joined.
    The masker reads the window, so the key gives the value its context (as a column name does in
    classify); only hits from the value start on are taken."""
    low = text.lower()
    if len(low) != len(text):  # a character lowered to two (İ): offsets would shift
        return []
    if text.isascii() and not ("%" in text and _ESCAPED.search(text)) and not _keyed_number(low):
        return []
    out: list[tuple[int, int, int]] = []
    for m in _KEYED.finditer(low):
        if m.group()[0].isascii() and _KEY_START.match(low, max(0, m.start() - 1)) and m.start() > 0:
            continue
        key_end = m.start("v") if m.group("v") else m.end()  # an English label's number is the value
        rest = text[key_end:key_end + _WINDOW]
        lead = len(rest) - len(rest.lstrip(" \t:：=\"'"))
        stop = _VALUE_END.search(rest, lead)
        end = key_end + (stop.start() if stop else len(rest))
        if out and m.start() <= out[-1][2]:
            out[-1] = (out[-1][0], out[-1][1], max(end, out[-1][2]))
        else:
            out.append((m.start(), key_end, end))
    return out


def _keyed_number(low: str) -> bool:
    """Whether a run of six digits in ``low`` (ASCII, lowered) has a key of _KEYED before it. The
    runs are found in the text's bytes with every digit made '0' (two C-level passes, a few µs for
    4 KB; a regex trying each digit took ten times that on key=value lines, RRR15bc-1)."""
    zeros = low.encode("ascii").translate(_ZEROS)
    at = zeros.find(b"000000")
    while at >= 0:
        if _KEYED.search(low, max(0, at - _KEY_BEFORE), at + 6):
            return True
        past = _NOT_A_DIGIT.search(zeros, at + 6)  # on past the run (a timestamp is one run, not two)
        at = zeros.find(b"000000", past.end()) if past else -1
    return False


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
    if hit.recognizer == "cn_address":
        value = text[hit.start:hit.end]
        return bool(_PLACE.search(percent_decoded(value)[0] if "%" in value else value))
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
    # no Latin names: dropped here anyway, so not looked for (pinyin tables: 1 s to load); no name beside an ID
    return FreeTextMasker(latin_names=False, beside_identifiers=False)
