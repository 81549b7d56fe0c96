"""Alert suppression: one alert, with a count, for the matches of a rule that share one to three
field values within a time window (Elastic's alert suppression, made deterministic).

A rule asks for it with a custom attribute (Sigma keeps unknown top-level keys)::

    govsoc.suppress:
      by: [source.ip, user.name]     # one to three fields; Sigma names are mapped as in the rule
      window: 1h                     # a Sigma timespan: 30s, 5m, 1h, 1d

or, for rules one does not edit (SigmaHQ), the configuration names them by id, name or title::

    rules:
      suppress:
        - {rule: "SSH Login Failed", by: [source.ip], window: 1h}

The configuration wins over the attribute. Windows are fixed, aligned to the epoch in UTC (a 1h
window runs 10:00–11:00), so that every pass, full or incremental, puts a match in the same
alert: its id is rule id + the field values + the window's start. For every (values, window)
that received a new match, the pass counts the rule's matches in that window from the store
again, so the alert's count is exact however the matches were spread over passes; the alert
stands for the first match, keeps snapshots of the first few and counts the others as
``suppressed``. A missing field is a value of its own (the matches that lack it are suppressed
together).
"""

from __future__ import annotations

import itertools
import json
from collections import deque
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from sigma.correlations import SigmaCorrelationTimespan
from sigma.exceptions import SigmaError
from sigma.rule import SigmaRule

from govsoc.core.alert import MATCHED_LIMIT, Alert
from govsoc.core.ecs import FIELDS, NUMERIC_TYPES
from govsoc.core.errors import RuleError
from govsoc.core.event import Event, format_timestamp, make_id
from govsoc.core.evidence import EVIDENCE_LIMIT, evidence_of
from govsoc.rules.event_context import event_context
from govsoc.rules.metadata import rule_metadata
from govsoc.rules.pipeline import ecs_field
from govsoc.store.base import Query, Scalar, Store

__all__ = ["ATTRIBUTE", "Suppression", "Suppressor", "apply_configured", "suppression_of"]

#: The rule's custom attribute that asks for suppression.
ATTRIBUTE = "govsoc.suppress"
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
#: Keyword fields that no store searches: the raw record is stored, not indexed.
_UNINDEXED = frozenset({"event.original", "govsoc.original_base64"})


@dataclass(frozen=True, slots=True)
class Suppression:
    """Suppress a rule's matches by the values of ``by`` (ECS names) within ``window``."""

    by: tuple[str, ...]
    window: timedelta

    def bucket(self, ts: datetime) -> datetime:
        """The start of the window ``ts`` falls in."""
        step = int(self.window.total_seconds() * 1_000_000)
        offset = (ts.astimezone(UTC) - _EPOCH) // timedelta(microseconds=1)
        return _EPOCH + timedelta(microseconds=offset - offset % step)


def suppression_of(rule: SigmaRule) -> Suppression | None:
    """The rule's suppression setting, or None; RuleError when it is malformed."""
    setting = (rule.custom_attributes or {}).get(ATTRIBUTE)
    if setting is None:
        return None
    if not isinstance(setting, Mapping):
        raise RuleError(f"{ATTRIBUTE} must be a mapping with 'by' and 'window'")
    by = setting.get("by")
    fields = [by] if isinstance(by, str) else by
    if not isinstance(fields, list) or not 1 <= len(fields) <= 3 or not all(isinstance(f, str) for f in fields):
        raise RuleError(f"{ATTRIBUTE}.by must name one to three fields")
    try:
        seconds = SigmaCorrelationTimespan(str(setting.get("window", ""))).seconds
    except SigmaError as e:
        raise RuleError(f"{ATTRIBUTE}.window: {e} (a Sigma timespan such as 30s, 5m, 1h, 1d)") from e
    return Suppression(by=tuple(ecs_field(f, rule) for f in fields), window=timedelta(seconds=seconds))


def apply_configured(rules: Iterable[SigmaRule], entries: Sequence[Mapping[str, Any]]) -> list[str]:
    """Set the suppression that configuration entries (``rule``, ``by``, ``window``) give rules
    named by id, name or title (any case). Returns the entries' rule names no rule answered to."""
    unmatched = []
    by_key: dict[str, list[SigmaRule]] = {}
    for rule in rules:
        for key in {str(rule.id), (rule.name or "").casefold(), rule.title.casefold()} - {""}:
            by_key.setdefault(key, []).append(rule)
    for entry in entries:
        wanted = str(entry["rule"])
        found = by_key.get(wanted) or by_key.get(wanted.casefold()) or []
        for rule in found:
            rule.custom_attributes = {**(rule.custom_attributes or {}),
                                      ATTRIBUTE: {"by": list(entry["by"]), "window": entry["window"]}}
        if not found:
            unmatched.append(wanted)
    return unmatched


class Suppressor:
    """Collects a pass's matches of one rule and gives the suppressed alerts they touch."""

    def __init__(self, rule: SigmaRule, suppression: Suppression, store: Store, native: str) -> None:
        self.rule = rule
        self.suppression = suppression
        self.store = store
        self.native = native
        self._touched: set[tuple[str, datetime]] = set()
        #: The windows named by a rejudge entry (:meth:`again`), and their alerts' ids once counted.
        self._again: set[tuple[str, datetime]] = set()
        self.recounted: set[str] = set()

    def key(self, event: Event) -> tuple[Any, ...]:
        """The suppression values of an event (lists as tuples, a missing field as None)."""
        return tuple(_hashable(event.get(f)) for f in self.suppression.by)

    def add(self, event: Event) -> None:
        """Note a new match: its (values, window) will be counted again."""
        self._touched.add((json.dumps(self.key(event), default=str), self.suppression.bucket(event.timestamp)))

    def again(self, group: Mapping[str, Any], when: datetime) -> None:
        """Count the window of a stored alert's ``group`` holding ``when`` again, though the pass
        read no new match in it (govsoc.store.rejudge); its alert's id goes to :attr:`recounted`,
        whose count is to be set as counted, lower or not (the upsert never lowers it), unless a
        pass that counted it later wrote first (the alert's ``counted``)."""
        key = tuple(_hashable(group.get(name)) for name in self.suppression.by)
        window = (json.dumps(key, default=str), self.suppression.bucket(when))
        self._touched.add(window)
        self._again.add(window)

    def alerts(self) -> Iterator[Alert]:
        """One alert per (values, window) touched by the pass, counted over the whole window."""
        meta = rule_metadata(self.rule)
        touched = sorted(self._touched)
        # Taken before the store is read: of two passes counting a window judged again, the one
        # that began counting later holds the newer count (R12e E4; Alert.counted). A ticket of
        # the store's, not a host's clock: two passes on hosts whose clocks differ by 2 s ordered
        # their counts by those clocks, and the older count won (R12f G1).
        counted = self.store.count_ticket() if self._again else None
        compared = self._compared(touched)
        for values_text, start in touched:
            values = _values(values_text)
            window = compared.get((values_text, start)) or self._recount(values, start)
            if not window.evidence:  # gone meanwhile (retention): nothing to stand for
                continue
            first = window.evidence[0]
            alert_id = make_id(meta.id, "suppressed", values_text, format_timestamp(start))
            again = (values_text, start) in self._again
            if again:
                self.recounted.add(alert_id)
            yield Alert(
                id=alert_id, kind="match",
                start=first.timestamp, end=window.last, event_ids=(first.id,),
                group=dict(zip(self.suppression.by, values, strict=True)), context=event_context(first),
                evidence=evidence_of(window.evidence), suppressed=window.total - 1, matched=tuple(window.newest),
                # stamped only where the count may be lowered (a window judged again): other
                # windows' documents stay unchanged from pass to pass
                counted=counted if again else None, **meta.alert_fields())

    def _recount(self, values: tuple[Any, ...], start: datetime) -> _Window:
        """The store counts a window whose every value is a term of a field it counts by."""
        terms: dict[str, tuple[Scalar, ...]] = {f: (v,) for f, v in zip(self.suppression.by, values, strict=True)}
        query = Query(native=self.native, start=start, end=start + self.suppression.window, terms=terms)
        evidence = list(self.store.search(replace(query, limit=EVIDENCE_LIMIT)))
        latest = list(self.store.search(replace(query, limit=MATCHED_LIMIT, order="desc")))
        if not evidence or not latest:
            return _Window()
        return _Window(evidence=evidence, last=latest[0].timestamp, total=self.store.count(query),
                       newest=deque((e.id for e in latest), maxlen=MATCHED_LIMIT))

    def _compared(self, touched: Sequence[tuple[str, datetime]]) -> dict[tuple[str, datetime], _Window]:
        """The windows the store cannot count by terms (a missing or listed value, a field that
        is no plain term on every store), each window's matches read once and compared here."""
        wanted: dict[datetime, dict[str, _Window]] = {}
        for values_text, start in touched:
            values = _values(values_text)
            if not all(_plain(v) and _counted_by_term(f) for f, v in zip(self.suppression.by, values, strict=True)):
                wanted.setdefault(start, {})[values_text] = _Window()
        for start, windows in wanted.items():
            query = Query(native=self.native, start=start, end=start + self.suppression.window)
            for event in self.store.search(query):
                for key in self._keys_of(event):
                    if (window := windows.get(key)) is not None:
                        window.total += 1
                        window.last = event.timestamp
                        window.newest.appendleft(event.id)  # read oldest first: the newest end up kept
                        if len(window.evidence) < EVIDENCE_LIMIT:
                            window.evidence.append(event)
        return {(key, start): window for start, windows in wanted.items() for key, window in windows.items()}

    def _keys_of(self, event: Event) -> set[str]:
        """Every key (as :meth:`add` writes it) an event counts toward: its values, and for a list
        each plain element too (as a term query finds one element of a list where the store counts)."""
        options: list[list[Any]] = []
        for name in self.suppression.by:
            value = event.get(name)
            options.append([value, *(v for v in value if _plain(v))] if isinstance(value, list) else [value])
        return {json.dumps(key, default=str) for key in itertools.product(*options)}


@dataclass(slots=True)
class _Window:
    """What the store holds of one suppression window: the first matches, the last time, the
    count, and the ids of the newest matches (newest first)."""

    evidence: list[Event] = field(default_factory=list)
    last: datetime = _EPOCH
    total: int = 0
    newest: deque[str] = field(default_factory=lambda: deque(maxlen=MATCHED_LIMIT))


def _hashable(value: Any) -> Any:
    return tuple(value) if isinstance(value, list) else value


def _values(values_text: str) -> tuple[Any, ...]:
    return tuple(_hashable(v) for v in json.loads(values_text))


def _plain(value: Any) -> bool:
    return isinstance(value, str | int | float | bool)


def _counted_by_term(name: str) -> bool:
    """Whether a term on the field is its value itself on every store (a keyword or a number)."""
    return name not in _UNINDEXED and FIELDS.get(name, "keyword") in {"keyword", *NUMERIC_TYPES}
