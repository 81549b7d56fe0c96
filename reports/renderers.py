"""Renderers: one report model in, bytes out (HTML through Jinja2, JSON)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Protocol

import yaml
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from govsoc.core.errors import ReportError
from govsoc.core.registry import Registry
from govsoc.reports.model import AlertReport

TEMPLATES = Path(__file__).parent / "templates"


class Renderer(Protocol):
    """Lays out a report in one format."""

    suffix: str

    def render(self, report: AlertReport) -> bytes:
        """The report's bytes."""
        ...


renderers: Registry[type[Renderer]] = Registry("report format", "govsoc.renderers")


@renderers.register("json")
class JsonRenderer:
    """The report's numbers for machines."""

    suffix = ".json"

    def render(self, report: AlertReport) -> bytes:
        return json.dumps(report.to_dict(), ensure_ascii=False, indent=2).encode("utf-8")


@renderers.register("html")
class HtmlRenderer:
    """A self-contained one-page HTML report (no external resources: it opens offline)."""

    suffix = ".html"

    def __init__(self) -> None:
        self._env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["j2", "html"]),
                                undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
        # "2025-12-10T06:55:46+08:00" -> "2025-12-10 06:55:46": the zone is stated once, in the header.
        self._env.filters["clock"] = lambda iso: iso[:19].replace("T", " ") if iso else iso

    def render(self, report: AlertReport) -> bytes:
        labels = _labels(report.lang)
        try:
            html = self._env.get_template("alerts.html.j2").render(report=report, t=labels)
        except Exception as e:  # jinja2 raises many kinds; the report must name the template
            raise ReportError(f"cannot render alerts.html.j2: {e}") from e
        return html.encode("utf-8")


def _labels(lang: str) -> dict[str, Any]:
    table = yaml.safe_load((TEMPLATES / "labels.yml").read_text(encoding="utf-8"))
    return {key: value[lang] for key, value in table.items()}
