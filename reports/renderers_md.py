"""The Markdown renderer: a report Document as CommonMark with GitHub tables, for tickets and wikis.

Text is data: every character Markdown or HTML could interpret is backslash-escaped, controls and
bidi overrides are written as ``\\<U+XXXX\\>``, so log text cannot add links, images, markup or
reorder a line. A line break (LF, CR or CRLF: CommonMark §2.1 line endings) ends a heading, a list
item or a table row, so text written on one line (titles, cells, evidence) has each as a space, and
a paragraph's lines each start escaped: a marker ('#', '-', '1.', '=') is backslashed and leading
blanks (an indented code block) are written as a character reference. Charts are written as tables
of their numbers.
"""

from __future__ import annotations

import re

from govsoc.reports.document import Chart, Figures, Findings, Paragraph, Scalar, Section, Table
from govsoc.reports.font_embedding import shown_as_code_point
from govsoc.reports.labels import labels
from govsoc.reports.renderers import Report, as_document, format_number, renderers

#: Characters that are markup wherever they stand; "(", ")" and "!" are only markup next to "[",
#: which is escaped, and "#", "+", "-", "=", "1." only at the start of a line (LINE_START).
SPECIAL = re.compile(r"([\\`*_\[\]<>|~&])")
LINE_START = re.compile(r"^(\s*)([-+=#]|\d+[.)])", re.MULTILINE)
#: CommonMark's line endings (§2.1): each ends a block such as a heading or a table row.
LINE_BREAK = re.compile(r"\r\n?|\n")
#: A blank opening a paragraph line: four of them start an indented code block (§4.4).
LEADING_BLANK = re.compile(r"^[ \t]", re.MULTILINE)


@renderers.register("md")
class MarkdownRenderer:
    """CommonMark + GitHub tables; every string escaped."""

    suffix = ".md"

    def render(self, report: Report) -> bytes:
        document = as_document(report)
        t = labels(document.lang)
        out = [f"# {md(document.title)}", ""]
        if not document.masked:  # first thing under the title, as on the HTML/PDF cover
            out += [f"> **{md(t['unmasked_banner'])}**", ""]
        period = f"{_clock(document.period_start) or t['none']} — {_clock(document.period_end) or t['none']}"
        facts = [(t["generated"], _clock(document.generated)), (t["period"], period),
                 (t["timezone"], document.timezone),
                 *((t.get(f"meta_{k}", k), format_number(v)) for k, v in document.meta.items())]
        out += [f"- {md(label)}: {md(value)}" for label, value in facts] + [""]
        for section in document.sections:
            _section(section, 2, t, out)
        out += ["---", "", md(t["masked_document"] if document.masked else t["unmasked_document"]), ""]
        return "\n".join(out).encode("utf-8")


def md(text: str, *, block: bool = False) -> str:
    """``text`` escaped for Markdown: special characters backslashed, code points for controls,
    line breaks as spaces. A ``block`` text (a paragraph) keeps its lines, each ending in "\\n" and
    starting escaped: a leading '#', '-', '=' or '1.' backslashed, a leading blank as ``&#32;``."""
    shown = SPECIAL.sub(r"\\\1", "".join(f"<U+{ord(c):04X}>" if shown_as_code_point(c) else c for c in text))
    if not block:
        return LINE_BREAK.sub(" ", shown)
    shown = LINE_START.sub(lambda m: m.group(1) + "\\" + m.group(2), LINE_BREAK.sub("\n", shown))
    return LEADING_BLANK.sub(lambda m: f"&#{ord(m.group())};", shown)


def _clock(iso: str | None) -> str:
    """'2025-12-10T06:55:46+08:00' as '2025-12-10 06:55:46': the zone is stated once, as in the HTML."""
    return iso[:19].replace("T", " ") if iso else ""


def cell(value: Scalar) -> str:
    """A table cell: escaped, on one line (a line break would end the row)."""
    return md(value) if isinstance(value, str) else format_number(value)


def _section(section: Section, depth: int, t: dict[str, str], out: list[str]) -> None:
    out += [f"{'#' * min(depth, 6)} {md(section.title)}", ""]
    for block in section.blocks:
        if isinstance(block, Section):
            _section(block, depth + 1, t, out)
        elif isinstance(block, Figures):
            out += _table((t["figure"], t["value"]), [
                (f.label, f"{format_number(f.value)}{f.unit}" + (f" ({f.note})" if f.note else ""))
                for f in block.items], t)
        elif isinstance(block, Table):
            if block.caption:
                out += [f"**{md(block.caption)}**", ""]
            out += _table(block.columns, block.rows, t)
            if block.total is not None and block.total > len(block.rows):
                out += [md(t["shown_of"].format(shown=format_number(len(block.rows)),
                                                total=format_number(block.total))), ""]
        elif isinstance(block, Chart):
            out += _chart(block, t)
        elif isinstance(block, Findings):
            out += _findings(block, t)
        elif isinstance(block, Paragraph):
            out += [md(block.text, block=True).replace("\n", "  \n"), ""]


def _table(columns: tuple[str, ...], rows: list[tuple[Scalar, ...]] | tuple[tuple[Scalar, ...], ...],
           t: dict[str, str]) -> list[str]:
    if not columns:
        return []
    lines = ["| " + " | ".join(cell(c) for c in columns) + " |", "|" + "---|" * len(columns)]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]
    if not rows:
        lines.append("| " + cell(t["no_rows"]) + " |" + " |" * (len(columns) - 1))
    return [*lines, ""]


def _chart(chart: Chart, t: dict[str, str]) -> list[str]:
    unit = f"{md(t['unit_open'])}{md(chart.unit)}{md(t['unit_close'])}" if chart.unit else ""
    head = [f"**{md(chart.title)}**{unit}", ""]
    if chart.empty:
        return [*head, md(t["no_data"]), ""]
    rows = [(category, *(s.values[i] if i < len(s.values) else None for s in chart.series))
            for i, category in enumerate(chart.categories)]
    return head + _table((t["category"], *(s.name for s in chart.series)), rows, t)


def _findings(block: Findings, t: dict[str, str]) -> list[str]:
    if not block.items:
        return [md(t["no_findings"]), ""]
    out = []
    for f in block.items:
        out.append(f"- **\\[{md(t.get(f'level_{f.level}', f.level))}\\]** {md(f.title)}")
        if f.text:
            out.append("  " + md(f.text, block=True).replace("\n", "  \n  "))
        out += [f"  - {md(t['evidence'])}: {cell(e)}" for e in f.evidence]
        if f.advice:
            out.append(f"  - {md(t['advice'])}: {cell(f.advice)}")
        if f.reference:
            out.append(f"  - {md(t['reference'])}: {cell(f.reference)}")
    return [*out, ""]
