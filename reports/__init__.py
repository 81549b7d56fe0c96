"""govsoc.reports: report models and their renderers (HTML, JSON; PDF and signing come with the
reports issue). Chinese by default; personal data masked unless asked otherwise."""

from __future__ import annotations

from govsoc.reports.model import AlertReport, build_report
from govsoc.reports.renderers import HtmlRenderer, JsonRenderer, Renderer, renderers

__all__ = ["AlertReport", "HtmlRenderer", "JsonRenderer", "Renderer", "build_report", "renderers"]
