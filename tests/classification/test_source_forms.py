"""Forms laid out as label cells beside value cells (issue 15 review R15e-10, R15d-2): a workbook of
one 个人信息采集表 per sheet, each sheet named by its person, read as tables: the row
``姓名,孙芳军,性别,男`` was the header, the ID number and bank card the values of columns named 孙**
and 男, never found, 3级 for a name beside an ID number and a card; the sheet's name (the person's)
in clear in the listing, the inventory and every skip reason. A form is one record per form, its
labels the fields, and a sheet named by a person is masked."""

from __future__ import annotations

from pathlib import Path

import openpyxl  # extra `classify`, which dev pulls in: missing, the tests fail, never skip
import pytest

from govsoc.classification.checksums import luhn_ok
from govsoc.cli import main
from tests.classification.test_source_json import NUMBERS, _scan
from tests.classification.test_sources import PHONES

PEOPLE = ["孙芳军", "何洋", "朱强", "刘涛杰"]
CARDS = [next(f"622848{i:012d}{d}" for d in "0123456789" if luhn_ok(f"622848{i:012d}{d}")) for i in range(4)]
ADDRESSES = ["北京市朝阳区建国路88号3栋201", "浙江省杭州市西湖区文三路100号"]


def _form(i: int) -> list[list[str]]:
    return [["个人信息采集表", "", "", ""],
            ["姓名", PEOPLE[i], "性别", "男"],
            ["身份证号", NUMBERS[i], "联系电话", PHONES[i]],
            ["家庭住址", ADDRESSES[i % 2], "银行卡号", CARDS[i]]]


EXPECTED = {"姓名": "cn_person_name", "身份证号": "cn_resident_id", "联系电话": "cn_mobile",
            "家庭住址": "cn_address", "银行卡号": "cn_bank_card"}


def test_a_workbook_of_one_form_per_sheet_named_by_its_person(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for i, person in enumerate(PEOPLE):
        sheet = book.create_sheet(person)
        for row in _form(i):
            sheet.append(row)
    book.save(tmp_path / "per_person.xlsx")
    inventory = _scan(tmp_path / "per_person.xlsx")
    assert len(inventory.tables) == 4
    for table in inventory.tables:
        assert table.rows == 1 and table.level == "G4"  # 身份证号与姓名同表, 金融账户
        assert {f.field: f.recognizer for f in table.fields if f.status == "tagged"} == EXPECTED
    monkeypatch.setenv("GOVSOC_HOME", str(tmp_path / "home"))
    output = tmp_path / "out.json"
    assert main(["classify", str(tmp_path / "per_person.xlsx"), "-o", str(output)]) == 0
    captured = capsys.readouterr()
    text = captured.out + captured.err + output.read_text(encoding="utf-8")
    assert "per_person.xlsx:孙**" in text
    assert not [p for p in PEOPLE if p in text] and not [n for n in NUMBERS[:4] if n in text]
    assert not [c for c in CARDS if c in text]


def test_a_file_of_form_blocks_is_a_record_per_block(tmp_path: Path) -> None:
    # R15d's form.csv: 30 forms down one file read as rows=119, fields 黄** and 男
    rows = [row + [""] for i in range(4) for row in (*_form(i)[1:], ["", "", "", ""])]
    (tmp_path / "form.csv").write_text("个人信息登记表,,,\n" + "\n".join(",".join(r[:4]) for r in rows) + "\n",
                                       encoding="utf-8")
    inventory = _scan(tmp_path / "form.csv")
    (table,) = inventory.tables
    assert table.rows == 4 and table.level == "G4"
    assert {f.field: f.recognizer for f in table.fields if f.status == "tagged"} == EXPECTED


def test_a_table_with_a_header_is_no_form(tmp_path: Path) -> None:
    # a header row pairs 姓名 with 身份证号: both name columns, a header, not a label and its value
    lines = ["姓名,身份证号,联系电话,银行卡号"] + [f"{PEOPLE[i]},{NUMBERS[i]},{PHONES[i]},{CARDS[i]}" for i in range(4)]
    (tmp_path / "t.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (table,) = _scan(tmp_path / "t.csv").tables
    assert table.rows == 4 and [f.field for f in table.fields] == ["姓名", "身份证号", "联系电话", "银行卡号"]
