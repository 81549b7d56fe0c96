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
