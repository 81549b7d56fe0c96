"""Renderers of the report Document: HTML, JSON and Markdown read back structurally.

The HTML is parsed (html.parser) rather than searched as text, so a test sees what a browser
sees: which elements exist, their attributes, the text nodes. Expected values come from the
Document itself (and its JSON), never from a previous rendering.
"""

from __future__ import annotations

import base64
import io
import json
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from html.parser import HTMLParser
from typing import Any

import pytest
from fontTools.ttLib import TTFont

from govsoc.classification.masking import mask_account
from govsoc.core.alert import Alert
from govsoc.reports import HtmlRenderer, build_report, renderers
from govsoc.reports.document import Chart, Document, Figures, Table, walk
from govsoc.reports.renderers import format_number

FONT_FACE = re.compile(r"url\(data:font/woff2;base64,([A-Za-z0-9+/=]+)\)")


@dataclass
class Page(HTMLParser):
    """What a browser would build from the HTML: elements with their attributes, and the text."""

    elements: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    text: list[str] = field(default_factory=list)
    style: list[str] = field(default_factory=list)
    _stack: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        HTMLParser.__init__(self, convert_charrefs=True)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, {k: v or "" for k, v in attrs}))
        self._stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        while self._stack and self._stack.pop() != tag:
            pass

    def handle_data(self, data: str) -> None:
        (self.style if self._stack and self._stack[-1] == "style" else self.text).append(data)

    def having(self, attribute: str) -> list[dict[str, str]]:
        return [attrs for _, attrs in self.elements if attribute in attrs]


def parse(html: bytes) -> Page:
    page = Page()
    page.feed(html.decode("utf-8"))
    return page


@pytest.mark.parametrize("system_fonts", [True, False])
def test_html_has_no_script_no_handler_and_fetches_nothing(document: Document, system_fonts: bool) -> None:
    page = parse(HtmlRenderer(system_fonts=system_fonts).render(document))
    tags = {tag for tag, _ in page.elements}
    assert not tags & {"script", "img", "iframe", "object", "embed", "link", "base", "form"}
    for tag, attrs in page.elements:
        assert not [a for a in attrs if a.startswith("on")], (tag, attrs)
        for name in ("src", "href", "xlink:href", "action"):
            assert attrs.get(name, "#").startswith("#"), (tag, attrs)  # in-page links only
    csp = next(a["content"] for t, a in page.elements if a.get("http-equiv") == "Content-Security-Policy")
    assert "default-src 'none'" in csp and "script-src" not in csp
    # the hostile text is there, as text: escaped, not dropped
    text = "".join(page.text)
    assert "<script>document.title='PWNED';window.pwned=1</script>" in text
    assert "{{ 7*7 }}{% raw %}" in text
    assert "url(" not in "".join(page.style).replace("url(data:", "")  # no stylesheet fetches anything


def test_html_shows_every_section_and_the_json_figures(document: Document) -> None:
    page = parse(renderers.get("html")().render(document))
    as_json: dict[str, Any] = json.loads(renderers.get("json")().render(document))
    assert as_json == json.loads(json.dumps(document.to_dict()))
    sections = [a["data-section"] for a in page.having("data-section")]
    assert sections == [s.id for s in walk(document.sections)]
    blocks = [b for s in as_json_sections(as_json["sections"]) for b in s["blocks"] if "type" in b]
    figures = [item for b in blocks if b["type"] == "figures" for item in b["items"]]
    shown = [a for a in page.having("data-label") if "data-value" in a]
    assert [(a["data-label"], a["data-value"]) for a in shown] == [
        (f["label"], "" if f["value"] is None else str(f["value"])) for f in figures]
    text = "".join(page.text)
    for f in figures:
        assert format_number(f["value"]) in text
    # every chart mark carries its series' value, in order; the empty chart draws 'no data'
    marks = [(a["data-series"], a["data-category"], float(a["data-value"])) for a in page.having("data-series")]
    expected = []
    for chart in (b for b in blocks if b["type"] == "chart"):
        for i, category in enumerate(chart["categories"]):
            for series in chart["series"][:1] if chart["kind"] == "pie" else chart["series"]:
                if chart["kind"] != "pie" or series["values"][i] > 0:
                    expected.append((series["name"], category, series["values"][i]))
    assert sorted(marks) == sorted(expected)
    assert ("无数据" if document.lang == "zh" else "No data") in text
    # tables: every row shown, and the total they were drawn from
    cells = [a["data-value"] for t, a in page.elements if t == "td" and "data-value" in a]
    rows = [v for b in blocks if b["type"] == "table" for r in b["rows"] for v in r]
    assert cells == ["" if v is None else str(v) for v in rows]
    assert ("显示前 12 条，共 250 条" if document.lang == "zh" else "First 12 of 250 rows") in text


def as_json_sections(sections: list[Any]) -> list[Any]:
    """Every section of a document's JSON, depth first."""
    out = []
    for s in sections:
        out.append(s)
        out.extend(as_json_sections([b for b in s["blocks"] if "blocks" in b]))
    return out


@pytest.mark.parametrize("system_fonts", [True, False])
def test_embedded_fonts_draw_every_character_shown(document: Document, system_fonts: bool) -> None:
    html = HtmlRenderer(system_fonts=system_fonts).render(document).decode("utf-8")
    page = parse(html.encode("utf-8"))
    fonts = [TTFont(io.BytesIO(base64.b64decode(data))) for data in FONT_FACE.findall("".join(page.style))]
    assert fonts and len(fonts) <= 6
    covered = set().union(*(f.getBestCmap() for f in fonts))
    text = "".join(page.text).replace("\ufe0e", "")  # the text-presentation selector after emoji: not drawn
    missing = {c for c in text if not c.isspace() and ord(c) not in covered}
    # what could hide or reorder text is shown as its code point
    for point in ("U+202E", "U+001B"):
        assert f"<{point}>" in text
    # review r18d finding 9: CJK Extension B (rare names) and emoji are shown as themselves, never
    # as code points: embedded when a font has them, else drawn by the reader's fonts
    assert "𠀀𪚥龘堃喆" in text and "🔥😀" in text
    assert not re.search(r"<U\+(1F|2[0-9A-F]{4}|9F98)", text)
    if system_fonts:  # fonts-noto-cjk, fonts-hanazono, DejaVu Sans and Symbola are installed (system-packages.sh)
        assert not missing, sorted(f"U+{ord(c):04X}" for c in missing)
        assert "مرحبا" in text
    else:  # the packaged GB 2312 subset alone: what it lacks is marked for the reader's fonts
        assert missing and all(f'<span class="fb" title="U+{ord(c):04X}">' in html for c in missing)
        assert "高危" in text or "High" in text


def test_markdown_escapes_and_keeps_every_section(document: Document) -> None:
    md = renderers.get("md")().render(document).decode("utf-8")
    for section in walk(document.sections):
        assert section.title.split(" ")[0] in md
    assert set(re.findall(r"(?<!\\)<[a-z/]+", md)) <= {"<br"}  # the only markup written; '\<script' is text
    assert "\\<script\\>" in md
    assert "\x1b" not in md and "\u202e" not in md
    assert r"\<U+202E\>" in md
    table = next(b for s in walk(document.sections) for b in s.blocks if isinstance(b, Table))
    for row in table.rows:
        assert f"| {row[0]} |" in md.replace("\\.", ".")
    chart = next(b for s in walk(document.sections) for b in s.blocks if isinstance(b, Chart) and b.kind == "pie")
    for category, value in zip(chart.categories, chart.series[0].values, strict=True):
        assert f"| {category} | {format_number(value)} |" in md
    figures = next(b for s in walk(document.sections) for b in s.blocks if isinstance(b, Figures))
    assert f"| {figures.items[1].label} | 2,345,678 |" in md


def test_alert_report_renders_through_the_document() -> None:
    start = datetime(2025, 12, 10, 6, 55, tzinfo=UTC)
    alerts = [Alert(id=f"a{i}", rule_id="r1", rule_title="SSH 暴力破解 <b>x</b>", level="high" if i % 3 else "low",
                    kind="match", start=start, end=start, event_ids=("e1",), author="govsoc",
                    context={"user.name": "zhangsan", "source.ip": "203.0.113.9"}) for i in range(250)]
    report = build_report(alerts, store="sqlite", now=start)
    page = parse(renderers.get("html")().render(report))
    as_json = json.loads(renderers.get("json")().render(report))
    assert len(as_json["data"]["matches"]) == 250  # the JSON has every alert ...
    rows = [a for t, a in page.elements if t == "tr"]
    # the HTML the first 200: rules (heading, one rule), incidents (heading, 'no rows'), matches (heading, 200)
    assert len(rows) == 2 + 2 + 1 + 200
    text = "".join(page.text)
    assert "显示前 200 条，共 250 条" in text and mask_account("zhangsan") in text and "zhangsan" not in text
    lows = len(range(0, 250, 3))
    assert report.by_level["low"] == lows and report.by_level["high"] == 250 - lows
    assert [a["data-value"] for a in page.having("data-label")] == ["250", *map(str, report.by_level.values())]
