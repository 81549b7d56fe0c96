"""Renderers: one report Document in, bytes out (HTML, PDF, JSON, Markdown), by format id.

    renderers.get("html")().render(document)  ->  bytes

HTML is self-contained: the CSS, the charts (inline SVG, reports/charts.py) and a subset of the
fonts the text needs (reports/font_embedding.py) are inside the file, a Content-Security-Policy
forbids every script and fetch, and Jinja2 escapes every string (log text is data). PDF is the
same HTML laid out by WeasyPrint (renderers_pdf.py); Markdown is in renderers_md.py. The old
AlertReport is accepted too and rendered through ``AlertReport.to_document()``.
"""

from __future__ import annotations

import json
import math
import re
import string
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup, escape

from govsoc.core.errors import ReportError
from govsoc.core.registry import Registry
from govsoc.reports.charts import Ink, render_chart
from govsoc.reports.document import Chart, Document, Figures, Findings, Paragraph, Scalar, Section, Table
from govsoc.reports.font_embedding import FontPlan, plan_fonts, shown_as_code_point
from govsoc.reports.labels import labels
from govsoc.reports.model import AlertReport

TEMPLATES = Path(__file__).parent / "templates"
#: Characters the template and the number formats add to a document's own text.
TEMPLATE_CHARACTERS = string.ascii_letters + string.digits + string.punctuation + "·—…（）：%"

Report = Document | AlertReport
#: A run of 25 characters with no line-break opportunity (CJK text breaks between characters).
UNBROKEN = re.compile(r"[^\s\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef]{25}")
#: Cells of at most this many characters are kept on one line (a level, a time, an address).
SHORT = 20
LONG_RUN = re.compile(r"([^\s\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef]{25,})")


class Renderer(Protocol):
    """Lays out a report in one format."""

    suffix: str

    def render(self, report: Report) -> bytes:
        """The report's bytes."""
        ...


renderers: Registry[type[Renderer]] = Registry("report format", "govsoc.renderers")


def as_document(report: Report) -> Document:
    """A Document, whichever model was given."""
    return report.to_document() if isinstance(report, AlertReport) else report


@renderers.register("json")
class JsonRenderer:
    """The report's sections and numbers for machines (Document.to_dict(), UTF-8, indented)."""

    suffix = ".json"

    def render(self, report: Report) -> bytes:
        try:
            document = as_document(report)
            shown = document.to_dict()
            if not document.masked:  # the first key, so that a reader of the head sees it
                shown = {"banner": labels(document.lang)["unmasked_banner"], **shown}
            text = json.dumps(shown, ensure_ascii=False, indent=2, allow_nan=False)
        except ValueError as e:  # NaN/Infinity are not JSON: a builder bug, named here
            raise ReportError(f"report numbers cannot be written as JSON: {e}") from e
        return text.encode("utf-8")


@renderers.register("html")
class HtmlRenderer:
    """A self-contained HTML report (embedded fonts, inline SVG charts, no script, works offline).

    ``system_fonts=False`` embeds the packaged font alone, as on a machine without fonts-noto-cjk."""

    suffix = ".html"

    def __init__(self, *, system_fonts: bool = True, weights: tuple[int, ...] = (400,)) -> None:
        self.system_fonts = system_fonts
        self.weights = weights
        self._env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["j2", "html"]),
                                undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
        for name, function in _FILTERS.items():
            self._env.filters[name] = function

    def render(self, report: Report) -> bytes:
        return self.html(as_document(report)).encode("utf-8")

    def html(self, document: Document) -> str:
        """The report as an HTML string."""
        t = labels(document.lang)
        plan = plan_fonts([*document_text(document), *t.values(), TEMPLATE_CHARACTERS],
                          system_fonts=self.system_fonts)
        shown = _shower(plan)
        env = self._env.overlay()
        env.filters["shown"] = shown
        env.filters["cell"] = lambda v: shown(v) if isinstance(v, str) else escape(format_number(v))
        families = ", ".join(f'"{f}"' for f in plan.families) + ", sans-serif"
        ink = Ink(number=format_number, plain=lambda s: plain(s, plan), font=families.replace('"', "'"))
        env.filters["chart"] = lambda c: render_chart(c, no_data=t["no_data"], ink=ink)
        try:
            return env.get_template("document.html.j2").render(
                doc=document, t=t, font_css=Markup(plan.css(self.weights)), families=Markup(families),
                code_points=_has_code_points(document, plan))
        except ReportError:
            raise
        except Exception as e:  # jinja2 raises many kinds; the error must name the template
            raise ReportError(f"cannot render document.html.j2: {e}") from e


def document_text(document: Document) -> list[str]:
    """Every string a renderer may show (titles, labels, cells, evidence; not ``data``)."""
    out: list[str] = [document.title, document.generated, document.timezone,
                      document.period_start or "", document.period_end or ""]
    out.extend(f"{k}{v}" for k, v in document.meta.items())
    _strings(document.to_dict()["sections"], out)
    return out


def format_number(value: Scalar) -> str:
    """A number as a report shows it: thousands separated, at most two decimals; None as '—'."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        if not math.isfinite(value):
            return str(value)
        if value.is_integer():
            return f"{value:,.0f}"
        return f"{value:,.2f}".rstrip("0").rstrip(".")
    return str(value)


class _Emoji:
    """Characters of the emoji blocks (U+1F000-U+1FAFF): Pango (the PDF) and browsers send them to a
    colour emoji font of the system even when an embedded font has a plain glyph; U+FE0E after each
    asks for the text presentation, which the embedded fonts draw."""

    def __contains__(self, c: object) -> bool:
        return isinstance(c, str) and len(c) == 1 and 0x1F000 <= ord(c) <= 0x1FAFF


TEXT_PRESENTATION = _Emoji()


def plain(text: str, plan: FontPlan) -> str:  # noqa: ARG001 (the plan: one signature with the HTML filter)
    """``text`` with every character that could hide or reorder text as <U+XXXX>; a character no
    embedded font draws stays itself (the reader's fonts draw it)."""
    if not any(shown_as_code_point(c) for c in text):
        return text
    return "".join(f"<U+{ord(c):04X}>" if shown_as_code_point(c) else c for c in text)


def _shower(plan: FontPlan) -> Callable[[object], Markup]:
    """The ``shown`` filter: text escaped, code points marked, and each run with no break
    opportunity (a URL, a base64 blob) in a span that may break anywhere, so a table never leaves
    the page. Only those runs: "anywhere" on whole cells lets a table squeeze its short columns
    (addresses, times) to one character per line, and costs WeasyPrint a measure per character."""
    def one(c: str) -> str:
        if shown_as_code_point(c):
            return f'<span class="cp">&lt;U+{ord(c):04X}&gt;</span>'
        # an emoji: a plain glyph of the embedded fonts, not a system colour emoji font
        shown = f"{escape(c)}\ufe0e" if c in TEXT_PRESENTATION else str(escape(c))
        if c in plan.missing:  # no embedded font has it: the reader's fonts draw it (sans-serif last)
            return f'<span class="fb" title="U+{ord(c):04X}">{shown}</span>'
        return shown

    def marked(text: str) -> str:
        if not any(c in plan.missing or c in TEXT_PRESENTATION or shown_as_code_point(c) for c in text):
            return str(escape(text))
        return "".join(one(c) for c in text)

    def shown(value: object) -> Markup:
        text = "" if value is None else str(value)
        if not UNBROKEN.search(text):
            return Markup(marked(text))
        return Markup("".join(f'<span class="run">{marked(part)}</span>' if i % 2 else marked(part)
                              for i, part in enumerate(LONG_RUN.split(text))))
    return shown


def _has_code_points(document: Document, plan: FontPlan) -> bool:
    return any(plain(s, plan) != s for s in document_text(document))


def _strings(value: Any, out: list[str]) -> None:
    if isinstance(value, str):
        out.append(value)
    elif isinstance(value, dict):
        for item in value.values():
            _strings(item, out)
    elif isinstance(value, list | tuple):
        for item in value:
            _strings(item, out)


def _kind(block: object) -> str:
    kinds: dict[type, str] = {Section: "section", Figures: "figures", Table: "table", Chart: "chart",
                              Findings: "findings", Paragraph: "paragraph"}
    try:
        return kinds[type(block)]
    except KeyError:
        raise ReportError(f"a report block of unknown type {type(block).__name__}") from None


def _numeric_columns(table: Table) -> set[int]:
    """Columns whose every value is a number (right-aligned, heading kept on one line)."""
    return {i for i in range(len(table.columns))
            if table.rows and all(_is_number(r[i]) or r[i] is None for r in table.rows if i < len(r))}


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _raw(value: Scalar) -> str:
    return "" if value is None else repr(value) if isinstance(value, float) else str(value)


_FILTERS: dict[str, Callable[..., Any]] = {
    # "2025-12-10T06:55:46+08:00" -> "2025-12-10 06:55:46": the zone is stated once, in the header.
    "clock": lambda iso: iso[:19].replace("T", " ") if iso else iso,
    "kind": _kind,
    "raw": _raw,
    "number": format_number,
    "numeric": _is_number,
    "numeric_columns": _numeric_columns,
    "short": lambda v: isinstance(v, str) and len(v) <= SHORT,
    "subsections": lambda s: [b for b in s.blocks if isinstance(b, Section)],
}
