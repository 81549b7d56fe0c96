"""Identity documents (stage: classification; shared/reference/classification.md §5.1).

GB 11643-1999 citizen identity numbers (18 digits, MOD 11-2; the 15-digit first generation),
the residence permits of Hong Kong, Macau and Taiwan residents (prefixes 81/82/83, same check),
the 2023 foreign permanent resident ID card (first digit 9, same check), disability certificates
(the holder's ID number + category + grade) and officers' cards. Passports and the travel permits,
numbers without a check character, are in documents.py.
"""

from __future__ import annotations

import re
import time
from collections import deque
from datetime import date
from functools import lru_cache
from itertools import compress, repeat
from operator import and_, eq, not_
from typing import TYPE_CHECKING, Final

from govsoc.classification.check_vectors import mod11_2_check_bytes
from govsoc.classification.checksums import resident_id_ok
from govsoc.classification.cn_codes import PROVINCE_CODES
from govsoc.classification.recognizer import NOT_AFTER, NOT_BEFORE, Pattern, Recognizer, register
from govsoc.classification.recognizers.permanent_residence import PERMANENT_RESIDENCE_CONTEXT

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

__all__ = [
    "ResidentIdRecognizer", "LegacyResidentIdRecognizer", "ForeignPermanentResidentIdRecognizer",
    "DisabilityCertificateRecognizer", "MilitaryIdRecognizer", "birth_date", "ID_SHAPED", "MINOR", "id_checked",
    "id18_unchecked", "id18_refusal", "under_fourteen",
]

_DATE8: Final = r"(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])"
_DATE6: Final = r"\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])"
ID18: Final = r"[1-8]\d{5}" + _DATE8 + r"\d{3}[0-9Xx]"
#: The same in 6-8-4 groups, one separator (a space or a hyphen) used twice.
ID18_GROUPED: Final = r"[1-8]\d{5}(?P<sep>[ -])" + _DATE8 + r"(?P=sep)\d{3}[0-9Xx]"
_ID_CONTEXT: Final = ("sfzh", "sfzhm", "sfz", "shenfenzheng", "shenfenzhenghao", "zjhm", "zjh", "gmsfhm", "idcard",
                      "id_card", "id_no", "idno", "cert_no", "certno", "identity", "身份证", "证件号", "公民身份号码",
                      "身份號", "身分證")


#: A region prefix and a 19xx/20xx month-day: the shape of an ID number, valid or not. Other
#: 18-digit recognizers (cards, all-digit USCCs) leave such numbers alone.
ID_SHAPED: Final = re.compile(r"(?:1[1-5]|2[1-3]|3[1-7]|4[1-6]|5[0-4]|6[1-5]|71|8[1-3])\d{4}(?:19|20)\d{2}"
                              r"(?:0[1-9]|1[0-2])(?:[0-2]\d|3[01])\d{3}[0-9X]$")


def id_checked(number: str) -> bool:
    """An 18-digit number with a province prefix, a birth year's century and a right GB 11643
    check character, whatever its month and day: an ID number's form, mistyped or made up
    (621228200713019300, month 13), which other 18-digit recognizers leave alone as they do
    ID_SHAPED numbers (a card or an all-digit USCC of a province-code prefix passes these about
    once in 370)."""
    return number[:2] in PROVINCE_CODES and number[6:8] in ("18", "19", "20") and resident_id_ok(number)


def birth_date(digits8: str) -> date | None:
    """The date ``YYYYMMDD`` if it is a real calendar date no later than today, else None."""
    born = _calendar_date(digits8)
    return born if born is not None and born <= _today() else None


@lru_cache(maxsize=1 << 16)
def _calendar_date(digits8: str) -> date | None:
    # ID numbers of one table share their birth dates often (a few tens of thousands exist)
    try:
        return date(int(digits8[:4]), int(digits8[4:6]), int(digits8[6:8]))
    except ValueError:
        return None


#: Appended to the reason of an ID number whose holder is under 14 today: all personal
#: information of such a person is sensitive (PIPL art. 28, 31). Column decisions count these.
MINOR: Final = "; holder under 14 (PIPL art. 28)"


@lru_cache(maxsize=1 << 16)
def _fourteenth(born: date) -> date:
    # the holder is under 14 while this is later than today
    try:
        return born.replace(year=born.year + 14)
    except ValueError:  # born on 29 February
        return date(born.year + 14, 3, 1)


def under_fourteen(born: date) -> bool:
    """A person born on ``born`` is under 14 today (PIPL art. 28, 31: all their PI is sensitive)."""
    return _fourteenth(born) > _today()


_day: list[object] = [None, None]


def _today() -> date:
    # date.today() costs a system call and a conversion; ID validation asks it for every number
    now = int(time.time()) // 3600
    if _day[0] != now:
        _day[0], _day[1] = now, date.today()
    return _day[1]  # type: ignore[return-value]


#: The earliest birth year an 18-digit number is taken with: GB 11643-1999 numbers were issued
#: from 1999 and no holder was born before ~1890 (Hutool's Validator.isBirthday refuses years
#: before 1900 too); the pattern's 18xx is kept so that such a number is refused here, not
#: taken by an 18-digit recognizer of another kind.
BIRTH_YEAR_FLOOR: Final = 1900


def _why_id18(number: str, what: str) -> str | None:
    if number[:2] not in PROVINCE_CODES:
        return None
    born = _calendar_date(number[6:14])
    today = _today()
    if born is None or born > today or born.year < BIRTH_YEAR_FLOOR or not resident_id_ok(number):
        return None
    where = f"{what} region" if what else "region"
    why = f"{where} {number[:6]}, real birth date, GB 11643 MOD 11-2 check character {number[17]}"
    return why + MINOR if _fourteenth(born) > today else why


def id18_refusal(number: str) -> str | None:
    """Why an 18-character number of the ID form is no holder's, by region and date of birth (the
    check character is the chance test's: lone_checks); the birth date itself is not told (the
    mask hides it)."""
    if number[:2] not in PROVINCE_CODES:
        return f"region code {number[:2]} is no province's (GB/T 2260)"
    born = _calendar_date(number[6:14])
    if born is None:
        return "the birth date is no calendar date"
    if born > _today():
        return "the birth date is after today"
    if born.year < BIRTH_YEAR_FLOOR:
        # the reference's pattern admits 18xx (its §5.8 check vector 440524188001010014 is of one);
        # taken as a holder's it was not (R15-4): GB 11643-1999 numbers were issued from 1999
        return f"birth year before {BIRTH_YEAR_FLOOR} (no holder of a GB 11643-1999 number was born so early)"
    return None


def id18_unchecked(number: str) -> bool:
    """An 18-character number's region prefix and a real date of birth, not in the future and
    not before BIRTH_YEAR_FLOOR: all ``_why_id18`` asks but the MOD 11-2 check character."""
    if number[:2] not in PROVINCE_CODES or not number[6:14].isdigit():
        return False
    born = _calendar_date(number[6:14])
    return born is not None and BIRTH_YEAR_FLOOR <= born.year and born <= _today()


#: The first two digits -> how a reason begins ("HK residence permit region " ...; "region " else).
_WHERE: Final = {"81": "HK residence permit region ", "82": "Macau residence permit region ",
                 "83": "Taiwan residence permit region "}
_REASON_MIDDLE: Final = ", real birth date, GB 11643 MOD 11-2 check character "


@lru_cache(maxsize=1)
def _region_table() -> npt.NDArray[np.bool_]:
    """Two-digit province code (0-99; 100 stands for anything else) -> whether it is one."""
    import numpy as np

    table = np.zeros(101, dtype=np.bool_)
    table[[int(c) for c in PROVINCE_CODES]] = True
    return table


#: Days in each month (index 1-12; the rest 0: no such month), February of a common year.
_MONTH_DAYS: Final = (0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31) + (0,) * 87


def _why_id18_many(numbers: list[str]) -> list[str | None]:
    """``_why_id18(n, permit name)`` of every candidate of ResidentIdRecognizer at once: the
    region, calendar date, not-in-the-future, MOD 11-2 and under-14 tests of the 18-character
    ASCII candidates with 17 digits done by numpy on all of them, their reasons built by ``map``;
    any other candidate (none from the patterns) asked one by one."""
    import numpy as np

    whys: list[str | None] = [None] * len(numbers)
    fits = list(map(and_, map(eq, map(len, numbers), repeat(18)), map(str.isascii, numbers)))
    for i in compress(range(len(numbers)), map(not_, fits)):
        whys[i] = _why_id18(numbers[i], _PERMITS.get(numbers[i][:2], ""))
    rows_at = list(compress(range(len(numbers)), fits))
    if not rows_at:
        return whys
    rows = np.frombuffer("".join(map(numbers.__getitem__, rows_at)).encode("ascii"), dtype=np.uint8).reshape(-1, 18)
    d = (rows[:, :17] - np.uint8(48)).astype(np.int64)  # anything but '0'-'9' wraps to 208..255
    year = d[:, 6] * 1000 + d[:, 7] * 100 + d[:, 8] * 10 + d[:, 9]
    month, day = d[:, 10] * 10 + d[:, 11], d[:, 12] * 10 + d[:, 13]
    digits = (d <= 9).all(axis=1)
    region = _region_table()[np.minimum(d[:, 0] * 10 + d[:, 1], 100)]
    leap = (year % 4 == 0) & ((year % 100 != 0) | (year % 400 == 0))
    month_days = np.array(_MONTH_DAYS, dtype=np.int64)[np.clip(month, 0, 99)] + (leap & (month == 2))
    # date() of it exists (month 0 has 0 days), in a year a holder can be born (BIRTH_YEAR_FLOOR)
    real = (year >= BIRTH_YEAR_FLOOR) & (day >= 1) & (day <= month_days)
    today = _today()
    now = today.year * 10_000 + today.month * 100 + today.day
    born = year * 10_000 + month * 100 + day
    ok = digits & region & real & (born <= now) & (mod11_2_check_bytes(d) == rows[:, 17])
    # under 14: the 14th birthday (1 March for a 29 February that year has none) is after today
    later = year + 14
    later_leap = (later % 4 == 0) & ((later % 100 != 0) | (later % 400 == 0))
    fourteenth = later * 10_000 + np.where((month == 2) & (day == 29) & ~later_leap, 301, month * 100 + day)
    valid = ok.tolist()
    found = list(compress(map(numbers.__getitem__, rows_at), valid))
    where = _WHERE.get
    minors = compress((fourteenth > now).tolist(), valid)
    # one comprehension: its slices and concatenations are the interpreter's specialised
    # operations, cheaper than str.format or map over str.__getitem__ (about 0.5 us a row)
    reasons = [where(n[:2], "region ") + n[:6] + _REASON_MIDDLE + n[17] + (MINOR if minor else "")
               for n, minor in zip(found, minors, strict=True)]
    # set by C code: one Python step a row costs as much as the tests above
    deque(map(whys.__setitem__, compress(rows_at, valid), reasons), maxlen=0)
    return whys


@register("cn_resident_id")
class ResidentIdRecognizer(Recognizer):
    """居民身份证号 (18 digits) and the Hong Kong / Macau / Taiwan residents' residence permits."""

    # written on forms and in letters as region, date of birth and sequence apart: 6-8-4
    SHAPES = ("0" * 17, "000000s00000000s000")

    entity = "居民身份证号 resident ID number"
    category = "个人身份信息"
    level = "G3"
    checksum = True
    mask_rule = "id_card"
    TRIGGER = r"\d{17}"
    # the plain form is a whole token of 17 digits and a digit or X (not part of a longer run)
    PATTERNS = (Pattern("18-digit GB 11643 number", NOT_BEFORE + ID18 + NOT_AFTER, 0.5, shapes=(SHAPES[0],),
                        layout=r"(?<![0a])0{17}[0a](?![0a])"),
                Pattern("18-digit GB 11643 number in 6-8-4 groups", NOT_BEFORE + ID18_GROUPED + NOT_AFTER, 0.5,
                        shapes=(SHAPES[1],)))
    CONTEXT = _ID_CONTEXT
    CHANCE = 1 / 11
    #: How often a random 18-character value passes every check (lone_checks: one hit is evidence):
    #: a province code (35 of 100 prefixes), a date of birth from 1900 to today (~46,000 of 10^8
    #: eight-digit runs), MOD 11-2 (1 in 11): about 1.5e-5, 1 in 68,000.
    VALUE_CHANCE = len(PROVINCE_CODES) / 100 * ((date.today() - date(BIRTH_YEAR_FLOOR, 1, 1)).days + 1) / 1e8 / 11

    def validate(self, candidate: str) -> str | None:
        """Region prefix, real date of birth not in the future, MOD 11-2 check character."""
        return _why_id18(candidate, _PERMITS.get(candidate[:2], ""))

    def unchecked(self, candidate: str) -> bool:
        """Region prefix and a real date of birth: all ``validate`` asks but MOD 11-2."""
        return id18_unchecked(candidate)

    def refusal(self, candidate: str) -> str | None:
        """A region or date of birth no holder has (see :func:`id18_refusal`)."""
        return id18_refusal(candidate)

    def validate_many(self, candidates: list[str]) -> list[str | None]:
        """``validate`` of every candidate at once (see :func:`_why_id18_many`): a table's ID
        numbers are many and distinct."""
        if type(self).validate is not ResidentIdRecognizer.validate:
            return super().validate_many(candidates)  # a subclass judges by its own rule
        return _why_id18_many(candidates)

    # no screen: validate_many tests MOD 11-2 itself, in numpy, with the region and date; a
    # screen before it would compute the check character of every candidate twice, and a
    # table's ID numbers are mostly real, so it would keep nearly all of them


_PERMITS: Final = {"81": "HK residence permit", "82": "Macau residence permit", "83": "Taiwan residence permit"}


@register("cn_resident_id_15")
class LegacyResidentIdRecognizer(Recognizer):
    """First-generation 15-digit identity numbers (no check digit; born 19YY): context only."""

    SHAPES = ("0" * 15,)

    entity = "15位身份证号 legacy resident ID number"
    category = "个人身份信息"
    mask_rule = "id_card"
    TRIGGER = r"\d{15}"
    PATTERNS = (Pattern("15-digit first-generation number", NOT_BEFORE + r"[1-8]\d{5}" + _DATE6 + r"\d{3}" + NOT_AFTER,
                        0.3, context_only=True),)
    CONTEXT = _ID_CONTEXT

    def validate(self, candidate: str) -> str | None:
        """Region prefix and a real date of birth in 19YY."""
        if candidate[:2] not in PROVINCE_CODES or birth_date("19" + candidate[6:12]) is None:
            return None
        return f"region {candidate[:6]}, real birth date 19{candidate[6:8]}, no check digit (context)"


@register("cn_foreign_permanent_resident_id")
class ForeignPermanentResidentIdRecognizer(Recognizer):
    """外国人永久居留身份证 (2023 form): 9 + province + nationality + date of birth + seq + check."""

    SHAPES = ("0" * 17,)

    entity = "外国人永久居留身份证号 foreign permanent resident ID"
    category = "个人身份信息"
    checksum = True
    mask_rule = "id_card"
    TRIGGER = r"9\d{16}"
    PATTERNS = (Pattern("18-digit 2023 card number",
                        NOT_BEFORE + r"9\d{5}" + _DATE8 + r"\d{3}[0-9Xx]" + NOT_AFTER, 0.5),)
    CONTEXT = PERMANENT_RESIDENCE_CONTEXT
    CHANCE = 1 / 11

    def validate(self, candidate: str) -> str | None:
        """Issuing province, real date of birth, MOD 11-2 check character."""
        if not self.unchecked(candidate) or not resident_id_ok(candidate):
            return None
        return f"issued in region {candidate[1:3]}, real birth date, MOD 11-2 check character {candidate[17]}"

    def unchecked(self, candidate: str) -> bool:
        """Issuing province and a real date of birth: all ``validate`` asks but MOD 11-2."""
        return candidate[1:3] in PROVINCE_CODES and birth_date(candidate[6:14]) is not None


@register("cn_disability_certificate")
class DisabilityCertificateRecognizer(Recognizer):
    """残疾人证号: the holder's ID number, a disability category (1-7) and a grade (1-4)."""

    SHAPES = ("0" * 17,)

    entity = "残疾人证号 disability certificate number"
    category = "特定身份"
    pi_class = "sensitive"
    level = "G4"
    checksum = True
    mask_rule = "id_card"
    TRIGGER = r"\d{17}[\dXx]\d"
    PATTERNS = (Pattern("ID number + category + grade", NOT_BEFORE + ID18 + r"[1-7][1-4]" + NOT_AFTER, 0.5),)
    CONTEXT = ("残疾", "cjrzh", "disability")
    CHANCE = 1 / 11

    def validate(self, candidate: str) -> str | None:
        """The embedded ID number validates; category 1-7, grade 1-4."""
        why = _why_id18(candidate[:18], "")
        return None if why is None else f"{why}; category {candidate[18]} grade {candidate[19]}"

    def unchecked(self, candidate: str) -> bool:
        """The embedded ID number's region and date of birth (the pattern holds the category
        and grade): all ``validate`` asks but MOD 11-2."""
        return id18_unchecked(candidate[:18])


@register("cn_military_id")
class MilitaryIdRecognizer(Recognizer):
    """军官证 / 士兵证 / 文职证: ``<字>字第<number>号`` (a format convention, not a standard)."""

    NEEDS_NON_ASCII = True

    entity = "军官证号 military ID"
    category = "特定身份"
    pi_class = "sensitive"
    level = "G4"
    mask_rule = "document"
    FLAGS = 0
    STRIP = ""
    TRIGGER = "字第"
    PATTERNS = (Pattern("<字>字第<number>号", r"[\u4e00-\u9fa5]字第[0-9A-Za-z]{4,8}号?", 0.6),)
    CONTEXT = ("军官证", "士兵证", "jgz")

    def validate(self, candidate: str) -> str | None:
        """At least four digits in the number."""
        return "军字第…号 form" if sum(c.isdigit() for c in candidate) >= 4 else None
