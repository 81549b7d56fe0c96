"""The compliance report: saved 密评 and classification results, alerts per 等保 control, and the
log audit (sources collected through the real ingest pipeline, retention against 180 days, silent
sources, sources no shipped rule reads). Expected values follow from the dates and files written here."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from govsoc.collectors.pipeline import ingest_file
from govsoc.core.alert import Alert
from govsoc.core.event import Event, make_id
from govsoc.core.inventory import Inventory, InventoryModel
from govsoc.reports.build import build, rule_coverage
from govsoc.reports.document import Document, Findings, Paragraph, Table
from govsoc.reports.period import period_bounds
from govsoc.reports.standard_words import item_title
from govsoc.store.sqlite import SqliteStore

ZONE = "Asia/Shanghai"
# the report day: 2026-11-29 in Beijing time
DAY = period_bounds("day", timezone=ZONE, at=datetime(2026, 11, 29, 12, tzinfo=UTC))
AUTH_LINES = (
    "2026-11-29T09:00:01+08:00 portal-web-01 sshd[811]: Failed password for root from 203.0.113.7 port 50022 ssh2\n"
    "2026-11-29T09:00:05+08:00 portal-web-01 sshd[811]: Failed password for root from 203.0.113.7 port 50022 ssh2\n"
    "2026-11-29T09:01:00+08:00 portal-web-01 sshd[812]: Accepted password for ops from 10.1.2.3 port 50100 ssh2\n"
)
INVENTORY = InventoryModel.model_validate({
    "agencies": [{"id": "dsj", "name": "市大数据管理局"}],
    "zones": [{"name": "政务云", "kind": "cloud", "cidrs": ["172.16.0.0/12"]}],
    "systems": [{"name": "一网通办门户", "agency": "dsj", "level": 3, "hosts": ["portal-web-01"]}],
})


def old_event(n: int, dataset: str, at: datetime) -> Event:
    return Event(id=make_id("old", n), timestamp=at, dataset=dataset, fields={"message": f"line {n}"})


def save(folder: Path, name: str, data: dict[str, object]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


def compliance(tmp_path: Path, lang: str = "zh") -> tuple[Document, SqliteStore]:
    home = tmp_path / "home"
    store = SqliteStore(home / "events.db")
    log = tmp_path / "auth.log"
    log.write_text(AUTH_LINES, encoding="utf-8")
    summary = ingest_file(log, parser_id="linux.auth", store=store, data_dir=home, inventory=Inventory(INVENTORY))
    assert summary.receipt.created == 3 and summary.parse_failures == 0
    # linux.auth held since 200 days before the day's end; a Huawei switch silent for 3 days
    # after 10 days of logs; an application log no shipped rule reads
    store.write([old_event(1, "linux.auth", DAY.end - timedelta(days=200)),
                 old_event(2, "huawei.vrp", DAY.end - timedelta(days=13)),
                 old_event(3, "huawei.vrp", DAY.end - timedelta(days=3)),
                 old_event(4, "custom.app", DAY.end - timedelta(hours=2))])
    start = DAY.start + timedelta(hours=1)
    store.write_alerts([Alert(id=make_id("a", i), rule_id="r", rule_title="SSH brute force", level="high",
                              kind="match", start=start, end=start, event_ids=(), tags=tags)
                        for i, tags in enumerate([("djbh.l3.8.1.4.1.b", "attack.t1110"), ("djbh.l3.8.1.4.1.b",),
                                                  ("djbh.l3.8.1.3.5.a",)])])
    results = home / "results"
    evaluation = {"system": "一网通办门户", "level": 3, "layers": [], "total": "61.5", "verdict": "不符合",
                  "high_risk": [{"item": "gbt39786.l3.8.3.b", "clause": "8.3 b)", "object": "172.16.10.9:22",
                                 "observed": "telnet", "why": "远程管理通道未加密"}],
                  "evaluated_at": "2026-11-29T08:00:00+00:00"}
    save(results / "crypto_eval", "portal.json", evaluation)
    # an older run of the same system, saved under another name (an -o file): the newest wins
    save(results / "crypto_eval", "portal-old.json", {"evaluation": {**evaluation, "verdict": "符合", "total": "100",
                                                                     "evaluated_at": "2026-10-01T00:00:00+00:00"}})
    save(results / "classification", "hr.json", {"source": "hr.csv", "generated": "2026-11-29T00:00:00+08:00",
                                                 "tables": [], "summary": {
        "tables": 2, "fields": 9, "tagged": 4, "suspected": 1, "pipl_sensitive_fields": 3, "level": "G3",
        "important_candidates": ["staff"]}})
    store.refresh()
    document = build("compliance", store, start=DAY.start, end=DAY.end, lang=lang, data_dir=home, timezone=ZONE,
                     now=DAY.end)
    return document, store


def rows(document: Document, section: str) -> list[tuple[object, ...]]:
    found = document.section(section)
    assert found is not None, section
    return [row for block in found.blocks if isinstance(block, Table) for row in block.rows]


def test_log_audit_retention_silence_and_coverage(tmp_path: Path) -> None:
    document, store = compliance(tmp_path)
    with store:
        audit = document.data["log_audit"]
        assert audit["datasets"]["linux.auth"]["events"] == 4
        assert audit["datasets"]["linux.auth"]["oldest"] == "2026-05-14 00:00:00"  # 200 days before 11-30 00:00
        assert audit["short_retention"] == ["huawei.vrp", "custom.app"]
        assert audit["silent"] == ["huawei.vrp"]
        assert audit["uncovered"] == ["custom.app"]
        retention = {row[0]: row for row in rows(document, "log_audit.retention")}
        assert retention["linux.auth"][4:] == (200, "是") and retention["huawei.vrp"][4:] == (13, "否")
        # each gap has its recommendation, naming the sources
        recommendations = document.section("recommendations")
        assert recommendations is not None
        advice = [f.title for b in recommendations.blocks if isinstance(b, Findings) for f in b.items]
        assert advice == ["整改密评未通过的系统（一网通办门户）", "恢复已静默数据集的采集（huawei.vrp）",
                          "为无检测规则覆盖的数据集补充规则（custom.app）",
                          "日志留存不足 180 天（huawei.vrp, custom.app）"]
        # the file read through the real pipeline is listed with its counters
        files = rows(document, "log_audit.collection")
        assert str(files[0][0]).endswith("auth.log") and files[0][1:4] == (3, 3, 0)


@pytest.mark.parametrize(("policy", "verdict", "recommendation"), [
    # the default policy keeps six months: a source with 13 days so far is history, not a failure
    (180, "留存策略满足，历史数据尚不足 180 天", "部分数据集已留存的历史尚不足 180 天（huawei.vrp, custom.app）"),
    # a policy of 90 days fails whatever the store holds today, even linux.auth's 200 days
    (90, "否", "日志留存策略仅 90 天，不满足六个月（180 天）要求"),
])
def test_retention_is_judged_on_the_policy(tmp_path: Path, policy: int, verdict: str, recommendation: str) -> None:
    # review r18c finding 14: the check measured the data's age, so a new deployment always failed
    _, store = compliance(tmp_path)
    with store:
        document = build("compliance", store, start=DAY.start, end=DAY.end, data_dir=tmp_path / "home",
                         timezone=ZONE, now=DAY.end, retention_days=policy)
    audit = document.data["log_audit"]
    assert audit["retention_policy_days"] == policy
    retention = {row[0]: row for row in rows(document, "log_audit.retention")}
    assert retention["huawei.vrp"][4:] == (13, verdict)
    assert retention["linux.auth"][5] == ("是" if policy >= 180 else "否")
    recommendations = document.section("recommendations")
    assert recommendations is not None
    titles = [f.title for b in recommendations.blocks if isinstance(b, Findings) for f in b.items]
    assert recommendation in titles
    assert ("调整" in " ".join(f.advice or "" for b in recommendations.blocks if isinstance(b, Findings)
                               for f in b.items)) is (policy < 180)


def test_saved_results_and_controls(tmp_path: Path) -> None:
    document, store = compliance(tmp_path, lang="en")
    with store:
        assert document.data["mipin"] == [{"system": "一网通办门户", "level": 3, "total": "61.5", "verdict": "不符合",
                                           "high_risks": 1, "missing_evidence": None, "last_conclusive": None,
                                           "evaluated_at": "2026-11-29T08:00:00+00:00"}]
        assert document.data["inventories"][0]["tagged"] == 4
        # (MLPS: the Multi-Level Protection Scheme, 等保, in an English report)
        assert document.data["controls"] == {"MLPS 8.1.4.1 b)": 2, "MLPS 8.1.3.5 a)": 1}
        chapter = document.section("mipin.一网通办门户")
        assert chapter is not None
        assert document.title == "Compliance report"
        # a high risk is headed by its clause, the requirement's own words and the object (review r18c 15)
        risks = document.section("mipin.一网通办门户.high_risk")
        assert risks is not None
        (title,) = [f.title for b in risks.blocks if isinstance(b, Findings) for f in b.items]
        words = item_title("gbt39786.l3.8.3.b", "en")
        assert words and title == f"8.3 b) {words} 172.16.10.9:22"


def test_without_saved_results_the_report_says_what_to_run(tmp_path: Path) -> None:
    with SqliteStore(tmp_path / "events.db") as store:
        document = build("compliance", store, start=DAY.start, end=DAY.end, data_dir=tmp_path, timezone=ZONE)
    mipin = document.section("mipin")
    assert mipin is not None and isinstance(mipin.blocks[0], Paragraph) and "crypto-eval" in mipin.blocks[0].text


def test_rule_coverage_names_the_shipped_sources() -> None:
    covered = rule_coverage()
    # the pack's sshd rules read linux.auth; the device rules read by module
    assert {"linux.auth", "huawei", "h3c", "network.flow"} <= covered
    assert "custom.app" not in covered


def test_the_situation_report_recommends_what_the_compliance_report_does(tmp_path: Path) -> None:
    # review r18d finding 8: the situation report omitted the compliance report's recommendations
    # (silent sources, datasets no rule reads, retention ...) and said nothing of the rule that fired most
    document, store = compliance(tmp_path)
    with store:
        situation = build("situation", store, start=DAY.start, end=DAY.end, lang="zh", data_dir=tmp_path / "home",
                          timezone=ZONE, now=DAY.end)
        # a six-month policy (history short: low) and a system never evaluated (medium)
        policy = build("compliance", store, start=DAY.start, end=DAY.end, lang="zh", data_dir=tmp_path / "home",
                       timezone=ZONE, now=DAY.end, systems={"一网通办门户": 3, "协同办公系统": 3}, retention_days=180)

    def titles(doc: Document) -> list[tuple[str, str]]:
        found = doc.section("recommendations")
        assert found is not None
        return [(f.level, f.title) for b in found.blocks if isinstance(b, Findings) for f in b.items]

    given = titles(situation)
    assert set(titles(document)) <= set(given), set(titles(document)) - set(given)
    assert ("high", "查明并消除本期告警最多的规则“SSH brute force”（3 条告警）的成因") in given
    order = ["critical", "high", "medium", "low", "info"]
    assert {level for level, _ in titles(policy)} >= {"high", "medium", "low"}
    for doc in (document, situation, policy):  # most severe first (the demo's compliance gave low before medium)
        levels = [order.index(level) for level, _ in titles(doc)]
        assert levels == sorted(levels), titles(doc)
