"""The 等保 log-audit section of the compliance report: what is collected, how long it is kept,
and where collection or detection has gaps.

- Sources collected: every dataset in the store with its events, oldest and newest (one store
  aggregation over everything stored up to the period's end), the file sources' checkpoints
  (``<data dir>/state/sources``) and the counters of the syslog receivers and NetFlow/IPFIX
  listeners (``<data dir>/state/receivers``; transport udp/tcp/tls or netflow).
- Retention: the policy, ``store.retention_days`` (how long the store keeps events before the
  retention job deletes them), against the 180 days (six months) the Cybersecurity Law (art. 21)
  asks network logs be kept; and per dataset the history held so far, the days from its oldest
  stored event to the period's end. A policy under 180 days is the finding (``short_retention``:
  every dataset); a shorter history under a sound policy is only said (``short_history``: a new
  deployment, or older logs never imported), since the policy will keep six months.
- Gaps: datasets whose newest event is more than :data:`SILENCE` before the period's end (the
  source went silent), hosts and devices (``host.name`` / ``observer.name``) silent as long,
  counted and listed apart from the datasets, and datasets no rule reads (the rules' log-source conditions on
  ``event.dataset`` / ``event.module``; govsoc.rules.mappings), when the rules are given.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import timedelta
from pathlib import Path
from typing import Any, Final

from govsoc.classification.asset_names import mask_asset_name
from govsoc.collectors.checkpoints import CheckpointStore
from govsoc.collectors.receivers import counters_folder, load_counters
from govsoc.reports.document import Block, Figure, Figures, Paragraph, Section, Table
from govsoc.reports.inventory import shown_name
from govsoc.reports.period import Period
from govsoc.rules.silence import silent_sources
from govsoc.store.base import Query, Store

__all__ = ["RETENTION_DAYS", "SILENCE", "log_audit_section"]

RETENTION_DAYS: Final = 180
SILENCE: Final = timedelta(hours=24)
_DATASETS = 500
_ROWS = 50


def _covered(dataset: str, coverage: Collection[str]) -> bool:
    """Whether a rule reads ``dataset``: by its name, or by its module (the name's first part,
    which the device parsers set as ``event.module``)."""
    return dataset in coverage or dataset.split(".", 1)[0] in coverage


def log_audit_section(store: Store, period: Period, t: dict[str, str], data_dir: Path | None, *,
                      coverage: Collection[str] | None = None, masked: bool = True,
                      retention_days: int | None = None) -> tuple[Section, dict[str, Any]]:
    """The log-audit section and its numbers. ``coverage``: datasets and modules the rules read
    (None: not judged); ``retention_days``: the store's retention policy (None: not known, and
    the history held is judged alone, as before)."""
    datasets = store.groups(Query(end=period.end), "event.dataset", size=_DATASETS, span=True)
    policy_ok = retention_days is None or retention_days >= RETENTION_DAYS
    rows, silent, short, uncovered, history = [], [], [], [], []
    for g in datasets:
        name = str(g.key)
        held = (period.end - g.first).days if g.first else 0
        if held < RETENTION_DAYS:
            history.append(name)
        meets = t["yes"] if held >= RETENTION_DAYS and policy_ok else (
            t["history_growing"] if policy_ok and retention_days is not None else t["no"])
        rows.append((name, g.count, period.local(g.first), period.local(g.last), held, meets))
        if g.last is not None and period.end - g.last > SILENCE:
            silent.append((name, period.local(g.last)))
        if not policy_ok or (retention_days is None and held < RETENTION_DAYS):
            short.append(name)
        if coverage is not None and not _covered(name, coverage):
            uncovered.append(name)
    # Devices and hosts that went silent while their dataset still flows (one firewall of many):
    # govsoc.rules.silence names them by observer.name / host.name, however long ago they stopped.
    quiet_devices = [s for s in silent_sources(store, now=period.end, quiet=SILENCE) if s.field != "event.dataset"]
    device = mask_asset_name if masked else str  # 张三的电脑 went silent: its owner's name masked
    numbers: dict[str, Any] = {
        "datasets": {str(g.key): {"events": g.count, "oldest": period.local(g.first), "newest": period.local(g.last)}
                     for g in datasets},
        "silent": [name for name, _ in silent],
        "silent_devices": [f"{s.field}={device(s.value)}" for s in quiet_devices],
        "short_retention": short, "short_history": history if policy_ok and retention_days is not None else [],
        "retention_policy_days": retention_days,
        "uncovered": uncovered if coverage is not None else None,
    }
    # Each figure counts one thing, named on it (review r18d finding 2: "数据源 13" counted datasets
    # and "已静默的数据源 56" datasets, hosts and devices together)
    blocks: list[Block | Section] = [
        Figures(items=(Figure(label=t["datasets_stored"], value=len(datasets)),
                       Figure(label=t["silent_sources"], value=len(silent)),
                       Figure(label=t["silent_devices"], value=len(quiet_devices)),
                       Figure(label=t["no_rule_datasets"], value=len(uncovered) if coverage is not None else None))),
    ]
    collection = _collection_blocks(data_dir, period, t, masked)
    blocks.append(Section(id="log_audit.collection", title=t["collection"], blocks=collection))
    policy = (t["retention_policy_unknown"] if retention_days is None else
              t["retention_policy"].format(days=retention_days, verdict=t["yes" if policy_ok else "no"]))
    blocks.append(Section(id="log_audit.retention", title=t["retention"], blocks=(
        Paragraph(text=t["retention_note"]), Paragraph(text=policy),
        Table(columns=(t["dataset"], t["events"], t["oldest"], t["newest"], t["days_held"], t["meets_180"]),
              rows=tuple(rows)))))
    gaps: list[Block] = [Paragraph(text=t["silence_note"]),
                         Table(caption=t["silent_sources"], columns=(t["dataset"], t["silent_since"]),
                               rows=tuple(silent)),
                         Table(caption=t["silent_devices"],
                               columns=(t["source_kind"], t["device_name"], t["silent_since"]),
                               rows=tuple((t.get(f"kind_{s.field}", s.field), device(s.value),
                                           period.local(s.last_event))
                                          for s in quiet_devices))]
    if coverage is not None:
        gaps.append(Table(caption=t["no_rule_datasets"], columns=(t["dataset"],), rows=tuple((n,) for n in uncovered)))
    blocks.append(Section(id="log_audit.gaps", title=t["gaps"], blocks=tuple(gaps)))
    return Section(id="log_audit", title=t["log_audit"], blocks=tuple(blocks)), numbers


def _collection_blocks(data_dir: Path | None, period: Period, t: dict[str, str],
                       masked: bool = True) -> tuple[Block, ...]:
    """The file sources' checkpoints and the receivers' counters (newest first, at most _ROWS)."""
    if data_dir is None:
        return (Paragraph(text=t["none"]),)
    checkpoints = sorted(CheckpointStore(Path(data_dir) / "state" / "sources").all(),
                         key=lambda c: c.updated or "", reverse=True)
    files = Table(caption=t["collected_files"], columns=(t["source"], t["records"], t["stored"], t["rejected"],
                                                         t["updated"]),
                  rows=tuple((shown_name(c.path, masked), c.counters.get("records", 0),
                              c.counters.get("created", 0) + c.counters.get("duplicates", 0),
                              c.counters.get("rejected", 0), period.local_text(c.updated))
                             for c in checkpoints[:_ROWS]),
                  total=len(checkpoints))
    receivers = load_counters(counters_folder(Path(data_dir)))
    # what ``received`` counts is named per row: syslog messages, NetFlow datagrams or IPFIX
    # messages; records decoded and events stored are counted apart (receivers.counters)
    heard = Table(caption=t["receivers"], columns=(t["source"], t["transport"], t["listen"], t["received"],
                                                   t["unit"], t["records_decoded"], t["events_stored"],
                                                   t["rejected"], t["updated"]),
                  rows=tuple((str(r.get("name", "")), str(r.get("transport", "")), _listening_on(r),
                              int(r["counters"].get("received", 0)),
                              t.get(f"unit_{r.get('unit') or 'message'}", str(r.get("unit"))),
                              int(r["counters"].get("records", 0)),
                              int(r["counters"].get("events_stored", 0)),
                              sum(int(v) for v in (r.get("rejected") or {}).values()),
                              period.local_text(r.get("updated"))) for r in receivers[:_ROWS]),
                  total=len(receivers))
    return files, heard


def _listening_on(saved: dict[str, Any]) -> str:
    """Where a receiver listened: the address its socket was bound to, as `govsoc status` shows
    it, else (never bound) the configured one. A configured port 0 asks the system for a free
    port: the report listed the demo's receivers at 127.0.0.1:0 while the demo printed the ports
    they were bound to (R49a-9)."""
    return str(saved.get("address") or saved.get("listen", ""))
