"""PIPL art. 28 categories named by their column (R15d-3; recognizers/sensitive.py): the name and
values that fit tag the column sensitive, the name alone makes it suspected, values alone nothing."""

from __future__ import annotations

import pytest

from govsoc.classification.columns import ColumnClassifier, ColumnSample
from govsoc.classification.grading import PIPL_SENSITIVE, grade_column, load_scheme
from govsoc.classification.inventory import build_inventory
from govsoc.classification.scanner import Scanner
from govsoc.classification.sources.base import TableSample

CLASSIFIER = ColumnClassifier()
SCHEME = load_scheme("gbt43697")
RELIGIONS = ["佛教", "伊斯兰教", "基督教", "道教", "天主教"] * 8
HEALTH = ["高血压", "HIV阳性", "精神分裂症", "糖尿病", "健康"] * 8
DISABILITY = ["视力残疾", "肢体残疾", "听力残疾", "智力残疾"] * 10
CRIMES = ["2019年盗窃罪判处有期徒刑一年", "2015年诈骗罪缓刑二年", "行政拘留十日"] * 12
TRACKS = ["120.15,30.28 2024-01-01 08:00;120.16,30.29 2024-01-01 09:00", "2024-03-02 10:15 西湖区文三路"] * 20
FACES = ["data:image/jpeg;base64,/9j/4AAQSkZJRgABAQAAAQABAAD", "photos/face_0001.jpg"] * 20
#: 病案首页 主要诊断/其他诊断 values (R15e-16): b_bingan.csv of the finding
DIAGNOSES = ["高血压", "2型糖尿病", "HIV阳性", "抑郁症", "乙肝病毒携带", "冠心病"] * 10
OTHER_DIAGNOSES = ["肺结核", "精神分裂症", "脑梗死", "支气管哮喘"] * 10


def decide(field: str, values: list[str]) -> tuple[str, str | None, str]:
    d = CLASSIFIER.decide(ColumnSample(dataset="t", field=field, values=values))
    grade = grade_column(d, SCHEME)
    return d.status, grade.category if grade else None, d.reason


@pytest.mark.parametrize("field, values, category", [
    ("宗教信仰", RELIGIONS, "宗教信仰"),     # the file of the finding (art28.csv)
    ("zjxy", RELIGIONS, "宗教信仰"),         # pinyin initials, as db1.sqlite names it
    ("健康状况", HEALTH, "医疗健康"),
    ("jkzk", HEALTH, "医疗健康"),
    ("既往病史", ["I10", "E11.9", "J45"] * 10, "医疗健康"),  # ICD-10 codes under a history name
    ("残疾类别", DISABILITY, "特定身份"),
    ("犯罪记录", CRIMES, "特定身份"),         # GB/T 35273 Annex B 未公开的违法犯罪记录
    ("行踪轨迹", TRACKS, "行踪轨迹"),
    ("人脸照片", FACES, "生物识别"),
    # R15e-16: 诊断 in the name, as the 病案首页 names its columns, and diagnoses as values
    ("主要诊断", DIAGNOSES, "医疗健康"),
    ("其他诊断", OTHER_DIAGNOSES, "医疗健康"),   # diagnoses without 病/症/炎: 肺结核, 脑梗死, 哮喘
    ("出院诊断", ["诊断为抑郁症", "初步诊断：肺结核"] * 15, "医疗健康"),  # the word 诊断 inside a value
    ("既往病史", ["肺结核", "脑梗死", "支气管哮喘"] * 10, "医疗健康"),  # the vocabulary alone was short of them
    ("诊断编码", ["I10", "E11.9", "B24", "F32.9", "F20.0"] * 8, "医疗健康"),  # ICD-10 under 诊断
    ("jbmc", DIAGNOSES, "医疗健康"),          # 疾病名称 in pinyin initials
    ("icd10", ["I10", "E11.9", "B24", "F20.0"] * 10, "医疗健康"),
])
def test_a_named_category_with_values_that_fit_is_tagged_sensitive(field: str, values: list[str],
                                                                   category: str) -> None:
    status, got, _ = decide(field, values)
    assert (status, got) == ("tagged", category) and category in PIPL_SENSITIVE
    d = CLASSIFIER.decide(ColumnSample(dataset="t", field=field, values=values))
    grade = grade_column(d, SCHEME)
    assert grade is not None and grade.pipl_sensitive and grade.level == "G4"


@pytest.mark.parametrize("field, values, category", [
    ("宗教信仰", ["01", "02", "03", "99"] * 10, "宗教信仰"),  # coded (GB/T 2261-style codes): no words
    ("健康状况", ["A", "B", "C"] * 10, "医疗健康"),
    ("犯罪记录", ["无"] * 30 + ["有"] * 10, "特定身份"),
])
def test_the_name_alone_makes_the_column_suspected_saying_values_need_no_shape(field: str, values: list[str],
                                                                               category: str) -> None:
    status, got, reason = decide(field, values)
    assert (status, got) == ("suspected", category)
    assert "PIPL art. 28" in reason and "need no shape" in reason


@pytest.mark.parametrize("field, values", [
    ("备注", RELIGIONS),           # religions without a name saying so: no context, nothing
    ("note", HEALTH),               # illness words under an unrelated name
    ("status", DISABILITY),
    ("产品图片", FACES),            # an image is no face without a biometric name
    ("教育程度", ["本科", "大专"] * 20),  # 教育: no 宗教 in the name
    ("故障诊断", ["正常", "端口down", "CPU过高"] * 10),   # an IT asset's fault diagnosis, not a person's
    ("设备诊断", ["良好", "一般", "较差"] * 10),          # a device's state in health words (R15e-16)
    ("网络诊断", ["良好", "一般"] * 15),
    ("入院诊断日期", ["2024-01-02", "2024-03-05"] * 15),  # the date of a diagnosis is no diagnosis
    ("操作轨迹", ["登录", "查询", "导出"] * 10),           # an audit trail of operations
    ("行程单号", [f"XC2024{i:06d}" for i in range(30)]),  # an itinerary's number
])
def test_values_without_a_naming_column_are_nothing(field: str, values: list[str]) -> None:
    assert decide(field, values)[0] == "none"


@pytest.mark.parametrize("header", ["宗教信仰", "健康状况", "犯罪记录", "残疾类别", "行踪轨迹", "人脸照片", "疾病诊断",
                                    "主要诊断"])
def test_a_naming_word_is_no_value(header: str) -> None:
    # a header cell holding a value is read as data (sources.files._has_value): the art28.csv
    # header was taken for a record while 健康状况 matched its own category's vocabulary
    assert Scanner().scan(header) == []


def test_a_case_table_of_names_and_diagnoses_is_sensitive_and_4() -> None:
    # b_bingan.csv of R15e-16: 病案号, 姓名, 性别, 主要诊断, 其他诊断 was 一般数据（2级）, only 姓名 tagged
    names = ["黄伟芳", "杨丽平", "陈刚", "赵秀刚", "王秀英", "李娜"] * 10
    columns = (ColumnSample(dataset="d", field="病案号", values=[f"BA{i:06d}" for i in range(60)], rows=60),
               ColumnSample(dataset="d", field="姓名", values=names, rows=60),
               ColumnSample(dataset="d", field="主要诊断", values=DIAGNOSES, rows=60),
               ColumnSample(dataset="d", field="其他诊断", values=OTHER_DIAGNOSES[:38], rows=60))
    inventory = build_inventory([TableSample(dataset="d", table="b_bingan.csv", columns=columns, rows=60)],
                                source="d", scheme=SCHEME, sample_size=1000)
    table = inventory.tables[0]
    sensitive = {f.field for f in table.fields if f.status == "tagged" and f.pipl_sensitive}
    assert table.level == "G4" and sensitive == {"主要诊断", "其他诊断"}, (table.level, table.basis, sensitive)
