"""密评 coverage (review r18c finding 8): every system of the asset inventory is in the 密评 tables,
those with no saved evaluation as never evaluated, and a result over a year old is said to be due
again (第三级 systems are evaluated at least once a year)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from govsoc.core.inventory import Inventory, InventoryModel
from govsoc.reports.build import build, inventory_systems
from govsoc.reports.document import Document, Findings, Table
from govsoc.reports.period import period_bounds
from govsoc.store.sqlite import SqliteStore

ZONE = "Asia/Shanghai"
DAY = period_bounds("day", timezone=ZONE, at=datetime(2026, 11, 29, 12, tzinfo=UTC))
INVENTORY = Inventory(InventoryModel.model_validate({"systems": [
    {"name": "一网通办门户", "level": 3}, {"name": "社保经办系统", "level": 3},
    {"name": "协同办公系统", "level": 2}, {"name": "不动产登记系统", "level": 3}]}))


def _save(folder: Path, name: str, system: str, at: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(json.dumps({"system": system, "level": 3, "layers": [], "total": "90",
                                           "verdict": "基本符合", "high_risk": [], "evaluated_at": at},
                                          ensure_ascii=False), encoding="utf-8")


def _mipin_rows(document: Document) -> dict[str, tuple[object, ...]]:
    summary = document.section("summary" if document.kind == "compliance" else "compliance")
    assert summary is not None
    table = next(b for b in summary.blocks if isinstance(b, Table))
    return {str(r[0]): r for r in table.rows}


def test_every_inventory_system_is_in_the_mipin_tables(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    folder = tmp_path / "results" / "crypto_eval"
    _save(folder, "portal.json", "一网通办门户", "2026-11-29T01:00:00+00:00")  # in the period
    _save(folder, "social.json", "社保经办系统", "2025-10-01T00:00:00+00:00")  # 14 months before it
    _save(folder, "estate.json", "不动产登记系统", "2026-12-05T00:00:00+00:00")  # only after it
    systems = inventory_systems(INVENTORY)
    with SqliteStore(tmp_path / "events.db") as store:
        for kind in ("compliance", "situation"):
            document = build(kind, store, start=DAY.start, end=DAY.end, data_dir=tmp_path, timezone=ZONE,
                             now=DAY.end, systems=systems)
            rows = _mipin_rows(document)
            # four systems in the inventory, four rows
            assert sorted(rows) == sorted(systems), kind
            never = rows["协同办公系统"]
            assert never[1] == 2 and never[3] == "本期未评估" and "从未评估" in str(never[6])
            assert "超过一年" in str(rows["社保经办系统"][6]) and "超过一年" not in str(rows["一网通办门户"][6])
            assert "仅有本期之后" in str(rows["不动产登记系统"][6])
        compliance = build("compliance", store, start=DAY.start, end=DAY.end, data_dir=tmp_path, timezone=ZONE,
                           now=DAY.end, systems=systems, lang="en")
    assert compliance.data["mipin_never_evaluated"] == {"协同办公系统": 2}
    # a valid result made after the period is no "not a result of this kind" (review r18c finding 17)
    assert "not a result" not in caplog.text
    recommendations = compliance.section("recommendations")
    assert recommendations is not None
    titles = [f.title for b in recommendations.blocks if isinstance(b, Findings) for f in b.items]
    assert "1 systems below level 3 in the asset inventory have no CCA result (协同办公系统)" in titles


def test_without_any_result_every_system_is_listed(tmp_path: Path) -> None:
    with SqliteStore(tmp_path / "events.db") as store:
        document = build("compliance", store, start=DAY.start, end=DAY.end, data_dir=tmp_path, timezone=ZONE,
                         now=DAY.end, systems=inventory_systems(INVENTORY))
    assert len(_mipin_rows(document)) == 4
    mipin = document.section("mipin")
    assert mipin is not None and "协同办公系统" in json.dumps(document.to_dict(), ensure_ascii=False)
