"""Masking rules (shared/reference/classification.md §8): what each shows, and that no rule tells
the length of what it hides."""

from __future__ import annotations

import sys
from types import FrameType

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from govsoc.classification.masking import MASK_RULES, mask, mask_account, mask_many


@pytest.mark.parametrize("rule, value, shown", [
    ("id_card", "11010519491231002X", "110105********002X"),   # the 110101********1234 style
    ("id_card", "110105491231002", "110105******002"),         # 15-digit legacy form hides the birth date too
    ("mobile", "13812345678", "138****5678"),                  # the example
    ("mobile", "+86 138-1234-5678", "138****5678"),            # country code and separators do not shift it
    ("mobile", "0086 138 1234 5678", "138****5678"),           # 0086 as dialled from abroad (was '***')
    ("id_card", "110105 19491231 002X", "110105********002X"),  # 6-8-4 groups: the digits, not the spaces
    ("landline", "0571-88123434", "0571****34"),               # 4-digit area code kept
    ("landline", "010-62345678", "010****78"),                 # 3-digit area code kept
    ("bank_card", "6222021234567890128", "6222 **** **** 0128"),
    ("name", "张三", "张**"),                                   # two and three characters look alike
    ("name", "张三丰", "张**"),
    ("address", "北京市朝阳区建国路88号院3号楼", "北京市朝阳区****"),  # down to the district
    ("email", "dave@126.com", "d***@126.com"),
    ("email", "a@b.cn", "***@b.cn"),                           # R15at-13: a one-character user is all of it
    ("email", "ab@b.cn", "***@b.cn"),                          # RRR15aw-6: two characters, the first is half (was a***)
    ("email", "a\u0301@x.cn", "***@x.cn"),                     # RRR15aw-6: á decomposed (NFD) is one character
    ("email", "a\u0301b\u0301@x.cn", "***@x.cn"),              # two decomposed: four code points, two characters
    ("email", "\u200ba@x.cn", "***@x.cn"),                     # a zero-width space adds no character
    ("email", "abc@b.cn", "a***@b.cn"),                        # three: the first is shown
    ("email", "a\u0301bc@x.cn", "a***@x.cn"),                  # three, the first decomposed: its letter alone
    ("plate", "苏D12340", "苏D1***0"),
    ("ipv4", "10.2.3.4", "10.2.3.*"),
    ("mac", "00:1a:2b:3c:4d:5e", "00:1A:2B:**:**:**"),
    ("gps", "39.904211,116.407395", "39.90,116.41"),           # about 1 km
    ("date", "1990-05-17", "1990-**-**"),
    ("public", "91350100M000100Y43", "91350100M000100Y43"),    # public register codes stay readable
    ("nonexistent", "secret", "***"),                          # an unknown rule hides everything
])
def test_rule_shows_what_the_reference_says(rule: str, value: str, shown: str) -> None:
    assert mask(rule, value) == shown


def test_accounts_do_not_reveal_their_length() -> None:
    # the issue: `root` used to show as `r***`, four characters, its length
    assert mask_account("root") == "r***"
    assert len({len(mask_account(n)) for n in ("ab", "root", "administrator")}) == 1
    assert mask_account("a") == "***"


@pytest.mark.parametrize("rule", sorted(set(MASK_RULES) - {"public"}))
def test_no_rule_gives_away_a_short_value(rule: str) -> None:
    for value in ("", "a", "7", "张"):  # a one-character value: any character kept would be all of it
        assert mask(rule, value) == "***"


@pytest.mark.parametrize("rule, short, long", [
    ("name", "王五", "欧阳娜娜"), ("bank_card", "6222021234567890", "6222021234567890128"),
    ("document", "E1234567", "E12345678"), ("plate", "京A12345", "京AD12345"), ("account", "ab", "abcdefgh"),
])
def test_masked_length_is_fixed(rule: str, short: str, long: str) -> None:
    assert len(mask(rule, short)) == len(mask(rule, long))


#: Pieces of the texts mask_many is given: the forms its bulk paths take (digits of the usual
#: lengths, a user and a domain) and what sends it back to one rule call a text.
_PIECES = st.sampled_from(["1", "38", "0", "9", "X", "x", "@", "a", ".", "com", " ", "-", "+86", "\uff11", "\u4e2d",
                           "13812345678", "11010519491231002X", "110105491231002", "6222021234567890128"])


@settings(max_examples=300, deadline=None)
@given(rule=st.sampled_from(sorted(MASK_RULES) + ["no_such_rule"]),
       texts=st.lists(st.lists(_PIECES, max_size=4).map("".join), max_size=6),
       same=st.booleans())
def test_mask_many_masks_each_text_as_mask_does(rule: str, texts: list[str], same: bool) -> None:
    """The bulk rules (ID numbers, mobiles, cards, e-mail, public codes) give what the rule gives
    each text; a batch of one form (``same``: one text repeated) takes the bulk path."""
    batch = texts[:1] * 5 if same else texts
    assert mask_many(rule, batch) == [mask(rule, text) for text in batch]


@pytest.mark.parametrize("texts", [
    ["a\u0301@x.cn", "ab@b.cn", "dave@126.com"],  # RRR15aw-6: one decomposed, two, and four characters
    ["a\u0301b\u0301@x.cn", "测试@x.cn", "测试员@x.cn"],
])
def test_mask_many_hides_short_email_users_as_mask_does(texts: list[str]) -> None:
    assert mask_many("email", texts) == [mask("email", text) for text in texts]
    assert [shown.split("@")[0] for shown in mask_many("email", texts)][:2] == ["***", "***"]


@pytest.mark.parametrize("rule, texts", [
    ("id_card", ["11010519491231002X", "110105194912310027"]),  # 18 characters, X or digit last
    ("id_card", ["110105491231002"] * 3),                        # the 15-digit form
    ("mobile", ["13812345678", "19912345678"]),
    ("bank_card", ["6222021234567890128", "6222021234567"]),      # 19 and 13 digits
    ("email", ["dave@126.com", "a.b@c.d.cn"]),
    ("email", ["a@b.cn", "dave@126.com"]),                       # R15at-13: a one-character user in the batch
    ("public", ["91350100M000100Y43"]),
])
def test_mask_many_calls_no_rule_for_texts_of_the_common_form(rule: str, texts: list[str]) -> None:
    """A batch of the form the bulk rule takes runs no Python function a text (counted by a
    profile hook: the old per-text path called the rule, and _digits, once a text)."""
    calls: list[str] = []

    def count(frame: FrameType, event: str, _: object) -> None:
        if event == "call":
            calls.append(frame.f_code.co_name)

    batch = texts * 50
    sys.setprofile(count)
    try:
        shown = mask_many(rule, batch)
    finally:
        sys.setprofile(None)
    assert shown == [mask(rule, text) for text in batch]
    assert len(calls) <= 8, calls[:10]


def test_mask_many_asks_a_rule_put_in_place_of_a_built_in_one(monkeypatch: pytest.MonkeyPatch) -> None:
    """A rule replaced in MASK_RULES (a deployment's own display rule) is what mask_many uses,
    as mask does; the bulk form stands only for the built-in rule."""
    monkeypatch.setitem(MASK_RULES, "mobile", lambda text: "hidden")
    assert mask_many("mobile", ["13812345678"] * 3) == ["hidden"] * 3 == [mask("mobile", "13812345678")] * 3


@pytest.mark.parametrize("address, shown", [
    # R15-12: a later word ending in 市 or 区 is no division: the street and the name stay hidden
    ("广州市天河区天河路王五超市旁", "广州市天河区****"),
    ("上海市浦东新区张江镇李四家属区3号楼", "上海市浦东新区****"),
    ("北京市朝阳区王小明家住宅区5栋", "北京市朝阳区****"),
    ("广州市王五超市旁", "广州市****"),                      # no district: the city only
    ("广州市天河路李区5号", "广州市****"),                    # a street is no district's name
    ("杭州市红旗路5号", "杭州市****"),                        # 红旗 is no banner
    # the three levels, each once, whatever their suffix
    ("浙江省杭州市西湖区文三路1号", "浙江省杭州市西湖区****"),
    ("江苏省苏州市昆山市玉山镇1号", "江苏省苏州市昆山市****"),  # a county-level city
    ("内蒙古自治区鄂尔多斯市达拉特旗树林召镇", "内蒙古自治区鄂尔多斯市达拉特旗****"),
    ("新疆维吾尔自治区伊犁哈萨克自治州察布查尔锡伯自治县X路", "新疆维吾尔自治区伊犁哈萨克自治州察布查尔锡伯自治县****"),
    ("湖北省神农架林区松柏镇", "湖北省神农架林区****"),
    ("大兴安岭地区加格达奇区1号", "大兴安岭地区加格达奇区****"),
    # division names holding a street-level character, or a denied one, are still divisions
    ("江苏省南京市鼓楼区中山路1号", "江苏省南京市鼓楼区****"),
    ("黑龙江省哈尔滨市道里区1号", "黑龙江省哈尔滨市道里区****"),
    ("浙江省台州市路桥区1号", "浙江省台州市路桥区****"),
    ("江苏省镇江市京口区1号", "江苏省镇江市京口区****"),
    ("山东省东营市东营区1号", "山东省东营市东营区****"),
    ("四川省攀枝花市东区1号", "四川省攀枝花市东区****"),
])
def test_the_address_rule_shows_the_divisions_only(address: str, shown: str) -> None:
    assert mask("address", address) == shown


_PROVINCES = ("浙江省", "广东省", "黑龙江省", "内蒙古自治区", "广西壮族自治区", "新疆维吾尔自治区")
_CITIES = ("杭州市", "广州市", "哈尔滨市", "呼和浩特市", "镇江市", "攀枝花市", "伊犁哈萨克自治州", "大兴安岭地区",
           "锡林郭勒盟")
_COUNTIES = ("西湖区", "天河区", "鼓楼区", "道里区", "路桥区", "昆山市", "浦东新区", "单县", "乡宁县", "达拉特旗",
             "察布查尔锡伯自治县", "神农架林区", "东营区")
#: Characters of street and person names (none a level or a unit character).
_NAME_CHARS = st.text(alphabet="天河中山人民解放文三建国王五李四张小明家幸福和平东西南北新华长安光明",
                      min_size=1, max_size=4)
#: The street-level token that ends what may be shown, and what follows it: words ending in 市 and
#: 区 that are no division, numbers, names.
_STREET_UNITS = st.sampled_from(["路", "街", "巷", "弄", "大道", "镇", "乡", "街道", "村"])
_TAIL = st.lists(st.sampled_from(["超市", "菜市", "门市部", "家属区", "住宅区", "工业区", "校区", "小区", "市", "区",
                                  "县", "旗", "88号", "3号楼", "5栋", "王五", "李四家", "旁", "对面"]), min_size=1,
                 max_size=5).map("".join)


@settings(max_examples=400, deadline=None)
@given(province=st.one_of(st.just(""), st.sampled_from(_PROVINCES)), city=st.sampled_from(_CITIES),
       municipality=st.sampled_from(("", "", "北京市", "上海市")),
       county=st.one_of(st.just(""), st.sampled_from(_COUNTIES)), street=_NAME_CHARS, unit=_STREET_UNITS,
       tail=_TAIL)
def test_nothing_after_the_first_street_level_token_is_shown(province: str, city: str, municipality: str,
                                                             county: str, street: str, unit: str, tail: str) -> None:
    divisions = (municipality or province + city) + county
    assert mask("address", divisions + street + unit + tail) == divisions + "****"


@pytest.mark.parametrize("value, shown", [
    # R15at-5: the seconds (or the minutes' decimals) go, degrees and whole minutes (about 1.8 km) stay,
    # as coordinate_forms shows them in free text; before, the gps rule rounded the seconds to 2 decimals
    ("30°16'27\"N 120°9'12\"E", "30°16'**\"N 120°9'**\"E"),
    ("28°40'48.4\"N 121°50'57.0\"E", "28°40'**\"N 121°50'**\"E"),
    ("北纬30度16分27秒", "北纬30度16分**秒"),
    ("30°16.4450'N", "30°16**'N"),
    ("北纬28.6801 东经121.8492", "北纬28.68 东经121.85"),
])
def test_gps_rule_hides_seconds_of_degrees_minutes_forms(value: str, shown: str) -> None:
    assert mask("gps", value) == shown
