"""The report document: the one model every renderer (HTML, PDF, JSON, Markdown) lays out.

A report builder (situation, compliance, 密评, classification inventory) computes its numbers once
and states them as a Document: sections of blocks (headline figures, tables, charts, findings,
paragraphs). Renderers only lay blocks out, so the HTML, the PDF, the Markdown and the JSON of one
report always show the same figures; a test compares them. Every string in a document is data
(log text included): renderers escape it, never interpret it.

    Document
    └── Section (id, title)                 stable ids: "overview", "alerts.trend", "mipin.<system>"
        ├── Figures   label → value          headline numbers
        ├── Table     columns, rows          rows shown and the total they were drawn from
        ├── Chart     bar / line / pie       categories × series, drawn inline by the renderer
        ├── Findings  level, title, text     each with its evidence and advice
        ├── Paragraph text
        └── Section   (nested)
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Literal

Scalar = str | int | float | None

#: Finding levels, most severe first (a report sorts and colours by these).
LEVELS = ("critical", "high", "medium", "low", "info")


@dataclass(frozen=True, slots=True, kw_only=True)
class Figure:
    """One headline number: '告警总数 1,234'."""

    label: str
    value: Scalar
    unit: str = ""
    note: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class Figures:
    """A row of headline numbers."""

    items: tuple[Figure, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class Table:
    """Rows under column headings. ``total`` is the number of rows the table was drawn from when
    only the first ``len(rows)`` are shown (top N), else None."""

    columns: tuple[str, ...]
    rows: tuple[tuple[Scalar, ...], ...]
    caption: str = ""
    total: int | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Series:
    """One named line or set of bars of a chart: one value per category."""

    name: str
    values: tuple[float, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class Chart:
    """A chart as numbers; the renderer draws it (inline, no external resource)."""

    kind: Literal["bar", "line", "pie", "stacked"]
    title: str
    categories: tuple[str, ...]
    series: tuple[Series, ...]
    unit: str = ""

    @property
    def empty(self) -> bool:
        """Nothing to plot: no category, no series, or no value other than zero (an empty period
        draws no bars and a flat line, which renderers replace by "no data for this period")."""
        return not self.categories or not any(v and math.isfinite(v) for s in self.series for v in s.values)


@dataclass(frozen=True, slots=True, kw_only=True)
class Finding:
    """A finding or notable incident, with what shows it and what to do."""

    level: str
    title: str
    text: str = ""
    evidence: tuple[str, ...] = ()
    advice: str = ""
    reference: str = ""  # the rule id or standard clause it rests on


@dataclass(frozen=True, slots=True, kw_only=True)
class Findings:
    """A list of findings."""

    items: tuple[Finding, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class Paragraph:
    """Plain text (never markup)."""

    text: str


Block = Figures | Table | Chart | Findings | Paragraph


@dataclass(frozen=True, slots=True, kw_only=True)
class Section:
    """A titled part of a report; ``id`` is stable across languages and runs."""

    id: str
    title: str
    blocks: tuple[Block | Section, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class Document:
    """A whole report. ``data`` holds the builder's numbers for machines (the JSON renderer writes
    it beside the sections); ``meta`` the facts a cover page shows (period, store, generator)."""

    kind: str
    title: str
    lang: str
    generated: str
    timezone: str
    masked: bool
    period_start: str | None = None
    period_end: str | None = None
    #: reports.period.STATUSES: ``partial`` (under way when made) and ``future`` are marked on the cover.
    period_status: str = "complete"
    meta: dict[str, Scalar] = field(default_factory=dict)
    sections: tuple[Section, ...] = ()
    data: dict[str, Any] = field(default_factory=dict)

    def section(self, section_id: str) -> Section | None:
        """The section (at any depth) with this id."""
        for found in walk(self.sections):
            if found.id == section_id:
                return found
        return None

    def to_dict(self) -> dict[str, Any]:
        """The document as plain data (the JSON renderer's output)."""
        return {
            "kind": self.kind, "title": self.title, "lang": self.lang, "generated": self.generated,
            "timezone": self.timezone, "masked": self.masked,
            "period": {"start": self.period_start, "end": self.period_end, "status": self.period_status},
            "meta": dict(self.meta), "sections": [_section_dict(s) for s in self.sections], "data": self.data,
        }


def walk(sections: tuple[Section, ...]) -> list[Section]:
    """Every section, depth first, parents before their children."""
    out: list[Section] = []
    for section in sections:
        out.append(section)
        out.extend(walk(tuple(b for b in section.blocks if isinstance(b, Section))))
    return out


def _section_dict(section: Section) -> dict[str, Any]:
    return {"id": section.id, "title": section.title,
            "blocks": [_section_dict(b) if isinstance(b, Section) else _block_dict(b) for b in section.blocks]}


def _block_dict(block: Block) -> dict[str, Any]:
    if isinstance(block, Figures):
        return {"type": "figures", "items": [{"label": f.label, "value": f.value, "unit": f.unit, "note": f.note}
                                             for f in block.items]}
    if isinstance(block, Table):
        return {"type": "table", "caption": block.caption, "columns": list(block.columns),
                "rows": [list(r) for r in block.rows], "total": block.total}
    if isinstance(block, Chart):
        return {"type": "chart", "kind": block.kind, "title": block.title, "unit": block.unit,
                "categories": list(block.categories),
                "series": [{"name": s.name, "values": list(s.values)} for s in block.series]}
    if isinstance(block, Findings):
        return {"type": "findings", "items": [{"level": f.level, "title": f.title, "text": f.text,
                                               "evidence": list(f.evidence), "advice": f.advice,
                                               "reference": f.reference} for f in block.items]}
    return {"type": "paragraph", "text": block.text}
