"""govsoc.reports: the report Document, its renderers (HTML with embedded fonts and inline SVG
charts, PDF through WeasyPrint, JSON, Markdown) and the alert report. Chinese by default;
personal data masked unless asked otherwise."""

from __future__ import annotations

from govsoc.reports.build import build, write
from govsoc.reports.document import Document
from govsoc.reports.model import AlertReport, build_report
from govsoc.reports.renderers import HtmlRenderer, JsonRenderer, Renderer, renderers
from govsoc.reports.renderers_md import MarkdownRenderer
from govsoc.reports.renderers_pdf import PdfRenderer

__all__ = ["AlertReport", "Document", "HtmlRenderer", "JsonRenderer", "MarkdownRenderer", "PdfRenderer", "Renderer",
           "build", "build_report", "renderers", "write"]
