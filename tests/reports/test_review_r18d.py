"""Findings of the third hostile review of issue 18's reports (/tmp/r18d/FINDINGS.md): personal
data and credentials in evidence in every format (finding 1), the conclusion of a 密评 without
evidence (10), every pending high rule among the incidents (4), unmasked reports under their own
name (5), ...; each test fails on the code the review read."""

from __future__ import annotations

import html
import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from govsoc.core.alert import Alert
from govsoc.core.event import make_id
from govsoc.core.evidence import Evidence
from govsoc.reports.build import build
from govsoc.reports.document import Document
from govsoc.reports.renderers import renderers
from govsoc.store.base import Query, Store
from govsoc.store.sqlite import SqliteStore

START = datetime(2026, 11, 28, 16, tzinfo=UTC)
END = START + timedelta(days=1)
# the review's numbers: a GB 11643 ID whose check character is right (tests/classification/test_free_text.py
# derives it), a 138 mobile, an ICBC card (BIN 622202) that passes Luhn, a first-generation 15-digit ID
ID_NUMBER, MOBILE, CARD, OLD_ID = "110101199003071233", "13812345678", "6222021234567890128", "110101900307123"


def alert(i: int, rule: int, level: str, *, status: str = "open", original: str = "x",
          title: str | None = None, minutes: int = 0) -> Alert:
    at = START + timedelta(hours=1, minutes=i)
    evidence = Evidence(event_id=make_id("r18d", i), timestamp=at, dataset="nginx.access", original=original)
    return Alert(id=make_id("r18d-alert", i), rule_id=f"r-{rule}", rule_title=title or f"rule {rule}", level=level,
                 kind="match", start=at, end=at + timedelta(minutes=minutes), event_ids=(make_id("r18d", i),),
                 status=status, evidence=(evidence,))


def situation(store: SqliteStore, masked: bool = True, lang: str = "zh") -> Document:
    store.refresh()
    return build("situation", store, start=START, end=END, lang=lang, masked=masked, data_dir=None,
                 timezone="Asia/Shanghai", now=END)


def rendered(document: Document) -> dict[str, str]:
    """The document's text in JSON, Markdown and HTML (the style sheet, its embedded font's base64
    among it, and tags dropped, entities read: a font subset's base64 held "8765" once the masked
    text's glyphs changed, read as a phone's digits in clear)."""
    out = {fmt: renderers.get(fmt)().render(document).decode("utf-8") for fmt in ("json", "md", "html")}
    out["json"] = json.dumps(json.loads(out["json"]), ensure_ascii=False)
    out["html"] = html.unescape(re.sub(r"<[^>]+>", "", re.sub(r"(?s)<style\b.*?</style>", "", out["html"])))
    return out


def test_glued_numbers_and_credentials_in_evidence_are_masked_in_every_format(sqlite_store: SqliteStore) -> None:
    # the review's lines (finding 1): letters glued before an ID number, a mobile number with a bare
    # 86, a card with a letter after it, a 15-digit ID, a password and a Basic credential
    lines = [
        f"GET /login?user=admin%27%20or%201=1--&password=Secret123!&sfz=SFZ{ID_NUMBER} HTTP/1.1",
        f"GET /q?id=1%20union%20select%201&u=ID{ID_NUMBER}&tel=86{MOBILE} HTTP/1.1",
        f"GET /q?id=1%20union%20select%201&old={OLD_ID}&card={CARD}x HTTP/1.1",
        "GET /admin HTTP/1.1 Authorization: Basic YWRtaW46U2VjcmV0MTIzIQ==",
    ]
    sqlite_store.write_alerts([alert(i, i, "high", original=line) for i, line in enumerate(lines)])
    for fmt, text in rendered(situation(sqlite_store)).items():
        for clear in (ID_NUMBER, MOBILE, CARD, OLD_ID, "Secret123!", "YWRtaW46U2VjcmV0MTIzIQ=="):
            assert clear not in text, (fmt, clear)
        assert "Basic" in text and "password=" in text, fmt
    # --unmasked shows them as they were
    shown = rendered(situation(sqlite_store, masked=False))["json"]
    assert ID_NUMBER in shown and "Secret123!" in shown


def _table(document: Document, section: str) -> Any:
    from govsoc.reports.document import Table

    found = document.section(section)
    assert found is not None
    return next(b for b in found.blocks if isinstance(b, Table) and "缺少证据" in b.columns)


def test_a_mipin_without_evidence_shows_it_and_the_last_conclusion(tmp_path: Path) -> None:
    # review r18d finding 10: a run that reached no endpoint (missing evidence 6) after one that found
    # TLS 1.0 (不符合): the tables show the missing units and the last conclusion drawn on evidence,
    # the recommendations keep the failure (high) and ask for the evidence (medium), most severe first
    folder = tmp_path / "results" / "crypto_eval"
    folder.mkdir(parents=True)
    last = {"verdict": "不符合", "total": "74.68", "high_risk": 6, "missing_evidence": 0,
            "evaluated_at": "2026-11-22T01:00:00+00:00", "file": "x.last-evidence.json"}
    (folder / "traffic.json").write_text(json.dumps({
        "system": "交通违法处理系统", "level": 3, "layers": [], "total": "73.78", "verdict": "证据不足，无法判定",
        "high_risk": [], "missing_evidence": 6, "evaluated_at": "2026-11-29T01:00:00+00:00",
        "last_conclusive": last}, ensure_ascii=False), encoding="utf-8")
    with SqliteStore(tmp_path / "events.db") as store:
        store.write_alerts([alert(0, 0, "high")])  # one pending high alert: a high recommendation of its own
        for kind, section in (("compliance", "summary"), ("situation", "compliance")):
            doc = build(kind, store, start=START, end=END, lang="zh", masked=True, data_dir=tmp_path,
                        timezone="Asia/Shanghai", now=END)
            table = _table(doc, section)
            row = next(r for r in table.rows if r[0] == "交通违法处理系统")
            assert row[table.columns.index("缺少证据")] == 6, kind
            shown = str(row[table.columns.index("结论")])
            assert shown.startswith("证据不足，无法判定") and "不符合" in shown and "74.68" in shown, shown
            assert not any("基本符合" in str(cell) for r in table.rows for cell in r), kind
            recs = doc.section("recommendations")
            assert recs is not None
            items = recs.blocks[0].items  # type: ignore[attr-defined]
            titles = [i.title for i in items]
            assert any("交通违法处理系统" in x and "整改" in x for x in titles), titles
            assert any("证据不足" in x and "交通违法处理系统（6）" in x for x in titles), titles
            if kind == "compliance":  # the system's chapter says the run did not replace the last conclusion
                chapter = doc.section("mipin.交通违法处理系统")
                assert chapter is not None and "不替代上次有证据的结论：不符合，74.68 分" in repr(chapter)
            order = ["critical", "high", "medium", "low", "info"]
            assert [order.index(i.level) for i in items] == sorted(order.index(i.level) for i in items), kind


def test_every_pending_high_rule_is_among_the_incidents(sqlite_store: SqliteStore) -> None:
    # review r18d finding 4: 17 pending high/critical rules, 5 shown and the others not even counted;
    # a rule that fired once (logging stopped) was ranked last. Here 7 high rules of 3 alerts, one high
    # rule of 1 alert and one critical rule of 1 alert: the critical one first, all nine named
    alerts = [alert(i * 3 + k, i, "high", title=f"高危规则{i}") for i in range(7) for k in range(3)]
    alerts += [alert(30, 7, "high", title="Huawei Cloud CTS Tracker Deleted"),
               alert(31, 8, "critical", title="Web Shell Written"),
               alert(32, 9, "high", title="已关闭的规则", status="closed")]
    sqlite_store.write_alerts(alerts)
    section = situation(sqlite_store).section("incidents")
    assert section is not None
    from govsoc.reports.document import Findings, Table

    findings = next(b for b in section.blocks if isinstance(b, Findings)).items
    assert [f.title for f in findings][:1] == ["Web Shell Written"] and len(findings) == 5
    table = next(b for b in section.blocks if isinstance(b, Table))
    assert table.caption.startswith("另有 4 条") and len(table.rows) == 4
    named = [f.title for f in findings] + [str(r[0]) for r in table.rows]
    expected = {"Web Shell Written", "Huawei Cloud CTS Tracker Deleted", *(f"高危规则{i}" for i in range(7))}
    assert set(named) == expected and len(named) == len(expected)
    assert named[-1] == "Huawei Cloud CTS Tracker Deleted"  # one alert: after the rules of three


def test_an_unmasked_report_has_its_own_name_and_says_so_at_its_top(sqlite_store: SqliteStore, tmp_path: Path) -> None:
    # review r18d finding 5: --unmasked wrote situation-<day>.md over the masked one, and said so on
    # its last line only
    import shutil
    import subprocess

    from govsoc.reports.build import write
    from govsoc.reports.signing import init_key

    assert shutil.which("pdftotext"), "pdftotext is missing (scripts/system-packages.sh: poppler-utils)"
    key = init_key(tmp_path / "keys")
    sqlite_store.write_alerts([alert(0, 0, "high", original=f"GET /q?sfz={ID_NUMBER} HTTP/1.1")])
    folder = tmp_path / "day"
    formats = ("md", "json", "html", "pdf")
    masked = write(situation(sqlite_store), formats, folder, key=key)
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    unmasked = write(situation(sqlite_store, masked=False), formats, folder, key=key)
    assert [p.name for p in masked] == [f"situation-2026-11-29.{f}" for f in formats]
    assert [p.name for p in unmasked] == [f"situation-2026-11-29.unmasked.{f}" for f in formats]
    assert {p.name: p.read_bytes() for p in folder.iterdir() if p.name in before} == before  # untouched
    banner = "未脱敏报告：本报告含未脱敏的个人信息"
    md = unmasked[0].read_text(encoding="utf-8").splitlines()
    assert banner in md[2] and ID_NUMBER in "\n".join(md)  # right under the title
    assert next(iter(json.loads(unmasked[1].read_text(encoding="utf-8")))) == "banner"
    page = unmasked[2].read_text(encoding="utf-8")
    assert page.index(banner) < page.index('<dl class="meta">')  # above the cover's facts
    text = subprocess.run(["pdftotext", "-l", "1", "-enc", "UTF-8", str(unmasked[3]), "-"], capture_output=True,
                          text=True, check=True).stdout
    assert banner in re.sub(r"\s+", "", text)[:200]
    for path in masked:  # the masked report says nothing of the kind
        assert banner not in (path.read_text(encoding="utf-8") if path.suffix != ".pdf" else "")
    english = renderers.get("md")().render(situation(sqlite_store, masked=False, lang="en")).decode("utf-8")
    assert "UNMASKED REPORT" in english.splitlines()[2]


def test_log_audit_figures_count_one_thing_each(tmp_path: Path) -> None:
    # review r18d finding 2: "数据源 13" counted datasets, "已静默的数据源 56" datasets, hosts and devices
    # together. Here: two datasets; linux.auth still flows from web-01 but web-02 stopped 3 days ago;
    # huawei.vrp (from switch sw-01) stopped 3 days ago: 1 silent dataset, 2 silent hosts/devices
    from govsoc.core.event import Event
    from govsoc.reports.document import Figures, Table

    def event(n: int, dataset: str, ago: timedelta, **fields: str) -> Event:
        return Event(id=make_id("f2", n), timestamp=END - ago, dataset=dataset, fields=fields)

    with SqliteStore(tmp_path / "events.db") as store:
        store.write([event(1, "linux.auth", timedelta(hours=2), **{"host.name": "web-01"}),
                     event(2, "linux.auth", timedelta(days=3), **{"host.name": "web-02"}),
                     event(3, "huawei.vrp", timedelta(days=3), **{"observer.name": "sw-01"})])
        store.refresh()
        doc = build("compliance", store, start=START, end=END, lang="zh", masked=True, data_dir=tmp_path,
                    timezone="Asia/Shanghai", now=END)
    audit = doc.section("log_audit")
    assert audit is not None
    figures = {f.label: f.value for b in audit.blocks if isinstance(b, Figures) for f in b.items}
    assert figures["已采集的数据集（截至期末）"] == 2
    assert figures["已静默的数据集"] == 1 and figures["已静默的主机与设备"] == 2
    gaps = doc.section("log_audit.gaps")
    assert gaps is not None
    tables = {b.caption: b.rows for b in gaps.blocks if isinstance(b, Table)}
    assert [r[0] for r in tables["已静默的数据集"]] == ["huawei.vrp"]  # as many rows as the figure says
    assert sorted(r[:2] for r in tables["已静默的主机与设备"]) == [("主机", "web-02"), ("网络设备", "sw-01")]
    recs = doc.section("recommendations")
    assert recs is not None
    titles = [i.title for i in recs.blocks[0].items]  # type: ignore[attr-defined]
    assert "恢复已静默数据集的采集（huawei.vrp）" in titles
    assert any(x.startswith("恢复 2 台已静默主机与设备的日志发送") for x in titles), titles


def test_the_last_time_of_a_rule_is_its_last_event(store: Store) -> None:
    # review r18d finding 3: a brute force of 12 failed logins per host from 10:00:00 to 10:11:01
    # (Beijing time) read "10:00:00 – 10:00:00": the newest alert's start, not its last event
    at = START + timedelta(hours=10)
    end = at + timedelta(minutes=11, seconds=1)
    store.write_alerts([Alert(id=make_id("f3", i), rule_id="ssh-bf", rule_title="SSH Brute Force From One Source",
                              level="high", kind="correlation", start=at, end=end,
                              event_ids=tuple(make_id("f3e", i, k) for k in range(12))) for i in range(3)])
    store.refresh()
    [group] = store.groups(Query(start=START, end=END), "rule.id", total="event.count", span=True, target="alerts")
    assert (group.count, group.total, group.first, group.last) == (3, 36, at, end)
    doc = situation(store)  # type: ignore[arg-type]
    rules = doc.section("rules")
    assert rules is not None
    rows = [r for b in rules.blocks for r in getattr(b, "rows", ())]
    assert rows == [("SSH Brute Force From One Source", "高危", 3, 36, "2026-11-29 10:00:00", "2026-11-29 10:11:01")]
    incidents = repr(doc.section("incidents"))
    assert "2026-11-29 10:11:01" in incidents and "10:00:00 – 2026-11-29 10:00:00" not in incidents


def test_a_byte_count_in_evidence_is_the_stored_figure_in_the_masked_report(sqlite_store: SqliteStore) -> None:
    # review R18f F1: a 13.9 GB response size is not a mobile number; a phone number in the same
    # line's query is masked all the same
    line = (f'203.0.113.77 - - [29/Nov/2026:11:00:00 +0800] "GET /export?tel={MOBILE} HTTP/1.1" 200 13912345678'
            ' "-" "curl/8.0"')
    sqlite_store.write_alerts([alert(0, 0, "high", original=line)])
    for fmt, text in rendered(situation(sqlite_store)).items():
        assert " 200 13912345678 " in text, fmt  # the figure the store holds (JSON escapes the quotes)
        assert MOBILE not in text and "139****5678" not in text, fmt
