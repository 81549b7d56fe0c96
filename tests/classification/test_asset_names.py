"""Personal names inside host, system and agency names (classification.asset_names; review r18e
HIGH 1): masked where a person is named, left where the words are a place's or a system's own."""

from __future__ import annotations

import pytest

from govsoc.classification.asset_names import AssetKind, mask_asset_name


@pytest.mark.parametrize(("name", "kind", "shown"), [
    # a Chinese possessive, before a device or a system; a name inside a longer run before 的
    ("张三的电脑", "host", "张**的电脑"),
    ("财务处张伟的电脑", "host", "财务处张**的电脑"),
    ("李小明的测试系统", "system", "李**的测试系统"),
    # a Chinese name as one part of a host name, and after a separator in an agency's name
    ("PC-赵敏", "host", "PC-赵**"),
    ("市卫健委-王芳", "agency", "市卫健委-王**"),
    # pinyin beside a device word, in any case, glued to it, with a possessive 's
    ("zhangwei-laptop", "host", "z**-laptop"),
    ("DESKTOP-LIUYANG", "host", "DESKTOP-L**"),
    ("zhangsanpc", "host", "z**pc"),
    ("liming's-MacBook", "host", "l**'s-MacBook"),
    # a contact and a phone number written into an agency's name (classification.free_text)
    ("市大数据局（联系人：王芳 13812345678）", "agency", "市大数据局（联系人：王** 138****5678）"),
    # names of places and systems, a bracketed word, pinyin place names, machine names: unchanged
    ("李庄镇", "agency", "李庄镇"),
    ("周口市人民政府", "agency", "周口市人民政府"),
    ("一网通办<门户>", "system", "一网通办<门户>"),
    ("政务云统一身份认证系统", "system", "政务云统一身份认证系统"),
    ("shanghai-dc", "host", "shanghai-dc"),
    ("hebei-gov-01", "host", "hebei-gov-01"),
    ("DESKTOP-7F3K2LQ", "host", "DESKTOP-7F3K2LQ"),
    ("ubuntu-desktop", "host", "ubuntu-desktop"),
])
def test_asset_names(name: str, kind: AssetKind, shown: str) -> None:
    assert mask_asset_name(name, kind) == shown
