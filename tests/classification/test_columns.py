"""Column decisions (reference §7): thresholds, column names and comments as context, the
ambiguous abbreviations, suspected columns, reasons and confidence."""

from __future__ import annotations

import pytest

from govsoc.classification.checksums import resident_id_check_char
from govsoc.classification.columns import ColumnClassifier, ColumnSample, name_tokens

CLASSIFIER = ColumnClassifier()


def ids(n: int) -> list[str]:
    bodies = [f"1101051990{(i % 12) + 1:02d}{(i % 28) + 1:02d}{i % 1000:03d}" for i in range(n)]
    return [b + resident_id_check_char(b) for b in bodies]


def decide(field: str, values: list[str], comment: str = "") -> tuple[str, str | None]:
    d = CLASSIFIER.decide(ColumnSample(dataset="t", field=field, comment=comment, values=values))
    return d.status, d.recognizer


def test_name_tokens_split_snake_camel_and_digits() -> None:
    tokens, joined = name_tokens("userIdCard2", "身份证号")
    assert {"user", "id", "card", "2"} <= tokens and "身份证号" in joined


@pytest.mark.parametrize("field, comment, values, expected", [
    # ID numbers at 100 %: tagged on the values alone, whatever the name
    ("c1", "", ids(50), ("tagged", "cn_resident_id")),
    # 8 % ID numbers, no name: under the 10 % threshold of checksum-backed recognizers
    ("notes", "", ids(4) + ["x"] * 46, ("none", None)),
    # ... the same 8 % in a column named sfzh: 2 % suffices when the name says so
    ("sfzh", "", ids(4) + ["x"] * 46, ("tagged", "cn_resident_id")),
    # names only with context: 姓名 comment
    ("f3", "姓名", ["张三", "李四", "王小明", "欧阳娜娜"] * 10, ("tagged", "cn_person_name")),
    # the same values without a name saying so: nothing (names need context)
    ("f3", "", ["张三", "李四", "王小明", "欧阳娜娜"] * 10, ("none", None)),
    # xm = 项目 with project names: the weak abbreviation never tags alone
    ("xm", "项目名称", ["智慧城市一期", "政务云迁移", "数据中台建设"] * 10, ("none", None)),
    # a column named for ID numbers holding hashes: suspected (pseudonymised), for review
    ("sfzh", "", ["5f4dcc3b5aa765d61d8327deb882cf99"] * 20, ("suspected", "cn_resident_id")),
    # address_id is about addresses, not an address
    ("address_id", "", [str(i) for i in range(40)], ("none", None)),
    # a remark column with a few phone numbers: under the 30 % shape-only threshold
    ("remark", "备注", ["已处理"] * 45 + ["请回电13812345678"] * 5, ("none", None)),
    # mobiles at 40 % under a phone name
    ("lxdh", "联系电话", ["13812345678"] * 20 + ["无"] * 30, ("tagged", "cn_mobile")),
])
def test_decision(field: str, comment: str, values: list[str], expected: tuple[str, str | None]) -> None:
    assert decide(field, values, comment) == expected


def test_a_decision_explains_itself_with_masked_examples() -> None:
    d = CLASSIFIER.decide(ColumnSample(dataset="people", field="sfzh", values=ids(30) + [""] * 5))
    assert d.sampled == 30 and d.hits == 30 and d.hit_ratio == 1.0
    assert "30 of 30" in d.reason and "sfzh" in d.reason and 0.9 < d.confidence <= 1.0
    assert d.masked_examples and all("********" in e for e in d.masked_examples)
    assert not any(v in e for v in ids(30) for e in d.masked_examples)


def test_checksum_beats_shape_and_keeps_runners_up() -> None:
    # ID numbers and e-mail in one column: the checksum-backed type wins, e-mail is a runner-up
    values = ids(20) + [f"u{i}@example.com" for i in range(15)]
    d = CLASSIFIER.decide(ColumnSample(dataset="t", field="contact", values=values))
    assert d.recognizer == "cn_resident_id" and [r for r, _ in d.runners_up] == ["email"]


@pytest.mark.parametrize("names, expected", [
    (("id_card",), "strong"),       # id as the first token is part of the name, not a suffix
    (("id_no",), "strong"),
    (("user_id_card",), "strong"),
    (("address_id",), None),        # the id of an address row
    (("phone_type",), None),        # what kind of phone, not a phone number
])
def test_name_context_suffixes(names: tuple[str, ...], expected: str | None) -> None:
    named = CLASSIFIER.name_context(*names)
    ident = "cn_address" if "address" in names[0] else "cn_mobile" if "phone" in names[0] else "cn_resident_id"
    assert named.get(ident) == expected
