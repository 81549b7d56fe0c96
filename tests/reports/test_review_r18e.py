"""Findings of the review r18e of issue 18's reports: log text cannot change a Markdown report's
structure (finding HIGH 5); personal names in host, system and agency names (HIGH 1), secrets in
evidence (HIGH 2) and names in JSON and XML values (HIGH 13) are masked on both stores in every
format; each test fails on the code the review read."""

from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.token import Token

from govsoc.core.alert import Alert
from govsoc.core.event import make_id
from govsoc.core.evidence import Evidence
from govsoc.reports.build import build
from govsoc.reports.document import Document, Figure, Figures, Finding, Findings, Paragraph, Section, Table
from govsoc.reports.renderers import renderers
from govsoc.store.base import Store

START = datetime(2026, 11, 28, 16, tzinfo=UTC)
END = START + timedelta(days=1)

# what an attacker can put in a host name, a user name or an alert message: line breaks of every
# kind CommonMark knows (LF, CR, CRLF), then a heading, a table row, a list item, a quote, code,
# a javascript: link, an autolink, raw HTML, emphasis, a setext underline and an indented block
HOSTILE = ("web-01\n# 注入的标题\r| a | b |\r\n- 列表项\n> 引用\n`code` ```\n[点我](javascript:alert(1))"
           " <https://evil.example/> <img src=x onerror=alert(1)> **粗体** _斜_ ~~删~~\n===\n    缩进 &amp; \\")
#: Every structural token a hostile text could add (the document's own are counted apart).
STRUCTURE = ("heading_open", "table_open", "tr_open", "bullet_list_open", "ordered_list_open", "blockquote_open",
             "fence", "code_block", "html_block", "hr")


def _document(text: str) -> Document:
    return Document(
        kind="situation", title=f"标题 {text}", lang="zh", generated="2026-11-30T09:00:00+08:00",
        timezone="Asia/Shanghai", masked=True, meta={"store": text},
        sections=(Section(id="s", title=f"资产 {text}", blocks=(
            Figures(items=(Figure(label=text, value=1, note=text),)),
            Table(columns=("主机", "数量"), rows=((text, 3),), caption=text),
            Findings(items=(Finding(level="high", title=text, text=text, evidence=(text,), advice=text,
                                    reference=text),)),
            Paragraph(text=text),
        )),))


def _structure(tokens: list[Token]) -> dict[str, int]:
    out: dict[str, int] = {}
    for token in tokens:
        if token.type in STRUCTURE:
            out[token.type] = out.get(token.type, 0) + 1
    return out


def _marks(tokens: list[Token]) -> dict[str, int]:
    out: dict[str, int] = {}
    for child in (c for t in tokens if t.type == "inline" for c in t.children or []):
        if child.type not in ("text", "softbreak", "hardbreak"):
            out[child.type] = out.get(child.type, 0) + 1
    return out


def _cells(tokens: list[Token]) -> list[list[Any]]:
    """The inline children of every body cell (td) of every table."""
    cells = []
    for i, token in enumerate(tokens):
        if token.type == "td_open":
            cells.append(tokens[i + 1].children or [])
    return cells


def test_log_text_cannot_change_a_markdown_report_structure() -> None:
    parser = MarkdownIt("commonmark").enable("table").enable("strikethrough")
    plain = parser.parse(renderers.get("md")().render(_document("web-01")).decode("utf-8"))
    hostile = parser.parse(renderers.get("md")().render(_document(HOSTILE)).decode("utf-8"))
    # the same headings, tables, rows, lists and quotes as with a harmless name, nothing more
    assert _structure(hostile) == _structure(plain)
    # no link, image, HTML, code or emphasis beyond the renderer's own (**caption**, **[level]**)
    assert _marks(hostile) == _marks(plain) and "link_open" not in _marks(plain)
    # the host name is one text node in its cell, read back as it was, its line breaks as spaces
    [host, count] = _cells(hostile)[:2]
    assert [c.type for c in host] == ["text"] and [c.type for c in count] == ["text"]
    expected = HOSTILE.replace("\r\n", " ").replace("\r", " ").replace("\n", " ")
    assert host[0].content == expected
    # every other place the text stands reads back whole as well: the title, the store, the section,
    # the figure and its note, the caption, the finding's title, evidence, advice and reference on one
    # line; the paragraph and the finding's text keep their lines (hard breaks)
    texts = ["".join(c.content if c.type == "text" else "\n" for c in t.children or [])
             for t in hostile if t.type == "inline"]
    assert sum(expected in x for x in texts) == 11, texts
    lines = HOSTILE.replace("\r\n", "\n").replace("\r", "\n")
    assert sum(lines in x for x in texts) == 2, texts  # the finding's text follows its title


def _alert(i: int, *, context: dict[str, str] | None = None, lines: tuple[str, ...] = ("x",)) -> Alert:
    at = START + timedelta(hours=1, minutes=i)
    evidence = tuple(Evidence(event_id=make_id("r18e", i, k), timestamp=at, dataset="linux.auditd", original=line)
                     for k, line in enumerate(lines))
    return Alert(id=make_id("r18e-alert", i), rule_id=f"r-{i}", rule_title=f"rule {i}", level="high", kind="match",
                 start=at, end=at, event_ids=tuple(e.event_id for e in evidence), context=context or {},
                 evidence=evidence)


def _texts(document: Document, tmp_path: Path) -> dict[str, str]:
    """The document's text in JSON, Markdown (escapes read), HTML (tags dropped, entities read) and PDF (pdftotext)."""
    out = {fmt: renderers.get(fmt)().render(document).decode("utf-8") for fmt in ("json", "md", "html")}
    out["json"] = json.dumps(json.loads(out["json"]), ensure_ascii=False)
    out["html"] = html.unescape(re.sub(r"<[^>]+>", "", out["html"]))
    out["md"] = re.sub(r"\\(.)", r"\1", out["md"])  # escapes read (张\*\*)
    assert shutil.which("pdftotext"), "pdftotext is missing (scripts/system-packages.sh: poppler-utils)"
    pdf = tmp_path / f"{document.kind}.pdf"
    pdf.write_bytes(renderers.get("pdf")().render(document))
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    out["pdf"] = re.sub(r"\s+", "", text)  # a table cell may wrap anywhere
    return out


def _reports(store: Store, masked: bool) -> list[Document]:
    store.refresh()
    return [build(kind, store, start=START, end=END, lang="zh", masked=masked, data_dir=None,
                  timezone="Asia/Shanghai", now=END) for kind in ("situation", "alerts")]


# hosts named after their users (a Chinese possessive, pinyin beside a device word, a Chinese name
# as one part), a system of one person's, an agency name carrying its contact
PERSONAL_ASSETS = [
    {"host.name": "张三的电脑", "govsoc.system": "李小明的测试系统", "govsoc.agency": "市卫健委-王芳"},
    {"host.name": "zhangwei-laptop", "govsoc.system": "政务云统一身份认证系统", "govsoc.agency": "市大数据局"},
    {"host.name": "DESKTOP-LIUYANG", "govsoc.system": "一网通办门户", "govsoc.agency": "市大数据局"},
    {"host.name": "PC-赵敏", "govsoc.system": "一网通办门户", "govsoc.agency": "市大数据局"},
]
PERSONAL_NAMES = ("张三", "李小明", "王芳", "zhangwei", "LIUYANG", "赵敏")


def test_personal_names_in_host_system_and_agency_names_are_masked(store: Store, tmp_path: Path) -> None:
    # review r18e HIGH 1: the situation report's assets and incidents and the alert report's
    # hosts printed them as they were, on SQLite and Elasticsearch, in every format
    store.write_alerts([_alert(i, context=c) for i, c in enumerate(PERSONAL_ASSETS)])
    for document in _reports(store, masked=True):
        for fmt, text in _texts(document, tmp_path).items():
            for name in PERSONAL_NAMES:
                assert name not in text, (document.kind, fmt, name)
            # the rest of each name stays, so the asset can still be told
            for kept in ("张**的电脑", "z**-laptop", "DESKTOP-L**", "PC-赵**"):
                assert kept in text, (document.kind, fmt, kept)
            if document.kind == "situation":
                for kept in ("李**的测试系统", "市卫健委-王**", "政务云统一身份认证系统", "市大数据局"):
                    assert kept in text, (fmt, kept)
    unmasked = json.dumps([d.to_dict() for d in _reports(store, masked=False)], ensure_ascii=False)
    assert all(name in unmasked for name in PERSONAL_NAMES)


# secrets a log line carries without a key the earlier masking knew (review r18e HIGH 2)
SECRET_LINES = {
    "S3cretPw": "type=EXECVE msg=audit(1764400000.1:1): cmd=mysql -uroot -pS3cretPw -h 10.0.0.5 gov",
    "Summer2024": "sshpass -p Summer2024 ssh root@10.0.0.5",
    "hunter2x": "env DB_PASS=hunter2x REDIS_AUTH=r3dis ./deploy.sh",
    "ST-77-abcDEF": "GET /cas/serviceValidate?ticket=ST-77-abcDEF&service=https%3A%2F%2Fa HTTP/1.1",
    "eyJzdWIiOiJhZG1pbiJ9": "GET /api/me?x=1 HTTP/1.1 jwt=none eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhZG1pbiJ9.c2ln",
    "MIIEvQIBADANBgkqhkiG9w0BAQEFAASC": "key=-----BEGIN PRIVATE KEY-----MIIEvQIBADANBgkqhkiG9w0BAQEFAASC",
}


def test_secrets_in_evidence_are_masked_in_every_format(store: Store, tmp_path: Path) -> None:
    lines = list(SECRET_LINES.values())
    store.write_alerts([_alert(i, lines=tuple(lines[i * 2:i * 2 + 2])) for i in range(3)])  # two lines each
    [situation, _] = _reports(store, masked=True)
    texts = _texts(situation, tmp_path)
    for fmt, text in texts.items():
        for secret in SECRET_LINES:
            assert secret not in text, (fmt, secret)
    assert "-p***" in texts["json"] and "DB_PASS=***" in texts["json"] and "ticket=***" in texts["json"]
    shown = json.dumps(_reports(store, masked=False)[0].to_dict(), ensure_ascii=False)
    assert all(secret in shown for secret in SECRET_LINES)


# request and response bodies a web or API log quotes (review r18e HIGH 13)
STRUCTURED_LINES = (
    'POST /api/apply HTTP/1.1 body={"applicant":{"name":"张三","account":"zhangsan01"},"联系人":"王芳"}',
    "POST /ws/submit HTTP/1.1 <req><user>lisi88</user><name>欧阳明</name></req>",
)


def test_names_in_structured_values_are_masked_in_every_format(store: Store, tmp_path: Path) -> None:
    store.write_alerts([_alert(0, lines=STRUCTURED_LINES)])
    [situation, _] = _reports(store, masked=True)
    for fmt, text in _texts(situation, tmp_path).items():
        for clear in ("张三", "zhangsan01", "王芳", "lisi88", "欧阳明"):
            assert clear not in text, (fmt, clear)
        for kept in ("张**", "z***", "王**", "l***", "欧**"):
            assert kept in text, (fmt, kept)
    shown = json.dumps(_reports(store, masked=False)[0].to_dict(), ensure_ascii=False)
    assert all(clear in shown for clear in ("张三", "zhangsan01", "王芳", "lisi88", "欧阳明"))


def test_the_top_sources_are_exact_over_matches_and_correlations(store: Store) -> None:
    # review r18e: the top ten sources added the top ten of single matches (context.source.ip) to
    # those of correlations (group.source.ip); 203.0.113.99 is eleventh in each (4 alerts against
    # ten sources of 5) but first overall (8), and was left out
    alerts, n = [], 0
    for kind, field, prefix in (("match", "context", "198.51.100."), ("correlation", "group", "192.0.2.")):
        for ip, count in [*((f"{prefix}{i}", 5) for i in range(10)), ("203.0.113.99", 4)]:
            for _ in range(count):
                at = START + timedelta(minutes=n)
                alerts.append(Alert(id=make_id("r18e-top", n), rule_id="r-top", rule_title="top", level="medium",
                                    kind=kind, start=at, end=at, event_ids=(make_id("r18e-top-e", n),),
                                    **{field: {"source.ip": ip}}))  # type: ignore[arg-type]
                n += 1
    store.write_alerts(alerts)
    [situation, _] = _reports(store, masked=True)
    sources = situation.section("sources")
    assert sources is not None
    table = sources.blocks[0]
    assert isinstance(table, Table)
    assert table.rows[0] == ("203.0.113.99", 8)
    # then ten of the twenty sources of 5, the least addresses first (ties by value)
    assert list(table.rows[1:]) == sorted((f"{p}{i}", 5) for p in ("198.51.100.", "192.0.2.") for i in range(10))[:9]


def test_personal_names_in_system_names_of_saved_results_are_masked(sqlite_store: Store, tmp_path: Path) -> None:
    # review r18e HIGH 1, the compliance part: a 密评 result saved for 张三的测试系统 and an inventory
    # system never evaluated (李小明的办公系统) were named as they were in the 密评 tables, chapters and
    # recommendations of the compliance and situation reports
    folder = tmp_path / "results" / "crypto_eval"
    folder.mkdir(parents=True)
    (folder / "zs.json").write_text(json.dumps({
        "system": "张三的测试系统", "level": 3, "layers": [], "total": "40.00", "verdict": "不符合", "high_risk": [],
        "missing_evidence": 0, "evaluated_at": "2026-11-29T01:00:00+00:00"}, ensure_ascii=False), encoding="utf-8")
    sqlite_store.refresh()
    for kind in ("compliance", "situation"):
        for masked in (True, False):
            document = build(kind, sqlite_store, start=START, end=END, lang="zh", masked=masked, data_dir=tmp_path,
                             timezone="Asia/Shanghai", now=END, systems={"李小明的办公系统": 3})
            texts = _texts(document, tmp_path) if masked else {"json": json.dumps(document.to_dict(),
                                                                                  ensure_ascii=False)}
            for fmt, text in texts.items():
                for name in ("张三", "李小明"):
                    assert (name in text) is not masked, (kind, fmt, name)
                if masked:
                    assert "张**的测试系统" in text and "李**的办公系统" in text, (kind, fmt)
