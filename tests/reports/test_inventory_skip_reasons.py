"""The compliance report's 数据分类分级 section (reports/inventory.py) masks a skip reason as it masks
the names the reason quotes (RRR15bp-3): a saved inventory's skipped entry "sheet 11010519491231002X:
300 formula cells without a cached value" was printed in clear in the masked (default) report,
whose table list showed the same sheet as 110105********002X."""

from __future__ import annotations

from typing import Any

from govsoc.reports.document import Table
from govsoc.reports.inventory import inventory_section, shown_name

ID = "11010519491231002X"  # GB 11643 example, check character X (MOD 11-2)
PHONE = "13800138000"  # an allocated China Mobile segment (138)
CLOSED = "schema secret: this user may not use it (no USAGE privilege): its 1 table not classified"


def _inventory() -> dict[str, Any]:
    # as a run before the fix saved it: the reasons in clear (a saved result outlives the run)
    skipped = [{"path": "/exports/roster.xlsx", "line": None, "column": None, "field": f"roster.xlsx:{sheet}",
                "reason": f"sheet {sheet}: 300 formula cells without a cached value: not read"}
               for sheet in (ID, f"李娜手机{PHONE}")]
    # a schema named secret: its reason is prose, no password 'this' to mask
    skipped.append({"path": "postgresql://auditor@db/hr", "line": None, "column": None, "field": None,
                    "reason": CLOSED})
    return {"title": "数据分类分级清单", "source": "/exports/roster.xlsx", "scheme": {"name": "gbt43697"},
            "generated": "2026-12-05T00:00:00+00:00", "sample_size": 1000,
            "summary": {"tables": 0, "skipped": 3}, "tables": [], "skipped": skipped}


def _skip_rows(masked: bool) -> tuple[tuple[Any, ...], ...]:
    section = inventory_section(_inventory(), masked=masked)
    tables = [b for b in section.blocks if isinstance(b, Table)]
    return tables[-1].rows


def test_a_masked_report_masks_numbers_in_a_skip_reason() -> None:
    rows = _skip_rows(masked=True)
    assert len(rows) == 3
    assert rows[2][2] == CLOSED
    for row, sheet in zip(rows[:2], (ID, f"李娜手机{PHONE}"), strict=True):
        why = str(row[2])
        assert ID not in why and PHONE not in why, row
        # the reason quotes the sheet as the report's own name column shows it
        assert f"sheet {shown_name(sheet)}:" in why and shown_name(sheet) in str(row[1]), row


def test_an_unmasked_report_keeps_the_reason() -> None:
    assert f"sheet {ID}:" in str(_skip_rows(masked=False)[0][2])
