"""Personal data in free text, masked for display (stage: classification; PIPL art. 51, GB/T 35273-2020 §6.2
"去标识化"/display masking; shared/reference/classification.md §8).

Reports quote raw log lines (an alert's evidence) and file paths. What a recognizer finds in
them without context (ID, phone and card numbers, e-mail addresses: the ingest set, AT_INGEST)
is not enough there, because a log line hides data in three ways the plain scan misses:

- **percent-encoding** (``name=%E5%BC%A0%E4%B8%89``, ``p86=%2B8613912345678``): runs of ``%XX``
  are decoded before the scan, as UTF-8, else as GBK (a GB2312 form posts GBK bytes), and every
  hit is mapped back onto the encoded span it came from (govsoc.classification.percent);
- **a key that names the value** (``name=张三``, ``名字：张三``, ``xm=张三``): a ``key=value`` or
  ``key: value`` pair whose key a column name could be is judged as a column is
  (ColumnClassifier.name_context), and the recognizers that key gives context to (a person's
  name, a passport or a 15-digit ID number) run on the value with context; so are JSON members
  and XML elements (``{"name":"张三"}``, ``<联系人>王芳</联系人>``), where an account's value is
  masked too (``"account":"zhangsan"``: govsoc.classification.structured_values), and so is an
  account's value after its key (``user=zhangsan``, ``用户名：lisi``, sudo's ``USER=root``) but for a
  numeric id (``uid=0``) or an empty value followed by the next key (``ruser= rhost=``), and one a
  log names with no key (``user zhangsan138…``, ``by zhangsan(uid=1000)``: govsoc.classification.log_accounts);
- **a name in Latin letters** (``name=Zhang Wei``, ``user zhangwei``, ``Zhang Wei logged in``): in
  pinyin beside an account word or a login verb, or in pinyin or as capitalised words after a key
  naming a person (the rule: govsoc.classification.pinyin_names);
- **a name beside an identifier** (``张三_110101199003071233.csv``, ``张三13812345678``): a run of
  Chinese characters next to an ID or phone number (nothing but a separator between) is read
  with the person-name recognizer's context, as a record's file or line names its person.

Two more ways are a writer's, not an encoding's: **credentials** (``password=``, ``pwd``, ``token``,
``Authorization: Basic|Bearer``, a URL's userinfo) are masked whole by their key, whatever their
value (govsoc.classification.credentials, before anything else), and **numbers glued to letters or
split by separators** (``SFZ110101…``, ``tel=86138…``, ``1381 234 5678``, full-width digits) are
judged alone (govsoc.classification.digit_runs). A label between a name and its number
(``张三的手机138…``, ``联系人李四 138…``) does not hide the name.

A number shaped like a resident ID (region prefix, a 19xx/20xx birth date; identity.ID_SHAPED)
whose check character fails is masked all the same: in a report, a mistyped ID number is still
someone's ID number. Nothing here is a new recognizer: the masked form of every hit is its own
recognizer's (govsoc.classification.masking).
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Iterable, Mapping
from functools import cache
from typing import Final

from govsoc.classification.account_values import whole_accounts
from govsoc.classification.columns import ColumnClassifier
from govsoc.classification.coordinate_forms import coordinate_hits
from govsoc.classification.credentials import credential_hits
from govsoc.classification.digit_runs import GluedNumbers
from govsoc.classification.han import HAN
from govsoc.classification.ingest_kinds import AT_INGEST
from govsoc.classification.invisible import placed, visible
from govsoc.classification.labelled_numbers import LabelledNumbers
from govsoc.classification.labelled_values import WECHAT, labelled_hits, sole_trader_codes
from govsoc.classification.log_accounts import log_accounts, named_pinyin_names
from govsoc.classification.masking import mask
from govsoc.classification.percent import percent_decoded
from govsoc.classification.pinyin_names import person_name_at, pinyin_name_hits
from govsoc.classification.quantities import is_quantity
from govsoc.classification.recognizer import Match, Recognizer, masked_text, normalize
from govsoc.classification.recognizers.identity import ID_SHAPED
from govsoc.classification.role_names import role_name_hits
from govsoc.classification.scanner import Scanner
from govsoc.classification.spans import Ahead, Spans, Values
from govsoc.classification.structured_values import account_hit, account_members, is_account_key, structured_hits

__all__ = ["FreeTextMasker", "IDENTIFIERS", "IN_FREE_TEXT", "mask_free_text"]

#: A key and its value: ``key=value``, ``key: value``, ``key：value`` (keys as column names are).
#: A Chinese label also stands before its value with only a blank between (``车牌号 粤B12345``):
#: Chinese text puts no blank between words, so a blank after one ends a label. The value is
#: looked at ahead, not consumed: it may hold the next key (``欢迎登录 管理员：王五``).
_KEYED: Final = re.compile(r"(?<![\w\u4e00-\u9fff])(?:([A-Za-z\u4e00-\u9fff][\w\u4e00-\u9fff-]{0,39})[ \t]*[=:：]"
                           r"|([\u4e00-\u9fff]{2,8})[ \t])(?=[ \t]*[\"']?()[^\s&;,，、\"'<>|=])")
#: What ends a value (its first character is looked at by _KEYED, its end found by a spans.Ahead of
#: this: a look-ahead to the value's end searched the rest of a run-together text for each key, R15z-2).
_VALUE_END: Final = re.compile(r"[\s&;,，、\"'<>|=]")
#: A later key of a run-together text (user:auser:a…) whose value ends where an earlier key's does
#: asks no recognizer that key has asked already: its value is the end of the earlier one, read
#: whole, and its hits are the earlier key's, kept or overlapped by one kept (each key read the
#: rest of the text, quadratic: R15z-2). Reading a window of it again added no hit on any input
#: found (R15ad-3) and cost 5 ms a key (R15ad-2). The word labelled() looks at is in a value's
#: first _WINDOW characters.
_WINDOW: Final = 512
#: Identifiers that tie a record to one person: a name next to one of them is that person's.
IDENTIFIERS: Final = frozenset({"cn_resident_id", "cn_mobile", "cn_bank_card", "cn_passport",
                                "cn_social_security_number", "cn_resident_id_shaped"})
#: A Chinese character (a name is two to four of them).
_HAN: Final = re.compile(HAN)
#: What may stand between a name and its identifier: up to two separators, and before it a
#: label saying what the number is (的手机, 身份证号, 电话).
_SEPARATORS: Final = r"[ _\-.:=,，、：/()（）\[\]【】]{0,2}"
_LABELS: Final = (r"(?:的)?(?:手机号码|手机号|手机|移动电话|联系电话|电话号码|电话|身份证号码|身份证号|身份证|"
                  r"证件号码|证件号|银行卡号|银行卡|卡号|护照号码|护照号|护照|号码)?")
_LABEL_BEFORE: Final = re.compile(_SEPARATORS + _LABELS + _SEPARATORS + r"\Z")
_LABEL_AFTER: Final = re.compile(_SEPARATORS)
#: How far before an identifier _LABEL_BEFORE may start (its longest match is 10 characters).
_LABEL_REACH: Final = 16
#: An ID number's shape anywhere in a text (identity.ID_SHAPED is anchored at both ends).
_ID_SHAPED: Final = re.compile(r"(?<![0-9A-Za-z])(?:" + ID_SHAPED.pattern.rstrip("$") + r")(?![0-9A-Za-z])",
                               re.IGNORECASE)
#: Recognizers a key may give context to (the rest find what they find without it).
_KEYED_KINDS: Final = ("cn_person_name", "cn_resident_id_15", "cn_passport", "cn_hk_macau_permit",
                       "cn_mainland_travel_permit", "cn_social_security_number", "cn_disability_certificate",
                       "cn_address", "cn_landline", "cn_birth_date", "cn_licence_plate", "gps", "cn_qq")
#: What the free text is scanned for without a key: the ingest set, landline numbers written
#: with their area code set off (0755-88881234, (0755)8888-1234; run together they are as often
#: invoice codes, and count only after a key), licence plates (Chinese text only), and what
#: shows where a person is (R15d-27; precise location is sensitive PI, reference §4.3): a
#: coordinate pair inside China with four decimals or more, and an address with its
#: administrative units down to a street and a number (省/市/区 + 路/号).
IN_FREE_TEXT: Final = (*AT_INGEST, "cn_landline", "cn_licence_plate", "gps", "cn_address")
#: Keys whose Chinese value may be a person's name though no column would be named so: the name
#: attributes of an X.500 distinguished name as a certificate subject prints them (RFC 4514 §3:
#: CN, O, OU; RFC 4519 givenName, sn, pseudonym; a personal certificate's CN is its holder, an
#: individual's O may be too) and the people a server banner names (管理员：李四).
_PERSON_KEYS: Final = frozenset({"cn", "commonname", "o", "ou", "gn", "givenname", "sn", "surname", "pseudonym",
                                 "管理员", "联系人", "值班员", "操作员", "维护人", "运维人员", "责任人"})
#: Brackets end an account's value (by (uid=0)).
_BRACKETS: Final = re.compile(r"[()\[\]{}]")


class FreeTextMasker:
    """Masks the personal data of a free text (a log line, a file path) for display; see the
    module docstring. One instance serves any number of texts."""

    def __init__(self, *, latin_names: bool = True, beside_identifiers: bool = True) -> None:
        """``latin_names=False``: no name in Latin letters is looked for (pinyin_names), as masking
        before storage keeps them (a pinyin account is what login rules count; ingest_masking).
        ``beside_identifiers=False``: no name is taken for standing next to an ID or a mobile number
        (masking before storage: 查询, 方式, 上海市 beside an ID are no names; RRR15bc-2)."""
        self.latin_names = latin_names
        self.beside_identifiers = beside_identifiers
        self.scanner = Scanner(IN_FREE_TEXT)
        self.columns = ColumnClassifier()
        everything = self.columns.scanner.recognizers
        self.keyed: dict[str, Recognizer] = {i: everything[i] for i in _KEYED_KINDS if i in everything}
        self.names = everything["cn_person_name"]
        self.id_mask = everything["cn_resident_id"]
        self.glued = GluedNumbers(everything)
        self.labelled_numbers = LabelledNumbers(self.glued)

    def mask(self, text: str) -> str:
        """``text`` with every hit masked (decoded escapes shown decoded and masked)."""
        hits = self.placed_hits(text)
        return masked_text(text, hits) if hits else text

    def placed_hits(self, text: str) -> list[Match]:
        """The hits of :meth:`hits` on ``text`` as written: percent-escapes decoded and invisible
        characters dropped for the scan, each hit placed back on the span it came from."""
        if not text:
            return []
        view, offsets = percent_decoded(text) if "%" in text else (text, [])
        seen = visible(view)  # read as a reader sees it: 138\u200b0013\u200b8000 is a number (R15b-16)
        hits = self.hits(view) if seen is None else placed(self.hits(seen[0]), seen[1])
        if hits and offsets:
            hits = [dataclasses.replace(h, start=offsets[h.start], end=offsets[h.end]) for h in hits]
        return hits

    def hits(self, text: str) -> list[Match]:
        """The hits in ``text`` (already decoded), none overlapping."""
        found = credential_hits(text)
        taken = Spans(found)

        def take(hits: Iterable[Match]) -> None:
            for h in hits:
                found.append(h)
                taken.add(h)

        take([h for h in self.scanner.scan(text) if taken.free(h.start, h.end) and not _counted(text, h)])
        take(self._id_shaped(text, taken))
        folded = normalize(text)
        take([h for h in self.glued.hits(folded, found) if not _counted(text, h)])
        take(_unless_taken(self.labelled_numbers.after_labels(text, folded), taken))  # 手机13812345678abcde
        # a name asked twice, by a member and a key (R15ac-2: 0.3 ms a time), by each key run together (F15p)
        contexts: dict[str, Mapping[str, str]] = {}

        def context_of(name: str) -> Mapping[str, str]:
            if name not in contexts:
                contexts[name] = self.columns.name_context(name)
            return contexts[name]

        take(structured_hits(text, found, context_of=context_of, keyed=self.keyed,
                             glued=lambda k, v, at: self._glued_after_label(k, v, at, context_of(k))))
        take(self._keyed(text, taken, context_of))
        take(labelled_hits(text, self.keyed, taken))
        take(_unless_taken(coordinate_hits(text, context_of=context_of, gps=self.keyed["gps"]),
                           taken))
        take(_unless_taken(role_name_hits(text, self.names), taken))
        take(_unless_taken(sole_trader_codes(text), taken))
        if self.beside_identifiers:
            take(self._beside_identifiers(text, found, taken))
        if self.latin_names:
            take(_unless_taken(named_pinyin_names(text), taken))  # sudo: zhangsan : TTY=, by zhangsan(uid=1000)
            take(pinyin_name_hits(text, found))
        return whole_accounts(text, found, _account_values(text)) if found else found

    def _id_shaped(self, text: str, taken: Spans) -> list[Match]:
        out = []
        for m in _ID_SHAPED.finditer(text):
            if taken.free(m.start(), m.end()):
                out.append(Match(recognizer="cn_resident_id_shaped", start=m.start(), end=m.end(),
                                 masked=self.id_mask.mask(m.group()), score=0.3,
                                 reason="shaped like a resident ID number (region, birth date), check character wrong"))
        return out

    def _keyed(self, text: str, taken: Spans, context_of: Callable[[str], Mapping[str, str]]) -> list[Match]:
        out: list[Match] = []
        ends, brackets = Ahead(_VALUE_END, text), Ahead(_BRACKETS, text)
        values = Values(text)
        asked: dict[str, int] = {}  # recognizer -> the end of the last value it read whole
        for m in _KEYED.finditer(text):
            key = m.group(1) or m.group(2)
            start = m.start(3)
            end = ends.next(start)
            if is_account_key(key):
                account = _keyed_account(text, key, (start, end), brackets.next(start))
                if account is not None and taken.free(account.start, account.end):
                    taken.keep(out, account)
                continue
            context = dict(context_of(key))  # its own: a person key adds to it
            # the word starting the value is all labelled() looks at: a bounded prefix keeps a
            # run-together text linear (R15z-2)
            glued = self._glued_after_label(key, text[start:min(end, start + _WINDOW)], start, context)
            if glued is not None and taken.free(glued.start, glued.end):
                taken.keep(out, glued)
            ascii_value = values.ascii(start, end)
            if key.lower() in _PERSON_KEYS and not ascii_value:
                context.setdefault("cn_person_name", "strong")
            if "cn_person_name" in context and ascii_value and self.latin_names:
                name_end = person_name_at(text, start)  # name=Zhang Wei, name=zhangsan (pinyin_names)
                if name_end is not None and taken.free(start, name_end):
                    taken.keep(out, _latin_name(text[start:name_end], start, key))
            for kind in (i for i in context if i in self.keyed):
                for hit in self._value_hits(kind, text, (start, end), asked):
                    s, e = start + hit.start, start + hit.end
                    if taken.free(s, e):
                        taken.keep(out, dataclasses.replace(hit, start=s, end=e))
            if context.get("cn_address") == "strong" and taken.free(start, end) and values.chinese(start, end):
                taken.keep(out, self._labelled_address(text[start:end], start))
        return out

    def _glued_after_label(self, key: str, value: str, start: int, context: Mapping[str, str]) -> Match | None:
        """A number glued to letters after a key naming it (classification.labelled_numbers)."""
        return self.labelled_numbers.after_key(key, value, start, context)

    def _value_hits(self, kind: str, text: str, value: tuple[int, int], asked: dict[str, int]) -> list[Match]:
        """The hits of the ``kind`` recognizer in the value ``text[start:end]``, with context; none
        when the recognizer read an earlier value ending at ``end`` (which holds this one) whole."""
        start, end = value
        if asked.get(kind) == end:
            return []
        asked[kind] = end
        return list(self.keyed[kind].find(text[start:end], context=True))

    def _labelled_address(self, value: str, start: int) -> Match:
        """A Chinese value after a key naming an address (地址：科技园路1号) is one, even without the
        administrative units the recognizer wants; masked by the address rule. A key such as
        ``remote_addr`` holds an IP address, ASCII, so only Chinese values count."""
        rec = self.keyed["cn_address"]
        return Match(recognizer=rec.id, start=start, end=start + len(value), masked=rec.mask(value), score=0.4,
                     reason=f"{rec.entity}: the value of a key naming an address")

    def _beside_identifiers(self, text: str, found: list[Match], taken: Spans) -> list[Match]:
        anchors = [h for h in found if h.recognizer in IDENTIFIERS]
        if not anchors or text.isascii():
            return []
        out: list[Match] = []
        for a in anchors:
            for start, end in _names_beside(text, a):
                for hit in self.names.find(text[start:end], context=True):
                    s, e = start + hit.start, start + hit.end
                    if taken.free(s, e):
                        taken.keep(out, dataclasses.replace(hit, start=s, end=e))
                        break
                else:
                    continue
                break
        return out


def _keyed_account(text: str, key: str, value: tuple[int, int], bracket: int) -> Match | None:
    """The account hit of a key naming an account whose value is ``text[start:end]`` (``bracket``:
    where the next bracket at or after its start is): not the next key (ruser= rhost=...), not a
    numeric id (uid=0, auditd's auid=1000), not a bracket closing around the pair ((uid=0)). A
    value a bracket cuts is the account before it: the '=' its end stops at is then a key's inside
    the bracket (user=zhangsan13812345678(uid=0): R15ac-4)."""
    start, end = value
    account = min(bracket, end)
    if (account == end and text[end:end + 1] in ("=", ":", "：")) or account <= start \
            or text[start:account].isdigit():
        return None
    return account_hit(key, text[start:account], start)


def _account_values(text: str) -> list[Match]:
    """The account hit of every account value in ``text``, found or not: after its key, a WeChat id
    after its label, a JSON member or XML element, one a log names without a key (for
    govsoc.classification.account_values)."""
    ends, brackets = Ahead(_VALUE_END, text), Ahead(_BRACKETS, text)
    keyed = []
    for m in _KEYED.finditer(text):  # value starts in increasing order: each Ahead reads the text once
        key, start = m.group(1) or m.group(2), m.start(3)
        end = ends.next(start)
        if is_account_key(key) and (hit := _keyed_account(text, key, (start, end), brackets.next(start))) is not None:
            keyed.append(hit)
    wechat = (account_hit("微信", m.group("v"), m.start("v")) for m in WECHAT.finditer(text))
    return [*keyed, *wechat, *account_members(text), *log_accounts(text)]


def _latin_name(value: str, start: int, key: str) -> Match:
    return Match(recognizer="cn_person_name", start=start, end=start + len(value), masked=mask("name", value),
                 score=0.5, reason=f"姓名 person name: in Latin letters, the value of {key!r}")


def _names_beside(text: str, anchor: Match) -> list[tuple[int, int]]:
    """Spans where a person's name may stand before or after ``anchor`` (an identifier): the
    Chinese characters before it (less a label: 张三的手机13812345678, 联系人李四 13812345678),
    longest first, then those after it (13812345678（张三）)."""
    spans: list[tuple[int, int]] = []
    # a label and its separators are 10 characters at most: search no further back (searching from
    # the text's start made masking a long text quadratic, F15c)
    before = _LABEL_BEFORE.search(text, max(0, anchor.start - _LABEL_REACH), anchor.start)
    if before is not None:
        end = before.start()
        start = end
        while start > 0 and end - start < 4 and _HAN.match(text[start - 1]):
            start -= 1
        spans += [(end - n, end) for n in range(end - start, 1, -1)]
    after = _LABEL_AFTER.match(text, anchor.end)
    if after is not None:
        start = end = after.end()
        while end < len(text) and end - start < 4 and _HAN.match(text[end]):
            end += 1
        spans += [(start, start + n) for n in range(end - start, 1, -1)]
    return spans


def _counted(text: str, hit: Match) -> bool:
    """A number alone (no letters, '+' or separators in it) standing where a size or a count does
    (``200 13912345678`` in an access log, ``15000000000 bytes``): a figure, not an identifier."""
    return text[hit.start:hit.end].isdigit() and is_quantity(text, hit.start, hit.end)


def _unless_taken(hits: Iterable[Match], taken: Spans) -> list[Match]:
    """``hits`` overlapping none of ``taken`` nor an earlier one of them (each kept is taken)."""
    out: list[Match] = []
    for hit in hits:
        if taken.free(hit.start, hit.end):
            taken.keep(out, hit)
    return out


@cache
def _masker() -> FreeTextMasker:
    return FreeTextMasker()


def mask_free_text(text: str) -> str:
    """:meth:`FreeTextMasker.mask` with one shared masker (built on first use)."""
    return _masker().mask(text)
