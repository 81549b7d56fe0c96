"""An ID or phone number in a sheet, view or schema name (RRR15bp-3): the inventory showed the
table as ``sheets.xlsx:110105********002X`` but every skip reason and note quoting the name
("sheet 11010519491231002X: row 1 above the header ...", "1 view (v_13800138000) not read") in
clear: in the skipped list, on stderr, in the saved result and in the compliance report. A reason
is masked as the names themselves are (ShownNames.place: the one masking module)."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

from govsoc.classification.columns import ColumnClassifier
from govsoc.classification.grading import load_scheme
from govsoc.classification.inventory import build_inventory
from govsoc.classification.shown_names import ShownNames
from govsoc.classification.sources import open_source
from govsoc.classification.sources.base import Skipped
from govsoc.core.errors import Location

ID = "11010519491231002X"  # GB 11643 example, check character X (MOD 11-2)
PHONE = "13800138000"  # an allocated China Mobile segment (138)
SHEETS = (f"张伟_{ID}", ID, PHONE, f"李娜手机{PHONE}")


def _workbook(path: Path) -> None:
    """Each sheet titled over its header (row 1 a title, read as such and listed) and with formula
    cells openpyxl saves without a cached value (listed as not classified)."""
    import openpyxl  # extra `classify`, which dev pulls in: missing, the test fails, never skips
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name in SHEETS:
        sheet = book.create_sheet(name)
        sheet.append(["花名册"])
        sheet.append(["姓名", "手机号", "备注"])
        for i in range(20):
            sheet.append(["赵六", f"1390013{i:04d}", f'="x"&"{i}"'])
    book.save(path)


def test_a_skip_reason_is_masked_as_the_name_it_quotes() -> None:
    names = ShownNames(ColumnClassifier())
    for name in SHEETS:
        skipped = Skipped(location=Location(path="a.xlsx", field=name), reason=f"sheet {name}: row 1 above the header")
        shown = names.skip(skipped)
        assert shown.reason == f"sheet {names.place(name)}: row 1 above the header", shown
        assert ID not in shown.reason and PHONE not in shown.reason


def test_sheet_names_with_numbers_are_masked_in_every_skip_reason(tmp_path: Path) -> None:
    _workbook(tmp_path / "sheets.xlsx")
    source = open_source(str(tmp_path / "sheets.xlsx"))
    inventory = build_inventory(source.tables(), source=source.name, scheme=load_scheme("gbt43697"), sample_size=1000)
    tables = [t.table.removeprefix("sheets.xlsx:") for t in inventory.tables]
    assert len(tables) == len(SHEETS) and not any(ID in t or PHONE in t for t in tables), tables
    reasons = [s.reason for s in inventory.skipped]
    # both the title row and the uncached formulas are listed for each sheet, quoting it as shown
    for shown in tables:
        assert any(f"sheet {shown}:" in r and "title" in r for r in reasons), (shown, reasons)
        assert any(f"sheet {shown}:" in r and "formula" in r for r in reasons), (shown, reasons)
    saved = json.dumps(inventory.to_dict(), ensure_ascii=False)
    lines = "\n".join(str(s) for s in inventory.skipped)  # what classify prints on stderr
    for clear in (ID, PHONE, "李娜", "张伟"):
        assert clear not in saved and clear not in lines, clear


def test_view_and_schema_names_with_numbers_are_masked_in_notes(postgres: dict[str, str]) -> None:
    from sqlalchemy import create_engine, text

    admin = create_engine(postgres["url"].replace("postgres@", f"postgres:{postgres['password']}@")
                          .replace("postgresql://", "postgresql+psycopg://"))
    tag = uuid.uuid4().hex[:6]
    schema, table, view = f"s{tag}_{ID}", f"t{tag}", f"v{tag}_{PHONE}"
    with admin.begin() as conn:
        conn.execute(text(f'create schema "{schema}"'))
        conn.execute(text(f'create table "{schema}".{table} (xm text, sjhm text)'))
        conn.execute(text(f'insert into "{schema}".{table} values (:a, :b)'),
                     [{"a": "赵六", "b": f"1390013{i:04d}"} for i in range(30)])
        conn.execute(text(f'create view "{schema}"."{view}" as select * from "{schema}".{table}'))
    try:
        source = open_source(postgres["url"], env={"GOVSOC_DB_PASSWORD": postgres["password"]})
        try:
            inventory = build_inventory(source.tables(), source=source.name, scheme=load_scheme("gbt43697"),
                                        sample_size=100)
        finally:
            source.close()
        quoting = [s for s in inventory.skipped if tag in s.reason or tag in (s.location.field or "")]
        assert quoting, inventory.skipped  # the view is noted: a view stores no data
        saved = json.dumps(inventory.to_dict(), ensure_ascii=False)
        assert tag in saved and ID not in saved and PHONE not in saved, [str(s) for s in quoting]
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'drop schema "{schema}" cascade'))
        admin.dispose()


def test_an_internal_error_is_masked_as_free_text_not_as_a_column_name() -> None:
    """inventory._failed: the error may quote the table's name or a value (an ID, a phone: masked,
    RRR15bp-3) beside prose, which stays readable (RRR15bs-3: read as a column name, "base 10"
    became "base ***" and "2024年工资" "***年工资")."""
    from types import SimpleNamespace

    from govsoc.classification.inventory import _failed

    table = SimpleNamespace(dataset="a.xlsx", table=f"sheet_{ID}")
    error = ValueError(f"invalid literal for int() with base 10 in sheet {ID} (2024年工资), call {PHONE}")
    skipped = _failed(table, error, ShownNames(ColumnClassifier()))  # type: ignore[arg-type]
    assert ID not in skipped.reason and PHONE not in skipped.reason, skipped.reason
    assert ID not in (skipped.location.field or ""), skipped.location
    assert "with base 10 in sheet" in skipped.reason and "2024年工资" in skipped.reason, skipped.reason
    assert skipped.reason.startswith("table not classified: internal error ValueError: "), skipped.reason
