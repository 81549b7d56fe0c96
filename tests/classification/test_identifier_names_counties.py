"""County and district names without their unit, as folders and keys of 各区县 data name them
(issue 15 review R15g-24). 龙游, 龙泉 -> 龙**; 平湖, 平阳 -> 平**; 柯城 -> 柯** (17 of Zhejiang's 89
county-level names): a folder per county was listed as indistinguishable 龙**/低保名册.csv lines,
statistics keyed by county as 柯**.户籍人口. The GB/T 2260 county- and prefecture-level names
without their unit (classification/place_names.txt) are places now, never a person's name."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from govsoc.classification.identifier_names import division_names, is_person_name, mask_person_names
from tests.classification.test_source_json import NUMBERS, _scan

#: the 17 Zhejiang county-level names the name rule took for people, and others of GB/T 2260
COUNTIES = ["柯城", "龙游", "常山", "金东", "兰溪", "武义", "浦江", "云和", "景宁", "龙泉", "玉环", "平湖", "安吉",
            "宁海", "奉化", "平阳", "文成",
            "甘孜",  # an autonomous prefecture (甘孜藏族自治州) without its unit and nationality
            "长阳",  # an autonomous county (长阳土家族自治县)
            "鄂温克"]  # an autonomous banner named after its nationality (鄂温克族自治旗)


@pytest.mark.parametrize("county", COUNTIES)
def test_a_county_name_without_its_unit_is_a_place(county: str) -> None:
    assert county in division_names() and not is_person_name(county)
    for path in (f"/data/{county}/低保名册.csv", f"/data/{county}.csv", f"低保.xlsx:{county}"):
        assert mask_person_names(path) == path


@pytest.mark.parametrize("name", ["王小明", "张伟", "黄伟芳", "欧阳娜娜"])
def test_a_person_in_a_county_folder_is_still_masked(name: str) -> None:
    assert mask_person_names(f"/data/龙游/{name}.csv") == f"/data/龙游/{name[0]}**.csv"


def test_folders_and_keys_named_by_county_are_told_apart(tmp_path: Path) -> None:
    for county in ("龙游", "龙泉", "平湖", "平阳"):
        (tmp_path / county).mkdir()
        (tmp_path / county / "低保名册.csv").write_text(
            "户主姓名,身份证号\n" + "".join(f"黄伟芳,{NUMBERS[i]}\n" for i in range(10)), encoding="utf-8")
    tables = [t.dataset for t in _scan(tmp_path).tables]
    assert sorted(t.split("/")[-2] for t in tables) == ["平湖", "平阳", "龙泉", "龙游"]
    (tmp_path / "by_county.json").write_text(json.dumps(
        {c: {"户籍人口": 1000 + i, "低保户数": 10 + i} for i, c in enumerate(COUNTIES)}, ensure_ascii=False),
        encoding="utf-8")
    fields = [f.field for t in _scan(tmp_path / "by_county.json").tables for f in t.fields]
    assert "柯城.户籍人口" in fields and "龙游.低保户数" in fields
    assert not [f for f in fields if "**" in f]
