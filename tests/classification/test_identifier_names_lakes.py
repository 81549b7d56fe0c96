"""Lakes and old towns in file names (issue 15, review R15k-11): a run ending in 湖, 泊 or 古城 was a
place whatever it was (71287bb), so a person whose given name ends so was shown in clear
(低保户刘镜湖.csv, 王小湖低保申请.csv, 李泊申请表.csv); a known lake or old town stays a place (R15i-8)."""

from __future__ import annotations

import pytest

from govsoc.classification.columns import ColumnClassifier
from govsoc.classification.shown_names import ShownNames


@pytest.fixture(scope="module")
def names() -> ShownNames:
    return ShownNames(ColumnClassifier())


@pytest.mark.parametrize(("name", "shown"), [
    ("低保户刘镜湖.csv", "低保户刘**.csv"),  # 镜湖, a given name, after a household role
    ("王小湖低保申请.csv", "王**低保申请.csv"),  # 小湖 before what the file is for
    ("李泊申请表.csv", "李**申请表.csv"),  # a one-character given name in 泊
    ("户主吴西湖.csv", "户主吴**.csv"),  # 西湖 is a place alone, not after the surname 吴
    ("申请人陈平湖.csv", "申请人陈**.csv"),  # 平湖 (a city too) as a given name after a role
    ("张古城档案.csv", "张**档案.csv"),  # 古城 as a given name before 档案
    ("王小湖.csv", "王**.csv"),  # a name alone, as 王五.csv is
    ("黄湖低保申请.csv", "黄**低保申请.csv"),  # 黄湖 is a small lake too: a name before 低保 comes first
])
def test_a_given_name_ending_as_a_lake_is_masked(names: ShownNames, name: str, shown: str) -> None:
    assert names.place(name) == shown


@pytest.mark.parametrize(("name", "shown"), [
    ("艾比湖.csv", "艾比湖.csv"),  # 艾 + 比湖 reads as a name: a known lake (71287bb's case)
    ("罗布泊.csv", "罗布泊.csv"),  # 罗 + 布泊: a known 泊
    ("洪泽湖渔民名单.csv", "洪泽湖渔民名单.csv"),  # 洪 + 泽湖: a known lake before a word
    ("丽江古城.csv", "丽江古城.csv"),  # 古城 after 丽江 (71287bb's case)
    ("古城街道.csv", "古城街道.csv"),  # 古城 opening a sub-district
    ("艾比湖王芳.csv", "艾比湖王**.csv"),  # a name after a lake is still masked
    ("丽江古城王小明档案.csv", "丽江古城王**档案.csv"),  # and after an old town
    ("鄱阳湖.csv", "鄱阳湖.csv"),  # a lake that opens with no surname: never a name
])
def test_a_known_lake_or_old_town_is_shown(names: ShownNames, name: str, shown: str) -> None:
    assert names.place(name) == shown
