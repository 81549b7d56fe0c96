"""The report entry points the CLI, the scheduler and the demo call:

    document = build("situation", store, start=..., end=..., lang="zh", masked=True,
                     data_dir=config.data_dir, timezone="Asia/Shanghai")
    paths = write(document, ["html", "json"], folder)

``build`` computes a report (``situation``, ``compliance`` or ``alerts``) over [start, end) in the
store (govsoc.reports.situation / compliance / alert_summary); ``write`` lays it out in each format
through the renderer registry (govsoc.reports.renderers), signs each file when a signing key
exists (govsoc.reports.signing) and returns the files written.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from pathlib import Path
from typing import Final

from govsoc.core.errors import ReportError
from govsoc.core.results import make_folder, write_file
from govsoc.reports.alert_summary import build_alert_summary
from govsoc.reports.compliance import build_compliance
from govsoc.reports.document import Document
from govsoc.reports.period import Period
from govsoc.reports.renderers import renderers
from govsoc.reports.signing import sign_report
from govsoc.reports.situation import build_situation
from govsoc.store.base import Store

__all__ = ["KINDS", "build", "report_name", "rule_coverage", "write"]

KINDS: Final = ("situation", "compliance", "alerts")


def build(kind: str, store: Store, *, start: datetime, end: datetime, lang: str = "zh", masked: bool = True,
          data_dir: Path | None = None, timezone: str = "Asia/Shanghai", now: datetime | None = None,
          rule_paths: Sequence[Path] | None = None) -> Document:
    """The ``kind`` report of [start, end). ``data_dir`` holds the saved 密评 and classification
    results and the collectors' state (the compliance parts read them); ``rule_paths`` are the
    rules whose log sources count as covered in the log audit (None: the built-in packs)."""
    period = Period(start=start, end=end, timezone=timezone)
    if lang not in ("zh", "en"):
        raise ReportError(f"unknown report language {lang!r}: zh or en")
    if kind == "situation":
        return build_situation(store, period, lang=lang, masked=masked, data_dir=data_dir, now=now)
    if kind == "compliance":
        return build_compliance(store, period, lang=lang, masked=masked, data_dir=data_dir, now=now,
                                coverage=rule_coverage(rule_paths))
    if kind == "alerts":
        return build_alert_summary(store, period, lang=lang, masked=masked, now=now)
    raise ReportError(f"unknown report kind {kind!r}: one of {', '.join(KINDS)}")


def rule_coverage(paths: Sequence[Path] | None = None) -> set[str]:
    """The datasets and modules the rules' log sources read (their ``event.dataset`` and
    ``event.module`` conditions); rules whose source govsoc does not collect add nothing."""
    from sigma.rule import SigmaRule

    from govsoc.rules import BUILTIN_PACKS, load_rules
    from govsoc.rules.pipeline import rule_source

    covered: set[str] = set()
    for rule in load_rules(list(paths) if paths is not None else [BUILTIN_PACKS]).rules:
        source = rule_source(rule) if isinstance(rule, SigmaRule) else None
        for name in ("event.dataset", "event.module"):
            values = source.condition.get(name) if source is not None else None
            covered.update([values] if isinstance(values, str) else (values or []))
    return covered


def report_name(document: Document) -> str:
    """A file name stem: ``situation-2026-11-29`` for a day, ``situation-2026-11-23--2026-11-29``
    for a longer period (the last day included)."""
    if not document.period_start or not document.period_end:
        return document.kind
    first = document.period_start[:10]
    last = (datetime.fromisoformat(document.period_end) - timedelta(microseconds=1)).date().isoformat()
    return f"{document.kind}-{first}" if last <= first else f"{document.kind}-{first}--{last}"


def write(document: Document, formats: Sequence[str], folder: Path, *, stem: str | None = None,
          keys: Path | None = None) -> list[Path]:
    """Render ``document`` in each format into ``folder`` (created when missing) and return the
    report files written. With ``keys`` (the key folder, ``signing.key_folder(data_dir)``) each
    file is signed when a signing key exists there: SM3 digest and SM2 signature in
    ``<file>.sig`` beside it (govsoc.reports.signing; ``govsoc verify FILE`` checks it)."""
    make_folder(folder)
    written = []
    for fmt in formats:
        renderer = renderers.get(fmt)()
        target = folder / f"{stem or report_name(document)}{renderer.suffix}"
        write_file(target, renderer.render(document))  # 0640 (core.results.FILE_MODE)
        if keys is not None:
            sign_report(target, keys)
        written.append(target)
    return written
