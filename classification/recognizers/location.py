"""Locations (stage: classification; reference §5.6): GPS coordinates and Chinese postal addresses.

A coordinate pair inside China's bounding box with four or more decimals (about 11 m) is precise
location, sensitive personal information (GB/T 45574-2025); a single coordinate counts only in a
column named for it. An address is a chain of administrative units down to a street or building.
"""

from __future__ import annotations

import re
from typing import Final

from govsoc.classification.cn_codes import ADDRESS_UNITS
from govsoc.classification.coordinate_numbers import DECIMAL, HEMISPHERE_WORD, TO_LETTER, dms
from govsoc.classification.recognizer import Pattern, Recognizer, register

__all__ = ["GpsRecognizer", "GpsDmsRecognizer", "AddressRecognizer", "with_hemispheres"]

_LON: Final = (73.4, 135.1)
_LAT: Final = (3.8, 53.6)


def _in_china(lat: float, lon: float) -> bool:
    return _LAT[0] <= lat <= _LAT[1] and _LON[0] <= lon <= _LON[1]


#: A coordinate's number: a decimal of four places or more (about 11 m), or degrees, minutes and
#: seconds (or decimal minutes), defined once with the forms coordinate_forms.py masks in free text
#: (R15at-5, coordinate_numbers.py).
_DECIMAL: Final = DECIMAL
_DMS: Final = dms()
_WORD: Final = HEMISPHERE_WORD


def _one(number: str) -> str:
    """One coordinate with its hemisphere: a letter or word before the number (N30.2741,
    北纬30°16′27″) or a letter after it (30.2741N, 30°16'27"N); a letter stands apart from other
    letters and digits, and a number after one does not run on into a word or '-' (E2.9743-rc4).
    A letter after a number with a letter before it is the next coordinate's where a number follows
    it (N 39.9042 E 116.4074), else the number's own and no coordinate (a bearing, N45°30'15"E)."""
    return (rf"(?:(?:(?<![A-Za-z0-9.])[NSEW]|{_WORD})[ \t]?{number}"
            rf"(?![0-9.A-Za-z_-]|{TO_LETTER}[NSEW](?![A-Za-z0-9]|[ \t]?\d))"
            rf"|(?<![A-Za-z0-9.]){number}{TO_LETTER}[NSEW](?![A-Za-z0-9/]))")


def _hemisphere_patterns(number: str) -> tuple[Pattern, ...]:
    """A latitude and a longitude each with its hemisphere; one coordinate alone, after 北纬/东经 or
    with a hemisphere letter, with column context only (N1.2345 is also a code; a word's coordinate
    alone may be half a pair written in a way the pair's pattern does not join: RRR15ay-1)."""
    one = _one(number)
    # one coordinate alone: not the first of a pair, which the pair's pattern judges whole (Paris,
    # 北纬48.8566 东经2.3522, is no place in China; its latitude alone was tagged, RRR15ax-5)
    # (a letter or word with no number after it is none: 北纬30.2741 N/A, E区, 东经未测; nor a number
    # that is no coordinate: 北纬30.2741，12.5米, RRR15ay-8)
    alone = (r"(?![ \t]*[,，/;；]?[ \t]*(?:(?:[NSEW]|" + _WORD + r")[ \t]?\d|" + _DMS + "|" + _DECIMAL
             + r"|\d{1,3}(?:\.\d+)?" + TO_LETTER + r"[NSEW](?![A-Za-z0-9])))")
    # a degree sign after the first number (北纬28.6801° 东经121.8492°: RRR15ax-6)
    return (Pattern("coordinate pair with hemispheres", one + r"°?[ \t]*[,，/;；]?[ \t]*" + one, 0.6),
            # with context only, as a letter: the pair's second half may be written in ways the pair's
            # pattern does not join (北纬48.8566°，东经2.3522°: Paris' latitude was tagged alone, RRR15ay-1)
            Pattern("coordinate after 北纬/东经", rf"{_WORD}[ \t]?{number}(?![0-9.]){alone}", 0.5, context_only=True),
            Pattern("coordinate with a hemisphere letter", one + alone, 0.3, context_only=True))


#: The hemisphere (letter or word) and number of each coordinate of a candidate.
_PARTS: Final = re.compile(rf"(?P<h1>[NSEW]|{_WORD})[ \t]?(?P<v1>{_DMS}|{_DECIMAL})"
                           rf"|(?P<v2>{_DMS}|{_DECIMAL}){TO_LETTER}(?P<h2>[NSEW])")
_DMS_PARTS: Final = re.compile(r"(?P<d>\d{1,3})[ \t]?[°度][ \t]?(?P<m>\d{1,2}(?:\.\d+)?)(?:[ \t]?['′分][ \t]?"
                               r"(?P<s>\d{1,2}(?:\.\d+)?))?")
_LATITUDE: Final = ("N", "S", "北纬", "南纬")
_NEGATIVE: Final = ("S", "W", "南纬", "西经")


def _degrees(number: str) -> float | None:
    """A coordinate's number in degrees, or None where minutes or seconds are 60 or more."""
    m = _DMS_PARTS.match(number)
    if m is None:
        return float(number)
    minutes, seconds = float(m.group("m")), float(m.group("s") or 0)
    return None if minutes >= 60 or seconds >= 60 else int(m.group("d")) + minutes / 60 + seconds / 3600


def with_hemispheres(candidate: str) -> str | None:
    """Why a coordinate (or pair) written with its hemispheres is one: each inside China's
    bounding box on its axis (a latitude's north and south, a longitude's east and west, as the
    decimal pairs are: N0.0000 E0.0000, a receiver without a fix, and build N1.2345 E2.3456 are
    none, RRR15aw-5), minutes and seconds under 60, a pair one latitude and one longitude; None
    otherwise."""
    parts = []
    for m in _PARTS.finditer(candidate):
        hemisphere, number = (m.group("h1"), m.group("v1")) if m.group("h1") else (m.group("h2"), m.group("v2"))
        value, latitude = _degrees(number), hemisphere in _LATITUDE
        if value is None:
            return None
        signed = -value if hemisphere in _NEGATIVE else value
        low, high = _LAT if latitude else _LON
        if not low <= signed <= high:
            return None
        parts.append(latitude)
    if len(parts) == 2:
        return "latitude and longitude with their hemispheres (precise)" if parts[0] != parts[1] else None
    return "coordinate with its hemisphere (precise)" if parts else None


@register("gps")
class GpsRecognizer(Recognizer):
    """Latitude/longitude pairs inside China; coordinates with their hemisphere letters or words
    (北纬/东经), in decimals or degrees-minutes-seconds; single decimals with column context."""

    SHAPES = ("0.0000",)

    entity = "经纬度 GPS coordinates"
    category = "个人位置信息"
    pi_class = "sensitive"
    level = "G4"
    mask_rule = "gps"
    STRIP = ""
    TRIGGER = r"\d\.\d{4}"
    PATTERNS = (
        # with hemisphere letters or 北纬/东经: E121.84918 N28.68012, 北纬28.6801 东经121.8492 (R15at-5)
        *_hemisphere_patterns(_DECIMAL),
        Pattern("coordinate pair", r"(?<![0-9.])\d{1,3}\.\d{4,}\s*[,，/ ]\s*\d{1,3}\.\d{4,}(?![0-9.])", 0.6),
        Pattern("single coordinate", r"(?<![0-9.])-?\d{1,3}\.\d{4,}(?![0-9.])", 0.3, context_only=True),
    )
    CONTEXT = ("gps", "lng", "lon", "lat", "longitude", "latitude", "jd", "wd", "jwd", "经度", "纬度", "坐标",
               "location", "定位")

    def validate(self, candidate: str) -> str | None:
        """Inside China's bounding box (either order), four or more decimals; with hemispheres,
        within their limits and, for a pair, one latitude and one longitude."""
        if not candidate[0].isdigit() or candidate[-1] in "NSEW":
            return with_hemispheres(candidate)
        numbers = [float(x) for x in re.findall(r"-?\d{1,3}\.\d+", candidate)]
        if len(numbers) == 2:
            a, b = numbers
            if _in_china(a, b) or _in_china(b, a):
                return "coordinate pair inside China, >= 4 decimals (precise)"
            return None
        value = numbers[0]
        return "coordinate with >= 4 decimals (column context)" if -180 <= value <= 180 else None


@register("gps_dms")
class GpsDmsRecognizer(Recognizer):
    """Coordinates in degrees, minutes and seconds (or decimal minutes) with their hemisphere
    letters or words: 30°16'27"N 120°9'12"E, 北纬30度16分27秒 (R15at-5). The degree sign (° or 度) is
    not ASCII, so this runs on values that are not, apart from the gps recognizer's decimals."""

    NEEDS_NON_ASCII = True

    entity = "经纬度（度分秒） GPS coordinates in degrees-minutes-seconds"
    category = GpsRecognizer.category
    pi_class = "sensitive"
    level = "G4"
    mask_rule = "gps"
    FLAGS = 0
    STRIP = ""
    TRIGGER = r"\d[ \t]?[°度]"
    PATTERNS = _hemisphere_patterns(_DMS)
    CONTEXT = GpsRecognizer.CONTEXT

    def validate(self, candidate: str) -> str | None:
        """Each coordinate within its hemisphere's limit, minutes and seconds under 60."""
        return with_hemispheres(candidate)


@register("cn_address")
class AddressRecognizer(Recognizer):
    """中文地址: administrative units (省/市/区/县 ...) followed by a street or building unit."""

    NEEDS_NON_ASCII = True

    entity = "地址 postal address"
    category = "个人基本资料"
    level = "G3"
    mask_rule = "address"
    FLAGS = 0
    STRIP = ""
    TRIGGER = "[省市区县旗镇乡路街巷弄道村庄屯寨幢栋楼座]"
    PATTERNS = (Pattern("省/市/区县 + street + number",
                        r"[\u4e00-\u9fa5]{1,12}?(?:省|自治区|市|自治州|盟|地区|区|县|旗)"
                        r"[\u4e00-\u9fa50-9A-Za-z\-－#（）()]{2,48}", 0.6),
                # the street part alone (文三路19号6幢590室): forms keep 省/市/区 in columns of their
                # own and this in 详细地址 (R15d-8); a street and a number, so only with context
                Pattern("street + number", r"(?<![\u4e00-\u9fa5])[\u4e00-\u9fa5]{1,12}?(?:路|街|巷|弄|道)"
                        r"[0-9]{1,5}(?:号|弄)[\u4e00-\u9fa50-9A-Za-z\-－#（）()]{0,40}", 0.4, context_only=True),
                # a village, its 村民小组 and a number (张家村3组45号): the address of most people on a
                # 农村低保, 扶贫 or 医保 roster (R15e-22; GB/T 35273 Annex A 住址); only with context
                Pattern("village + group + number",
                        r"(?<![\u4e00-\u9fa5])[\u4e00-\u9fa5]{1,12}?(?:村|庄|屯|寨|社区|嘎查)"
                        r"(?:[0-9一二三四五六七八九十]{1,3}(?:组|队|社))?[0-9]{1,5}号[\u4e00-\u9fa50-9A-Za-z\-－#（）()]{0,40}",
                        0.4, context_only=True),
                # an estate and a building (阳光花园3幢2单元1101室, 翠苑一区12幢), only with context
                Pattern("estate + building", r"(?<![\u4e00-\u9fa5])[\u4e00-\u9fa5]{1,12}?"
                        r"(?:花园|苑|公寓|新村|家园|山庄|小区|城|园|府|湾|庭)[0-9一二三四五六七八九十]{0,3}[区期]?"
                        r"[0-9]{1,4}(?:幢|栋|号楼|座)[\u4e00-\u9fa50-9A-Za-z\-－#（）()]{0,40}", 0.4,
                        context_only=True))
    CONTEXT = ("dizhi", "zz", "jtzz", "hjdz", "xzz", "hjd", "xxdz", "address", "addr", "地址", "住址", "家庭住址",
               "户籍地", "现住址", "居住地", "通讯地址")
    WEAK_CONTEXT = ("dz",)

    def validate(self, candidate: str) -> str | None:
        """A street-level or building-level unit after the administrative ones, and a number or
        a second unit (a bare '北京市朝阳区' is a region, not an address). A 街道 is a sub-district,
        an administrative unit (GB/T 2260's 乡级, cn_codes.ADDRESS_REGIONS) as a 镇 is, not a 街 and
        a 道: 萧山区宁围街道 is a place, 萧山区宁围街道8号 an address (R15i-8)."""
        units = [u for u in ADDRESS_UNITS if u in _without_sub_districts(candidate[2:])]
        if not units:
            return None
        if not any(c.isdigit() for c in candidate) and len(units) < 2:
            return None
        return f"administrative units down to {units[0]}"


def _without_sub_districts(text: str) -> str:
    """``text`` with each 街道 (a sub-district) taken out, so that its 街 and 道 are not read as a
    street's units."""
    return text.replace("街道", "")
