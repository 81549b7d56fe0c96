"""The delimiter of a delimited file whose suffix names another (issue 15 review R15b-29): Excel's
tab-delimited "Unicode text" export renamed .csv, a European-locale Excel's semicolon CSV, a
pipe-delimited database dump are read in their columns, and the delimiter used is said."""

from __future__ import annotations

import codecs
import csv
import io
from pathlib import Path

import pytest

from govsoc.classification.sources import open_source
from tests.classification.test_sources import EXPECTED, ROWS, decided


def _text(delimiter: str) -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(["xm", "sfzh", "sjhm", "sku"])
    writer.writerows(ROWS)
    return out.getvalue()


@pytest.mark.parametrize("name, delimiter, data", [
    # Excel "Unicode text" (UTF-16 LE with its BOM, tab-delimited) saved as .csv
    ("p.csv", "\t", lambda text: codecs.BOM_UTF16_LE + text.encode("utf-16-le")),
    # Excel with a European list separator: semicolons, UTF-8
    ("p.csv", ";", lambda text: text.encode("utf-8")),
    # a database dump with '|', GBK
    ("p.csv", "|", lambda text: text.encode("gb18030")),
    # a comma CSV named .tsv
    ("p.tsv", ",", lambda text: text.encode("utf-8")),
])
def test_a_file_delimited_otherwise_than_its_suffix_says_is_read_in_columns(
        tmp_path: Path, name: str, delimiter: str, data: object) -> None:
    (tmp_path / name).write_bytes(data(_text(delimiter)))  # type: ignore[operator]
    assert decided(str(tmp_path / name)) == {(name, k): v for k, v in EXPECTED.items()}
    (table,) = open_source(str(tmp_path / name)).tables()
    (note,) = table.skipped
    assert f"delimited by {delimiter!r}" in note.reason and table.rows == len(ROWS)


def test_a_one_column_file_stays_one_column(tmp_path: Path) -> None:
    # semicolons inside the values of a one-column file split nothing: the heading has none
    text = "xm\r\n" + "".join(f"{name};{name}\r\n" for name, *_ in ROWS)
    (tmp_path / "p.csv").write_text(text, encoding="utf-8")
    (table,) = open_source(str(tmp_path / "p.csv")).tables()
    assert [c.field for c in table.columns] == ["xm"] and table.skipped_count == 0


@pytest.mark.parametrize("title", [
    "某县2024年低保对象花名册",  # a roster's title, one cell under any delimiter
    "某县2024年低保对象花名册;;;",  # the title row padded with empty cells, as Excel saves a merged title
])
def test_a_semicolon_file_with_a_title_row_is_read_in_columns(tmp_path: Path, title: str) -> None:
    # known limit of R15b-29: the title row split under no delimiter, so the file was one column
    body = _text(";").replace("xm;sfzh;sjhm;sku", "姓名;身份证号;手机号;sku")
    (tmp_path / "p.csv").write_text(title + "\r\n" + body, encoding="utf-8")
    (table,) = open_source(str(tmp_path / "p.csv")).tables()
    assert [c.field for c in table.columns] == ["姓名", "身份证号", "手机号", "sku"] and table.rows == len(ROWS)
    assert decided(str(tmp_path / "p.csv")) == {("p.csv", "姓名"): "cn_person_name",
                                                 ("p.csv", "身份证号"): "cn_resident_id",
                                                 ("p.csv", "手机号"): "cn_mobile"}
