"""Locations (stage: classification; reference §5.6): GPS coordinates and Chinese postal addresses.

A coordinate pair inside China's bounding box with four or more decimals (about 11 m) is precise
location, sensitive personal information (GB/T 45574-2025); a single coordinate counts only in a
column named for it. An address is a chain of administrative units down to a street or building.
"""

from __future__ import annotations

import re
from typing import Final

from govsoc.classification.cn_codes import ADDRESS_UNITS
from govsoc.classification.recognizer import Pattern, Recognizer, register

__all__ = ["GpsRecognizer", "AddressRecognizer"]

_LON: Final = (73.4, 135.1)
_LAT: Final = (3.8, 53.6)


def _in_china(lat: float, lon: float) -> bool:
    return _LAT[0] <= lat <= _LAT[1] and _LON[0] <= lon <= _LON[1]


@register("gps")
class GpsRecognizer(Recognizer):
    """Latitude/longitude pairs inside China; single coordinates with column context."""

    SHAPES = ("0.0000",)

    entity = "经纬度 GPS coordinates"
    category = "个人位置信息"
    pi_class = "sensitive"
    level = "G4"
    mask_rule = "gps"
    STRIP = ""
    TRIGGER = r"\d\.\d{4}"
    PATTERNS = (
        Pattern("coordinate pair", r"(?<![0-9.])\d{1,3}\.\d{4,}\s*[,，/ ]\s*\d{1,3}\.\d{4,}(?![0-9.])", 0.6),
        Pattern("single coordinate", r"(?<![0-9.])-?\d{1,3}\.\d{4,}(?![0-9.])", 0.3, context_only=True),
    )
    CONTEXT = ("gps", "lng", "lon", "lat", "longitude", "latitude", "jd", "wd", "jwd", "经度", "纬度", "坐标",
               "location", "定位")

    def validate(self, candidate: str) -> str | None:
        """Inside China's bounding box (either order), four or more decimals."""
        numbers = [float(x) for x in re.findall(r"-?\d{1,3}\.\d+", candidate)]
        if len(numbers) == 2:
            a, b = numbers
            if _in_china(a, b) or _in_china(b, a):
                return "coordinate pair inside China, >= 4 decimals (precise)"
            return None
        value = numbers[0]
        return "coordinate with >= 4 decimals (column context)" if -180 <= value <= 180 else None


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
