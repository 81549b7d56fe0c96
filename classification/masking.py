"""Masking (脱敏) of personal data shown in reports, listings and inventories (stage: classification).

The one module every listing uses. No national standard fixes the digit positions (GB/T 35273-2020
only asks for display restriction); the rules follow the common practice of
shared/reference/classification.md §8 (Hutool DesensitizedUtil, RuoYi, godlp MaskRules):

=========  ============================  ==============================================
rule       shows                         example
=========  ============================  ==============================================
id_card    region (6) + last 4           110101********1234   (birth date hidden)
mobile     first 3 + last 4              138****5678
landline   area code + last 2            0571****34
bank_card  first 4 + last 4              6222 **** **** 1234
masked_*   a masked value: no more kept  110***********1234 -> 110********1234
           than the raw kind's rule      (ID, mobile and card forms already masked)
name       first character               张**
address    down to district/county       北京市朝阳区****
email      first character of the user   d***@126.com  (users of 1-2: none)
plate      first 3 + last 1              苏D4***0
document   first 2 + last 2              E1****78             (passports, permits)
ipv4       network /24                   10.2.3.*
ipv6       first 4 groups                2001:db8:1:2:*
mac        first 3 octets (OUI)          AA:BB:CC:**:**:**
gps        2 decimals (about 1 km)       39.91                30°16'**"N (seconds hidden)
date       year                          1990-**-**
account    first character               a***
public     all (public register: USCC, organisation codes)
generic    nothing                       ***
=========  ============================  ==============================================

A masked value never tells more than its rule: the number of stars is fixed, never the number of
hidden characters (``root`` and ``administrator`` both show as ``r***``/``a***``), and a value too
short for its rule shows as ``***``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from itertools import repeat
from operator import add, itemgetter
from typing import Final

__all__ = ["mask", "mask_many", "mask_account", "MASK_RULES", "STARS"]

STARS: Final = "***"
#: Street- and township-level unit characters (cn_codes.ADDRESS_UNITS, 镇/乡/村): a division's
#: name holds one only as its first character (路桥区, 镇江市, 乡宁县, 道里区) or in 鼓楼/钟楼.
_UNIT_CHARS: Final = "路街巷弄道号栋幢室楼座组镇乡村"


def _division(longest: int) -> str:
    """A division's name of at most ``longest`` characters: no level character, digit or blank,
    and no street-level unit after its first character (a name is not ``天河路王五``)."""
    other = rf"[^省市区县旗\d\s{_UNIT_CHARS}]"
    return rf"(?:鼓楼|钟楼|[{_UNIT_CHARS}]{other}{{0,{longest - 1}}}?|{other}{{1,{longest}}}?)"


#: Words ending in 市/区/旗 that name no division (超市, 菜市; 家属区, 住宅区, 工业区, 校区, an estate's 一区; 红旗),
#: by the character before the level (none ends a division's name in GB/T 2260).
_NOT_CITY: Final = "(?<![超菜夜集早街])"
_NOT_DISTRICT: Final = "(?<![小社园属宅业校景厂发活范税片理验贸舍公务住能街览护心学病禁灾一二三四五六七八九十])"
_NOT_BANNER: Final = "(?<![红国彩锦军队党])"
#: The administrative part of an address, as the rule shows it (GB/T 2260's three levels, each
#: at most once, in order, and nothing after the county): a province (省, 自治区, 特别行政区, or a
#: municipality), a prefecture (市, 自治州, 地区, 盟), a county (区, 县, 旗, a county-level 市).
#: Before F15k any run of 'name + 市/区' counted, so '广州市天河区天河路王五超市旁' showed the
#: street and a name ('...王五超市****', R15-12).
_ADDRESS_LEVELS: Final = re.compile(
    rf"^(?:(?:北京|天津|上海|重庆)市|{_division(5)}(?:省|自治区|特别行政区))?"
    rf"(?:{_division(12)}自治州|{_division(8)}(?:地区|盟|{_NOT_CITY}市))?"
    rf"(?:{_division(12)}自治[县旗]|{_division(5)}(?:林区|{_NOT_DISTRICT}区|县|{_NOT_CITY}市)"
    rf"|{_division(8)}{_NOT_BANNER}旗)?")
_IPV4: Final = re.compile(r"^(\d{1,3}\.\d{1,3}\.\d{1,3})\.\d{1,3}$")


def mask_account(name: str) -> str:
    """``admin`` -> ``a***``: enough to tell most accounts apart in a list, not to read them;
    the star count is fixed, so the length stays hidden. The built-in account rule only: a caller
    masks an account by ``mask("account", name)``, so that a rule a deployment puts in
    MASK_RULES is the one every listing and report uses."""
    return name[0] + STARS if len(name) > 1 else STARS


def _keep(head: int, tail: int, stars: str = "****", minimum: int = 0) -> Callable[[str], str]:
    def rule(text: str) -> str:
        if len(text) < max(minimum, head + tail + 2):
            return STARS
        return text[:head] + stars + (text[-tail:] if tail else "")

    return rule


#: Every character but digits and X/x, in ASCII text (where isdigit() is 0-9).
_NOT_DIGITS: Final = re.compile("[^0-9Xx]")


def _digits(text: str) -> str:
    if text.isascii():
        return text if text.isdigit() else _NOT_DIGITS.sub("", text)
    return "".join(c for c in text if c.isdigit() or c in "Xx")


def _id_card(text: str) -> str:
    number = _digits(text)
    if len(number) == 18:
        return number[:6] + "********" + number[-4:]
    if len(number) == 15:
        return number[:6] + "******" + number[-3:]
    return STARS


def _mobile(text: str) -> str:
    number = _digits(text)
    if len(number) > 11 and number.startswith(("86", "0086")):
        number = number[-11:]
    return number[:3] + "****" + number[-4:] if len(number) == 11 else STARS


def _landline(text: str) -> str:
    number = _digits(text)
    if len(number) < 9 or not number.startswith("0"):
        return STARS
    area = 3 if number[1] in "12" else 4
    return number[:area] + "****" + number[-2:]


def _bank_card(text: str) -> str:
    number = _digits(text)
    return f"{number[:4]} **** **** {number[-4:]}" if len(number) >= 12 else STARS


def _name(text: str) -> str:
    return text[0] + "**" if len(text) > 1 else STARS


def _address(text: str) -> str:
    m = _ADDRESS_LEVELS.match(text)
    if m and 0 < m.end() < len(text):
        return m.group() + "****"
    # no division to show: what is below the county (a street, an estate, a village) is not shown
    # either (R15e-22: 阳光花园3幢 was 阳光****, 张家村3组 张家****)
    return STARS


#: The most characters of an e-mail user hidden whole: the first of one is all of it (R15at-13), of
#: two half of it (RRR15aw-6).
_SHORT_USER: Final = 2
#: Unicode categories that add to the character before them: combining marks (a + U+0301 is one
#: á to a reader, written decomposed, NFD) and format characters (zero-width joiners, U+200B).
_JOINED: Final = frozenset({"Mn", "Me", "Cf"})


def _long_user(user: str) -> bool:
    """Whether ``user`` holds more than _SHORT_USER characters as a reader counts them (RRR15aw-6:
    'a\u0301@x.cn', one character decomposed, showed its 'a')."""
    if len(user) <= _SHORT_USER:
        return False
    return user.isascii() or sum(unicodedata.category(c) not in _JOINED for c in user) > _SHORT_USER


def _email(text: str) -> str:
    user, at, domain = text.rpartition("@")
    if not (at and user and domain):
        return STARS
    # a user of one or two characters is hidden whole: its first is all of it or half (R15at-13, RRR15aw-6)
    return (mask_account(user) if _long_user(user) else STARS) + "@" + domain


def _ipv4(text: str) -> str:
    m = _IPV4.match(text)
    return m.group(1) + ".*" if m else STARS


def _ipv6(text: str) -> str:
    import ipaddress

    try:
        groups = ipaddress.IPv6Address(text).exploded.split(":")
    except ValueError:
        return STARS
    return ":".join(g.lstrip("0") or "0" for g in groups[:4]) + ":*"


def _mac(text: str) -> str:
    hexes = re.sub(r"[^0-9A-Fa-f]", "", text).upper()
    if len(hexes) != 12:
        return STARS
    return ":".join(hexes[i:i + 2] for i in (0, 2, 4)) + ":**:**:**"


#: The precise part of a degrees-minutes form: the seconds (about 30 m a unit), or the decimals of
#: decimal minutes (16.4450' is about 1 m); degrees and whole minutes (about 1.8 km) stay, as
#: coordinate_forms.py shows them in free text (R15at-5).
_SECONDS: Final = re.compile(r"(?<=[°度])([ \t]?\d{1,2})(?:\.\d{2,}(?=[ \t]?['′分])"
                             r"|([ \t]?['′分][ \t]?)\d{1,2}(?:\.\d+)?(?=[ \t]?(?:\"|″|''|′′|秒)))")


def _gps(text: str) -> str:
    def coarse(m: re.Match[str]) -> str:
        return f"{float(m.group()):.2f}"

    text, hidden = _SECONDS.subn(lambda m: m.group(1) + (m.group(2) or "") + "**", text)
    coarse_text, count = re.subn(r"-?\d{1,3}\.\d+", coarse, text)
    return coarse_text if count or hidden else STARS


def _date(text: str) -> str:
    m = re.match(r"((?:18|19|20)\d{2})", text)
    return m.group(1) + "-**-**" if m else STARS


def _remasked(keep: Callable[[str], str], middle: str, tail: int) -> Callable[[str], str]:
    """The rule for a value already masked (recognizers/masked.py): no more kept than its raw
    kind's rule keeps (``keep`` of the digits before the stars, the last ``tail`` after them),
    the stars fixed, so a looser mask found in the data (622848******0018) is not shown looser."""
    def rule(text: str) -> str:
        before, _, after = text.partition("*")
        before, after = _digits(before), _digits(after)
        return keep(before) + middle + after[-tail:] if before and after else STARS

    return rule


#: rule id -> function. Recognizers name their rule (Recognizer.mask_rule).
MASK_RULES: Final[dict[str, Callable[[str], str]]] = {
    "id_card": _id_card,
    "mobile": _mobile,
    "landline": _landline,
    "bank_card": _bank_card,
    "name": _name,
    "masked_id_card": _remasked(itemgetter(slice(None, 6)), "********", 4),
    "masked_mobile": _remasked(itemgetter(slice(-3, None)), "****", 4),
    "masked_bank_card": _remasked(itemgetter(slice(None, 4)), " **** **** ", 4),
    "address": _address,
    "email": _email,
    "plate": _keep(3, 1, "***", minimum=7),
    "document": _keep(2, 2, "****", minimum=7),
    "ipv4": _ipv4,
    "ipv6": _ipv6,
    "mac": _mac,
    "gps": _gps,
    "date": _date,
    "account": mask_account,
    "public": lambda text: text,
    "generic": lambda text: STARS,
}


def mask(rule: str, text: str) -> str:
    """``text`` as rule ``rule`` displays it; an unknown rule hides everything."""
    return MASK_RULES.get(rule, MASK_RULES["generic"])(text)


def mask_many(rule: str, texts: Sequence[str]) -> list[str]:
    """``mask(rule, text)`` of each of ``texts``, in order: how the joined scan masks a chunk's
    new hits. The rules of the common hits (ID numbers, mobiles, cards, e-mail, public codes)
    are done by C code over all the texts at once (slices joined by ``map``) when every text has
    the form their rule's common path takes (ASCII digits of one length, a user and a domain
    round an '@'): a registry's 30,000 new hits a round cost no Python call each. Otherwise each
    text is masked by its rule, as ``mask`` does."""
    one = MASK_RULES.get(rule, MASK_RULES["generic"])
    stands_for, bulk = _BULK.get(rule, (None, None))
    # a rule put in MASK_RULES in place of a built-in one is asked itself
    done = bulk(texts) if bulk is not None and stands_for is one and texts else None
    return done if done is not None else list(map(one, texts))


def _edges(texts: Sequence[str], head: int, middle: str, tail: int) -> list[str]:
    """``text[:head] + middle + text[-tail:]`` of each text, by C code."""
    return list(map(add, map(add, map(itemgetter(slice(None, head)), texts), repeat(middle)),
                    map(itemgetter(slice(-tail, None)), texts)))


def _numbers(texts: Sequence[str]) -> set[int] | None:
    """The lengths of ``texts`` when each is its own ``_digits`` (ASCII, of digits and X/x
    only), else None."""
    together = "".join(texts)
    if not together.isascii() or (not together.isdigit() and _NOT_DIGITS.search(together) is not None):
        return None
    return set(map(len, texts))


def _id_cards(texts: Sequence[str]) -> list[str] | None:
    lengths = _numbers(texts)
    if lengths == {18}:
        return _edges(texts, 6, "********", 4)
    return _edges(texts, 6, "******", 3) if lengths == {15} else None


def _mobiles(texts: Sequence[str]) -> list[str] | None:
    # 11 digits: no country code to take off (that needs more than 11)
    return _edges(texts, 3, "****", 4) if _numbers(texts) == {11} else None


def _bank_cards(texts: Sequence[str]) -> list[str] | None:
    lengths = _numbers(texts)
    return _edges(texts, 4, " **** **** ", 4) if lengths is not None and min(lengths) >= 12 else None


def _emails(texts: Sequence[str]) -> list[str] | None:
    parts = list(map(str.rpartition, texts, repeat("@")))
    if not all(map(all, parts)):  # a text without a user, an '@' or a domain
        return None
    # a user of one or two characters shows none (R15at-13, RRR15aw-6); an ASCII one longer is
    # told without a call
    users = [user[0] + STARS if len(user) > _SHORT_USER and (user.isascii() or _long_user(user)) else STARS
             for user in map(itemgetter(0), parts)]
    return list(map(add, map(add, users, repeat("@")), map(itemgetter(2), parts)))


#: rule id -> (the built-in rule, its bulk form over many texts: None where a text is not of the
#: form it takes).
_BULK: Final[dict[str, tuple[Callable[[str], str], Callable[[Sequence[str]], list[str] | None]]]] = {
    "id_card": (_id_card, _id_cards),
    "mobile": (_mobile, _mobiles),
    "bank_card": (_bank_card, _bank_cards),
    "email": (_email, _emails),
    "public": (MASK_RULES["public"], list),
}
