"""Every recognizer on its positives and its traps (shared/reference/classification.md §5), and
invariants over every registered recognizer."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from govsoc.classification.checksums import resident_id_check_char
from govsoc.classification.recognizer import recognizers
from govsoc.classification.recognizers.identity import ResidentIdRecognizer
from govsoc.classification.scanner import Scanner

SCANNER = Scanner()
# (recognizer, value, found?, context?)  -- one comment per row: why
CASES = [
    ("cn_resident_id", "11010519491231002X", True, False),        # reference vector, check character X
    ("cn_resident_id", "身份证号11010519491231002X", True, False),  # no \b next to Chinese text
    ("cn_resident_id", "11010519491231002x", True, False),        # lower-case x
    ("cn_resident_id", "１１０１０５１９４９１２３１００２Ｘ", True, False),  # full-width digits (NFKC)
    ("cn_resident_id", "110105194912310021", False, False),       # wrong check character
    ("cn_resident_id", "110105194902300020", False, False),       # 30 February: no such date
    ("cn_resident_id", "990105194912310028", False, False),       # region 99 does not exist
    ("cn_resident_id", "110105********002X", False, False),       # already masked
    ("cn_resident_id", "811234199001011235", False, False),       # HK permit prefix but check fails
    ("cn_resident_id", "110105 19491231 002X", True, False),      # 6-8-4 as written on forms
    ("cn_resident_id", "证件号：110105-19491231-002X。", True, False),  # hyphens, inside Chinese text
    ("cn_resident_id", "110105 19491231 0021", False, False),     # grouped, wrong check character
    ("cn_resident_id", "110105 19490230 0020", False, False),     # grouped, 30 February
    ("cn_resident_id", "110105-19491231 002X", False, False),     # two different separators: no one writes that
    ("cn_resident_id", "2021 110105 19491231 002X", True, False),  # a number before it, apart, does not hide it
    ("cn_resident_id_15", "110105491231002", True, True),         # legacy 15 digits in an ID column
    ("cn_resident_id_15", "110105491231002", False, False),       # ... but not without context
    ("cn_foreign_permanent_resident_id", "931586199001011238", None, False),  # see test below (computed)
    ("cn_foreign_permanent_resident_id_2017", "USA110012345678", True, True),    # 2017 card: nationality + 12 digits
    ("cn_foreign_permanent_resident_id_2017", "永居证USA110012345678", True, False),  # R15at-14: keyword in the text
    ("cn_foreign_permanent_resident_id_2017", "永久居留身份证号GBR443280387012", True, False),  # the card's full name
    ("cn_foreign_permanent_resident_id_2017", "USA110012345678", False, False),  # no check character: context only
    ("cn_foreign_permanent_resident_id_2017", "ABC110012345678", False, True),   # ABC is no ISO 3166-1 code
    ("cn_foreign_permanent_resident_id_2017", "CHN110012345678", False, True),   # China's own code: no foreigner's
    ("cn_foreign_permanent_resident_id_2017", "USA11001234567", False, True),    # 11 digits: not the form
    ("gps", "E121.84918 N28.68012", True, False),                  # R15at-5: hemisphere letters before, lon first
    ("gps", "30.274085N,120.155070E", True, False),                # ... and after the numbers
    ("gps", "北纬28.6801 东经121.8492", True, False),               # 北纬/东经 words
    ("gps", "北纬30.274085", False, False),                         # one coordinate after its word: context only
    ("gps", "北纬30.274085", True, True),                           # ... under lat / 坐标
    ("gps", "北纬48.8566°，东经2.3522°", False, False),             # RRR15ay-1: Paris, a pair the pattern does not join
    ("gps", "北纬48.8566、东经2.3522", False, False),
    ("gps", "N30.274085", False, False),                           # a letter alone: context only (a code's form)
    ("gps", "N30.274085", True, True),                             # ... under lat / 坐标
    ("gps", "N30.2741 N120.1551", False, False),                   # two latitudes are no pair
    ("gps", "N95.1234 E120.1551", False, False),                   # no latitude past 90
    # RRR15aw-5: outside China's bounding box, as the decimal pairs (a receiver without a fix, a build tag)
    ("gps", "N0.0000 E0.0000", False, False),
    ("gps", "S1.0000 E2.0000", False, False),
    ("gps", "build N1.2345 E2.3456", False, False),
    ("gps", "N28.68012 W121.84918", False, False),                 # west of Greenwich: no place in China
    ("gps_dms", "0°0'0\"N 0°0'0\"E", False, False),
    # RRR15ax-5: a pair outside China is refused whole; its latitude was tagged alone (Paris, New York)
    ("gps", "北纬48.8566 东经2.3522", False, False),
    ("gps", "北纬40.7128 西经74.0060", False, False),
    ("gps_dms", "北纬48°51′24″ 东经2°21′03″", False, False),
    ("gps_dms", "30°16'27\"N 120°9'12\"E", True, False),           # degrees, minutes, seconds (the brief's form)
    ("gps_dms", "北纬30°16′27″ 东经120°09′18″", True, False),        # primes and Chinese hemisphere words
    ("gps_dms", "北纬30度16分27秒", False, False),                   # 度分秒 after 北纬, alone: context only
    ("gps_dms", "北纬30度16分27秒", True, True),
    ("gps_dms", "30°16.4450'N 120°09.3050'E", True, False),        # degrees and decimal minutes (NMEA)
    ("gps_dms", "30°66'27\"N 120°9'62\"E", False, False),          # 66 minutes, 62 seconds: no angle
    ("gps_dms", "体温36.5°C", False, True),                         # a temperature, even under 坐标
    ("gps_dms", "倾角30°16'27\"", False, True),                     # an angle with no hemisphere
    ("gps_dms", "方位角 N45°30'15\"E", False, True),                # a quadrant bearing: N…E around one angle
    ("gps", "v1.2.3 build 2.0003", False, False),                  # versions
    ("cn_disability_certificate", "11010519491231002X12", True, False),  # ID + category 1 + grade 2
    ("cn_military_id", "军字第2001988号", True, False),             # the reference's example
    ("cn_passport", "E12345678", True, True),                     # e-passport in a passport column
    ("cn_passport", "E12345678", False, False),                   # SKU-like codes need context
    ("cn_passport", "护照号E12345678", True, False),               # a keyword in the value is context
    ("cn_hk_macau_permit", "H12345678", True, True),
    ("cn_taiwan_permit", "12345678", True, True),
    ("cn_mainland_travel_permit", "C12345678", True, True),
    ("cn_uscc", "91350100M000100Y43", True, False),               # reference vector
    ("cn_uscc", "91350100M000100Y44", False, False),              # wrong check character
    ("cn_organisation_code", "71526726-X", True, False),          # hyphenated form stands alone
    ("cn_organisation_code", "71526726X", False, False),          # bare 9 characters: context only
    ("cn_organisation_code", "71526726X", True, True),
    ("cn_business_registration_number", "330106000129004", True, True),   # MOD 11,10 vector
    ("cn_business_registration_number", "330106000129005", False, True),  # check digit wrong
    ("cn_legacy_tax_id", "44018171526726X", True, True),          # 440181 + 71526726-X (reference)
    ("cn_real_estate_certificate", "京(2017)朝阳区不动产权第0012345号", True, False),
    ("cn_real_estate_certificate", "京（2017）朝阳区不动产权第0012345号", True, False),  # full-width brackets
    ("cn_real_estate_unit", "110105001001GB00001F00010001", True, False),
    ("cn_bank_card", "6222021234567890128", True, False),         # UnionPay 19 digits, Luhn
    ("cn_bank_card", "4111 1111 1111 1111", True, False),         # groups of four
    ("cn_bank_card", "6222021234567890123", False, False),        # Luhn fails
    ("cn_bank_card", "1234567812345670", False, False),           # Luhn passes, no issuer starts with 1
    ("cn_bank_card", "6222****1234", False, False),               # masked card
    ("cn_mobile", "13812345678", True, False),
    ("cn_mobile", "+86 138-1234-5678", True, False),              # country code and 3-4-4 separators
    ("cn_mobile", "手机13812345678", True, False),
    ("cn_mobile", "15412345678", False, False),                   # 154 is not allocated
    ("cn_mobile", "1381234567890", False, False),                 # 13 digits: a timestamp, not a phone
    ("cn_landline", "010-62345678", True, False),
    ("cn_landline", "(0571)88123434", True, False),
    ("cn_landline", "026-62345678", False, False),                # 026 is not an area code
    ("cn_landline", "010 6234 5678", True, False),                # the local number in groups of four
    ("cn_landline", "(0571) 8812-3434", True, False),
    ("cn_landline", "0755-888 6666", True, False),                # 3-4 local groups (7-digit number)
    ("cn_landline", "2020-0609-2357-1500", False, False),         # one group of a date-time run is no number
    ("cn_landline", "6226 0938 7892 2064", False, False),         # nor is a group of a card-like number
    ("cn_mobile", "0086 138 0013 8000", True, False),             # 0086 and spaces
    ("cn_mobile", "138–0013–8000", True, False),                  # en dashes (word processors) read as '-'
    ("cn_resident_id", "110105—19491231—002X", True, False),      # em dashes too
    ("cn_resident_id", "110105　19491231　002X", True, False),      # ideographic spaces (NFKC)
    ("cn_mobile", "140-1234-5678", False, False),                 # grouped, 140 not allocated
    ("cn_bank_card", "6222 0212 3456 7890 127", False, False),    # grouped, Luhn fails
    ("email", "dave@126.com", True, False),
    ("email", "icon@2x.png", False, False),                       # a file name
    ("email", "pkg@1.2.3", False, False),                         # a package pin
    ("cn_qq", "123456789", True, True),
    ("ipv4", "10.2.3.4", True, False),
    ("ipv4", "1.2.3.4.5", False, False),                          # OID-like, five parts
    ("ipv4", "256.1.1.1", False, False),
    ("ipv6", "2001:db8::1", True, False),
    ("ipv6", "12:30:45", False, False),                           # a time of day
    # R15b-25: '::' both ways. Not addresses: scopes of C++, Perl, Rust (hex letters only), '::'
    # alone, a time typed with a doubled colon, a Windows path
    ("ipv6", "use Data::Dumper; Cache::face::add", False, False),  # Perl scopes of hex letters
    ("ipv6", "std::vector<Foo::Bar>", False, False),              # C++ scopes
    ("ipv6", "impl Add for dead::beef::Cafe {}", False, False),   # Rust path of hex words
    ("ipv6", "C::f(); a::b", False, False),                       # one-letter C++ classes
    ("ipv6", "return face::add(x)", False, False),                # a call through a module of hex letters
    ("ipv6", "x = a ? b :: c", False, False),                     # '::' alone (Haskell, a typo)
    ("ipv6", "::", False, False),                                 # the unspecified address alone: no one's
    ("ipv6", "开会时间 12::30", False, False),                      # a time typed with a doubled colon
    ("ipv6", "09::05 - 10::45", False, False),                    # times again
    ("ipv6", r"C:\Windows\System32\drivers", False, False),      # a Windows path
    # and compressed addresses are addresses
    ("ipv6", "::1", True, False),                                 # loopback
    ("ipv6", "fe80::1%eth0", True, False),                        # link-local with a zone
    ("ipv6", "2001:db8::", True, False),                          # a prefix's network address
    ("ipv6", "[2001:db8::8a2e:370:7334]:443", True, False),       # in brackets with a port
    ("ipv6", "::ffff:10.0.0.1", True, False),                     # IPv4-mapped
    ("ipv6", "2001::1", True, False),                             # decimal-looking groups of an address
    ("ipv6", "1:2:3:4:5:6:7:8", True, False),                     # eight short groups, no '::': no time
    ("mac", "00:1a:2b:3c:4d:5e", True, False),
    ("mac", "001a.2b3c.4d5e", True, False),                       # Cisco notation
    ("mac", "ff:ff:ff:ff:ff:ff", False, False),                   # broadcast
    ("imei", "490154203237518", True, True),                      # reference vector (Luhn)
    ("imsi", "460001234567890", True, True),
    ("iccid", "8986001234567890120", None, False),                # computed below
    ("cn_licence_plate", "京A12345", True, False),
    ("cn_licence_plate", "粤B·D12345", True, False),               # new-energy, small car
    ("cn_licence_plate", "黑X-66258", True, False),                # Faker's style
    ("cn_licence_plate", "京东商城", False, False),
    ("vin", "1M8GDM9AXKP042788", True, False),                    # ISO 3779 example
    ("vin", "1M8GDM9A1KP042788", False, False),                   # check character wrong
    ("gps", "39.904211,116.407395", True, False),                 # Beijing, precise
    ("gps", "48.8566,2.3522", False, False),                      # Paris: outside China
    ("gps", "116.407395", True, True),                            # one coordinate in a lng column
    ("cn_address", "北京市朝阳区建国路88号院3号楼", True, False),
    ("cn_address", "北京市公安局", False, False),                   # an organisation, no street
    ("cn_person_name", "张三", True, True),
    ("cn_person_name", "欧阳娜娜", True, True),                     # compound surname
    ("cn_person_name", "阿卜杜·热合曼", True, True),                # minority name with a middle dot
    ("cn_person_name", "黄金", False, True),                        # a word, not a name
    ("cn_person_name", "张三", False, False),                       # names only with context
    ("cn_birth_date", "1990-05-17", True, True),
    ("cn_birth_date", "1990-02-30", False, True),
    ("cn_birth_date", "1990-05-17T00:00:00Z", True, True),          # RFC 3339 (mongoexport $date)
    ("cn_birth_date", "1990-05-17T08:30:00.123+08:00", True, True),  # fraction and offset
    ("cn_birth_date", "1990年1月", True, True),                      # 出生年月 (R15e-17)
    ("cn_birth_date", "1990.13", False, True),                       # no 13th month
    ("cn_age", "12岁", True, True),                                   # 年龄 (R15e-17)
    ("cn_age", "130", False, True),                                   # older than anyone
    ("cn_age", "12", False, False),                                   # ages only with context
    ("cn_address", "文三路19号6幢590室", True, True),                  # street part in a 详细地址 column
    ("cn_address", "文三路19号6幢590室", False, False),                # ... only with context
    ("cn_social_security_number", "HKG012345678", True, False),
    ("cn_social_security_number", "11010519491231002X", True, True),
    ("cn_medical_insurance_number", "YB12345678", True, True),
    ("cn_religion", "伊斯兰教", True, True),                        # a closed list, in a 宗教信仰 column
    ("cn_religion", "请教", False, True),                          # a word holding 教 is no religion
    ("cn_religion", "佛教", False, False),                         # only with context
    ("cn_health", "HIV阳性", True, True),
    ("cn_health", "健康状况", False, True),                        # the naming word itself (a header)
    ("cn_disability", "视力残疾", True, True),
    ("cn_criminal_record", "2019年盗窃罪判处有期徒刑一年", True, True),
    ("cn_whereabouts", "120.15,30.28 2024-01-01 08:00", True, True),
    ("cn_biometric", "data:image/jpeg;base64,/9j/4AAQ", True, True),
    # GB/T 35273 Annex B sensitive categories by their column (R15e-24)
    ("cn_genetic", "BRCA1突变阳性", True, True),                  # a gene test's result
    ("cn_genetic", "D3S1358: 15,16", True, True),                 # an STR genotype
    ("cn_genetic", "rs1801133", False, False),                     # only with context
    ("cn_property", "12500.00", True, True),                       # a deposit, an income: an amount
    ("cn_property", "12500.00", False, False),                     # ... only under such a name
    ("cn_credit_record", "逾期3次", True, True),
    ("cn_communication_record", "2024-03-02 10:15 13812345678 120秒", True, True),
    ("cn_sexual_orientation", "同性恋", True, True),
    ("cn_sexual_orientation", "男同事", False, True),              # a colleague, not an orientation
    ("cn_whereabouts", "2024-01-02 如家酒店(西湖店)", True, True),   # a lodging record
    # values already masked (R15d-25): their own tags, the raw recognizers find nothing in them
    ("masked_cn_resident_id", "110105********1234", True, False),      # govsoc's id_card rule
    ("masked_cn_resident_id", "110***********123X", True, False),      # first 3 + last 4 (Hutool)
    ("masked_cn_resident_id", "1****************2", True, False),      # first 1 + last 1 (godlp CHINAID)
    ("masked_cn_resident_id", "990105********1234", False, False),     # region 99 does not exist
    ("masked_cn_resident_id", "110105****1234", False, False),         # not 18 characters
    ("masked_cn_resident_id", "1101051990******1234", False, False),   # 20 characters: no ID
    ("masked_cn_mobile", "138****5678", True, False),                  # govsoc's mobile rule
    ("masked_cn_mobile", "手机138******78，", True, False),             # godlp offset 3, length 6
    ("masked_cn_mobile", "+86 138****5678", True, False),
    ("masked_cn_mobile", "120****5678", False, False),                 # 120 is no mobile segment
    ("masked_cn_mobile", "138****56789", False, False),                # 12 characters
    ("masked_cn_bank_card", "6228 **** **** 0018", True, False),       # govsoc's bank_card rule
    ("masked_cn_bank_card", "622848******0018", True, False),          # PCI first 6 + last 4
    ("masked_cn_bank_card", "6228********0018", True, False),
    ("masked_cn_bank_card", "1228 **** **** 0018", False, False),      # no issuer's first digit
    ("masked_cn_bank_card", "2024-****-0018", False, False),           # too short for a card
    ("masked_cn_person_name", "张*", True, True),                      # name rule 张* / 张**
    ("masked_cn_person_name", "王*明", True, True),                    # first and last kept
    ("masked_cn_person_name", "欧阳**", True, True),                   # compound surname
    ("masked_cn_person_name", "张*", False, False),                    # only in a column named for names
    ("masked_cn_person_name", "说明*", False, True),                   # 说 is no surname
    ("masked_cn_person_name", "张****", False, True),                  # four stars: no name's form
]


def _with_check(rec: str, value: str) -> str:
    """Complete rows whose check character is computed (marked None above)."""
    from govsoc.classification.checksums import luhn_ok, resident_id_check_char

    if rec == "cn_foreign_permanent_resident_id":
        return value[:17] + resident_id_check_char(value[:17])
    if rec == "iccid":
        return next(value[:-1] + d for d in "0123456789" if luhn_ok(value[:-1] + d))
    return value


@pytest.mark.parametrize("rec, value, found, context", CASES)
def test_case(rec: str, value: str, found: bool | None, context: bool) -> None:
    value = _with_check(rec, value)
    hits = SCANNER.scan(value, frozenset({rec}) if context else frozenset())
    ids = [m.recognizer for m in hits]
    assert (rec in ids) == (found is not False), (value, hits)


@pytest.mark.parametrize(("text", "address"), [
    ("::ffff:10.0.0.1", "::ffff:10.0.0.1"),  # the IPv4 part is the address's, not cut at '10'
    ("from ::ffff:192.168.1.20.", "::ffff:192.168.1.20"),  # a full stop after it ends it
    ("fe80::1%eth0", "fe80::1"),
])
def test_an_ipv6_hit_is_the_whole_address(text: str, address: str) -> None:
    (hit,) = [h for h in SCANNER.scan(text) if h.recognizer == "ipv6"]
    assert text[hit.start:hit.end] == address


def test_every_registered_recognizer_has_a_positive_row() -> None:
    positive = {rec for rec, _, found, _ in CASES if found is not False}
    assert set(recognizers.ids()) <= positive


@pytest.mark.parametrize("ident", recognizers.ids() or ["none"])
def test_recognizer_declares_what_grading_and_reports_need(ident: str) -> None:
    cls = recognizers.get(ident)
    assert cls.id == ident and cls.entity and cls.category
    assert cls.level in {"G1", "G2", "G3", "G4"} and cls.pi_class in {"none", "general", "sensitive"}
    assert cls.PATTERNS and re.compile(cls.TRIGGER)
    for pattern in cls.PATTERNS:
        assert r"\b" not in pattern.regex  # no \b next to Chinese text (reference §5)


def test_a_hit_says_where_what_and_why() -> None:
    (hit,) = SCANNER.scan("联系电话13812345678")
    assert (hit.recognizer, hit.start, hit.end, hit.masked) == ("cn_mobile", 4, 15, "138****5678")
    assert "segment 138" in hit.reason


def test_overlaps_keep_the_stricter_recognizer() -> None:
    # a Gansu ID number (62...) that also has a UnionPay prefix and passes Luhn is an ID number
    from govsoc.classification.checksums import luhn_ok, resident_id_check_char

    for seq in range(1000):
        body = f"620102199001{seq // 10:02d}{seq:03d}"[:17]
        number = body + resident_id_check_char(body)
        if "X" not in number and luhn_ok(number) and SCANNER.scan(number):
            assert [m.recognizer for m in SCANNER.scan(number)] == ["cn_resident_id"]
            return
    pytest.fail("no Luhn-passing Gansu ID number among 1000")


@given(st.text(max_size=60))
def test_any_text_gives_spans_inside_it(text: str) -> None:
    for m in SCANNER.scan(text, frozenset(recognizers.ids())):
        assert 0 <= m.start < m.end <= len(text) and m.masked and m.reason


def test_the_prefilter_loses_no_hit() -> None:
    """Scanner.scan (shapes, triggers) finds exactly what every pattern on the value finds."""
    from govsoc.classification.evaluation import labelled_values
    from govsoc.classification.scanner import _resolve

    def naive(value: str, context: frozenset[str]) -> list[object]:
        found = [m for r in SCANNER.recognizers.values() for m in r.find(value, context=r.id in context)]
        return list(_resolve(found, context)) if len(found) > 1 else list(found)

    for item in labelled_values(seed=3, per_type=25):
        context = frozenset({item.label}) if item.context and item.label else frozenset()
        for value in (item.value, f"备注 {item.value}。", f"x={item.value}&y=1"):
            assert SCANNER.scan(value, context) == naive(value, context), value
            assert [h for _, h in SCANNER.scan_many([value], context)] == ([naive(value, context)]
                                                                            if naive(value, context) else [])


def test_scan_many_in_chunks_finds_what_scan_finds_one_by_one() -> None:
    """The chunked gate (join, translate, str.find) against the one-by-one scan, over a mixed
    list longer than a chunk: positives, negatives, Chinese text, full-width digits, empties."""
    from govsoc.classification.evaluation import labelled_values
    from govsoc.classification.repeats import CHUNK

    values = [i.value for i in labelled_values(seed=4, per_type=20)]
    values += ["", "a", "１３８１２３４５６７８", "身份证１１０１０５１９４９１２３１００２Ｘ", "x\x1fy",
               "line\nbreak 13812345678"]
    values = (values * (CHUNK // len(values) + 2))[:CHUNK + 500]
    for ids in (None, ["cn_resident_id", "cn_mobile", "cn_bank_card", "email", "cn_uscc"]):
        scanner = Scanner(ids)
        expected = [(i, h) for i, v in enumerate(values) for h in [scanner.scan(v)] if h]
        assert list(scanner.scan_many(values)) == expected
        assert expected  # the list holds hits to find


def _id_born(yyyymmdd: str) -> str:
    body = "110105" + yyyymmdd + "123"
    return body + resident_id_check_char(body)


@pytest.mark.parametrize("born, found", [
    ("18000101", False),  # R15-4: 226 years old, taken as "real birth date" before
    ("18500615", False),  # mid-century
    ("18991231", False),  # the last day under the floor
    ("19000101", True),   # the floor itself: a real (if old) holder
    ("19491231", True),   # an ordinary one
])
def test_birth_years_before_1900_are_refused_alone_and_in_bulk(born: str, found: bool) -> None:
    """R15-4: GB 11643-1999 numbers were issued from 1999; no holder was born before ~1890. Both
    validate and the numpy validate_many refuse a birth year before 1900 (the pattern keeps
    18xx, so that no other 18-digit recognizer takes the number instead)."""
    number = _id_born(born)
    rec = ResidentIdRecognizer()
    assert (rec.validate(number) is not None) is found
    assert [w is not None for w in rec.validate_many([number] * 3)] == [found] * 3
    assert bool(Scanner().scan(number)) is found
