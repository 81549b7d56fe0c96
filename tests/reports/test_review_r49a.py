"""What an auditor read in the demo's compliance report (review R49a-9): the syslog receivers
listed where they were bound, not at the configured port 0, and the 密评 recommendation for
systems never evaluated saying the once-a-year rule of 第三级 and above of those systems only.
Expected values follow from the receivers started and the inventory written here."""

from __future__ import annotations

from pathlib import Path

import pytest

from govsoc.collectors import Pipeline
from govsoc.collectors.receivers import ReceiverSet
from govsoc.core.config import ReceiverSettings
from govsoc.core.inventory import Inventory, InventoryModel
from govsoc.reports.build import build, inventory_systems
from govsoc.reports.document import Findings
from govsoc.store.sqlite import SqliteStore
from tests.reports.test_compliance import DAY, ZONE, rows

INVENTORY = Inventory(InventoryModel.model_validate({"systems": [
    {"name": "一网通办门户", "level": 3}, {"name": "电子证照系统", "level": 4},
    {"name": "协同办公系统", "level": 2}, {"name": "内部网站", "level": 1}]}))


def test_receivers_are_listed_at_the_port_they_were_bound_to(tmp_path: Path) -> None:
    # The demo configures port 0 (any free port): the report listed 127.0.0.1:0 while the demo
    # printed the ports bound (R49a-9).
    home = tmp_path / "home"
    with SqliteStore(home / "events.db") as store:
        started = ReceiverSet([ReceiverSettings(name="demo-tcp", transport="tcp", listen="127.0.0.1:0"),
                               ReceiverSettings(name="demo-udp", transport="udp", listen="127.0.0.1:0")],
                              Pipeline(store, data_dir=home), data_dir=home)
        started.start()
        try:
            bound = {c.name: c.address for c in started.counters}
        finally:
            started.stop()
        document = build("compliance", store, start=DAY.start, end=DAY.end, data_dir=home, timezone=ZONE,
                         now=DAY.end)
    assert all(address.startswith("127.0.0.1:") and not address.endswith(":0") for address in bound.values())
    listed = {str(row[0]): row[2] for row in rows(document, "log_audit.collection") if row[1] in ("tcp", "udp")}
    assert listed == bound


def _recommendations(tmp_path: Path, lang: str) -> dict[str, str]:
    """The compliance report's recommendations (title -> advice) for INVENTORY, nothing evaluated."""
    with SqliteStore(tmp_path / f"{lang}.db") as store:
        document = build("compliance", store, start=DAY.start, end=DAY.end, data_dir=tmp_path, timezone=ZONE,
                         now=DAY.end, systems=inventory_systems(INVENTORY), lang=lang)
    found = document.section("recommendations")
    assert found is not None
    return {f.title: f.advice or "" for b in found.blocks if isinstance(b, Findings) for f in b.items}


@pytest.mark.parametrize(("lang", "high", "low", "yearly"), [
    # Chinese, the default: level 4 and 3 under the yearly rule, level 2 and 1 apart
    ("zh", "资产清单中 2 个第三级及以上系统从未进行密评（电子证照系统, 一网通办门户）",
     "资产清单中 2 个第三级以下系统尚无密评结果（协同办公系统, 内部网站）", "每年至少评估一次"),
    # the English report says the same
    ("en", "2 systems of level 3 and above in the asset inventory were never evaluated for CCA "
           "(电子证照系统, 一网通办门户)",
     "2 systems below level 3 in the asset inventory have no CCA result (协同办公系统, 内部网站)", "once a year"),
], ids=["zh", "en"])
def test_the_yearly_mipin_rule_is_said_of_level_3_and_above_only(tmp_path: Path, lang: str, high: str, low: str,
                                                                 yearly: str) -> None:
    # R49a-9: "6 systems never evaluated (level-2 names); level 3 and above: at least once a
    # year" put level-2 systems under a rule that does not cover them.
    found = _recommendations(tmp_path, lang)
    assert high in found and yearly in found[high]
    assert low in found
    # the level-2 sentence names the yearly rule only to say it does not cover them, and sets no period of its own
    assert ("不适用于这些系统" if lang == "zh" else "does not cover them") in found[low]
    assert not any(name in title for title in found if title not in (high, low)
                   for name in ("协同办公系统", "内部网站", "一网通办门户"))


def test_a_level_two_result_over_a_year_old_is_not_said_due_again() -> None:
    # R50b-3: the report told level-2 systems the yearly rule does not cover them and marked their result
    # of 13 months ago "（距本期结束已超过一年，应重新评估）"
    from datetime import UTC, datetime

    from govsoc.reports.compliance import Saved
    end = datetime(2026, 12, 1, tzinfo=UTC)
    old = "2025-11-01T00:00:00+00:00"
    saved = Saved()
    assert not saved.stale({"level": 2, "evaluated_at": old}, end)
    assert saved.stale({"level": 3, "evaluated_at": old}, end)
    assert saved.stale({"evaluated_at": old}, end)
    assert not saved.stale({"level": 3, "evaluated_at": "2026-06-01T00:00:00+00:00"}, end)
