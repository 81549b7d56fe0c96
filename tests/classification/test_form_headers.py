"""Column names as Chinese forms write them (R15c-17): characters spread over the cell's width with
spaces (姓  名, 姓　　名 with U+3000), a line break inside a header cell (姓\\n名, 手机\\n号码), and the
name-bearing headings of registers (户主, 监护人, 经办人, 收件人 ...). Each names its column as 姓名,
身份证号 or 手机号码 would."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from govsoc.classification.columns import ColumnClassifier, ColumnSample
from tests.classification.test_sources import NAMES, PHONES, decided, ids

NUMBERS = ids(40)
COLUMN = [NAMES[i % 8] for i in range(40)]


@pytest.mark.parametrize("heading", [
    "姓  名",  # ASCII spaces spreading the two characters over the cell (form alignment)
    "姓\u3000\u3000名",  # full-width spaces, as Word and WPS forms align
    "姓\n名",  # a line break inside the cell (Alt+Enter in Excel)
    "姓 \r\n 名",  # a CRLF break with the spaces around it
    "户主",  # householder: 户籍 and 低保 registers
    "户主姓名",
    "联系人",
    "法定代表人",
    "法人代表",
    "监护人",
    "申请人",  # a surname + 2 characters itself: no value in a heading
    "经办人",
    "收件人",
    "负责人",
    "代理人",
    "委托人",
    "投保人",
])
def test_a_form_heading_names_a_column_of_names(heading: str) -> None:
    decision = ColumnClassifier().decide(ColumnSample(dataset="d", field=heading, values=COLUMN))
    assert (decision.status, decision.recognizer) == ("tagged", "cn_person_name")


@pytest.mark.parametrize(("heading", "values", "recognizer"), [
    ("身 份 证 号", NUMBERS, "cn_resident_id"),
    ("手机\n号码", PHONES, "cn_mobile"),
])
def test_every_heading_is_read_without_the_spaces_between_its_characters(heading: str, values: list[str],
                                                                          recognizer: str) -> None:
    named = ColumnClassifier().name_context(heading)
    assert named.get(recognizer) == "strong"


def test_a_heading_that_names_no_person_stays_unnamed() -> None:
    # the contrast: a column of names under 备注 is not tagged (names count only with context),
    # only suspected, every value being a name (R15f-15)
    decision = ColumnClassifier().decide(ColumnSample(dataset="d", field="备  注", values=COLUMN))
    assert decision.status == "suspected"


HEADINGS = ["姓  名", "身 份 证 号", "手机\n号码", "户主", "监护人", "申请人"]
EXPECTED = {"姓  名": "cn_person_name", "身 份 证 号": "cn_resident_id", "手机\n号码": "cn_mobile",
            "户主": "cn_person_name", "监护人": "cn_person_name", "申请人": "cn_person_name"}


def test_a_csv_form_header_is_the_header(tmp_path: Path) -> None:
    path = tmp_path / "form.csv"
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(HEADINGS)
        writer.writerows([NAMES[i % 8], NUMBERS[i], PHONES[i], NAMES[(i + 1) % 8], NAMES[(i + 2) % 8],
                          NAMES[(i + 3) % 8]] for i in range(40))
    assert decided(str(path)) == {("form.csv", k): v for k, v in EXPECTED.items()}


def test_an_xlsx_form_header_is_the_header(tmp_path: Path) -> None:
    import openpyxl  # extra `classify`, which dev pulls in
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "花名册"
    sheet.append(HEADINGS)
    for i in range(40):
        sheet.append([NAMES[i % 8], NUMBERS[i], int(PHONES[i]), NAMES[(i + 1) % 8], NAMES[(i + 2) % 8],
                      NAMES[(i + 3) % 8]])
    book.save(tmp_path / "form.xlsx")
    assert decided(str(tmp_path / "form.xlsx")) == {("form.xlsx:花名册", k): v for k, v in EXPECTED.items()}
