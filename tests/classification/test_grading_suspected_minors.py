"""Grading: a suspected identity-document column counts its holders under 14 (RRR15bs-2). ID numbers
whose check characters fail are suspected, not tagged (lone_checks), but the date of birth their shape
carries (a province's region code, a real calendar date: GB 11643-1999 §4) says a child holds them;
GB/T 43697-2024 就高从严 counts what a column is suspected of until someone reviews it, so the table
is a children's table pending review (PIPL art. 28: all PI of a child under 14 is sensitive)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from govsoc.classification.checksums import resident_id_check_char
from govsoc.classification.column_sample import ColumnSample
from govsoc.classification.columns import ColumnClassifier, ColumnDecision
from govsoc.classification.grading import Scheme, grade_table, load_scheme
from govsoc.classification.inventory import build_inventory
from govsoc.classification.lone_checks import minors_by_birth_date
from govsoc.classification.recognizers.identity import ResidentIdRecognizer
from govsoc.classification.sources import open_source

NAMES = ["张伟", "李娜", "王芳", "刘洋", "陈静", "杨磊", "赵敏", "黄强"]


def _wrong_check(body: str) -> str:
    """``body`` (17 digits) with a check character other than its GB 11643 MOD 11-2 one."""
    right = resident_id_check_char(body)
    return body + ("0" if right != "0" else "1")


def _ids(year: int, region: str = "110105") -> list[str]:
    return [_wrong_check(f"{region}{year}{i % 12 + 1:02d}{i % 28 + 1:02d}{i % 1000:03d}") for i in range(40)]


def _local3(tmp_path: Path) -> Scheme:
    """A local scheme grading bank cards 三级 (GB/T 43697 lets a sector or region set its own levels)."""
    path = tmp_path / "local3.yaml"
    path.write_text("name: local3\ntitle: 某地\nlabels: {CORE: 核心, IMPORTANT: 重要, G4: 四级, G3: 三级, G2: 二级, "
                    "G1: 一级}\noverrides:\n  cn_bank_card: {level: G3}\n", encoding="utf-8")
    return load_scheme(str(path))


@pytest.mark.parametrize("ids, minors", [
    # pupils born eight years ago, every check character wrong: all 40 are under 14 by their birth date
    (_ids(date.today().year - 8), 40),
    # adults born 1975: the same shape, no child among them
    (_ids(1975), 0),
    # region 99 is no province's (GB/T 2260): the date in it is no holder's date of birth
    (_ids(date.today().year - 8, region="990105"), 0),
    # month 13 is no calendar date: nothing says who holds it
    ([_wrong_check(f"110105{date.today().year - 8}13{i % 28 + 1:02d}{i:03d}") for i in range(40)], 0),
])
def test_a_suspected_id_column_counts_its_holders_under_14_by_the_birth_date(ids: list[str], minors: int) -> None:
    decision = ColumnClassifier().decide(ColumnSample(dataset="t", field="身份证号", values=ids))
    assert decision.status == "suspected" and decision.recognizer == "cn_resident_id", decision
    assert decision.minors == minors, decision


def _decision(field: str, recognizer: str, status: str = "tagged", minors: int = 0) -> ColumnDecision:
    return ColumnDecision(dataset="t", field=field, comment="", status=status,  # type: ignore[arg-type]
                          recognizer=recognizer, entity="", confidence=1.0, reason="", sampled=40, hits=40,
                          hit_ratio=1.0, name_match="strong", minors=minors)


@pytest.mark.parametrize("scheme_name", ["gbt43697", "local3"])
def test_the_pending_review_level_carries_the_suspected_columns_minors(tmp_path: Path, scheme_name: str) -> None:
    # kids_badcheck.csv of R15bs: 学生姓名, a suspected 身份证号 of children, a bank card. Under local3 the
    # card is 三级 and the table read 三级 with no minors; under gbt43697 it read 4级 by the card alone,
    # naming no minors either: both an adults' table
    scheme = _local3(tmp_path) if scheme_name == "local3" else load_scheme(scheme_name)
    decisions = [_decision("学生姓名", "cn_person_name"), _decision("身份证号", "cn_resident_id", "suspected", 40),
                 _decision("银行卡号", "cn_bank_card")]
    table = grade_table("t", decisions, scheme)
    assert table.level == "G4" and table.minors_fields == ("身份证号",), table
    assert "pending review" in table.basis and "holders under 14 in 身份证号" in table.basis, table.basis
    # every PI field beside a child's data is sensitive (PIPL art. 28), the suspected one with them
    assert set(table.sensitive_pi_fields) == {"学生姓名", "身份证号", "银行卡号"}, table.sensitive_pi_fields


@pytest.mark.parametrize("scheme_name", ["gbt43697", "local3"])
def test_a_childrens_roster_with_failing_check_characters_reads_as_one(tmp_path: Path, scheme_name: str) -> None:
    scheme = _local3(tmp_path) if scheme_name == "local3" else load_scheme(scheme_name)
    ids = _ids(date.today().year - 9)
    path = tmp_path / "kids_badcheck.csv"
    path.write_text("学生姓名,身份证号,银行卡号\n" + "".join(f"{NAMES[i % 8]},{ids[i]},6222021234567890128\n"
                                                      for i in range(40)), encoding="utf-8")
    source = open_source(str(path))
    table = build_inventory(source.tables(), source=source.name, scheme=scheme, sample_size=1000).tables[0]
    fields = {f.field: f for f in table.fields}
    assert fields["身份证号"].status == "suspected" and "under 14" in fields["身份证号"].grade_basis
    assert table.level == "G4" and "pending review" in table.basis, table.basis
    # the pupils' names are a child's PI: sensitive, 4级 (they read 2级, an adult's name)
    assert fields["学生姓名"].level == "G4" and fields["学生姓名"].pipl_sensitive, fields["学生姓名"]


def test_a_table_whose_valid_id_column_holds_children_is_not_said_to_hold_none() -> None:
    # RRR15bu-3: 学生身份证号 valid (tagged, 40 children) beside a suspected 同行儿童身份证号 of children:
    # the level (4级) and the minors verdict hold without the suspected column, so neither "pending
    # review" nor "without them ..., no holders under 14" is true of it
    decisions = [_decision("姓名", "cn_person_name"), _decision("学生身份证号", "cn_resident_id", minors=40),
                 _decision("同行儿童身份证号", "cn_resident_id", "suspected", 40)]
    table = grade_table("t", decisions, load_scheme("gbt43697"))
    assert table.level == "G4" and "学生身份证号" in table.minors_fields, table
    assert "no holders under 14" not in table.basis, table.basis
    assert "pending review" not in table.basis, table.basis


@pytest.mark.parametrize("first_pass_minors, said", [
    (0, True),    # the suspected column alone holds the children: "without them ..., no holders under 14"
    (3, False),   # the tagged column holds 3 (4级 without the suspected one): the sentence would be false
])
def test_no_holders_under_14_is_said_only_when_the_first_pass_found_none(tmp_path: Path, first_pass_minors: int,
                                                                        said: bool) -> None:
    # under local3 the bank card is 三级: the suspected children's ID column raises the level to 四级 either way
    decisions = [_decision("学生姓名", "cn_person_name", minors=first_pass_minors),
                 _decision("身份证号", "cn_resident_id", "suspected", 40), _decision("银行卡号", "cn_bank_card")]
    table = grade_table("t", decisions, _local3(tmp_path))
    assert table.level == "G4" and "holders under 14 in" in table.basis, table.basis
    assert ("no holders under 14" in table.basis) is said, table.basis
    assert ("pending review" in table.basis) is said, table.basis


def test_the_pending_review_level_carries_the_review_for_important_data() -> None:
    # RRR15bu-4: a 2,000,000-row children's roster whose ID check characters fail lists sensitive fields
    # (PIPL art. 28) at the scale of GB/T 43697 Annex G (important_review_rows 1,000,000): review it
    decisions = [_decision("学生姓名", "cn_person_name"), _decision("身份证号", "cn_resident_id", "suspected", 40)]
    table = grade_table("t", decisions, load_scheme("gbt43697"), rows=2_000_000)
    assert table.sensitive_pi_fields and table.minors_fields == ("身份证号",), table
    assert table.important_candidate, table
    assert "2,000,000 rows" in table.important_reason and "pending review" in table.important_reason, table


def test_a_suspected_only_childrens_table_tells_the_share_its_column_counts() -> None:
    # RRR15bu-5 (M3): 2 children among 40 holders, their numbers' checks failing: the field note says
    # "(2 of 40 sampled)", the share of the pending-review pass, not the first pass's (0 of 0)
    decisions = [_decision("姓名", "cn_person_name"), _decision("身份证号", "cn_resident_id", "suspected", 2)]
    assert grade_table("t", decisions, load_scheme("gbt43697")).minors_share == (2, 40)


def test_the_share_told_is_the_minors_column_counting_most() -> None:
    # RRR15bu-5 (M4): two columns of children's numbers, 3 and 30 of 40 sampled: the table holds at least 30
    decisions = [_decision("本人身份证号", "cn_resident_id", minors=3),
                 _decision("子女身份证号", "cn_resident_id", minors=30)]
    assert grade_table("t", decisions, load_scheme("gbt43697")).minors_share == (30, 40)


class _AnyCandidate(ResidentIdRecognizer):
    """A recognizer whose candidates are every 18-character run of a value (the real one already
    drops a region or date no holder has): what minors_by_birth_date itself asks of a number is seen."""

    def candidates(self, value: str) -> list[str]:  # type: ignore[override]
        return [value[i:i + 18] for i in range(len(value) - 17)]


@pytest.mark.parametrize("value, minors", [
    (_wrong_check(f"110105{date.today().year - 8}0101001"), 1),  # Beijing, a child's date: counted
    (_wrong_check(f"990105{date.today().year - 8}0101001"), 0),  # region 99 is no province's (GB/T 2260)
    (_wrong_check(f"110105{date.today().year - 8}1301001"), 0),  # month 13: no date of birth
    (f"110105{date.today().year - 8}0101001" + "A", 0),         # 'A' is no check character: no ID's shape
    (f"1101-05{date.today().year - 8}0101001" + "0", 0),         # no 6-8-4 grouping: no ID's shape
])
def test_minors_are_counted_only_in_numbers_of_an_id_shape_region_and_date(value: str, minors: int) -> None:
    # RRR15bu-5 (M5, M6): GB 11643-1999 §4: a region code, a date of birth, a sequence, a check character
    assert minors_by_birth_date(_AnyCandidate(), [value]) == minors
