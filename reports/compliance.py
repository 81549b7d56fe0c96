"""The compliance report (合规状况报告) and the compliance blocks of the situation report.

Three parts, each from what the other stages saved or what the store counts:

- 密评 per system: the evaluations ``govsoc crypto-eval`` saves under
  ``<data dir>/results/crypto_eval/<system>.json`` (the newest run of a system wins): score,
  verdict and high risks (GB/T 39786-2021 level 3, scored as crypto_eval scores it);
- the data classification-and-grading inventories ``govsoc classify`` saves under
  ``<data dir>/results/classification/<source>.json``: tables, sensitive fields, levels;
- findings per 等保 2.0 control and 密评 item: alerts of the period counted per ``djbh.*`` and
  ``mipin.*`` tag (one store aggregation, labelled as govsoc.rules.compliance labels them), and
  the 等保 log-audit section (govsoc.reports.log_audit).

The compliance report opens with one table of each (``summary``) and the log audit
(``log_audit``), then gives each system's 密评 chapter (``mipin``, govsoc.reports.mipin.mipin_section)
and each inventory's tables (``inventory``, govsoc.reports.inventory.inventory_section, masked
unless asked). The situation report shows the summary tables only.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from govsoc.classification.inventory import RESULTS_SUBDIR as INVENTORY_RESULTS
from govsoc.classification.inventory import load_inventories
from govsoc.crypto_eval.report import RESULTS_SUBDIR as MIPIN_RESULTS
from govsoc.crypto_eval.report import load_results
from govsoc.reports.document import Block, Document, Finding, Findings, Paragraph, Section, Table
from govsoc.reports.inventory import inventory_section
from govsoc.reports.log_audit import log_audit_section
from govsoc.reports.mipin import mipin_section
from govsoc.reports.period import Period
from govsoc.reports.wording import words
from govsoc.rules.compliance import DJBH_CONTROLS, DJBH_NAMESPACE, control_label
from govsoc.store.base import Group, Query, Store

__all__ = ["Saved", "build_compliance", "compliance_blocks", "control_rows", "load_saved"]



@dataclass(frozen=True, slots=True)
class Saved:
    """The saved results a compliance section reads."""

    mipin: list[dict[str, Any]] = field(default_factory=list)
    inventories: list[dict[str, Any]] = field(default_factory=list)


def load_saved(data_dir: Path | None) -> Saved:
    """The saved 密评 evaluations and classification inventories under ``data_dir/results``
    (crypto_eval.report.load_results, classification.inventory.load_inventories)."""
    if data_dir is None:
        return Saved()
    return Saved(mipin=load_results(Path(data_dir) / MIPIN_RESULTS),
                 inventories=load_inventories(Path(data_dir) / INVENTORY_RESULTS))


def _mipin_table(results: list[dict[str, Any]], t: dict[str, str]) -> Table:
    return Table(caption=t["mipin"], columns=(t["system"], t["grade"], t["score"], t["verdict"], t["high_risks"],
                                              t["evaluated"]),
                 rows=tuple((str(r.get("system")), r.get("level"), str(r.get("total", "")), str(r.get("verdict", "")),
                             len(r.get("high_risk") or []), str(r.get("evaluated_at", ""))[:19]) for r in results))


def _inventory_table(inventories: list[dict[str, Any]], t: dict[str, str]) -> Table:
    rows = []
    for inv in inventories:
        s = inv["summary"]
        rows.append((str(inv.get("source")), s.get("tables"), s.get("fields"), s.get("tagged"),
                     s.get("pipl_sensitive_fields"), str(s.get("level", "")), len(s.get("important_candidates") or [])))
    return Table(caption=t["inventory"], columns=(t["data_source"], t["tables"], t["fields"], t["tagged"], t["pipl"],
                                                  t["top_level"], t["important"]), rows=tuple(rows))


def control_rows(tags: list[Group]) -> list[tuple[str, str, int]]:
    """(control, its wording, alerts) for each 等保 control and 密评 item among the alerts' tag
    counts, as govsoc.rules.compliance names them (``djbh.l3.8.1.4.1.b`` -> "等保 8.1.4.1 b)")."""
    rows = []
    for g in tags:
        tag = str(g.key)
        label = control_label(tag)
        if label is not None:
            namespace, _, control = tag.lower().partition(".")
            rows.append((label, DJBH_CONTROLS.get(control, "") if namespace == DJBH_NAMESPACE else "", g.count))
    return rows


def compliance_blocks(saved: Saved, tags: list[Group], t: dict[str, str]) -> tuple[Block, ...]:
    """One table each of 密评 per system, classification inventories and alerts per 等保 control
    (or a line saying what to run when there is nothing yet)."""
    blocks: list[Block] = []
    blocks.append(_mipin_table(saved.mipin, t) if saved.mipin else Paragraph(text=t["no_mipin"]))
    blocks.append(_inventory_table(saved.inventories, t) if saved.inventories else Paragraph(text=t["no_inventory"]))
    controls = control_rows(tags)
    blocks.append(Table(caption=t["djbh"], columns=(t["control"], t["item"], t["alerts"]), rows=tuple(controls))
                  if controls else Paragraph(text=t["no_djbh"]))
    return tuple(blocks)


def _names(names: list[str]) -> str:
    return ", ".join(names[:5]) + (" …" if len(names) > 5 else "")


def _recommendations(saved: Saved, audit: dict[str, Any], t: dict[str, str]) -> tuple[Finding, ...]:
    """What the compliance findings call for: failed 密评, silent sources, sources no rule reads,
    retention short of 180 days."""
    items = []
    failed = [str(r.get("system")) for r in saved.mipin if r.get("verdict") == "不符合"]
    if failed:
        items.append(Finding(level="high", title=t["rec_mipin"].format(names=_names(failed)),
                             advice=t["rec_mipin_text"]))
    if audit["silent"]:
        items.append(Finding(level="high", title=t["rec_silent"].format(names=_names(audit["silent"])),
                             advice=t["rec_silent_text"]))
    if audit["uncovered"]:
        items.append(Finding(level="medium", title=t["rec_uncovered"].format(names=_names(audit["uncovered"])),
                             advice=t["rec_uncovered_text"]))
    if audit["short_retention"]:
        items.append(Finding(level="medium", title=t["rec_retention"].format(names=_names(audit["short_retention"])),
                             advice=t["rec_retention_text"]))
    return tuple(items) or (Finding(level="info", title=t["rec_none"]),)


def build_compliance(store: Store, period: Period, *, lang: str, masked: bool, data_dir: Path | None,
                     now: datetime | None = None, coverage: Collection[str] | None = None) -> Document:
    """The compliance report of ``period``: 密评, classification inventory, 等保 controls and log
    audit (``coverage``: the datasets and modules the rules read, see govsoc.reports.log_audit)."""
    t = words(lang)
    q = Query(start=period.start, end=period.end)
    saved = load_saved(data_dir)
    tags = store.groups(q, "tags", size=1000, target="alerts")
    audit, audit_numbers = log_audit_section(store, period, t, data_dir, coverage=coverage)
    mipin: tuple[Block | Section, ...] = (tuple(mipin_section(r, lang) for r in saved.mipin)
                                          or (Paragraph(text=t["no_mipin"]),))
    inventory: tuple[Block | Section, ...] = (tuple(inventory_section(i, lang, masked) for i in saved.inventories)
                                              or (Paragraph(text=t["no_inventory"]),))
    # The summaries first (one table each, and the log audit), then each system's and source's chapter.
    sections = (
        Section(id="summary", title=t["compliance"], blocks=compliance_blocks(saved, tags, t)),
        audit,
        Section(id="mipin", title=t["mipin"], blocks=mipin),
        Section(id="inventory", title=t["inventory"], blocks=inventory),
        Section(id="recommendations", title=t["recommendations"],
                blocks=(Findings(items=_recommendations(saved, audit_numbers, t)),)),
    )
    data = {"mipin": [{"system": r.get("system"), "level": r.get("level"), "total": r.get("total"),
                       "verdict": r.get("verdict"), "high_risks": len(r.get("high_risk") or [])} for r in saved.mipin],
            "inventories": [{"source": i.get("source"), **i["summary"]} for i in saved.inventories],
            "controls": {label: n for label, _, n in control_rows(tags)}, "log_audit": audit_numbers}
    return Document(kind="compliance", title=t["compliance_title"], lang=lang,
                    generated=period.local(now or datetime.now(UTC)), timezone=period.timezone, masked=masked,
                    period_start=period.start.astimezone(period.zone).isoformat(timespec="seconds"),
                    period_end=period.end.astimezone(period.zone).isoformat(timespec="seconds"),
                    meta={"store": store.kind}, sections=sections, data=data)
