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

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from govsoc.classification.asset_names import mask_asset_name
from govsoc.classification.inventory import RESULTS_SUBDIR as INVENTORY_RESULTS
from govsoc.classification.inventory import load_inventories
from govsoc.core.results import read_results
from govsoc.crypto_eval.report import CONCLUSIVE, load_results
from govsoc.crypto_eval.report import RESULTS_SUBDIR as MIPIN_RESULTS
from govsoc.crypto_eval.scoring import INCOMPLETE
from govsoc.reports.document import Block, Document, Finding, Findings, Paragraph, Scalar, Section, Table
from govsoc.reports.inventory import inventory_section, level_shown, shown_name
from govsoc.reports.log_audit import RETENTION_DAYS, log_audit_section
from govsoc.reports.mipin import mipin_section
from govsoc.reports.period import Period
from govsoc.reports.standard_words import control_text, namespace_label, verdict_word
from govsoc.reports.wording import words
from govsoc.rules.compliance import control_label
from govsoc.store.base import Group, Query, Store

__all__ = ["STALE_AFTER", "Saved", "build_compliance", "compliance_blocks", "compliance_recommendations",
           "control_rows", "load_saved", "mipin_recommendations", "shown_verdict"]

#: A 密评 result older than this at the period's end is due again (evaluated once a year).
STALE_AFTER = timedelta(days=365)
#: The lowest 等保 level the yearly 密评 rule covers (商用密码应用安全性评估管理办法 art. 10: 等保三级
#: and above at least once a year; nothing is set down here for the levels below).
YEARLY_LEVEL = 3


@dataclass(frozen=True, slots=True)
class Saved:
    """The saved results a compliance section reads. ``mipin`` holds each system's newest 密评
    evaluation made before the report period's end; ``later`` the systems evaluated only after it
    (system -> when), which the report lists as not evaluated in the period; ``never`` the systems
    of the asset inventory with no saved evaluation at all (system -> its 等保 level), listed as
    not evaluated too: the 密评 tables cover every system the inventory names."""

    mipin: list[dict[str, Any]] = field(default_factory=list)
    inventories: list[dict[str, Any]] = field(default_factory=list)
    later: dict[str, str] = field(default_factory=dict)
    never: dict[str, int] = field(default_factory=dict)

    @property
    def any_mipin(self) -> bool:
        """Whether there is a 密评 row to show (evaluated or not)."""
        return bool(self.mipin or self.later or self.never)

    def stale(self, result: dict[str, Any], end: datetime) -> bool:
        """Whether ``result`` was made over a year before ``end`` for a system the yearly rule covers
        (:data:`YEARLY_LEVEL` and above, or of no level said): below it the report says that rule does
        not apply (R50b-3: a level-2 result was also marked due again)."""
        level = result.get("level")
        if isinstance(level, int) and level < YEARLY_LEVEL:
            return False
        at = _evaluated(result)
        return at is not None and at < end - STALE_AFTER


def _evaluated(result: dict[str, Any]) -> datetime | None:
    """When a saved evaluation was made (None: not recorded, or not a time)."""
    try:
        at = datetime.fromisoformat(str(result.get("evaluated_at")))
    except ValueError:
        return None
    return at if at.tzinfo else at.replace(tzinfo=UTC)


def _unwrapped(data: Any) -> Any:
    """A saved file's evaluation: an ``-o`` file (and the demo's) holds it under "evaluation"."""
    return data["evaluation"] if isinstance(data, dict) and isinstance(data.get("evaluation"), dict) else data


def _with_never(saved: Saved, systems: Mapping[str, int] | None) -> Saved:
    if not systems:
        return saved
    seen = {str(r.get("system")) for r in saved.mipin} | set(saved.later)
    return replace(saved, never={name: level for name, level in systems.items() if name not in seen})


def load_saved(data_dir: Path | None, end: datetime | None = None,
               systems: Mapping[str, int] | None = None, *, masked: bool = False) -> Saved:
    """:func:`_load_saved`, with the inventory's ``systems`` (name -> 等保 level) that have no saved
    evaluation in ``Saved.never``; with ``masked``, the person in a system's name masked
    everywhere the results are shown (张三的测试系统 -> 张**的测试系统: review r18e HIGH 1)."""
    saved = _with_never(_load_saved(data_dir, end), systems)
    if not masked:
        return saved
    def shown(name: object) -> str:
        return mask_asset_name(str(name), "system")
    return replace(saved, mipin=[{**r, "system": shown(r.get("system"))} for r in saved.mipin],
                   later={shown(k): v for k, v in saved.later.items()},
                   never={shown(k): v for k, v in saved.never.items()})


def _load_saved(data_dir: Path | None, end: datetime | None = None) -> Saved:
    """The saved 密评 evaluations and classification inventories under ``data_dir/results``
    (crypto_eval.report.load_results, classification.inventory.load_inventories). With ``end``
    (the report period's end) each system's newest evaluation made before it; a system whose
    saved runs are all later is in ``Saved.later`` (an evaluation without a time counts as before)."""
    if data_dir is None:
        return Saved()
    folder = Path(data_dir) / MIPIN_RESULTS
    newest = load_results(folder)
    inventories = load_inventories(Path(data_dir) / INVENTORY_RESULTS)
    if end is None:
        return Saved(mipin=newest, inventories=inventories)
    chosen, later = [], {}
    for result in newest:
        at = _evaluated(result)
        if at is None or at < end:
            chosen.append(result)
            continue
        # a later run replaced the file: an earlier one survives only in a copy (-o file) kept there
        earlier = [r for r in read_results(folder, key="system", stamp="evaluated_at", unwrap=_unwrapped,
                                           valid=lambda d: isinstance(d.get("layers"), list),
                                           keep=lambda d: (_evaluated(d) or end) < end)
                   if r["system"] == result["system"]]
        if earlier:
            chosen.append(earlier[0])
        else:
            later[str(result["system"])] = str(result.get("evaluated_at", ""))
    return Saved(mipin=chosen, inventories=inventories, later=later)


def shown_verdict(result: dict[str, Any], t: dict[str, str], lang: str, period: Period) -> str:
    """A saved result's conclusion as a table shows it: with the last conclusion drawn on evidence
    when this one is not (crypto_eval.report.save_results keeps it)."""
    shown = verdict_word(result.get("verdict") or t["undetermined"], lang)
    last = result.get("last_conclusive")
    if result.get("verdict") not in CONCLUSIVE and isinstance(last, dict):
        shown += t["last_conclusive"].format(verdict=verdict_word(last.get("verdict"), lang), total=last.get("total"),
                                             at=period.local_text(last.get("evaluated_at")) or t["unknown_time"])
    return shown


def _mipin_table(saved: Saved, t: dict[str, str], lang: str, period: Period) -> Table:
    rows: list[tuple[Scalar, ...]] = [
        (str(r.get("system")), r.get("level"), str(r.get("total", "")), shown_verdict(r, t, lang, period),
         len(r.get("high_risk") or []), r.get("missing_evidence"),
         period.local_text(r.get("evaluated_at")) or t["unknown_time"])
        for r in saved.mipin]
    rows = [(*r[:6], f"{r[6]}{t['evaluation_stale']}") if saved.stale(saved.mipin[i], period.end) else r
            for i, r in enumerate(rows)]
    rows += [(system, None, "—", t["not_evaluated"], None, None, t["evaluated_later"].format(t=period.local_text(at)))
             for system, at in sorted(saved.later.items())]
    rows += [(system, level, "—", t["not_evaluated"], None, None, t["never_evaluated"])
             for system, level in sorted(saved.never.items())]
    return Table(caption=t["mipin"], columns=(t["system"], t["grade"], t["score"], t["verdict"], t["high_risks"],
                                              t["missing_evidence"], t["evaluated"]),
                 rows=tuple(sorted(rows, key=lambda r: str(r[0]))))


def _inventory_table(inventories: list[dict[str, Any]], t: dict[str, str], masked: bool, lang: str = "zh") -> Table:
    rows = []
    for inv in inventories:
        s = inv["summary"]
        rows.append((shown_name(str(inv.get("source")), masked), s.get("tables"), s.get("fields"), s.get("tagged"),
                     s.get("pipl_sensitive_fields"), level_shown(inv, lang),
                     len(s.get("important_candidates") or [])))
    return Table(caption=t["inventory"], columns=(t["data_source"], t["tables"], t["fields"], t["tagged"], t["pipl"],
                                                  t["top_level"], t["important"]), rows=tuple(rows))


def control_rows(tags: list[Group], lang: str = "zh") -> list[tuple[str, str, int]]:
    """(control, its wording, alerts) for each 等保 control and 密评 item among the alerts' tag
    counts, as govsoc.rules.compliance names them (``djbh.l3.8.1.4.1.b`` -> "等保 8.1.4.1 b)",
    "MLPS 8.1.4.1 b)" in English) with the standard's wording (govsoc.reports.standard_words)."""
    rows = []
    for g in tags:
        tag = str(g.key)
        label = control_label(tag)
        if label is not None:
            namespace, _, control = tag.lower().partition(".")
            shown = namespace_label(namespace, lang) + label[label.find(" "):]
            rows.append((shown, control_text(namespace, control, lang), g.count))
    return rows


def compliance_blocks(saved: Saved, tags: list[Group], t: dict[str, str], *, lang: str,
                      period: Period, masked: bool = True) -> tuple[Block, ...]:
    """One table each of 密评 per system, classification inventories and alerts per 等保 control
    (or a line saying what to run when there is nothing yet)."""
    blocks: list[Block] = []
    blocks.append(_mipin_table(saved, t, lang, period) if saved.any_mipin else Paragraph(text=t["no_mipin"]))
    blocks.append(_inventory_table(saved.inventories, t, masked, lang) if saved.inventories
                  else Paragraph(text=t["no_inventory"]))
    controls = control_rows(tags, lang)
    blocks.append(Table(caption=t["djbh"], columns=(t["control"], t["item"], t["alerts"]), rows=tuple(controls))
                  if controls else Paragraph(text=t["no_djbh"]))
    return tuple(blocks)


def _names(names: list[str]) -> str:
    return ", ".join(names[:5]) + (" …" if len(names) > 5 else "")


def mipin_recommendations(saved: Saved, t: dict[str, str]) -> list[Finding]:
    """What the saved 密评 results call for, most severe first: systems that failed (also those
    whose current run lacks evidence and whose last conclusion on evidence was 不符合), systems
    whose evidence is incomplete, systems of the inventory never evaluated."""
    items = []
    failed = [str(r.get("system")) for r in saved.mipin if r.get("verdict") == "不符合"]
    failed += [str(r.get("system")) + t["failed_before"] for r in saved.mipin if r.get("verdict") not in CONCLUSIVE
               and isinstance(r.get("last_conclusive"), dict) and r["last_conclusive"].get("verdict") == "不符合"]
    if failed:
        items.append(Finding(level="high", title=t["rec_mipin"].format(names=_names(failed)),
                             advice=t["rec_mipin_text"]))
    incomplete = [r for r in saved.mipin if r.get("verdict") == INCOMPLETE]
    if incomplete:
        names = [t["system_units"].format(system=r.get("system"), n=r.get("missing_evidence")) for r in incomplete]
        items.append(Finding(level="medium", title=t["rec_mipin_incomplete"].format(n=len(names), names=_names(names)),
                             advice=t["rec_mipin_incomplete_text"]))
    # the higher levels first. 第三级 and above are evaluated at least once a year; the systems
    # below have a sentence of their own, which that rule does not cover (R49a-9: level-2 systems
    # were listed under it)
    never = sorted(saved.never.items(), key=lambda kv: (-kv[1], kv[0]))
    for level, key, names in (("medium", "rec_never_evaluated", [n for n, lv in never if lv >= YEARLY_LEVEL]),
                              ("low", "rec_never_evaluated_low", [n for n, lv in never if lv < YEARLY_LEVEL])):
        if names:
            items.append(Finding(level=level, title=t[key].format(n=len(names), names=_names(names)),
                                 advice=t[f"{key}_text"]))
    return items


def _recommendations(saved: Saved, audit: dict[str, Any], t: dict[str, str]) -> tuple[Finding, ...]:
    """:func:`compliance_recommendations`, most severe first, or that nothing calls for action."""
    order = ("critical", "high", "medium", "low", "info")
    items = sorted(compliance_recommendations(saved, audit, t), key=lambda f: order.index(f.level))
    return tuple(items) or (Finding(level="info", title=t["rec_none"]),)


def compliance_recommendations(saved: Saved, audit: dict[str, Any], t: dict[str, str]) -> list[Finding]:
    """What the compliance findings call for: failed 密评, silent sources, sources no rule reads,
    retention short of 180 days, missing results (the situation report gives them too)."""
    items = [item for item in mipin_recommendations(saved, t) if item.level == "high"]
    if audit["silent"]:
        items.append(Finding(level="high", title=t["rec_silent"].format(names=_names(audit["silent"])),
                             advice=t["rec_silent_text"]))
    if audit["silent_devices"]:
        items.append(Finding(level="high", title=t["rec_silent_devices"].format(
            n=len(audit["silent_devices"]), names=_names(audit["silent_devices"])), advice=t["rec_silent_text"]))
    if audit["uncovered"]:
        items.append(Finding(level="medium", title=t["rec_uncovered"].format(names=_names(audit["uncovered"])),
                             advice=t["rec_uncovered_text"]))
    policy = audit.get("retention_policy_days")
    if policy is not None and policy < RETENTION_DAYS:
        items.append(Finding(level="medium", title=t["rec_retention_policy"].format(days=policy),
                             advice=t["rec_retention_text"]))
    elif audit["short_retention"]:
        items.append(Finding(level="medium", title=t["rec_retention"].format(names=_names(audit["short_retention"])),
                             advice=t["rec_retention_text"]))
    if audit.get("short_history"):
        items.append(Finding(level="low", title=t["rec_short_history"].format(names=_names(audit["short_history"])),
                             advice=t["rec_short_history_text"]))
    # nothing to judge is not "all is well": say what is missing
    if not audit["datasets"]:
        items.append(Finding(level="high", title=t["rec_no_sources"], advice=t["rec_no_sources_text"]))
    items += [item for item in mipin_recommendations(saved, t) if item.level != "high"]
    if not saved.never and not saved.mipin and not saved.later:
        items.append(Finding(level="medium", title=t["rec_no_mipin"], advice=t["rec_no_mipin_text"]))
    if not saved.inventories:
        items.append(Finding(level="medium", title=t["rec_no_inventory"], advice=t["rec_no_inventory_text"]))
    return items


def build_compliance(store: Store, period: Period, *, lang: str, masked: bool, data_dir: Path | None,
                     now: datetime | None = None, coverage: Collection[str] | None = None,
                     systems: Mapping[str, int] | None = None, retention_days: int | None = None) -> Document:
    """The compliance report of ``period``: 密评, classification inventory, 等保 controls and log
    audit (``coverage``: the datasets and modules the rules read, see govsoc.reports.log_audit;
    ``systems``: the asset inventory's systems and their 等保 levels, each listed in the 密评 part)."""
    t = words(lang)
    q = Query(start=period.start, end=period.end)
    saved = load_saved(data_dir, period.end, systems, masked=masked)
    tags = store.groups(q, "tags", size=1000, target="alerts")
    audit, audit_numbers = log_audit_section(store, period, t, data_dir, coverage=coverage, masked=masked,
                                             retention_days=retention_days)
    mipin: tuple[Block | Section, ...] = (
        tuple(mipin_section(r, lang, timezone=period.timezone, compact=True, masked=masked) for r in saved.mipin)
        + tuple(Section(id=f"mipin.{system}", title=system, blocks=(Paragraph(
            text=t["not_evaluated_text"].format(t=period.local_text(at))),)) for system, at in saved.later.items())
        + ((Paragraph(text=t["never_evaluated_text"].format(names=", ".join(sorted(saved.never)))),)
           if saved.never else ())
        or (Paragraph(text=t["no_mipin"]),))
    inventory: tuple[Block | Section, ...] = (tuple(inventory_section(i, lang, masked, timezone=period.timezone)
                                                    for i in saved.inventories)
                                              or (Paragraph(text=t["no_inventory"]),))
    # The summaries first (one table each, and the log audit), then each system's and source's chapter.
    sections = (
        Section(id="summary", title=t["compliance"],
                blocks=compliance_blocks(saved, tags, t, lang=lang, period=period, masked=masked)),
        audit,
        Section(id="mipin", title=t["mipin"], blocks=mipin),
        Section(id="inventory", title=t["inventory"], blocks=inventory),
        Section(id="recommendations", title=t["recommendations"],
                blocks=(Findings(items=_recommendations(saved, audit_numbers, t)),)),
    )
    data = {"mipin": [{"system": r.get("system"), "level": r.get("level"), "total": r.get("total"),
                       "verdict": r.get("verdict"), "high_risks": len(r.get("high_risk") or []),
                    "missing_evidence": r.get("missing_evidence"), "last_conclusive": r.get("last_conclusive"),
                       "evaluated_at": r.get("evaluated_at")} for r in saved.mipin],
            "mipin_not_evaluated": dict(saved.later), "mipin_never_evaluated": dict(saved.never),
            "inventories": [{"source": shown_name(str(i.get("source")), masked), **i["summary"]}
                            for i in saved.inventories],
            "controls": {label: n for label, _, n in control_rows(tags, lang)}, "log_audit": audit_numbers}
    return Document(kind="compliance", title=t["compliance_title"], lang=lang,
                    generated=period.local(now or datetime.now(UTC)), timezone=period.timezone, masked=masked,
                    period_start=period.start.astimezone(period.zone).isoformat(timespec="seconds"),
                    period_end=period.end.astimezone(period.zone).isoformat(timespec="seconds"),
                    meta={"store": store.kind}, sections=sections, data=data)
