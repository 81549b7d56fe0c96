"""The report entry points the CLI, the scheduler and the demo call:

    document = build("situation", store, start=..., end=..., lang="zh", masked=True,
                     data_dir=config.data_dir, timezone="Asia/Shanghai")
    paths = write(document, ["html", "json"], folder, key=require_key(key_folder(config.data_dir)))

``build`` computes a report (``situation``, ``compliance`` or ``alerts``) over [start, end) in the
store (govsoc.reports.situation / compliance / alert_summary); ``write`` lays it out in each format
through the renderer registry (govsoc.reports.renderers), signs each file with the key given
(govsoc.reports.signing) and publishes files and signatures together (nothing is left behind when
signing fails); a report written ``unsigned=True`` says so on its cover and in its JSON.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from typing import Final

from govsoc.core.errors import ReportError
from govsoc.core.inventory import Inventory
from govsoc.reports.alert_summary import build_alert_summary
from govsoc.reports.compliance import build_compliance
from govsoc.reports.document import Document
from govsoc.reports.period import Period
from govsoc.reports.publish import publish
from govsoc.reports.renderers import renderers
from govsoc.reports.signing import SigningKey
from govsoc.reports.situation import build_situation
from govsoc.store.base import Store

__all__ = ["KINDS", "PERIOD_STATUS", "UNMASKED_MARK", "UNSIGNED", "build", "file_stamp", "inventory_systems",
           "mark_unsigned", "report_name", "rule_coverage", "with_period_status", "write"]

KINDS: Final = ("situation", "compliance", "alerts")
#: What a report of a period not over when it was made says on its cover (Period.status).
PERIOD_STATUS: Final = {
    "partial": ("不完整：报告生成时（{now}）本期尚未结束，数字仍会增加",
                "INCOMPLETE: the period had not ended when the report was made ({now}); its numbers will still grow"),
    "future": ("未来时段：报告生成时（{now}）本期尚未开始，不可能有数据",
               "FUTURE PERIOD: the period had not begun when the report was made ({now}); it cannot hold data yet"),
}
#: The end of an unmasked report's file stem (report_name).
UNMASKED_MARK: Final = ".unmasked"
#: What an unsigned report says about itself, on its cover (meta "integrity") and in its JSON.
UNSIGNED: Final = {
    "zh": "未签名：本报告没有 SM3 摘要和 SM2 签名，无法用 govsoc verify 证明其未被篡改",
    "en": "UNSIGNED: this report has no SM3 digest or SM2 signature; govsoc verify cannot show it is unchanged",
}


def build(kind: str, store: Store, *, start: datetime, end: datetime, lang: str = "zh", masked: bool = True,
          data_dir: Path | None = None, timezone: str = "Asia/Shanghai", now: datetime | None = None,
          rule_paths: Sequence[Path] | None = None, systems: Mapping[str, int] | None = None,
          retention_days: int | None = None) -> Document:
    """The ``kind`` report of [start, end). ``data_dir`` holds the saved 密评 and classification
    results and the collectors' state (the compliance parts read them); ``rule_paths`` are the
    rules whose log sources count as covered in the log audit (None: the built-in packs);
    ``systems`` the asset inventory's systems (name -> 等保 level, :func:`inventory_systems`): one
    with no saved 密评 result is listed as never evaluated; ``retention_days`` the store's
    retention policy (store.retention_days), which the log audit judges against 180 days."""
    period = Period(start=start, end=end, timezone=timezone)
    if lang not in ("zh", "en"):
        raise ReportError(f"unknown report language {lang!r}: zh or en")
    now = now or datetime.now(UTC)
    if kind == "situation":
        document = build_situation(store, period, lang=lang, masked=masked, data_dir=data_dir, now=now,
                                   systems=systems, coverage=rule_coverage(rule_paths), retention_days=retention_days)
    elif kind == "compliance":
        document = build_compliance(store, period, lang=lang, masked=masked, data_dir=data_dir, now=now,
                                    coverage=rule_coverage(rule_paths), systems=systems,
                                    retention_days=retention_days)
    elif kind == "alerts":
        document = build_alert_summary(store, period, lang=lang, masked=masked, now=now)
    else:
        raise ReportError(f"unknown report kind {kind!r}: one of {', '.join(KINDS)}")
    return with_period_status(document, period, now)


def with_period_status(document: Document, period: Period, now: datetime) -> Document:
    """``document`` marked with its period's status at ``now`` (Period.status): a period under way
    or still to come says so on the cover (meta ``period_status``) and in the JSON."""
    status = period.status(now)
    if status == "complete":
        return document
    text = PERIOD_STATUS[status][1 if document.lang == "en" else 0].format(now=period.local(now))
    return replace(document, period_status=status, meta={"period_status": text, **document.meta})


def inventory_systems(inventory: Inventory | None) -> dict[str, int]:
    """The systems of an asset inventory and their 等保 levels ({} without one)."""
    return {} if inventory is None else {s.name: s.level for s in inventory.model.systems}


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
    for whole days (the last day included), and for a period that starts or ends inside a day its
    bounds to the minute (second), ``situation-2026-11-29T0900--2026-11-29T1000``, so that it never
    takes the name (and replaces the report and signature) of the whole day's report. An unmasked
    report ends in ``.unmasked`` (``situation-2026-11-29.unmasked``): it never replaces the masked
    report of its period, which a daemon or a mail job may ship (review r18d finding 5)."""
    return _period_name(document) + ("" if document.masked else UNMASKED_MARK)


def _period_name(document: Document) -> str:
    if not document.period_start or not document.period_end:
        return document.kind
    start, end = datetime.fromisoformat(document.period_start), datetime.fromisoformat(document.period_end)
    if start.time() != time() or end.time() != time():
        return f"{document.kind}-{file_stamp(start)}--{file_stamp(end)}"
    first = start.date().isoformat()
    last = (end - timedelta(microseconds=1)).date().isoformat()
    return f"{document.kind}-{first}" if last <= first else f"{document.kind}-{first}--{last}"


def file_stamp(at: datetime) -> str:
    """A local time as a file name shows it: to the minute, or the second when it has one."""
    # local time without ':' (not allowed in Windows file names) or the offset (the report says it)
    return at.strftime("%Y-%m-%dT%H%M%S" if at.second or at.microsecond else "%Y-%m-%dT%H%M")


def mark_unsigned(document: Document) -> Document:
    """``document`` with the statement that it is unsigned in its meta (``integrity``)."""
    return replace(document, meta={**document.meta, "integrity": UNSIGNED.get(document.lang, UNSIGNED["en"])})


def write(document: Document, formats: Sequence[str], folder: Path, *, stem: str | None = None,
          key: SigningKey | None = None, unsigned: bool = False, output: Path | None = None) -> list[Path]:
    """Render ``document`` in each format into ``folder`` (created when missing; ``output``: the
    one file to write instead) and return the report files written, each signed with ``key``:
    SM3 digest and SM2 signature in ``<file>.sig`` beside it (govsoc.reports.signing; ``govsoc
    verify FILE`` checks it). Reports are signed: without a key ReportError, unless ``unsigned``
    (then the report says so). Files and signatures are made aside and put in place together
    (reports.publish), so a failure leaves nothing behind."""
    if key is None and not unsigned:
        raise ReportError("reports are signed: pass the signing key (govsoc.reports.signing.require_key; "
                          "`govsoc keys init` creates one) or unsigned=True")
    if output is not None and len(formats) != 1:
        raise ReportError("one output file takes one format")
    shown = mark_unsigned(document) if key is None else document
    files = []
    for fmt in formats:
        renderer = renderers.get(fmt)()
        target = output or folder / f"{stem or report_name(document)}{renderer.suffix}"
        files.append((target, renderer.render(shown)))  # 0640 in a 0750 folder, as core.results writes
    return publish(files, key)
