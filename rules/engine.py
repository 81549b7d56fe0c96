"""One detection pass: every loaded rule against the store, alerts written back to it.

Base rules are converted by the store's backend and run inside the store; correlations run over
the base rules' hits (govsoc.rules.correlate). A rule that fails to convert or run is reported
and counted, and every other rule still runs. Alert ids are deterministic, so a second pass over
the same events stores no new alerts. Following the Sigma correlation specification, a rule that
a correlation refers to raises alerts of its own only when a correlation says ``generate: true``
(rules no correlation refers to always do).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sigma.correlations import SigmaCorrelationRule
from sigma.rule import SigmaRule

from govsoc.core.alert import Alert, AlertReceipt, evidence_of
from govsoc.core.errors import GovsocError, Location, RuleError
from govsoc.core.event import Event, make_id
from govsoc.rules.backends import backend_for
from govsoc.rules.correlate import compile_correlation, correlate, event_context
from govsoc.rules.loader import RuleSet
from govsoc.rules.metadata import rule_metadata
from govsoc.rules.pipeline import rule_source_status
from govsoc.store.base import Query, Store


@dataclass(slots=True)
class DetectionSummary:
    """What a detection pass did."""

    rules: int = 0
    failed: list[RuleError] = field(default_factory=list)
    #: Rules not run because govsoc does not collect their log source: rule id -> the source needed.
    no_source: dict[str, str] = field(default_factory=dict)
    matches: dict[str, int] = field(default_factory=dict)
    alerts: list[Alert] = field(default_factory=list)
    receipt: AlertReceipt = field(default_factory=AlertReceipt)

    def line(self) -> str:
        """The closing line of a pass: rules run, not run for want of their log source, failed."""
        return (f"{self.rules} rules run, {len(self.no_source)} no source, {len(self.failed)} failed; "
                f"{len(self.alerts)} alerts "
                f"({self.receipt.line()})")

    def no_source_lines(self) -> list[str]:
        """One line per missing log source: how many rules need it, most needed first."""
        needed = Counter(self.no_source.values())
        return [f"no source: {count} rule{'s' if count != 1 else ''} need {needs}"
                for needs, count in sorted(needed.items(), key=lambda item: (-item[1], item[0]))]


def generating_rules(ruleset: RuleSet) -> set[str]:
    """Ids of the base rules that raise alerts of their own."""
    referenced: dict[str, bool] = {}
    for corr in ruleset.correlations:
        for ref in corr.referenced_rules or corr.rules or ():
            rule_id = str(ref.rule.id)
            referenced[rule_id] = referenced.get(rule_id, False) or bool(corr.generate)
    return {str(r.id) for r in ruleset.rules if referenced.get(str(r.id), True)}


def detect(store: Store, ruleset: RuleSet, *, start: datetime | None = None, end: datetime | None = None,
           progress: Callable[[str], None] | None = None) -> DetectionSummary:
    """Run every rule of ``ruleset`` over the events in [start, end) and store the alerts."""
    backend = backend_for(store.kind)
    summary = DetectionSummary()
    generating = generating_rules(ruleset)
    hits: dict[str, list[Event]] = {}
    for rule in ruleset.rules:
        rule_id = str(rule.id)
        active, needs = rule_source_status(rule)
        if not active:
            summary.no_source[rule_id] = needs
            continue
        summary.rules += 1
        if progress:
            progress(rule.title)
        try:
            native = backend.convert(rule)
            hits[rule_id] = list(store.search(Query(native=native, start=start, end=end)))
        except GovsocError as e:
            summary.failed.append(_located(e, rule, ruleset))
            continue
        summary.matches[rule_id] = len(hits[rule_id])
        if rule_id in generating:
            summary.alerts.extend(match_alerts(rule, hits[rule_id]))
    horizon = end or datetime.now(UTC)
    for corr in ruleset.correlations:
        active, needs = rule_source_status(corr)
        if not active:
            summary.no_source[str(corr.id)] = needs
            continue
        summary.rules += 1
        if progress:
            progress(corr.title)
        try:
            compiled = compile_correlation(corr)
            if any(ref.id not in hits for ref in compiled.refs):
                raise RuleError("a rule it refers to failed")
            alerts = list(correlate(compiled, hits, horizon=horizon))
        except RuleError as e:
            summary.failed.append(_located(e, corr, ruleset))
            continue
        summary.matches[str(corr.id)] = len(alerts)
        summary.alerts.extend(alerts)
    summary.receipt = store.write_alerts(summary.alerts)
    return summary


def match_alerts(rule: SigmaRule, events: list[Event]) -> Iterator[Alert]:
    """One alert per event that matched a single-event rule."""
    meta = rule_metadata(rule)
    for event in events:
        yield Alert(id=make_id(meta.id, event.id), kind="match", start=event.timestamp, end=event.timestamp,
                    event_ids=(event.id,), context=event_context(event), evidence=evidence_of([event]),
                    **meta.alert_fields())


def _located(error: GovsocError, rule: SigmaRule | SigmaCorrelationRule, ruleset: RuleSet) -> RuleError:
    path = ruleset.files.get(str(rule.id))
    return RuleError(f"{rule.title}: {error.message}",
                     location=Location(path=str(path)) if path else error.location)
