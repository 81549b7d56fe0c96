"""Findings of the second hostile review of issue 18's reports (/tmp/r18c): evidence masked before
it is cut, notable incidents chosen by severity over all rules, open high alerts only in the
recommendation."""

from __future__ import annotations

import json
import os
import stat
from datetime import UTC, datetime, timedelta
from pathlib import Path

from govsoc.collectors.pipeline import ingest_file
from govsoc.core.alert import Alert
from govsoc.core.event import make_id
from govsoc.core.evidence import Evidence
from govsoc.reports.build import build
from govsoc.reports.document import Chart, Document, Findings
from govsoc.store.sqlite import SqliteStore

START = datetime(2026, 11, 28, 16, tzinfo=UTC)
END = START + timedelta(days=1)
RESIDENT_ID, MOBILE = "11010519491231002X", "13812345678"  # a valid check character; a 138 mobile


def alert(i: int, rule: int, level: str, *, status: str = "open", original: str = "x") -> Alert:
    at = START + timedelta(hours=1, minutes=i)
    evidence = Evidence(event_id=make_id("r18c", i), timestamp=at, dataset="nginx.access", original=original)
    return Alert(id=make_id("r18c-alert", i), rule_id=f"r-{rule}", rule_title=f"rule {rule}", level=level,
                 kind="match", start=at, end=at, event_ids=(make_id("r18c", i),), status=status,
                 evidence=(evidence,))


def situation(store: SqliteStore, masked: bool = True) -> Document:
    store.refresh()
    return build("situation", store, start=START, end=END, lang="en", masked=masked, data_dir=None,
                 timezone="Asia/Shanghai", now=END)


def incidents(doc: Document) -> Findings:
    section = doc.section("incidents")
    assert section is not None and isinstance(section.blocks[0], Findings)
    return section.blocks[0]


def test_evidence_is_masked_before_it_is_cut(sqlite_store: SqliteStore) -> None:
    # the ID crosses the 300-character cut at its 17th digit, the phone number (on another line) at its 10th
    id_line = "GET /q?" + "a" * (300 - 7 - 5 - 16) + "&sfz=" + RESIDENT_ID + " HTTP/1.1"
    phone_line = "GET /q?" + "b" * (300 - 7 - 5 - 10) + "&tel=" + MOBILE + " HTTP/1.1"
    assert id_line.index(RESIDENT_ID) + 17 > 300 > id_line.index(RESIDENT_ID) + 10
    sqlite_store.write_alerts([alert(0, 0, "high", original=id_line), alert(1, 1, "high", original=phone_line)])
    text = json.dumps(situation(sqlite_store).to_dict(), ensure_ascii=False)
    assert "sfz=" in text and "tel=" in text
    for value in (RESIDENT_ID, MOBILE):
        for n in range(6, len(value)):
            assert value[:n] + "\"" not in text and value[:n] + " " not in text, value[:n]
    assert "11010519491231002" not in text and "1381234567" not in text
    # unmasked, the cut leaves the digits as they are
    shown = json.dumps(situation(sqlite_store, masked=False).to_dict(), ensure_ascii=False)
    assert "sfz=1101051949123100" in shown and "tel=138123456" in shown


def test_file_paths_in_the_summary_tables_are_masked(tmp_path: Path) -> None:
    # an inventory of a file named by an ID and a phone number, and a log file named by a phone number
    home, data = tmp_path / "home", tmp_path / "data"
    data.mkdir()
    log = data / f"auth_{MOBILE}.log"
    log.write_text("2026-11-29T09:00:01+08:00 web-01 sshd[811]: Failed password for root from 203.0.113.7 port 50022"
                   " ssh2\n", encoding="utf-8")
    source = str(data / f"张三_{RESIDENT_ID}_{MOBILE}.csv")
    folder = home / "results" / "classification"
    folder.mkdir(parents=True)
    (folder / "people.json").write_text(json.dumps({
        "source": source, "generated": "2026-11-29T00:00:00+08:00", "tables": [],
        "summary": {"tables": 1, "fields": 2, "tagged": 2, "suspected": 0, "pipl_sensitive_fields": 2,
                    "level": "G3", "important_candidates": []}}, ensure_ascii=False), encoding="utf-8")
    with SqliteStore(home / "events.db") as store:
        summary = ingest_file(log, parser_id="linux.auth", store=store, data_dir=home)
        assert summary.receipt.created == 1
        store.refresh()
        for kind in ("compliance", "situation"):
            for masked in (True, False):
                doc = build(kind, store, start=START, end=END, lang="zh", masked=masked, data_dir=home,
                            timezone="Asia/Shanghai", now=END)
                text = json.dumps(doc.to_dict(), ensure_ascii=False)
                assert ("138****5678" in text) is masked, (kind, masked)
                assert ("张三" in text) is not masked, (kind, masked)  # the person the file is named after
                assert (MOBILE in text) is not masked and (RESIDENT_ID in text) is not masked, (kind, masked)


def test_encoded_and_named_personal_data_in_evidence_is_masked(sqlite_store: SqliteStore) -> None:
    # the review's line (finding 6): a name URL-encoded in UTF-8, the same in GBK, a +86 number with
    # its '+' encoded, a name after a Chinese key, an ID number whose check character is wrong
    line = ("GET /api/q?name=%E5%BC%A0%E4%B8%89&xm=%C0%EE%CB%C4&p86=%2B8613912345678&名字=王五"
            "&sfz=110105194912310021 HTTP/1.1")
    sqlite_store.write_alerts([alert(0, 0, "high", original=line)])
    text = json.dumps(situation(sqlite_store).to_dict(), ensure_ascii=False)
    assert "name=张*" in text and "名字=王*" in text, text
    for clear in ("%E5%BC%A0%E4%B8%89", "%C0%EE%CB%C4", "李四", "13912345678", "王五", "110105194912310021"):
        assert clear not in text, clear
    shown = json.dumps(situation(sqlite_store, masked=False).to_dict(), ensure_ascii=False)
    assert "%E5%BC%A0%E4%B8%89" in shown and "王五" in shown


def test_incidents_are_chosen_by_severity_over_all_rules(sqlite_store: SqliteStore) -> None:
    # ten medium rules with many alerts each (the top of the rules table), then six high rules and
    # one critical rule with one alert each, and a critical rule whose alerts are all handled
    alerts, i = [], 0
    for rule in range(10):
        for _ in range(5):
            alerts.append(alert(i, rule, "medium"))
            i += 1
    for rule in range(10, 16):
        alerts.append(alert(i, rule, "high", status="acknowledged" if rule == 10 else "open"))
        i += 1
    alerts.append(alert(i, 16, "critical"))
    alerts += [alert(i + 1, 17, "critical", status="closed"), alert(i + 2, 17, "critical", status="false_positive")]
    sqlite_store.write_alerts(alerts)
    found = incidents(situation(sqlite_store)).items
    assert len(found) == 5
    assert [f.level for f in found] == ["critical", "high", "high", "high", "high"]
    assert found[0].title == "rule 16" and "rule 17" not in {f.title for f in found}
    assert len({f.title for f in found}) == 5  # one per rule
    assert all("Status: open" in f.text or "Status: acknowledged" in f.text for f in found), [f.text for f in found]


def test_handled_high_alerts_are_not_pending(sqlite_store: SqliteStore) -> None:
    sqlite_store.write_alerts([alert(0, 0, "high", status="closed"), alert(1, 1, "critical", status="false_positive"),
                               alert(2, 2, "medium"), alert(3, 3, "high", status="acknowledged")])
    doc = situation(sqlite_store)
    section = doc.section("recommendations")
    assert section is not None and isinstance(section.blocks[0], Findings)
    titles = [f.title for f in section.blocks[0].items]
    assert "Triage the 1 open high and critical alerts" in titles, titles
    assert [f.title for f in incidents(doc).items] == ["rule 3"]


def test_a_new_store_file_is_not_world_readable(tmp_path: Path) -> None:
    # a permissive umask: the file still comes out 0640, its new folders 0750, SQLite's -wal and -shm alike
    old = os.umask(0o022)
    try:
        with SqliteStore(tmp_path / "home" / "data" / "events.db") as store:
            store.write_alerts([alert(0, 0, "high")])
            for name in ("events.db", "events.db-wal", "events.db-shm"):
                path = tmp_path / "home" / "data" / name
                assert stat.S_IMODE(path.stat().st_mode) == 0o640, name
        assert stat.S_IMODE((tmp_path / "home" / "data").stat().st_mode) == 0o750
        assert stat.S_IMODE((tmp_path / "home").stat().st_mode) == 0o750
    finally:
        os.umask(old)


def test_the_tactics_chart_has_every_tactic_of_the_pack(sqlite_store: SqliteStore) -> None:
    from dataclasses import replace as with_
    sqlite_store.write_alerts([with_(alert(0, 0, "high"), tags=("attack.defense-impairment", "attack.t1685")),
                               with_(alert(1, 1, "high"), tags=("attack.stealth",)),
                               with_(alert(2, 2, "high"), tags=("attack.stealth",))])
    section = situation(sqlite_store).section("attack")
    assert section is not None
    chart = section.blocks[0]
    assert isinstance(chart, Chart)
    assert dict(zip(chart.categories, chart.series[0].values, strict=True)) == {"Defense Impairment": 1.0,
                                                                                "Stealth": 2.0}


def test_an_empty_store_has_nothing_to_judge(tmp_path: Path) -> None:
    with SqliteStore(tmp_path / "events.db") as store:
        doc = build("compliance", store, start=START, end=END, lang="en", data_dir=tmp_path,
                    timezone="Asia/Shanghai", now=END)
    section = doc.section("recommendations")
    assert section is not None and isinstance(section.blocks[0], Findings)
    titles = [f.title for f in section.blocks[0].items]
    assert "Nothing in the period calls for immediate action" not in titles
    assert titles == ["No log has been collected: the MLPS log audit cannot be judged",
                      "No CCA result yet: cryptography use cannot be judged",
                      "No data classification inventory yet: data security cannot be judged"]
