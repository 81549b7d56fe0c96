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


@pytest.mark.parametrize("field, values, category", [
    # GB/T 35273 Annex B sensitive PI with typical values under its usual names (R15e-24): all 'none' before
    ("存款余额", ["12500.00", "8000", "35万元"] * 10, "金融账户"),    # 个人财产: deposits (TC260: 存款信息)
    ("账户余额", ["¥8,000", "1,250.50"] * 15, "金融账户"),
    ("月收入", ["6200元", "8000"] * 15, "金融账户"),                  # reference §5.3 收入 G4
    ("工资", ["6200.50", "7800"] * 15, "金融账户"),
    ("房产价值", ["1,250,000", "980000"] * 15, "金融账户"),          # TC260: 房产信息
    ("征信", ["正常", "逾期3次", "关注类"] * 10, "金融账户"),          # 征信信息, 信贷记录
    ("信用记录", ["良好", "不良"] * 15, "金融账户"),
    ("通话记录", ["2024-03-02 10:15 13812345678 120秒"] * 30, "通信记录"),   # Annex B 通信记录
    ("上网记录", ["https://www.example.com/a?id=1"] * 30, "通信记录"),      # Annex B 网页浏览记录
    ("住宿记录", ["2024-01-02 如家酒店(西湖店)"] * 30, "行踪轨迹"),          # Annex A 住宿信息
    ("开房记录", ["汉庭酒店 2024-01-02"] * 30, "行踪轨迹"),
    ("性取向", ["异性恋", "同性恋", "双性恋"] * 10, "性取向"),              # Annex B 其他
    ("基因检测结果", ["BRCA1突变阳性", "未检出致病变异"] * 15, "生物识别"),  # Annex A 生物识别: 基因
    ("DNA", ["D3S1358: 15,16", "TH01: 6,9.3"] * 15, "生物识别"),
])
def test_annex_b_categories_with_values_that_fit_are_sensitive(field: str, values: list[str], category: str) -> None:
    d = CLASSIFIER.decide(ColumnSample(dataset="t", field=field, values=values))
    grade = grade_column(d, SCHEME)
    assert d.status == "tagged" and grade is not None, d.reason
    assert (grade.category, grade.pipl_sensitive, grade.level) == (category, True, "G4")


@pytest.mark.parametrize("field, values", [
    # a biometric or religious word before a device or a place names the thing (R15e-24): b_assets.csv was 4级
    ("人脸识别设备编号", [f"FR-{i:04d}" for i in range(30)]),
    ("指纹锁型号", ["ZW-X3", "ZW-X2"] * 15),
    ("人脸识别门禁型号", ["DS-K1T671", "DS-K1T341"] * 15),
    ("虹膜采集器", ["IR-100"] * 30),
    ("宗教活动场所", ["灵隐寺", "西湖天主堂"] * 15),   # a register of temples: no one's belief
    ("宗教场所名称", ["灵隐寺"] * 30),
    ("宗教团体", ["市佛教协会"] * 30),
    # a government's or a company's revenue is no one's income
    ("财政收入", ["12500.00"] * 30),
    ("营业收入", ["1200"] * 30),
])
def test_a_device_a_place_or_a_revenue_is_no_sensitive_category(field: str, values: list[str]) -> None:
    d = CLASSIFIER.decide(ColumnSample(dataset="t", field=field, values=values))
    assert d.status == "none", d.reason


def test_a_device_list_with_no_person_stays_low() -> None:
    # b_assets.csv of R15e-24: 设备台账 of face readers and fingerprint locks, 4级 "pending review" before
    columns = (ColumnSample(dataset="d", field="序号", values=[str(i) for i in range(60)], rows=60),
               ColumnSample(dataset="d", field="人脸识别设备编号", values=[f"FR-{i:04d}" for i in range(60)], rows=60),
               ColumnSample(dataset="d", field="安装位置", values=["1号楼大厅", "2号楼东门"] * 30, rows=60),
               ColumnSample(dataset="d", field="指纹锁型号", values=["ZW-X3", "ZW-X2"] * 30, rows=60),
               ColumnSample(dataset="d", field="IP地址", values=[f"10.0.5.{i}" for i in range(60)], rows=60))
    inventory = build_inventory([TableSample(dataset="d", table="b_assets.csv", columns=columns, rows=60)],
                                source="d", scheme=SCHEME, sample_size=1000)
    table = inventory.tables[0]
    assert table.level == "G2" and "pending review" not in table.basis, (table.level, table.basis)
