"""Findings of the review r18e of issue 18's reports: log text cannot change a Markdown report's
structure (finding HIGH 5), ...; each test fails on the code the review read."""

from __future__ import annotations

from typing import Any

from markdown_it import MarkdownIt
from markdown_it.token import Token

from govsoc.reports.document import Document, Figure, Figures, Finding, Findings, Paragraph, Section, Table
from govsoc.reports.renderers import renderers

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
