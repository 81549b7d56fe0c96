"""A county, district or city named with its unit in a file name (issue 15 review R15g-25). 区 is a
surname: 柯城区低保.csv was shown as 柯**区**.csv (柯城 and 区低保 read as two names run together),
and 柯城区王小明低保申请.csv as 柯**区**明**申请.csv. A unit inside a run ends the place before it, so
a place with its unit (县, 区, 市 ...) is shown; a person's name after it is masked. A bare
two-character place that is also a person's name stays masked (高明, 马龙, 高平 are people too: the
reverted fix 2cd8b47 showed them)."""

from __future__ import annotations

import pytest

from govsoc.classification.identifier_names import mask_person_names

#: county-level names (GB/T 2260) that are also people's names: 17 of Zhejiang's, and 高明 (佛山),
#: 马龙 (曲靖), 高平 (晋城), 周宁 (宁德)
COUNTIES = ["柯城", "龙游", "常山", "金东", "兰溪", "武义", "浦江", "云和", "景宁", "龙泉", "玉环", "平湖", "安吉",
            "宁海", "奉化", "平阳", "文成", "高明", "马龙", "高平", "周宁"]


@pytest.mark.parametrize("county", COUNTIES)
@pytest.mark.parametrize("unit", ["县", "区", "市"])  # 区 is a surname: the unit that split the run
def test_a_place_with_its_unit_is_shown(county: str, unit: str) -> None:
    for tail in ("低保", "低保名册", "", "/花名册"):
        path = f"/data/{county}{unit}{tail}.csv"
        assert mask_person_names(path) == path


@pytest.mark.parametrize(("path", "shown"), [
    ("柯城区王小明低保申请.csv", "柯城区王**低保申请.csv"),  # was 柯**区**明**申请: the place shown, the name masked
    ("高明区王小明.csv", "高明区王**.csv"),  # a district that is a name, then a person
    ("万州区低保.csv", "万州区低保.csv"),  # 州 ends a place too: 区低保 after it is no name
    ("衢州市柯城区低保名册.csv", "衢州市柯城区低保名册.csv"),  # a city, then a district
    ("高明同志简历.csv", "高**同志简历.csv"),  # bare, before 同志: a person, not the district
    ("高平同志简历.csv", "高**同志简历.csv"),  # the same for the city 高平
    ("困难户马龙家庭成员.csv", "困难户马**家庭成员.csv"),  # bare, after a role word: a person, not the county
])
def test_a_person_beside_or_named_like_a_place_is_masked(path: str, shown: str) -> None:
    assert mask_person_names(f"/data/{path}") == f"/data/{shown}"


@pytest.mark.parametrize(("path", "shown"), [
    ("萧山王小明.csv", "萧山王**.csv"),  # a known place without its unit before a name shields it no more
    ("北京王小明档案.csv", "北京王**档案.csv"),  # the same with a document word after
    ("高新区管委会.csv", "高新区管委会.csv"),  # an office after a unit: 管 is a surname, 管委会 a word
    ("高新区文联.csv", "高新区文联.csv"),  # institutions' last characters end no given name
    ("城关镇文化馆.csv", "城关镇文化馆.csv"),  # likewise 馆
    ("龙游县边检站.csv", "龙游县边检站.csv"),  # likewise 站
    ("高新区公墓.csv", "高新区公墓.csv"),  # likewise 墓
    ("高新区居委会.csv", "高新区居委会.csv"),  # 居 is a surname, 居委会 a word
])
def test_what_follows_a_place_is_judged_as_a_name_or_a_word(path: str, shown: str) -> None:
    assert mask_person_names(f"/data/{path}") == f"/data/{shown}"
