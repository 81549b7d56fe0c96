"""reports/inventory.py: the 数据分类分级清单 section built from a saved inventory (issue 18 contract).
The inventory is a real scan (build_inventory over sampled columns); the section's figures are checked
against the inventory's own summary and fields, its text for raw values, its language for CJK."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from govsoc.classification.columns import ColumnSample
from govsoc.classification.grading import load_scheme
from govsoc.classification.inventory import build_inventory, load_inventories, save_inventory
from govsoc.classification.sources.base import Skipped, TableSample
from govsoc.core.errors import Location
from govsoc.reports.document import Chart, Document, Figures, Findings, Section, Table
from govsoc.reports.inventory import inventory_section
from tests.classification.test_sources import NAMES, PHONES, ids

NUMBERS = ids(40)
CARDS = ["6222021234567890128", "6217001000000000003"]
CJK = re.compile(r"[\u4e00-\u9fff]")


def _saved(tmp_path: Path) -> dict[str, Any]:
    people = (ColumnSample(dataset="/exports/people.csv", field="xm", values=[NAMES[i % 8] for i in range(40)]),
              ColumnSample(dataset="/exports/people.csv", field="sfzh", values=NUMBERS),
              ColumnSample(dataset="/exports/people.csv", field="sjhm", values=PHONES),
              ColumnSample(dataset="/exports/people.csv", field="bz", values=["正常"] * 40))
    # a big table with a PIPL-sensitive column: a 重要数据 candidate by the scheme's row threshold
    accounts = (ColumnSample(dataset="/exports/accounts.csv", field="yhkh", values=CARDS * 20),)
    tables = [TableSample(dataset="/exports/people.csv", table="people.csv", rows=40, columns=people),
              TableSample(dataset="/exports/accounts.csv", table="accounts.csv", rows=2_000_000, columns=accounts,
                          skipped=(Skipped(location=Location(path="/exports/accounts.csv", line=7, column=3,
                                                             field="memo"), reason="cell over 128 KiB"),),
                          skipped_count=4)]
    inventory = build_inventory(tables, source="/exports", scheme=load_scheme("zhejiang"), sample_size=1000)
    save_inventory(inventory, tmp_path)
    (saved,) = load_inventories(tmp_path / "results" / "classification")
    return saved


def _blocks(section: Section, kind: type) -> list[Any]:
    return [b for b in section.blocks if isinstance(b, kind)]


def test_the_section_states_the_inventory(tmp_path: Path) -> None:
    saved = _saved(tmp_path)
    section = inventory_section(saved, "zh", True)
    summary = saved["summary"]
    fields = [f for t in saved["tables"] for f in t["fields"] if f["status"] == "tagged"]
    assert section.id.startswith("inventory.") and section.title.startswith("数据分类分级清单")
    (figures,) = _blocks(section, Figures)
    got = {f.label: f.value for f in figures.items}
    assert (got["数据表"], got["字段"], got["敏感字段"], got["敏感个人信息字段"], got["未分类部分"]) == (
        summary["tables"], summary["fields"], summary["tagged"], summary["pipl_sensitive_fields"], 4)
    assert got["最高级别"] == "L4 敏感数据" and got["重要数据候选"] == 1
    (chart,) = _blocks(section, Chart)
    assert sum(chart.series[0].values) == len(fields) == 4  # xm, sfzh, sjhm, yhkh
    assert chart.categories[0] == "L4 敏感数据"  # highest first
    per_category, table_list, field_list, skipped = _blocks(section, Table)
    assert sum(r[1] for r in per_category.rows) == len(fields)
    assert [r[1] for r in table_list.rows] == [t["table"] for t in saved["tables"]]
    assert sorted(r[1] for r in field_list.rows) == sorted(f["field"] for f in fields)
    assert skipped.rows == (("/exports/accounts.csv:7:3", "memo", "cell over 128 KiB"),) and skipped.total == 4
    (important,) = _blocks(section, Findings)
    assert [f.title for f in important.items] == ["accounts.csv：重要数据候选"]
    text = json.dumps(Document(kind="compliance", title="t", lang="zh", generated="", timezone="UTC", masked=True,
                               sections=(section,)).to_dict(), ensure_ascii=False)
    assert not [v for v in [*NUMBERS, *PHONES, *CARDS] if v in text]
    assert "110105********" not in text and f"{NUMBERS[0][:6]}********{NUMBERS[0][-4:]}" in text


def test_english(tmp_path: Path) -> None:
    section = inventory_section(_saved(tmp_path), "en", True)
    assert section.title.startswith("Data classification inventory")
    for table in _blocks(section, Table):
        assert not CJK.search(table.caption + "".join(table.columns))
    (figures,) = _blocks(section, Figures)
    assert not any(CJK.search(f.label) for f in figures.items)
    # the values too: levels, categories, the scheme and its rules (zhejiang's labels are Chinese);
    # what the data holds (masked examples) and the recognizers' own names in a reason are data
    assert not any(CJK.search(str(f.value)) for f in figures.items)
    assert not CJK.search(" ".join(p.text for p in section.blocks if hasattr(p, "text")))
    for table in _blocks(section, Table):
        shown = [i for i, c in enumerate(table.columns) if c not in ("Reason", "Masked examples")]
        assert not [row for row in table.rows if any(CJK.search(str(row[i])) for i in shown)], table.caption
    assert any("general data, level" in str(row) for t in _blocks(section, Table) for row in t.rows)


def test_masked_names_even_from_an_old_inventory(tmp_path: Path) -> None:
    saved = _saved(tmp_path)
    # as saved before field names were masked: a JSON key that is an ID number, a file named by a phone
    saved["tables"][0]["fields"][1]["field"] = f"by_id.{NUMBERS[5]}.xm"
    saved["tables"][0]["table"] = f"{PHONES[3]}.csv"
    masked = json.dumps(Section.__repr__(inventory_section(saved, "zh", True)), ensure_ascii=False)
    assert NUMBERS[5] not in masked and PHONES[3] not in masked
    assert f"by_id.{NUMBERS[5][:6]}********{NUMBERS[5][-4:]}.xm" in masked and "139****0003.csv" in masked
    unmasked = repr(inventory_section(saved, "zh", False))
    assert NUMBERS[5] in unmasked and "清单只保存脱敏后的示例值" in unmasked


def test_an_empty_inventory_says_so(tmp_path: Path) -> None:
    inventory = build_inventory([TableSample(dataset="d", table="t.csv", rows=3, columns=(
        ColumnSample(dataset="d", field="sku", values=["A1", "B2", "C3"]),))], source="d",
        scheme=load_scheme("gbt43697"), sample_size=10)
    section = inventory_section(inventory.to_dict(), "en", True)
    assert any(getattr(b, "text", "") == "No sensitive field found." for b in section.blocks)
    assert not _blocks(section, Chart) and not _blocks(section, Findings)


def test_chinese_reasons_and_the_summary_level_label(tmp_path: Path) -> None:
    # review r18c finding 15: the Chinese chapter's 识别依据 was the classifier's English, and the
    # compliance summary gave the code (G4) where the chapter gives the scheme's label
    from govsoc.reports.compliance import compliance_blocks, load_saved
    from govsoc.reports.period import period_bounds
    from govsoc.reports.wording import words

    saved = _saved(tmp_path)
    fields = next(t for t in _blocks(inventory_section(saved, "zh", True), Table) if "识别依据" in t.columns)
    reasons = [str(row[fields.columns.index("识别依据")]) for row in fields.rows]
    assert reasons and all(r.startswith("抽样 ") and "sampled" not in r for r in reasons), reasons
    assert any("经校验位验证为居民身份证号" in r and "“sfzh”" in r for r in reasons), reasons
    english = next(t for t in _blocks(inventory_section(saved, "en", True), Table) if "Reason" in t.columns)
    assert all("sampled values" in str(row[english.columns.index("Reason")]) for row in english.rows)
    period = period_bounds("day", timezone="Asia/Shanghai", at=datetime(2026, 11, 29, 4, tzinfo=UTC))
    blocks = compliance_blocks(load_saved(tmp_path), [], words("zh"), lang="zh", period=period)
    summary = next(b for b in blocks if isinstance(b, Table) and b.caption == words("zh")["inventory"])
    assert summary.rows[0][5] == "L4 敏感数据"  # the chapter's 最高级别, not the code
