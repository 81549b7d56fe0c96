"""Personal names written in Latin letters: pinyin and ``Given Family`` names (stage: classification;
PIPL art. 4 and 51, GB/T 35273-2020 §3.1 and Annex A: a name that identifies a person is personal
information however it is spelt; shared/reference/classification.md §8 masking).

Chinese people's names reach logs and JSON bodies in pinyin (``zhangwei``, ``Zhang Wei``,
``ZHANG Wei``, ``Wei Zhang``). A pinyin *name* is a surname's pinyin reading (the surnames of
cn_person_name, readings from pypinyin, heteronyms included: 曾 zeng, 单 shan) followed by one or
two more syllables, as one word or as a surname word and a given-name word in either order. That
shape alone is not enough: pinyin place names and words read as names too (``tianjin``: 田 + jin,
``hangzhou``, ``dongfang``, ``Long Run``). So a pinyin name is masked only where something says it
names a person or an account (the rule of this module):

- **in free text, beside a cue** (pinyin_name_hits): right after an account word (``user``,
  ``username``, ``account``, ``login``, ``for user``, sshd's ``password for`` / ``publickey for``,
  ``用户``, ``账号`` ...: ACCOUNT_CUES) or right before a login verb (``logged in``, ``signed out``,
  ``登录``: LOGIN_VERBS). ``Zhang Wei logged in``, ``Accepted password for zhangsan``, ``user
  zhangwei``. Without a cue a pinyin word stays (``shanghai-dc``, ``Beijing``, ``tianjin``);
- **under a key that names a person** (person_name_value: ``name``, ``realName``, ``xingming``,
  JSON, XML or key=value): a pinyin name, or a name of two or three capitalised words
  (``John Smith``, ``Mary Ann Lee``). No list of English given names is shipped, so under such
  a key a thing's name of that shape is masked too (``"name":"Default Policy"``): there, hiding
  an object's name costs less than showing a person's. One lower-case word that is no pinyin
  name (``web-server``, ``nginx``, ``eth0``) stays.

Host names are classification.asset_names's (a pinyin name beside a device word, ``zhangsan-pc``),
which uses :func:`pinyin_word` too. The masked form is the name rule's (``z**``).
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache
from typing import Final

from govsoc.classification.masking import mask
from govsoc.classification.recognizer import Match
from govsoc.classification.spans import Spans

__all__ = ["ACCOUNT_CUES", "LOGIN_VERBS", "NOT_PINYIN_NAMES", "PERSON_HEADINGS", "pinyin_word", "is_pinyin_name",
           "person_name_value", "column_name_value", "person_name_at", "pinyin_name_hits"]

#: Words after which a word is an account or a person's name (lower case; sshd, pam, sudo, web apps).
ACCOUNT_CUES: Final = ("user", "username", "user name", "account", "login", "logon", "login name", "for user",
                       "by user", "password for", "publickey for", "keyboard-interactive/pam for", "hostbased for",
                       "gssapi-with-mic for", "operator", "用户", "用户名", "账号", "账户", "登录名", "操作员")
#: Words before which a word is the one who logged in or out.
LOGIN_VERBS: Final = ("logged in", "logged on", "logged out", "logged off", "signed in", "signed on", "signed out",
                      "has logged in", "login", "logon", "logout", "登录", "登陆", "退出", "注销")
#: Accounts and words that read as pinyin names but name a vendor or a thing (a device's
#: default account ``huawei``, a Samba ``share``).
NOT_PINYIN_NAMES: Final = frozenset({"huawei", "share", "hualu", "haier", "lenovo", "xiaomi", "sangfor", "qianxin",
                                     "tianrongxin", "qimingxingchen", "weixin", "wechat", "alipay", "taobao"})
#: One or two words of letters (a two-word name is a surname and a given name).
_WORDS: Final = r"[A-Za-z]+(?:[ ][A-Za-z]+)?"
_NOT_LETTER_BEFORE: Final = r"(?<![A-Za-z0-9_.@/-])"
_NOT_LETTER_AFTER: Final = r"(?![A-Za-z0-9_@-])"
_CUED: Final = re.compile(
    _NOT_LETTER_BEFORE + r"(?i:" + "|".join(re.escape(c) for c in sorted(ACCOUNT_CUES, key=len, reverse=True))
    # the name is looked at ahead, not consumed: it may be the next cue's (password for invalid user x)
    + r")(?![A-Za-z])(?=[ \t]*[:=：]?[ \t]*[\"']?(?P<name>" + _WORDS + r")" + _NOT_LETTER_AFTER + ")")
_BEFORE_VERB: Final = re.compile(
    _NOT_LETTER_BEFORE + r"(?P<name>" + _WORDS + r")[ \t]+(?i:"
    + "|".join(re.escape(v) for v in sorted(LOGIN_VERBS, key=len, reverse=True)) + r")(?![A-Za-z])")
#: A name of two or three capitalised words (John Smith, Mary-Jane O'Neil).
_LATIN_NAME: Final = re.compile(r"[A-Z][a-z]+(?:[-'][A-Z]?[a-z]+)?(?: [A-Z][a-z]+(?:[-'][A-Z]?[a-z]+)?){1,2}")


#: Column headings (lower-case tokens) that say a person, not a thing, is named: under them a name
#: in any Latin spelling counts (SMITH JOHN, Mary Ann Lee); under a bare ``name`` or ``xm`` only a
#: pinyin one does (a ``name`` column of things holds ``Default Policy``). Any Chinese heading of
#: cn_person_name (姓名, 英文姓名, 护照姓名, 持卡人 ...) says a person as well.
PERSON_HEADINGS: Final = frozenset({"full_name", "fullname", "real_name", "realname", "english_name", "englishname",
                                    "passport_name", "person_name", "xingming", "first_name", "last_name",
                                    "given_name", "family_name", "surname"})
#: One word of a name as a register writes it: capitalised (Smith) or in capitals (SMITH, O'NEIL).
_NAME_WORD: Final = re.compile(r"[A-Z](?:[a-z]+|[A-Z]+)(?:[-'][A-Z]?[A-Za-z]+)?")


def column_name_value(value: str, *, any_spelling: bool) -> bool:
    """True when ``value``, a cell of a column whose heading names people's names, is a name in Latin
    letters (R15e-14): two or three words, a pinyin surname first or last and one or two syllables
    beside it (``ZHANG WEI``, ``Wei Zhang``, ``OUYANG XIU``, ``Zhang Xiao Ming``), or, with
    ``any_spelling`` (a heading of PERSON_HEADINGS or a Chinese one), two or three capitalised words or
    words in capitals (``John Smith``, ``SMITH JOHN``, passport spelling). One word is no name here:
    a column of ``Beijing``, ``Tianjin`` reads as pinyin too."""
    words = value.split()
    if not 2 <= len(words) <= 3 or not value.isascii() or not all(w.replace("-", "").isalpha() for w in words):
        return False
    surname, given = _parts()
    lower = [w.lower().replace("-", "") for w in words]
    if (surname.fullmatch(lower[0]) and given.fullmatch("".join(lower[1:]))) or \
            (surname.fullmatch(lower[-1]) and given.fullmatch("".join(lower[:-1]))):
        return not NOT_PINYIN_NAMES.intersection(lower)
    return any_spelling and all(_NAME_WORD.fullmatch(w) for w in words)


@cache
def _syllables_and_surnames() -> tuple[str, str]:
    """(an alternation of every toneless pinyin syllable, one of every surname's readings)."""
    from pypinyin import Style, pinyin
    from pypinyin.constants import PINYIN_DICT

    from govsoc.classification.cn_codes import COMPOUND_SURNAMES, SINGLE_SURNAMES

    syllables = {_toneless(p) for v in PINYIN_DICT.values() for p in v.split(",")}
    surnames = {"".join(x) for s in SINGLE_SURNAMES | COMPOUND_SURNAMES
                for x in _readings(pinyin(s, style=Style.NORMAL, heteronym=True))}
    # the syllables without a vowel (n, ng, m, hm: interjections) would make a name of every surname + n
    alt = "|".join(sorted((re.escape(s) for s in syllables if s.isalpha() and set(s) & set("aeiouv")),
                          key=len, reverse=True))
    # one-letter readings (阿 a, 鄂 e) would make names of api, apache, echo
    names = "|".join(sorted((re.escape(s) for s in surnames if s.isalpha() and len(s) > 1), key=len, reverse=True))
    return alt, names


@cache
def pinyin_word() -> re.Pattern[str]:
    """A surname's pinyin and one or two syllables, the whole word (lower case; use fullmatch)."""
    alt, names = _syllables_and_surnames()
    return re.compile(rf"(?:{names})(?:{alt}){{1,2}}")


@cache
def _parts() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """(a surname reading alone, one or two syllables alone), lower case, for fullmatch."""
    alt, names = _syllables_and_surnames()
    return re.compile(f"(?:{names})"), re.compile(rf"(?:{alt}){{1,2}}")


def _toneless(syllable: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", syllable.replace("ü", "v"))
                   if not unicodedata.combining(c))


def _readings(parts: list[list[str]]) -> list[tuple[str, ...]]:
    out: list[tuple[str, ...]] = [()]
    for options in parts:
        out = [(*o, p) for o in out for p in options]
    return out


def is_pinyin_name(value: str) -> bool:
    """True when ``value`` is a name in pinyin: one word (``zhangwei``, ``ZhangWei``) or a surname
    word and a given-name word of one or two syllables, in either order (``Zhang Wei``, ``Wei Zhang``)."""
    words = value.lower().split(" ")
    if not value.isascii() or not all(w.isalpha() for w in words):
        return False
    if len(words) == 1:
        return words[0] not in NOT_PINYIN_NAMES and pinyin_word().fullmatch(words[0]) is not None
    if len(words) != 2:
        return False
    surname, given = _parts()
    first, second = words
    return bool((surname.fullmatch(first) and given.fullmatch(second))
                or (surname.fullmatch(second) and given.fullmatch(first)))


def person_name_value(value: str) -> bool:
    """True when ``value``, under a key that names a person, is written as a person's name: in
    pinyin, or as two or three capitalised words (see the module docstring)."""
    value = value.strip()
    return is_pinyin_name(value) or _LATIN_NAME.fullmatch(value) is not None


#: Up to three words of letters at a key's value (name=Zhang Wei, name=Mary Ann Lee).
_VALUE_WORDS: Final = re.compile(r"[A-Za-z][A-Za-z'-]*(?: [A-Za-z][A-Za-z'-]*){0,2}")


def person_name_at(text: str, start: int) -> int | None:
    """The end of a person's name written in Latin letters (person_name_value) that starts at
    ``start`` of ``text`` (a key's value), the longest of up to three words; None if there is none.
    A word followed by ``=`` or ``:`` is the next key, not a part of the name."""
    m = _VALUE_WORDS.match(text, start)
    if m is None or not m.group()[:1].isalpha():
        return None
    words = m.group().split(" ")
    for n in range(len(words), 0, -1):
        end = start + len(" ".join(words[:n]))
        if text[end:end + 1] not in ("=", ":", "：") and (end == len(text) or not text[end].isalnum()) \
                and person_name_value(text[start:end]):
            return end
    return None


def pinyin_name_hits(text: str, taken: list[Match]) -> list[Match]:
    """Pinyin names beside an account word or a login verb in ``text``, none overlapping ``taken``
    nor each other (the two-word reading first, then its first word alone)."""
    if text.isascii() and not any(c.isalpha() for c in text):
        return []
    out: list[Match] = []
    spans = Spans(taken)
    for regex, why in ((_CUED, "after an account word"), (_BEFORE_VERB, "before a login verb")):
        for m in regex.finditer(text):
            start, name = m.start("name"), m.group("name")
            if not is_pinyin_name(name) and " " in name:
                # the second word is the next one (user zhangsan from ...), or the first is (Mr Zhang)
                first, second = name.split(" ")
                if is_pinyin_name(first) and regex is _CUED:
                    name = first
                elif is_pinyin_name(second) and regex is _BEFORE_VERB:
                    start, name = start + len(first) + 1, second
                else:
                    continue
            elif not is_pinyin_name(name):
                continue
            end = start + len(name)
            if spans.free(start, end):
                out.append(Match(recognizer="cn_person_name", start=start, end=end, masked=mask("name", name),
                                 score=0.5, reason=f"姓名 person name: in pinyin, {why}"))
                spans.add(out[-1])
    return out
