"""The value generators of the labelled evaluation set (govsoc.classification.evaluation; stage:
classification, issue 15 "Accuracy"): per recognizer a maker of positives, per adversarial kind a
maker of negatives, the masked forms of reference §8, and the PIPL art. 28 values known by their
column's name.

Positives come from Faker's zh_CN provider where it has the type and from generators written here
from the standards where it has not (USCC and organisation codes with their check characters,
UnionPay cards with real BINs and Luhn, VINs with their ISO 3779 check, permits, real-estate
numbers). Faker is a development dependency (``pip install 'govsoc[dev]'``).
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Final

from govsoc.classification.checksums import USCC_ALPHABET, luhn_ok, resident_id_check_char
from govsoc.classification.cn_codes import PLATE_PROVINCES

if TYPE_CHECKING:
    from faker import Faker


def _faker(seed: int) -> Faker:
    try:
        from faker import Faker
    except ImportError as e:  # pragma: no cover - dev dependency
        raise ImportError("the evaluation set needs Faker: pip install 'govsoc[dev]'") from e
    fake = Faker("zh_CN")
    fake.seed_instance(seed)
    return fake


def _digits(rng: random.Random, n: int) -> str:
    return "".join(rng.choice("0123456789") for _ in range(n))


def _luhn_complete(body: str) -> str:
    return next(body + d for d in "0123456789" if luhn_ok(body + d))


def _org_code(rng: random.Random) -> str:
    body = _digits(rng, 8)
    total = sum(int(c) * w for c, w in zip(body, (3, 7, 9, 10, 5, 8, 4, 2), strict=True))
    check = 11 - total % 11
    return body + ("X" if check == 10 else "0" if check == 11 else str(check))


def _uscc(rng: random.Random, region: str) -> str:
    body = rng.choice(("91", "92", "93", "11", "12", "51", "52")) + region + _org_code(rng)
    total = sum(USCC_ALPHABET.index(c) * pow(3, i, 31) for i, c in enumerate(body))
    return body + USCC_ALPHABET[(31 - total % 31) % 31]


def _registration_number(rng: random.Random, region: str) -> str:
    body = region + _digits(rng, 8)
    for check in "0123456789":
        p = 10
        for d in body:
            s = (p + int(d)) % 10 or 10
            p = 2 * s % 11
        if (p + int(check)) % 10 == 1:
            return body + check
    raise AssertionError("MOD 11,10 always has a check digit")


_VIN_CHARS: Final = "ABCDEFGHJKLMNPRSTUVWXYZ0123456789"


def _vin(rng: random.Random) -> str:
    from govsoc.classification.checksums import vin_ok

    wmi = rng.choice(("LFV", "LSV", "LGB", "LVS", "LSG", "WDD", "1HG"))
    body = wmi + "".join(rng.choice(_VIN_CHARS) for _ in range(5))
    tail = rng.choice("ABCDEFGHJKLMNPRSTVWXY123456789") + rng.choice(_VIN_CHARS) + _digits(rng, 6)
    return next(body + c + tail for c in "0123456789X" if vin_ok(body + c + tail))


_UNIONPAY_BINS: Final = ("622202", "621700", "622848", "621226", "622588", "622609", "621483", "623058", "625965",
                         "622700", "621661", "620522", "622260")
_AREAS: Final = ("010", "021", "020", "022", "023", "024", "025", "027", "028", "029", "0571", "0755", "0591", "0731",
                 "0871", "0898", "0951", "0991", "0451", "0311")
_MILITARY: Final = "军政后装海空火武"


def _positive_makers(fake: Faker, rng: random.Random) -> dict[str, tuple[bool, Callable[[], str]]]:
    def ssn() -> str:
        return str(fake.ssn())

    def resident_id() -> str:
        number = ssn()
        if rng.random() < 0.15:  # as written on forms: 110101 19900307 7715, 110101-19900307-7715
            sep = rng.choice(" -")
            return f"{number[:6]}{sep}{number[6:14]}{sep}{number[14:]}"
        return number

    def region() -> str:
        return ssn()[:6]

    def hk_permit() -> str:
        body = rng.choice(("810000", "820000", "830000")) + ssn()[6:17]
        return body + resident_id_check_char(body)

    def foreign_pr() -> str:
        body = "9" + rng.choice(("11", "31", "44", "32")) + rng.choice(("840", "826", "392", "410", "250")) + \
            ssn()[6:14] + _digits(rng, 3)
        return body + resident_id_check_char(body)

    def card() -> str:
        if rng.random() < 0.6:
            number = _luhn_complete(rng.choice(_UNIONPAY_BINS) + _digits(rng, rng.choice((9, 12))))
        else:
            number = str(fake.credit_card_number(card_type=rng.choice(("visa", "mastercard", "unionpay"))))
        if rng.random() < 0.2 and len(number) == 16:
            return " ".join(number[i:i + 4] for i in range(0, 16, 4))
        return number

    def mobile() -> str:
        number = str(fake.phone_number())
        shape = rng.random()
        if shape < 0.1:
            return f"+86 {number[:3]}-{number[3:7]}-{number[7:]}"
        if shape < 0.2:
            return f"{number[:3]} {number[3:7]} {number[7:]}"
        return number

    def plate() -> str:
        if rng.random() < 0.3:  # new energy (GA 36-2018, reference §5.6): small, and large, every serial letter
            letter = rng.choice("ABCDEFGHJK")
            serial = letter + rng.choice("ABCDEFGHJK0123456789") + _digits(rng, 4) if rng.random() < 0.7 \
                else _digits(rng, 5) + letter
            return rng.choice(PLATE_PROVINCES) + rng.choice("ABCDEFGHJK") + serial
        # Faker also issues office letters I and O, which GA 36-2018 never does: draw again
        return next(p for p in iter(lambda: str(fake.license_plate()), None) if p[1] not in "IO")

    def landline() -> str:
        area = rng.choice(_AREAS)
        # 010 and 02x areas dial 8-digit numbers; the others 7 or 8
        number = rng.choice("2345678") + _digits(rng, 7 if len(area) == 3 or rng.random() < 0.5 else 6)
        if rng.random() < 0.2:  # the local number in groups: 010 6552 9988, 0755-888 6666
            number = number[:-4] + rng.choice(" -") + number[-4:]
        return rng.choice((f"{area}-{number}", f"({area}){number}", f"{area} {number}"))

    def gps() -> str:
        return f"{rng.uniform(18.2, 53.5):.6f},{rng.uniform(73.6, 134.7):.6f}"

    def embedded(make: Callable[[], str], words: Sequence[str]) -> Callable[[], str]:
        return lambda: (rng.choice(words) + make()) if rng.random() < 0.2 else make()

    return {
        "cn_resident_id": (False, embedded(lambda: hk_permit() if rng.random() < 0.05 else
                                           (ssn().lower() if rng.random() < 0.05 else resident_id()),
                                           ("身份证号：", "证件号码 ", "sfzh="))),
        "cn_resident_id_15": (True, lambda: (lambda s: s[:6] + s[8:17])(ssn())),
        "cn_foreign_permanent_resident_id": (False, foreign_pr),
        "cn_disability_certificate": (False, lambda: ssn() + rng.choice("1234567") + rng.choice("1234")),
        "cn_military_id": (False, lambda: f"{rng.choice(_MILITARY)}字第{_digits(rng, rng.choice((6, 7)))}号"),
        "cn_passport": (True, lambda: rng.choice(("E" + _digits(rng, 8), "E" + rng.choice("ABCDEFGH") + _digits(rng, 7),
                                                  "G" + _digits(rng, 8)))),
        "cn_hk_macau_permit": (True, lambda: rng.choice("HM") + _digits(rng, 8)),
        "cn_taiwan_permit": (True, lambda: _digits(rng, 8)),
        "cn_mainland_travel_permit": (True, lambda: rng.choice("CWLT") + _digits(rng, 8)),
        "cn_uscc": (False, lambda: _uscc(rng, region())),
        "cn_organisation_code": (False, lambda: (lambda c: c[:8] + "-" + c[8])(_org_code(rng))),
        "cn_business_registration_number": (True, lambda: _registration_number(rng, region())),
        "cn_legacy_tax_id": (True, lambda: region() + _org_code(rng)),
        "cn_real_estate_certificate": (False, lambda: f"{rng.choice(PLATE_PROVINCES)}({rng.randint(2015, 2025)})"
                                                      f"{fake.city_name()}不动产权第{_digits(rng, 7)}号"),
        "cn_real_estate_unit": (False, lambda: region() + _digits(rng, 6) + rng.choice("GJZ") + rng.choice("ABCDSX")
                                + _digits(rng, 5) + rng.choice("FLQW") + _digits(rng, 8)),
        "cn_bank_card": (False, card),
        "cn_mobile": (False, embedded(mobile, ("手机：", "tel:", "联系电话"))),
        "cn_landline": (False, landline),
        "email": (False, lambda: str(fake.email() if rng.random() < 0.5 else fake.free_email())),
        "cn_qq": (True, lambda: str(rng.randint(10000, 3999999999))),
        "ipv4": (False, lambda: str(fake.ipv4())),
        "ipv6": (False, lambda: str(fake.ipv6())),
        "mac": (False, lambda: str(fake.mac_address())),
        "imei": (True, lambda: _luhn_complete(rng.choice(("35", "86", "01", "99")) + _digits(rng, 12))),
        "imsi": (True, lambda: "460" + rng.choice(("00", "01", "02", "03", "11")) + _digits(rng, 10)),
        "iccid": (False, lambda: _luhn_complete("8986" + _digits(rng, 14))),
        "cn_licence_plate": (False, plate),
        "vin": (False, lambda: _vin(rng)),
        "gps": (False, gps),
        "cn_address": (False, lambda: str(fake.address())),
        "cn_person_name": (True, lambda: str(fake.name())),
        "cn_birth_date": (True, lambda: fake.date_of_birth(minimum_age=1, maximum_age=95).strftime(
            rng.choice(("%Y-%m-%d", "%Y%m%d", "%Y/%m/%d", "%Y年%m月%d日", "%Y.%m", "%Y年%m月")))),
        "cn_age": (True, lambda: str(rng.randint(0, 99)) + rng.choice(("", "", "岁"))),
        "cn_social_security_number": (False, lambda: rng.choice(("HKG", "MAC", "TWN")) + "0" + _digits(rng, 8)),
        "cn_medical_insurance_number": (True, lambda: rng.choice(("", "YB", "M")) + _digits(rng, rng.randint(8, 12))),
    }


def _negative_makers(fake: Faker, rng: random.Random) -> dict[str, Callable[[], str]]:
    def moment() -> datetime:
        return datetime(2015, 1, 1) + timedelta(seconds=rng.randint(0, 11 * 365 * 86400))

    def wrong_check() -> str:
        number = str(fake.ssn())
        return number[:17] + rng.choice([c for c in "0123456789X" if c != number[17]])

    def impossible_date() -> str:
        number = str(fake.ssn())
        body = number[:10] + rng.choice(("0230", "0231", "1301", "0001", "0431", "1200", "0932")) + number[14:17]
        return body + resident_id_check_char(body)

    def future_birth() -> str:
        body = str(fake.ssn())[:6] + (date.today() + timedelta(days=rng.randint(30, 3000))).strftime("%Y%m%d") + \
            _digits(rng, 3)
        return body + resident_id_check_char(body)

    def unused_prefix_phone() -> str:
        prefix = rng.choice(("140", "141", "142", "143", "144", "148", "154", "160", "161", "163", "164", "168", "169",
                             "179", "194", "100", "110", "120", "127"))
        return prefix + _digits(rng, 8)

    def luhn_failing_card() -> str:
        number = _luhn_complete(rng.choice(_UNIONPAY_BINS) + _digits(rng, rng.choice((9, 12))))
        return number[:-1] + str((int(number[-1]) + rng.randint(1, 9)) % 10)

    def order_number() -> str:
        t = moment()
        return rng.choice((t.strftime("%Y%m%d%H%M%S") + _digits(rng, rng.randint(4, 6)),
                           "DD" + t.strftime("%Y%m%d") + _digits(rng, 8), _digits(rng, 12),
                           t.strftime("%y%m%d") + _digits(rng, 10)))

    def timestamp() -> str:
        t = moment()
        return rng.choice((str(int(t.timestamp())), str(int(t.timestamp() * 1000)), t.isoformat() + "Z",
                           t.strftime("%Y-%m-%d %H:%M:%S"), t.strftime("%H:%M:%S"), t.strftime("%Y%m%d")))

    def invoice() -> str:
        return rng.choice((rng.choice(("0", "1")) + _digits(rng, 3) + str(rng.randint(15, 25)) + _digits(rng, 6),
                           _digits(rng, 8), str(rng.randint(21, 25)) + _digits(rng, 18)))

    def software() -> str:
        return rng.choice((f"{rng.randint(0, 9)}.{rng.randint(0, 30)}.{rng.randint(0, 99)}",
                           f"10.0.{rng.randint(10000, 26000)}.{rng.randint(1, 3000)}", fake.md5(), fake.sha1(),
                           str(fake.uuid4()), f"icon@{rng.randint(2, 3)}x.png", f"{rng.randint(640, 3840)}x"
                           f"{rng.randint(480, 2160)}", f"{rng.uniform(0, 9999):.2f}", f"pkg@{rng.randint(1, 9)}.0.1"))

    def words() -> str:
        return rng.choice((fake.sentence(), fake.word(), fake.company(), fake.job(), "黄金", "高度", "周末", "王者荣耀",
                           "一万", "李子", "北京市公安局", "上海市卫生健康委员会", "市场监督管理", "区县统计"))

    def grouped(number: str, cuts: Sequence[int]) -> str:
        sep = rng.choice(" -")
        edges = [0, *cuts, len(number)]
        return sep.join(number[a:b] for a, b in zip(edges, edges[1:], strict=False))

    def in_groups() -> str:
        """Look-alikes written in groups, as people write IDs, phones and cards."""
        kind = rng.randrange(8)
        if kind == 0:
            return grouped(wrong_check(), (6, 14))
        if kind == 1:
            return grouped(impossible_date(), (6, 14))
        if kind == 2:  # a region no province has, check character made right
            body = rng.choice(("00", "19", "39", "49", "55", "68", "72", "90", "99")) + _digits(rng, 4) + \
                moment().strftime("%Y%m%d").replace("20", "19", 1) + _digits(rng, 3)
            return grouped(body + resident_id_check_char(body), (6, 14))
        if kind == 3:
            return grouped(unused_prefix_phone(), (3, 7))
        if kind == 4:
            card = luhn_failing_card()
            return grouped(card, range(4, len(card), 4))
        if kind == 5:  # service hotlines: companies, not persons
            return rng.choice(("400", "800")) + rng.choice("- ") + _digits(rng, 3) + "-" + _digits(rng, 4)
        if kind == 6:  # ISBN-13 of a Chinese publisher
            return f"978-7-{rng.randint(100, 999)}-{_digits(rng, 5)}-{rng.randint(0, 9)}"
        return moment().strftime(rng.choice(("%Y %m%d %H%M %S00", "%Y%m%d %H%M%S %f", "%Y-%m%d-%H%M-%S00")))

    def labelled_order_number() -> str:
        # R15-18: a shop's order number, 16-20 random digits after its prefix or label (订单 glued)
        return rng.choice(("", "DD", "SO", "订单")) + _digits(rng, rng.randint(16, 20))

    def labelled_version() -> str:
        # R15-3/18: a 4-part assembly or firmware version as text writes it, each part a valid
        # octet (bare, such a value is an IPv4 address by its form: columns named so are below)
        label = rng.choice(("version ", "Version: ", "ver ", "v", "V", "版本", "版本号：", "固件版本 ", "firmware="))
        return label + ".".join(str(rng.randint(a, b)) for a, b in ((1, 9), (0, 30), (0, 255), (0, 255)))

    def id_like_card() -> str:
        # F15i's seed-15 FP (621228200713019300): region 62 (Gansu) and an impossible month or
        # day, check character made right and, the hardest case, a UnionPay prefix passing Luhn
        while True:
            body = "62" + _digits(rng, 4) + str(rng.randint(1950, 2015)) + \
                rng.choice(("1301", "0230", "0431", "0001", "1200", "1532")) + _digits(rng, 3)
            number = body + resident_id_check_char(body)
            if number.isdigit() and luhn_ok(number):
                return number

    def wrong_uscc() -> str:
        code = _uscc(rng, str(fake.ssn())[:6])
        return code[:17] + rng.choice([c for c in USCC_ALPHABET if c != code[17]])

    return {"order number": order_number, "timestamp": timestamp, "invoice code/number": invoice,
            "ID with wrong check character": wrong_check, "ID with impossible date (check made right)": impossible_date,
            "ID with a future birth date": future_birth, "phone-like, unallocated segment": unused_prefix_phone,
            "card-like, Luhn fails": luhn_failing_card, "versions, hashes, files, amounts": software,
            "text and look-alike words": words, "USCC with wrong check character": wrong_uscc,
            "look-alikes in groups (ID 6-8-4, phone 3-4-4, card 4-4-4-4)": in_groups,
            "order number, prefixed or labelled (DD, SO, 订单)": labelled_order_number,
            "4-part version after its label": labelled_version,
            "ID look-alike (62, impossible date) passing Luhn": id_like_card}


def _masked_makers(rng: random.Random) -> dict[str, tuple[bool, Callable[[], str]]]:
    """Values already masked (recognizers/masked.py) in the forms of reference §8: govsoc's own
    rules, Hutool's first 3 + last 4, godlp's first 1 + last 1, PCI's first 6 + last 4."""
    def id_number() -> str:
        body = rng.choice(("110105", "320102", "440305", "510104")) + \
            f"{rng.randint(1950, 2010)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}{_digits(rng, 3)}"
        number = body + resident_id_check_char(body)
        head, tail = rng.choice(((6, 4), (3, 4), (1, 1)))
        return number[:head] + "*" * (18 - head - tail) + number[-tail:]

    def mobile() -> str:
        n = rng.choice(("138", "139", "150", "186", "177", "199")) + _digits(rng, 8)
        return rng.choice((f"{n[:3]}****{n[-4:]}", f"{n[:3]}******{n[-2:]}", f"+86 {n[:3]}****{n[-4:]}"))

    def card() -> str:
        n = _luhn_complete(rng.choice(_UNIONPAY_BINS) + _digits(rng, 12))
        return rng.choice((f"{n[:4]} **** **** {n[-4:]}", f"{n[:6]}******{n[-4:]}"))

    def name() -> str:
        surname = rng.choice(("张", "王", "李", "赵", "欧阳", "司马"))
        return surname + rng.choice(("*", "**", "*" + rng.choice("伟芳娜敏静")))

    return {"masked_cn_resident_id": (False, id_number), "masked_cn_mobile": (False, mobile),
            "masked_cn_bank_card": (False, card), "masked_cn_person_name": (True, name)}


#: Values of the PIPL art. 28 categories known by their column's name (recognizers/sensitive.py).
_ART28_VALUES: Final = {
    "cn_religion": ("佛教", "道教", "伊斯兰教", "天主教", "基督教", "藏传佛教", "东正教"),
    "cn_health": ("高血压", "HIV阳性", "精神分裂症", "2型糖尿病", "健康", "良好", "I10", "E11.9", "乙肝病毒携带"),
    "cn_disability": ("视力残疾", "听力残疾", "言语残疾", "肢体残疾", "智力残疾", "精神残疾", "多重残疾", "二级"),
    "cn_criminal_record": ("2019年盗窃罪判处有期徒刑一年", "诈骗罪缓刑二年", "行政拘留十日", "抢劫罪判处有期徒刑五年"),
    "cn_whereabouts": ("120.15,30.28 2024-01-01 08:00", "2024-03-02 10:15 西湖区文三路", "116.40,39.90"),
    "cn_genetic": ("BRCA1突变阳性", "rs1801133", "D3S1358: 15,16", "ACGTTGCAACGTTGCAACGTAGCT", "未检出致病变异"),
    "cn_property": ("12500.00", "¥8,000", "35万元", "6200元", "1,250,000.50"),
    "cn_credit_record": ("正常", "逾期3次", "关注类", "已结清", "当前逾期90天"),
    "cn_communication_record": ("2024-03-02 10:15 13812345678 120秒", "13912345678", "https://www.example.com/a"),
    "cn_sexual_orientation": ("异性恋", "同性恋", "双性恋", "无性恋"),
    "cn_biometric": ("data:image/jpeg;base64,/9j/4AAQSkZJRgABAQ", "faces/0001.jpg", "fp/left_index.wsq"),
}
