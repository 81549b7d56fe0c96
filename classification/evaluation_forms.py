"""Forms added to the labelled evaluation set after review R15at (stage: classification; issue 15
"Accuracy"): the 2017 foreign permanent resident card (reference §5.1), coordinates with their
hemisphere letters, 北纬/东经 words and in degrees-minutes-seconds (R15at-5), and negatives that
look like them: temperatures, angles and bearings in other text, versions, and 11-digit order
numbers under 单号 (R15at-9).

Each set draws from a random source of its own (the evaluation's seed + an offset), so the values
of govsoc.classification.evaluation_makers stay those their seed gave before these were added.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Final

from govsoc.classification.country_codes import FOREIGN_ALPHA3

__all__ = ["added_makers", "lone_latitude_makers", "LONE_OFFSET", "added_negatives",
           "ADDED_COLUMNS", "ADDED_NEGATIVE_COLUMNS", "ADDED_OFFSET"]

#: The seed offset of these values' random source.
ADDED_OFFSET: Final = 53
#: The seed offset of the lone latitudes' random source (lone_latitude_makers).
LONE_OFFSET: Final = 61
_NATIONS: Final = sorted(FOREIGN_ALPHA3)


def _digits(rng: random.Random, n: int) -> str:
    return "".join(rng.choice("0123456789") for _ in range(n))


def _dms(rng: random.Random, value: float) -> tuple[int, int, float]:
    degrees = int(value)
    minutes = int((value - degrees) * 60)
    return degrees, minutes, round(((value - degrees) * 60 - minutes) * 60, 1) % 60


def added_makers(rng: random.Random) -> dict[str, tuple[bool, Callable[[], str]]]:
    """Label -> (needs context, maker) of the added positive forms. A coordinate is a latitude and a
    longitude: a latitude alone (北纬25.265933, 北纬44度6分54秒) is a parallel round the earth, no
    position (PIPL art. 28 行踪轨迹), and was drawn as a bare positive the recognizers take only under
    a column saying coordinates (RRR15ax-5, RRR15ay-1): those forms now carry their 东经 after a
    full-width comma, as Chinese text writes the pair (RRR15bp-6: recall 0.905 gps, 0.79 gps_dms)."""
    def resident_2017() -> str:
        return rng.choice(_NATIONS) + _digits(rng, 12)

    def hemispheres() -> str:
        lat, lon = rng.uniform(18.2, 53.5), rng.uniform(73.6, 134.7)
        return rng.choice((f"N{lat:.6f} E{lon:.6f}", f"E{lon:.5f} N{lat:.5f}", f"{lat:.6f}N,{lon:.6f}E",
                           f"北纬{lat:.4f} 东经{lon:.4f}", f"北纬{lat:.6f}，东经{lon:.6f}"))

    def dms() -> str:
        (a, b, c), (d, e, f) = _dms(rng, rng.uniform(18.2, 53.5)), _dms(rng, rng.uniform(73.6, 134.7))
        return rng.choice((f"{a}°{b}'{c}\"N {d}°{e}'{f}\"E", f"北纬{a}°{b:02d}′{c}″ 东经{d}°{e:02d}′{f}″",
                           f"北纬{a}度{b}分{int(c)}秒，东经{d}度{e}分{int(f)}秒",
                           f"{a}°{b + c / 60:.4f}'N {d}°{e + f / 60:.4f}'E"))

    return {"cn_foreign_permanent_resident_id_2017": (True, resident_2017), "gps": (False, hemispheres),
            "gps_dms": (False, dms)}


def lone_latitude_makers(rng: random.Random) -> dict[str, Callable[[], str]]:
    """Label -> maker of a latitude alone (北纬25.265933, 北纬44度6分54秒): a parallel, no position by
    itself, which a column saying coordinates makes one; drawn as positives scanned with the label's
    context (the recognizers take them there, gps_context), so the table still measures the form
    added_makers now draws with its 东经 (RRR15bu-6)."""
    def decimal() -> str:
        return f"北纬{rng.uniform(18.2, 53.5):.6f}"

    def dms() -> str:
        a, b, c = _dms(rng, rng.uniform(18.2, 53.5))
        return f"北纬{a}度{b}分{int(c)}秒"

    return {"gps": decimal, "gps_dms": dms}


def added_negatives(rng: random.Random) -> dict[str, Callable[[], str]]:
    """Note -> maker of the added negatives: degree signs and hemisphere letters that are no place."""
    def temperature() -> str:
        return rng.choice((f"体温{rng.uniform(35.5, 40):.1f}°C", f"{rng.randint(-20, 40)}°C",
                           f"室温{rng.randint(5, 35)}度", f"加热至{rng.randint(100, 999)}°F"))

    def angle() -> str:
        a, b, c = rng.randint(0, 359), rng.randint(0, 59), rng.randint(0, 59)
        return rng.choice((f"旋转{a}°{b}'", f"倾角{a % 90}°{b}'{c}\"", f"坡度{a % 45}度{b}分",
                           f"方位角 N{a % 90}°{b}'{c}\"E", f"视场角 {a}° × {b}°"))

    def version() -> str:
        return rng.choice((f"v{rng.randint(0, 9)}.{rng.randint(0, 30)}.{rng.randint(0, 99)}",
                           f"V{rng.randint(1, 9)}.{_digits(rng, 4)}", f"build {rng.randint(1, 9)}.{_digits(rng, 4)}",
                           f"{rng.choice('NSEW')}{rng.randint(1, 9)}.{_digits(rng, 4)}-rc{rng.randint(1, 5)}"))

    return {"temperature (°C, 度)": temperature, "angle or bearing in other text": angle,
            "version with digits after a letter": version}


#: (column name, comment, label) of the added labelled columns.
ADDED_COLUMNS: Final = (("yjjlzh", "永久居留证号", "cn_foreign_permanent_resident_id_2017"),
                        ("永久居留身份证号", "", "cn_foreign_permanent_resident_id_2017"),
                        ("zb", "坐标", "gps_dms"), ("wz", "位置", "gps"))
#: (column name, comment, note) of the added negative columns: 11-digit order numbers whose first
#: digits are a mobile's under names saying order number (R15at-9), temperatures.
ADDED_NEGATIVE_COLUMNS: Final = (("dh", "单号", "11-digit order number"), ("ddh", "订单号", "11-digit order number"),
                                 ("lsh", "流水号", "11-digit order number"), ("tw", "体温", "temperature (°C, 度)"))


def order_number_11(rng: random.Random) -> str:
    """11 digits beginning as a mobile number does (1[3578]): R15at-9's 单号."""
    return "1" + rng.choice("3578") + _digits(rng, 9)
