"""Synthetic citizens: names, resident identity numbers and mobile numbers that are valid in form.

Resident identity numbers follow GB 11643-1999: a 6-digit administrative division code, the birth
date, a 3-digit order code and the ISO 7064 MOD 11-2 check character (weights 2^(17-i) mod 11,
check = (12 - sum mod 11) mod 11, 10 written X). Mobile numbers use the 11-digit plan's
13x-19x prefixes (MIIT numbering plan). Computed here, not by the classification stage, so
that the demo's check of what classification found does not lean on the code it checks.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

__all__ = ["resident_id", "mobile", "person_name", "address", "check_char"]

#: Administrative division codes (GB/T 2260) of a few districts.
DIVISIONS = ("330102", "330105", "330106", "330108", "330109", "330110", "320102", "320104", "440103", "440106",
             "110105", "110108", "510104", "420106")
PREFIXES = ("130", "131", "132", "135", "136", "137", "138", "139", "150", "151", "152", "157", "158", "159", "166",
            "177", "180", "181", "186", "187", "188", "189", "191", "198", "199")
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建国志文海波宁欣怡子涵浩然宇轩梓萱一诺"
STREETS = ("解放路", "延安路", "文三路", "中山北路", "建国南路", "庆春路", "凤起路", "学院路", "江南大道", "滨江路")


def check_char(body: str) -> str:
    """The GB 11643 check character of the first 17 digits."""
    total = sum(int(d) * pow(2, 17 - i, 11) for i, d in enumerate(body))
    return "0123456789X"[(12 - total % 11) % 11]


def resident_id(rng: random.Random) -> str:
    """An 18-character resident identity number with a valid check character."""
    born = date(1950, 1, 1) + timedelta(days=rng.randrange(365 * 55))
    body = f"{rng.choice(DIVISIONS)}{born:%Y%m%d}{rng.randrange(1000):03d}"
    return body + check_char(body)


def mobile(rng: random.Random) -> str:
    """An 11-digit mobile number."""
    return f"{rng.choice(PREFIXES)}{rng.randrange(10**8):08d}"


def person_name(rng: random.Random) -> str:
    """A two- or three-character Chinese name."""
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


def address(rng: random.Random) -> str:
    """A street address."""
    district = rng.choice(("上城区", "拱墅区", "西湖区", "滨江区"))
    return f"浙江省杭州市{district}{rng.choice(STREETS)}{rng.randrange(1, 400)}号"
