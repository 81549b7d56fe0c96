"""What masking before storage masks beyond the ingest set, in a masked source's free-text fields
(stage: classification; issue 15 "masking before storage can be switched on per source"; PIPL
art. 51, GB/T 35273-2020 §6.2 去标识化; R15at-4).

The ingest scan (govsoc.classification.tagging, AT_INGEST) finds what needs no context: ID, mobile
and card numbers, e-mail addresses, passports after 护照号. Names, addresses, passports after
``passport=`` / ``hzhm=``, 15-digit IDs after ``idcard=``, landlines after ``tel=`` and plates after
``cph=`` need the key or label naming them, and a masked source stored them in the clear. The
reports' free-text masker (govsoc.classification.free_text: the recognizers, key contexts and
masking module ``govsoc classify`` uses) knows those keys and labels; :class:`IngestMasker` gives its
hits on the free-text fields only (FREE_TEXT_FIELDS: message, event.original, the URLs, a request body),
and only those masking before storage may take (RRR15av: a first attempt ran it over every field):

- no account (``user=``, ``for X from``, ``sudo: X :``) and no name in Latin letters: brute-force,
  spraying and login-after-failures rules group and count by the account (``zhangwei`` and
  ``zhaoli`` both masked ``z**`` merged; RRR15av-1/-2; ``用户名：张伟`` is an account too); a name
  is masked at ingest in Chinese characters after its key or label (``xm=``, ``姓名：``, ``联系人``)
  only, an address after a person's address label only (住址, 户籍, ``dz=``; not 服务器地址, 机房);
- no number inside a host name or a hexadecimal word: ``195-154-37-122.rev.example.eu`` is a
  reverse-DNS name, not a phone number (RRR15av-3), a digest's digits are none (RRR15av-5);
- the hits stay in their own field: only the ingest scan's validated numbers are carried to the
  other fields as text (a name found in the message is no substring of host.name; RRR15av-4);
- cheap on logs that hold none of it (RRR15av-6): only a text with a Chinese character (or one escaped),
  or a number of a keyed value's length after a key below, is read, and only its first READ characters
  and KEYS_READ keys (the rest of a long line through the ingest scan alone), in one masker call at most.
"""

from __future__ import annotations

import bisect
import dataclasses
import re
from collections.abc import Sequence
from functools import cache
from typing import Final

from govsoc.classification.free_text import FreeTextMasker
from govsoc.classification.invisible import placed, visible
from govsoc.classification.percent import percent_decoded, plain_signs
from govsoc.classification.recognizer import Match, in_a_word
from govsoc.classification.spans import Spans

__all__ = ["FREE_TEXT_FIELDS", "IngestMasker", "KEYS", "KEYS_READ", "READ", "head_end"]

#: The fields a person writes or a form posts: what the free-text masker reads in a masked source.
#: Account, host, service, identifier and hash fields are not among them (RRR15av-1, -4, -5).
FREE_TEXT_FIELDS: Final = frozenset({"message", "error.message", "event.original", "url.original", "url.full",
                                     "url.query", "http.request.referrer", "http.request.body.content"})
#: How much of a text the free-text masker reads (its cost is linear in the text, about 10 µs a
#: character on key=value text: a 5 MB line held a masked source up for a minute, RRR15av-6).
READ: Final = 4096
#: The keys and labels naming what the ingest scan cannot find alone, by what they name (one table:
#: the key regex and each value's shape come from it). A Latin key is a key (xm=, "passport": ,
#: id_no：) or an English label before its value (passport E12345678, ID no 110105..., tel 0571...);
#: a Chinese label may touch its value (住址浙江省..., 护照E1234...). Only a person's address is one:
#: 服务器地址, 机房, IP地址, 源地址 name no one (RRR15be-4); 用户名 and 客户 name accounts and firms, which
#: masking before storage keeps (RRR15av-1), so 用户, 客户 are no labels (RRR15be-2: 用户 opens most
#: Chinese application lines).
KEYS: Final = {
    "name": ("xm", "xingming", "name", "姓名", "名字", "联系人", "患者", "申请人", "办理人"),
    "address": ("address", "addr", "dz", "jtzz", "hjdz", "住址", "户籍", "家庭住址", "联系地址", "收货地址"),
    "passport": ("passport", "hzhm", "hzh", "护照"),
    "id": ("idcard", "id_card", "idno", "id_no", "id no", "idnumber", "id_number", "id number", "sfzhm", "sfzh",
           "sfz", "zjhm", "certno", "cert_no", "身份证", "证件"),
    "phone": ("telephone", "tel", "phone", "mobile", "lxdh", "sjhm", "sjh", "电话", "座机", "手机"),
    "plate": ("cph", "plate", "车牌"),
}
#: What a value must start with for its key to be read (a cheap look-ahead in the key regex: a key
#: whose value cannot be what it names costs no masker call; tel=1234567 and id=1000000 are none).
#: A name, an address or a plate in Chinese characters (or percent-escaped); a passport's letter
#: and digits; a 15-digit ID (the 18-digit ones the ingest scan finds); a landline with its area
#: code. Not eight digits alone after a phone key: a city number, a count, a size or a decimal's
#: whole part look alike (mobile: 25000000 users, {"tel":"30000000","count":1}), and a wrong mask
#: loses the number, so they are stored as written, as before masking (RRR15bk-2).
_HAN_OR_ESCAPED = r"(?=[\u4e00-\u9fff]|%[89a-f][0-9a-f]%)"
_SHAPES: Final = {
    "name": _HAN_OR_ESCAPED, "address": _HAN_OR_ESCAPED, "plate": _HAN_OR_ESCAPED,
    "passport": r"(?=[a-z]{0,2}\d{7,9}(?![0-9a-z]))", "id": r"(?=\d{15}(?!\d))",
    "phone": r"(?=(?:\+?86[- ]?)?\(?0\d{2,3}\)?[- ]?\d{7,8}(?!\d))",
}
#: Between a Latin key and its value: a closing quote, a label's "no." / "number" / "#", then
#: blanks, '=', ':', '#' and an opening quote; between a Chinese label and its value the same
#: without the words (号码 closes a label: 身份证号码, 护照号).
_LATIN_SEP = r"[\"']?(?:[ \t]*(?:no\.?|number|#))?[ \t:：=#]*[\"']?"
_HAN_SEP = r"[\"']?(?:号码|号)?[ \t:：=#]*[\"']?"
#: What may not stand before a kind's Latin key: ``address`` after an English word and a blank,
#: a '.' or a '-' ("Server address:", "listen address=", ip.address=, X-Real-Addr:, node.addr=,
#: server-address=) is a server's, a node's or a site's, not a person's; only a whole key is one
#: (address=, "address":; RRR15bj-4, RRR15bk-4).
_LATIN_BEFORE: Final = {"address": r"(?<![a-z][ \t.\-])"}


def _key_regex() -> re.Pattern[str]:
    """One regex over the lowered text for every key of KEYS, each kind a named group, the value's
    shape a look-ahead (_SHAPES); a Latin key starts a word (hostname= is no name=)."""
    kinds = []
    for kind, keys in KEYS.items():
        latin = "|".join(sorted((k for k in keys if k.isascii()), key=len, reverse=True))
        han = "|".join(sorted((k for k in keys if not k.isascii()), key=len, reverse=True))
        before = _LATIN_BEFORE.get(kind, "")
        kinds.append(rf"(?P<{kind}>(?<![0-9a-z_]){before}(?:{latin}){_LATIN_SEP}|(?:{han}){_HAN_SEP}){_SHAPES[kind]}")
    first = "".join(sorted({k[0] for keys in KEYS.values() for k in keys}))
    return re.compile(rf"(?=[{first}])(?:{'|'.join(kinds)})")


#: Literals first (a look-ahead on the first letters: one test rejects most positions), so that a
#: search costs a few ns a character (RRR15bc-1).
_KEYED: Final = _key_regex()
#: How many keys of a text are read, and how many key searches its candidates cost at most
#: (RRR15be-2: 400 keys in a 4 KB line were 400 masker calls; RRR15bj-3: 64 keyed passports made a
#: 4 KB line 17x slower than with the ingest scan alone, a keyless one cost 416 key searches); the
#: rest is the ingest scan's, counted (IngestMasker.lines_cut).
KEYS_READ: Final = 16
#: In ASCII text (no Chinese character, no escaped one) what a key names and the ingest scan does not
#: find is a number (a passport, a 15-digit ID, a landline; a Latin name stays): only a text with
#: such a number and a key before it (KEY_BEFORE characters) is read further (_keyed_number).
_NOT_A_DIGIT: Final = re.compile(rb"[^0]")
_LETTERS: Final = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
_CLASSES: Final = bytes.maketrans(b"0123456789" + _LETTERS, b"0" * 10 + b"a" * len(_LETTERS))
#: Seven digits: every candidate holds them (one find tells most lines they have none).
_SEVEN: Final = b"0000000"
_CANDIDATES: Final = (b"00000000", b"a0000000", b"-0000000", b")0000000")
_KEY_BEFORE: Final = 40
_BEFORE_A_VALUE: Final = " \t:=#\"'"
_DIGIT: Final = ord("0")
#: The recognizers that read a keyed number in an ASCII line, by its key's kind (_number_hits); the
#: 18-digit IDs and the mobiles the ingest scan finds without a key.
_BY_KEY: Final = {"passport": ("cn_passport",), "id": ("cn_resident_id_15",), "phone": ("cn_landline",)}
#: How far a keyed value is read after its key or label (a window: key, value, up to a separator).
_WINDOW: Final = 256
#: Where an unquoted value ends: a blank, '&', ';', '|', ',', '，', a quote, or the next ``key=``
#: run on to it (xm=王芳,id=..., RRR15bk-3); a quoted value ends at its closing quote.
_VALUE_END: Final = re.compile(r"[\s&;|,，\"']|(?<![0-9A-Za-z_.\-])[A-Za-z_][0-9A-Za-z_.\-]*=")
#: An address names a place: a province, city, district, county, town, road, street, lane or a number
#: (号); 未填写, 无, 不详, 机房三楼 after 住址 are not addresses (RRR15bc-2).
_PLACE: Final = re.compile(r"[省市区县州盟旗镇乡村路街道巷弄号]|胡同")
#: A Chinese character percent-escaped (UTF-8 or GBK): a lead byte 0x80-0xFF and the next byte
#: escaped too (a lone %De is a syslog priority or a format: H3C's %Dec  4 ... opens every line).
_ESCAPED: Final = re.compile(r"%[89a-fA-F][0-9a-fA-F]%[4-9a-fA-F][0-9a-fA-F]")
#: Where a cut text may end: a separator, so that no value is read half.
_CUT: Final = re.compile(r"[\s&;,，、。]")
#: The keys' view of a text, one character for one (offsets kept): lowered, full-width forms as
#: their ASCII (NFKC: ｘｍ＝王芳 is xm=王芳), 'İ' as 'i' (it lowers to two characters: RRR15be-6).
_FOLD: Final = str.maketrans({**{chr(c + 0xFEE0): chr(c).lower() for c in range(0x21, 0x7F)},
                              "\u3000": " ", "\u0130": "i"})
#: A host name's next label after a free-text masker's hit (138-0013-8000.rev.example: RRR15bk-1)
_NEXT_LABEL: Final = re.compile(r"\.[A-Za-z]")
#: Four groups of one to three digits set off by '-': an IPv4 address written in a host name.
_DASHED_IPV4: Final = re.compile(r"(\d{1,3})-(\d{1,3})-(\d{1,3})-(\d{1,3})")
_HAN: Final = re.compile(r"[\u4e00-\u9fff]")
#: Seven digits written, or a digit escaped (%30-%39): what a keyed number of an ASCII text decoded needs.
_DIGITS_READ: Final = re.compile(r"[0-9]{7}|%3[0-9]")


class IngestMasker:
    """The free-text masker's hits that masking before storage takes; see the module docstring.
    ``lines_cut`` counts the texts with more than KEYS_READ keys (the rest left to the ingest scan)."""

    def __init__(self, masker: FreeTextMasker | None = None) -> None:
        self._masker = masker
        self.lines_cut = 0

    @property
    def masker(self) -> FreeTextMasker:
        """The free-text masker (one looking for no Latin names, shared, unless given; built on first use)."""
        if self._masker is None:
            self._masker = _shared()
        return self._masker

    def hits(self, text: str, ingest: Sequence[Match] = ()) -> list[Match]:
        """The hits in ``text`` (a free-text field's value, as written) that none of ``ingest``
        (the ingest scan's hits in it) overlaps and that masking before storage takes. A text
        holding percent-escapes is read decoded (data=name%3D%E5%BC%A0... is data=name=张...:
        RRR15bp-1), each hit judged there and placed back on the text as written; a span only the
        text as written takes is masked too (E12345678%2Epdf, 13800138000%41: RRR15br-2)."""
        head = text[:head_end(text)]
        view, offsets = percent_decoded(head) if "%" in head and _may_decode_to_more(head) else (head, [])
        found = []
        if view != head:  # a span either reading takes is masked: decoded first, then as written (RRR15br-2)
            found = [dataclasses.replace(h, start=offsets[h.start], end=offsets[h.end])
                     for h in self._found(view) if _taken_at_ingest(view, h)]
        found += [h for h in self._found(head) if _taken_at_ingest(text, h)]
        taken = Spans(list(ingest))
        out = []
        for hit in found:
            if taken.free(hit.start, hit.end):
                out.append(hit)
                taken.add(hit)
        return sorted(out, key=lambda m: m.start)

    def _found(self, view: str) -> list[Match]:
        """The masker's hits in ``view`` (a head, as written or decoded), before they are judged."""
        if view.isascii() and not ("%" in view and _ESCAPED.search(view)):
            return self._number_hits(view) if _keyed_number(view) else []
        seen = visible(view)  # 姓\u200b名 is 姓名 to a reader (RRR15be-4)
        found = self._view_hits(view if seen is None else seen[0])
        return placed(found, seen[1]) if seen is not None and found else found

    def _view_hits(self, text: str) -> list[Match]:
        """The hits after the keys of ``text``: from ONE masker call on the windows joined by line
        breaks, each hit placed back on ``text``
        (RRR15be-2: a call costs ~100 µs, one per key made a 4 KB line 1,000x slower)."""
        windows = self._windows(text)
        if not windows:
            return []
        parts, starts = [], []
        at = 0
        for start, value, end, key, _ in windows:
            parts.append(key + text[value:end + (text[end:end + 1] in "\"'")])  # with its closing quote: "xm":"王芳"
            starts.append((at, start, value - start - len(key), value, end, at + len(parts[-1])))
            at += len(parts[-1]) + 1
        out = []
        for hit in self.masker.placed_hits("\n".join(parts)):
            for joined, start, shift, value, value_end, joined_end in starts:
                if joined <= hit.start and hit.end <= joined_end:
                    moved = dataclasses.replace(hit, start=hit.start - joined + start + shift,
                                                end=hit.end - joined + start + shift)
                    label_kept = moved.masked.startswith(text[moved.start:value])  # 住址浙江省…****
                    if moved.end <= value_end and (moved.start >= value or label_kept):
                        out.append(moved)  # inside its own value (RRR15bk-3)
                    break
        return out

    def _number_hits(self, text: str) -> list[Match]:
        """The keyed numbers of an ASCII ``text`` (no Chinese character, none escaped: only a
        passport, a 15-digit ID or a landline has a key there, _SHAPES): each value read by the
        recognizer its key names (_BY_KEY), in context as under a column of that name, with no
        masker call (RRR15bk-5: the call on 16 passport= values made a 4 KB line 5.8x slower
        than without masking before storage)."""
        by_kind: dict[str, list[tuple[int, int]]] = {}
        for _, value, end, _, kind in self._windows(text):
            by_kind.setdefault(kind, []).append((value, end))
        out: list[Match] = []
        for kind, values in by_kind.items():
            joined: list[str] = []  # one recognizer call a kind: the values joined by line breaks
            at: list[int] = []
            for value, end in values:
                at.append(at[-1] + len(joined[-1]) + 1 if joined else 0)
                joined.append(text[value:end])
            for rid in _BY_KEY.get(kind, ()):
                for hit in self.masker.columns.scanner.recognizers[rid].find("\n".join(joined), context=True):
                    i = bisect.bisect_right(at, hit.start) - 1
                    if hit.end - at[i] <= len(joined[i]):
                        shift = values[i][0] - at[i]
                        out.append(dataclasses.replace(hit, start=hit.start + shift, end=hit.end + shift))
        return out

    def _windows(self, text: str) -> list[tuple[int, int, int, str, str]]:
        """(start, value start, end, the key as the masker reads it, its kind) of each key of _KEYED in ``text``
        with its value: from the key (or its opening quote: "xm":"王芳", RRR15be-3) to the value's
        own end (its closing quote, or _VALUE_END; at most _WINDOW characters on). The key is
        read in the keys' view (_FOLD); the masker reads
        the key with its value, so the key gives the value its context (as a column name does in
        classify); only hits inside the value are taken (RRR15bk-3)."""
        low = text.translate(_FOLD).lower()
        out: list[tuple[int, int, int, str, str]] = []
        for count, m in enumerate(_KEYED.finditer(low)):
            if count == KEYS_READ:
                self.lines_cut += 1
                break
            value = m.end()
            start = m.start() - (m.start() > 0 and text[m.start() - 1] in "\"'")
            if text[value - 1] in "\"'":  # "xm":"王芳" ends at its closing quote
                close = text.find(text[value - 1], value, value + _WINDOW)
                end = close if close >= 0 else min(len(text), value + _WINDOW)
            else:
                stop = _VALUE_END.search(text, value, value + _WINDOW)
                end = stop.start() if stop else min(len(text), value + _WINDOW)
            out.append((start, value, end, low[start:value], str(m.lastgroup)))
        return out


def _latin_words(keys: Sequence[str]) -> tuple[str, ...]:
    """The Latin keys of ``keys`` that hold none of the others (tel for telephone, sjh for sjhm)."""
    latin = [k for k in keys if k.isascii()]
    return tuple(k for k in latin if not any(o != k and o in k for o in latin))


#: What an ASCII text must hold for _KEYED to match in it, kind by kind: one of the kind's Latin
#: words, and what the value's shape cannot be without (a landline's area code opens with '0';
#: a name, an address or a plate in ASCII is percent-escaped). A cheap test before the key search
#: of each candidate of _keyed_number (RRR15bn-2: "phone x1234567" * 400 cost 16 searches of
#: 80 characters, 3.6x the line's cost without masking before storage); it changes no answer.
_NEEDS: Final = {"phone": "0", "name": "%", "address": "%", "plate": "%"}
_ASCII_NEEDS: Final = tuple((_latin_words(keys), _NEEDS.get(kind, "")) for kind, keys in KEYS.items())


def _may_hold_a_key(window: str) -> bool:
    """Whether _KEYED can match inside ``window`` (lowered ASCII): see _ASCII_NEEDS."""
    for words, need in _ASCII_NEEDS:  # a loop, not any(): this runs up to KEYS_READ times a line
        if need and need not in window:
            continue
        for word in words:
            if word in window:
                return True
    return False


def _keyed_number(text: str) -> bool:
    """Whether ``text`` (ASCII) has a number a key of _KEYED names within _KEY_BEFORE
    characters before it. The candidates are found in the text's bytes with every digit made '0'
    and every letter 'a' (C-level passes, a few µs for 4 KB): a run of eight digits or more, seven
    after a letter (EA1234567) or after an area code's '-' or ')'. Seven digits after '=' are none
    (tel=1234567, id=1000000: each was a regex search, 60x and 14x the scan's cost, RRR15be-2);
    at most KEYS_READ candidates are looked at, over all the shapes together (RRR15bj-3). The
    key search of a candidate runs only where the windows around it hold a key's word and what
    its value needs (_may_hold_a_key, once for windows that overlap: RRR15bn-2)."""
    shape = text.encode("ascii").translate(_CLASSES)
    if _SEVEN not in shape:
        return False
    low = text.lower()
    reach = _WINDOW + _KEY_BEFORE  # how far before a value its key search may start (_key_search_from)
    starts = sorted(_candidates(shape))
    for i, at in enumerate(starts):
        if i == 0 or at - reach >= starts[i - 1] + _KEY_BEFORE:  # a new run of windows that overlap
            end = at
            for more in starts[i + 1:]:
                if more - reach >= end + _KEY_BEFORE:
                    break
                end = more
            may = _may_hold_a_key(low[max(0, at - reach):end + _KEY_BEFORE])  # one test for all of them
        if may:
            # the value's shape is read past its first digit
            key = _KEYED.search(low, _key_search_from(low, at), at + _KEY_BEFORE)
            if key and key.start() <= at:
                return True
    return False


def _candidates(shape: bytes) -> list[int]:
    """Where the first KEYS_READ candidates of _keyed_number start (their first digit), shape by
    shape, each place once (E12345678 is found by '00000000' and 'a0000000': one key search, one slot)."""
    out: list[int] = []
    for probe in _CANDIDATES:
        at = shape.find(probe)
        while at >= 0:
            at += probe[0] != _DIGIT  # the run's first digit
            if at not in out:  # at most KEYS_READ places to look through
                out.append(at)
                if len(out) >= KEYS_READ:
                    return out
            past = _NOT_A_DIGIT.search(shape, at)  # on past the run (a timestamp is one run, not two)
            if past is None:
                break
            at = shape.find(probe, past.end())
    return out


def _key_search_from(low: str, at: int) -> int:
    """Where the key search for the value whose first digit is at ``at`` starts: _KEY_BEFORE
    characters before its letters (a passport's E, EA) and the blanks before them (at most _WINDOW)."""
    gap = low[max(0, at - _WINDOW):at]
    letters = 2 if gap[-2:].isalpha() else 1 if gap[-1:].isalpha() else 0
    gap = gap[:len(gap) - letters]
    near = at - letters - len(gap) + len(gap.rstrip(_BEFORE_A_VALUE))  # back over blanks: passport=    E1…
    return max(0, near - _KEY_BEFORE)


def _may_decode_to_more(text: str) -> bool:
    """Whether ``text`` (holding a '%') may read otherwise decoded: unless it is ASCII and escapes no
    Chinese character, and no run of seven digits (what every keyed number of _keyed_number holds)
    stands in it written or escaped, the ASCII branch of IngestMasker.hits finds nothing either way
    (an escape of a letter or a sign decodes to no digit: it cuts a run as its '%' does)."""
    return not text.isascii() or not plain_signs(text) and bool(_ESCAPED.search(text) or _DIGITS_READ.search(text))


def head_end(text: str) -> int:
    """The end of the first READ characters of ``text`` at a separator (or before an escape): masker's and tagging's.
    A word across READ is read to its end, up to _WINDOW past it (phone%3D<mobile> at 4090: RRR15br-4)."""
    if len(text) <= READ:
        return len(text)
    ahead = _CUT.search(text, READ, READ + _WINDOW)
    cut = ahead.start() if ahead else max((m.start() for m in _CUT.finditer(text, READ // 2, READ)), default=READ)
    while cut > READ - 3 and "%" in text[cut - 2:cut]:
        cut -= 1
    return cut


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
    if in_a_word(text, hit.start, hit.end) or _NEXT_LABEL.match(text, hit.end):
        return False  # inside a longer number or word as the scan reads one, or a host name
    ip = _DASHED_IPV4.fullmatch(value)
    return ip is None or any(int(octet) > 255 for octet in ip.groups())


@cache
def _shared() -> FreeTextMasker:
    # no Latin names: dropped here anyway, so not looked for (pinyin tables: 1 s to load); no name beside an ID
    return FreeTextMasker(latin_names=False, beside_identifiers=False)
