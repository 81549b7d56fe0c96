"""Rural and estate addresses under an address name (R15e-22; GB/T 35273 Annex A 个人基本资料: 住址):
a village, its 村民小组 and a number (张家村3组45号), an estate and a building (阳光花园3幢2单元1101室)
are addresses under 家庭住址/详细地址, never without such a name; and what is below the county of an
address with no division in it is not shown."""

from __future__ import annotations

import pytest

from govsoc.classification.columns import ColumnClassifier, ColumnSample
from govsoc.classification.masking import mask
from govsoc.classification.recognizers.location import AddressRecognizer

VILLAGES = ["张家村3组45号", "李家庄7组12号", "王家屯二组8号", "石桥村五组103号", "新民社区4组21号", "赵家寨12号"] * 10
ESTATES = ["幸福小区3幢2单元1101室", "阳光花园5栋1单元302室", "翠苑一区12幢3单元501室", "金色家园2号楼1单元201室",
           "香樟公寓8幢602室", "和平新村15幢2单元301室"] * 10


@pytest.mark.parametrize("field, values", [
    ("家庭住址", VILLAGES),     # a 农村低保 roster: 'none' before, not even suspected
    ("详细地址", ESTATES),      # the 阳光花园 / 金色家园 / 香樟公寓 half was missed (0.67 with 小区/区 only)
    ("现住址", VILLAGES[:30] + ESTATES[:30]),
])
def test_village_and_estate_addresses_under_an_address_name_are_addresses(field: str, values: list[str]) -> None:
    d = ColumnClassifier().decide(ColumnSample(dataset="t", field=field, values=values))
    assert (d.status, d.recognizer) == ("tagged", "cn_address"), d.reason
    assert d.hit_ratio == 1.0, d.reason


@pytest.mark.parametrize("field, values", [
    ("备注", VILLAGES),                                      # no address name: no context
    ("家庭住址", ["张家村", "李家庄", "石桥村"] * 20),        # a village alone is a place, not an address
    ("单位名称", ["阳光花园物业公司", "幸福小区居委会"] * 30),
])
def test_without_an_address_name_or_a_number_they_are_none(field: str, values: list[str]) -> None:
    d = ColumnClassifier().decide(ColumnSample(dataset="t", field=field, values=values))
    assert d.recognizer != "cn_address", d.reason


@pytest.mark.parametrize("value", ["张家村3组45号", "阳光花园3幢2单元1101室", "文三路19号6幢590室",
                                   "翠苑一区12幢3单元501室"])   # an estate's 一区 is no district (翠苑一区****)
def test_nothing_below_the_county_is_shown(value: str) -> None:
    # 阳光花园3幢 was shown 阳光****, 张家村3组 张家****: the estate's or the village's name
    hits = list(AddressRecognizer().find(value, context=True))
    assert hits and all(value[:2] not in m.masked for m in hits), hits
    assert value[:2] not in mask("address", value)
