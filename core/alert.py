"""The alert: what a detection rule found, with the evidence and attribution it needs, and the
triage state an analyst gives it.

An alert's id is deterministic: rule id + matched event id for a single-event rule, rule id +
group key + first event of the burst for a correlation, so running detection again over the
same events never duplicates an alert. SigmaHQ's Detection Rule License asks that the rule's
author be shown wherever matches are shown: the author travels with every alert.

Fields fall in two families. *Detection* fields (times, event ids, evidence, context, the rule's
attributes) are what a detection pass computes; a later pass that finds the same alert again
replaces them. *Triage* fields (status, assignee, notes, the suppression count) are what analysts
and suppression accumulate; a later pass keeps them (:meth:`Alert.with_triage_of`), except that a
closed alert the pass adds to is opened again (:func:`keep_triage`). Stores upsert by id with
exactly that rule and answer with an :class:`AlertReceipt`.

The evidence snapshot (govsoc.core.evidence) keeps up to EVIDENCE_LIMIT events' key fields and raw
lines inside the alert, so that an alert stays understandable after event retention has dropped
its events.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

import orjson

from govsoc.core.event import Event, format_timestamp, parse_timestamp
from govsoc.core.evidence import Evidence, _builder

LEVELS = ("informational", "low", "medium", "high", "critical")
#: Triage states, in the order an alert usually moves through them.
STATUSES = ("open", "acknowledged", "closed", "false_positive")
#: The states in which an analyst is done with an alert: new evidence opens it again (keep_triage).
DONE = ("closed", "false_positive")
#: How many ids of a suppressed window's newest matches its alert keeps (:attr:`Alert.matched`):
#: the partial copy of an unterminated last line, which a delete must find the window by, is
#: among the newest matches of its window unless this many came after it before the line was
#: completed; each costs an event read per count and ~40 bytes in the alert.
MATCHED_LIMIT = 100
__all__ = ["DONE", "LEVELS", "MATCHED_LIMIT", "STATUSES", "Alert", "AlertReceipt", "Note", "TriageChange",
           "document_json", "keep_triage", "match_alert_of", "reopened", "unseen"]


@dataclass(frozen=True, slots=True, kw_only=True)
class Note:
    """One entry of an alert's notes history: who wrote what, when."""

    author: str
    time: datetime
    text: str

    def to_document(self) -> dict[str, Any]:
        """The stored form."""
        return {"author": self.author, "@timestamp": format_timestamp(self.time), "message": self.text}

    @classmethod
    def from_document(cls, doc: Mapping[str, Any]) -> Note:
        """The inverse of :meth:`to_document`."""
        return cls(author=str(doc["author"]), time=parse_timestamp(doc["@timestamp"]), text=str(doc["message"]))


@dataclass(frozen=True, slots=True, kw_only=True)
class Alert:
    """One detection result.

    ``kind`` is "match" (one event matched a rule) or "correlation" (a group of events met a
    correlation rule's condition within its timespan). ``start``/``end`` span the events.
    ``suppressed`` counts the further matches that suppression folded into this alert, and
    ``counted`` is the store's count ticket (Store.count_ticket) the pass took before it read that
    count (a suppressed window judged again, else None): of two passes counting the same window,
    the one with the later ticket wins (R12e E4), whatever the two hosts' clocks say (R12f G1). ``matched`` holds the
    ids of a suppressed window's newest matches (up to :data:`MATCHED_LIMIT`; ``event_ids`` holds
    its first alone): a delete of one of them finds the window (:attr:`rests_on`). ``judged`` is
    what the analyst saw when they closed it or marked it a false positive: its event count and
    suppression count then (None while it is not so marked, and on alerts closed before it was
    kept); a pass that brings more opens it again (:func:`keep_triage`). ``judged_copies`` are the
    partial copies of lines this alert held when it was judged, trimmed since (their lines were
    completed: govsoc.store.withdraw), each with the ids of the events its completed line gave:
    the completed line is not new when it comes back to this alert, and the copy no longer counts
    among the judged events when it does not (R56b-1).
    """

    id: str
    rule_id: str
    rule_title: str
    level: str
    kind: str
    start: datetime
    end: datetime
    event_ids: tuple[str, ...]
    author: str | None = None
    references: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    group: Mapping[str, Any] = field(default_factory=dict)
    context: Mapping[str, Any] = field(default_factory=dict)
    evidence: tuple[Evidence, ...] = ()
    status: str = "open"
    assignee: str | None = None
    notes: tuple[Note, ...] = ()
    suppressed: int = 0
    counted: int | None = None
    matched: tuple[str, ...] = ()
    judged: tuple[int, int] | None = None
    judged_copies: tuple[tuple[str, tuple[str, ...]], ...] = ()
    #: The events an analyst judged on other alerts of the same burst that this one absorbed
    #: (closed or marked false positive when the pass read them; retired once this is written:
    #: govsoc.rules.burst_alerts.joined): not new to the analyst when this closed alert is opened
    #: again (R49b-7; :func:`unseen`). A pass's knowledge, never stored (:meth:`to_document` leaves
    #: it out; the stores hand it to :func:`keep_triage`) nor compared. An analyst who changes an
    #: absorbed alert's status while the pass runs is not seen by that pass's note (R56a-2).
    judged_elsewhere: frozenset[str] = field(default=frozenset(), compare=False)

    def __post_init__(self) -> None:
        if self.status not in STATUSES:
            raise ValueError(f"alert {self.id}: status {self.status!r} is not one of {', '.join(STATUSES)}")

    @property
    def rests_on(self) -> tuple[str, ...]:
        """Every event id the alert is found by when events are deleted: its events, a
        suppressed window's newest matches, and the completed lines of its judged copies (a
        completed line may be a longer copy still, replaced in turn: :attr:`judged_copies`)."""
        return tuple(dict.fromkeys((*self.event_ids, *self.matched,
                                    *(i for _, lines in self.judged_copies for i in lines))))

    @property
    def event_count(self) -> int:
        """How many events the alert rests on."""
        return len(self.event_ids)

    def with_triage_of(self, stored: Alert) -> Alert:
        """This alert's detection fields with ``stored``'s triage fields: what a store keeps when
        a pass finds an alert it holds already. The suppression count never goes down (a later
        pass may count fewer matches once retention dropped some), nor does its count ticket; a
        closed alert this one adds to is opened again (:func:`keep_triage`, which this is)."""
        return Alert.from_document(keep_triage(self.to_document(), stored.to_document(),
                                                judged_elsewhere=self.judged_elsewhere))

    def to_document(self) -> dict[str, Any]:
        """The JSON document that stores keep (flat keys, times in ISO 8601 UTC). Its keys come
        in one fixed order, so equal alerts give equal :meth:`to_json` text."""
        start = format_timestamp(self.start)
        # A match alert's times and its evidence's are one moment: formatted once.
        end = start if self.end == self.start else format_timestamp(self.end)
        doc: dict[str, Any] = {
            "alert.id": self.id,
            "alert.status": self.status,
            "alert.assignee": self.assignee,
            "alert.notes": [n.to_document() for n in self.notes],
            "alert.suppressed": self.suppressed,
            "alert.evidence": [e.to_document(timestamp=start if e.timestamp == self.start else None)
                               for e in self.evidence],
            "rule.id": self.rule_id,
            "rule.name": self.rule_title,
            "rule.author": self.author,
            "rule.reference": list(self.references),
            "tags": list(self.tags),
            "event.severity_name": self.level,
            "event.kind": self.kind,
            "@timestamp": start,
            "event.end": end,
            "event.count": self.event_count,
            "event.ids": list(self.event_ids),
            "group": dict(self.group),
            "context": dict(self.context),
        }
        if self.matched:  # only then (as alert.count_ticket): other alerts' documents stay as they were
            doc["alert.matched"] = list(self.matched)
        if self.counted is not None:  # only then: the documents of other alerts stay as they were
            doc["alert.count_ticket"] = self.counted
        if self.judged is not None:  # only then, as above
            doc["alert.judged"] = list(self.judged)
        if self.judged_copies:  # only then, as above; [copy, completed ids...] each
            doc["alert.judged_copies"] = [[copy, *completed] for copy, completed in self.judged_copies]
        return doc

    def to_json(self) -> str:
        """:meth:`to_document` as compact JSON text (:func:`document_json`)."""
        return document_json(self.to_document())

    @classmethod
    def from_document(cls, doc: Mapping[str, Any]) -> Alert:
        """The inverse of :meth:`to_document` (documents written before triage fields existed
        read as open, unassigned, without notes or evidence)."""
        return cls(
            id=doc["alert.id"],
            rule_id=doc["rule.id"],
            rule_title=doc["rule.name"],
            author=doc.get("rule.author"),
            references=tuple(doc.get("rule.reference") or ()),
            tags=tuple(doc.get("tags") or ()),
            level=doc["event.severity_name"],
            kind=doc["event.kind"],
            start=parse_timestamp(doc["@timestamp"]),
            end=parse_timestamp(doc["event.end"]),
            event_ids=tuple(doc["event.ids"]),
            group=dict(doc.get("group") or {}),
            context=dict(doc.get("context") or {}),
            evidence=tuple(Evidence.from_document(e) for e in doc.get("alert.evidence") or ()),
            status=doc.get("alert.status") or "open",
            assignee=doc.get("alert.assignee"),
            notes=tuple(Note.from_document(n) for n in doc.get("alert.notes") or ()),
            suppressed=int(doc.get("alert.suppressed") or 0),
            counted=_counted(doc),
            matched=tuple(str(i) for i in doc.get("alert.matched") or ()),
            judged=_judged(doc),
            judged_copies=judged_copies(doc),
        )


_new_alert = _builder(Alert)


def match_alert_of(alert_id: str, event: Event, context: Mapping[str, Any], rule: Mapping[str, Any]) -> Alert:
    """``Alert(id=alert_id, kind="match", start=event.timestamp, end=event.timestamp,
    event_ids=(event.id,), context=context, evidence=(Evidence.of(event),), **rule)``: the
    alert of one event that matched a single-event rule, triage fields at their defaults, built
    without the dataclass's ``__init__`` (:func:`_builder`). ``rule`` holds exactly rule_id,
    rule_title, level, author, references and tags (RuleMetadata.alert_fields); a level or
    status is not checked here, as ``__init__`` does not check a level either."""
    at = event.timestamp
    alert: Alert = _new_alert(
        id=alert_id, rule_id=rule["rule_id"], rule_title=rule["rule_title"], level=rule["level"], kind="match",
        start=at, end=at, event_ids=(event.id,), author=rule["author"], references=rule["references"],
        tags=rule["tags"], group={}, context=context, evidence=(Evidence.of(event),), status="open",
        assignee=None, notes=(), suppressed=0, counted=None, matched=(), judged=None, judged_copies=(),
        judged_elsewhere=frozenset())
    return alert


def document_json(doc: Mapping[str, Any]) -> str:
    """A stored document as compact JSON text: keys in the document's order, characters as they
    are (no \\u escapes). orjson writes it, about ten times faster than json (a detection pass
    writes one per alert); what orjson refuses (a lone surrogate, an integer beyond 64 bits, a
    key that is not text) json writes. JSON has no NaN or infinity: orjson writes them as null,
    where json wrote ``NaN``, which JSON parsers, Elasticsearch's among them, refuse."""
    try:
        return orjson.dumps(doc).decode()
    except orjson.JSONEncodeError:
        return _JSON(doc)


_JSON = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def keep_triage(incoming: Mapping[str, Any], stored: Mapping[str, Any], *,
                judged_elsewhere: frozenset[str] = frozenset()) -> dict[str, Any]:
    """:meth:`Alert.with_triage_of` on stored documents: ``incoming``'s detection fields with
    ``stored``'s triage fields, without building either alert (stores upsert many at once).

    An alert the analyst closed or marked a false positive is opened again when the pass brings
    what they did not see (:func:`unseen`): the attack went on after their judgement (more
    failures of the same burst, a success after them), and a closed alert that silently took it
    in would show nothing open (R49a-4). Its notes say why, after the analyst's. Elastic's
    suppression raises a new alert after a closed one instead; here a burst keeps its one alert
    (its id is the rule, the group and the burst's first event), so it is opened again.
    ``judged_elsewhere``: :attr:`Alert.judged_elsewhere` of the incoming alert. The judged copies
    of both documents are kept (the trim of a copy brings its own: govsoc.store.withdraw)."""
    doc = dict(incoming)
    for key in ("alert.status", "alert.assignee", "alert.notes", "alert.judged"):
        if key in stored:
            doc[key] = stored[key]
    copies = joined_copies(judged_copies(stored), judged_copies(incoming))
    doc.pop("alert.judged_copies", None)
    if copies:
        doc["alert.judged_copies"] = [[copy, *completed] for copy, completed in copies]
    doc["alert.suppressed"] = max(int(incoming.get("alert.suppressed") or 0), int(stored.get("alert.suppressed") or 0))
    counted = _later(_counted(incoming), _counted(stored))
    if counted is not None:
        doc["alert.count_ticket"] = counted
    status = doc.get("alert.status")
    if status in DONE and (news := unseen(doc, stored, judged_elsewhere=judged_elsewhere)):
        note = Note(author="govsoc", time=datetime.now(UTC), text=f"reopened: {news} after it was marked {status}")
        doc["alert.status"] = "open"
        doc["alert.notes"] = [*(doc.get("alert.notes") or ()), note.to_document()]
        doc.pop("alert.judged", None)
        doc.pop("alert.judged_copies", None)
    return doc


def unseen(incoming: Mapping[str, Any], stored: Mapping[str, Any], *,
           judged_elsewhere: frozenset[str] = frozenset()) -> str:
    """What a pass's document of an alert holds beyond what its analyst judged, said for a note
    ("3 new events", "2 more suppressed matches"), or "" when nothing: more events or a higher
    suppression count than when they closed it (``alert.judged``). An alert closed before judged
    was kept is compared by its stored ids and count.

    A line cut short that was judged and then completed is the same line under another id: the
    trim of its deleted copy (govsoc.store.withdraw) must not make it new (R49b-1). The judged
    copies (:attr:`Alert.judged_copies`, of ``incoming``: the stored ones and any a trim brings)
    say what each such line became: a completed line, and the copy itself (a pass that read it
    before its delete), are never new, and a copy whose line is not among the events any more
    (it went to another group) no longer counts as judged (R56b-1). A copy deleted without a word
    of what replaced it (a capture's provisional flow, a trim by an earlier version) is taken to
    come back: one fresh event each may be its replacement (not in a merge, R57b-4). Events
    judged on alerts this one absorbed (``judged_elsewhere``) are not new either (R49b-7).
    Whatever the counts say, the events that none of these account for are new (R56a-1). A
    suppressed window is compared by its counts, its judged copies being matches (R57a-1)."""
    judged = _judged(stored)
    ids = incoming.get("event.ids") or ()
    copies = judged_copies(incoming) or judged_copies(stored)
    seen = {i for copy, lines in copies for i in (copy, *lines)}
    if judged is None:
        had = {*(stored.get("event.ids") or ()), *(stored.get("alert.matched") or ()), *judged_elsewhere, *seen}
        events = len({i for i in ids if i not in had})
        before = int(stored.get("alert.suppressed") or 0)
    else:
        matched = incoming.get("alert.matched") or ()
        present = {*ids, *matched}
        freed = sum(1 for copy, lines in copies if copy not in present and present.isdisjoint(lines))
        before = judged[1]
        if incoming.get("event.kind") != "correlation":
            # A suppressed window: counts (its first match is no news when it changes: R57b-2).
            # Its copies are matches; one whose line is not among its newest matches no longer
            # counts as judged (past MATCHED_LIMIT a line come back may be listed no more: said
            # new, never a new match left unsaid, R57b-1).
            events, before = len(ids) - judged[0], before - freed
        else:
            held = set(stored.get("event.ids") or ())
            fresh = set(ids) - held
            # copies trimmed without a word; not in a merge, whose events are new whatever they
            # are (R56a-1, R57b-4: the slack cancelled the event that joined two bursts)
            unexplained = 0 if judged_elsewhere else max(0, judged[0] - len(held) - len(copies))
            events = max(len(ids) - judged[0] + freed - len(fresh & judged_elsewhere),
                         len(fresh - judged_elsewhere - seen) - unexplained)
    more = int(incoming.get("alert.suppressed") or 0) - before
    said = [f"{events} new event{'s' if events > 1 else ''}" if events > 0 else "",
            f"{more} more suppressed match{'es' if more > 1 else ''}" if more > 0 else ""]
    return " and ".join(part for part in said if part)


def judged_copies(doc: Mapping[str, Any]) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """A stored document's ``alert.judged_copies`` as (copy, completed ids) pairs; what is not a
    list of lists of text is left out (any writer of the alerts index can change a document)."""
    found = doc.get("alert.judged_copies")
    if not isinstance(found, list):
        return ()
    return tuple((item[0], tuple(item[1:])) for item in found
                 if isinstance(item, list) and item and all(isinstance(i, str) for i in item))


def joined_copies(*parts: tuple[tuple[str, tuple[str, ...]], ...]) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """Judged copies of several documents (or alerts), one entry a copy with every completed id
    found for it, in the order first seen."""
    joined: dict[str, dict[str, None]] = {}
    for part in parts:
        for copy, completed in part:
            joined.setdefault(copy, {}).update(dict.fromkeys(completed))
    return tuple((copy, tuple(completed)) for copy, completed in joined.items())


def _judged(doc: Mapping[str, Any]) -> tuple[int, int] | None:
    """A stored document's ``alert.judged`` (event count, suppression count), None when absent
    or not two whole numbers (any writer of the alerts index can change a document)."""
    judged = doc.get("alert.judged")
    if isinstance(judged, list) and len(judged) == 2 and all(type(n) is int for n in judged):
        return judged[0], judged[1]
    return None


def reopened(doc: Mapping[str, Any], stored: Mapping[str, Any]) -> bool:
    """Whether :func:`keep_triage` opened the stored alert again (a receipt counts it)."""
    return stored.get("alert.status") in DONE and doc.get("alert.status") == "open"


def _counted(doc: Mapping[str, Any]) -> int | None:
    """A stored document's ``alert.count_ticket``; None when absent or not a whole number (a
    document any writer of the alerts index can change: a count with no readable ticket is the
    oldest). The ``alert.counted`` time of b20b8a6's documents, which a host's clock wrote, is
    not read: such a count is as old as any (R12f G1)."""
    ticket = doc.get("alert.count_ticket")
    return ticket if isinstance(ticket, int) and not isinstance(ticket, bool) else None


def _later(a: int | None, b: int | None) -> int | None:
    """The later of two count tickets (None: never counted)."""
    return b if a is None else a if b is None else max(a, b)


@dataclass(frozen=True, slots=True)
class AlertReceipt:
    """What an alert upsert did: alerts newly stored, stored ones whose detection fields changed,
    stored ones left as they were, and ones refused (id, reason)."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: tuple[tuple[str, str], ...] = ()
    #: Of the updated, those an analyst had closed that the update opened again (keep_triage).
    reopened: int = 0

    def __add__(self, other: AlertReceipt) -> AlertReceipt:
        return AlertReceipt(self.created + other.created, self.updated + other.updated,
                            self.unchanged + other.unchanged, self.rejected + other.rejected,
                            self.reopened + other.reopened)

    def line(self) -> str:
        """``3 new, 1 updated, 7 unchanged`` (and those reopened and refused, when any)."""
        text = f"{self.created} new, {self.updated} updated, {self.unchanged} unchanged"
        text += f", {self.reopened} closed reopened by new evidence" if self.reopened else ""
        return text + (f", {len(self.rejected)} refused" if self.rejected else "")


@dataclass(frozen=True, slots=True, kw_only=True)
class TriageChange:
    """What an analyst does to one alert: a new status, a new assignee (``unassign`` clears it),
    a note appended to the history. Stores apply it atomically with :meth:`apply`.

    ``uncount`` is govsoc's own: matches a suppressed window no longer holds (deleted partial
    copies of lines), taken off its count, which a detection pass never lowers (Alert.with_triage_of).
    ``recount`` is govsoc's too: the count of a suppressed window counted again from the store
    after such a delete (govsoc.store.rejudge), set as it is, lower or not, unless the stored
    count was taken with a later ticket than ``counted`` (two passes at once: the older count
    never overwrites the newer one, R12e E4)."""

    status: str | None = None
    assignee: str | None = None
    unassign: bool = False
    note: Note | None = None
    uncount: int = 0
    recount: int | None = None
    counted: int | None = None
    #: govsoc's too: partial copies a delete took from a closed suppressed window, with what
    #: replaced them (Alert.judged_copies), recorded with the uncount that took them off its count
    #: and taken off its newest matches (so that a pass that counts a copy again, having read it
    #: before its delete, lists it again: govsoc.store.withdraw)
    copies: tuple[tuple[str, tuple[str, ...]], ...] = ()

    def __post_init__(self) -> None:
        if self.status is not None and self.status not in STATUSES:
            raise ValueError(f"status {self.status!r} is not one of {', '.join(STATUSES)}")

    def apply(self, alert: Alert) -> Alert:
        """``alert`` with this change; detection fields untouched."""
        copies = {copy for copy, _ in self.copies}
        return replace(
            alert,
            status=self.status or alert.status,
            assignee=None if self.unassign else (self.assignee or alert.assignee),
            notes=alert.notes + ((self.note,) if self.note is not None else ()),
            suppressed=self._suppressed(alert),
            counted=_later(alert.counted, self.counted) if self.recount is not None else alert.counted,
            judged=self._judged(alert),
            # a judgement's copies stay with it (a note, an assignee, closed again); a new one has none
            judged_copies=joined_copies(alert.judged_copies, self.copies)
            if (self.status or alert.status) in DONE and alert.status in DONE else (),
            matched=tuple(i for i in alert.matched if i not in copies) if copies else alert.matched,
        )

    def _judged(self, alert: Alert) -> tuple[int, int] | None:
        """What the analyst saw when this change closes the alert (or marks it a false positive);
        kept by other changes to a closed alert, dropped when it is opened again."""
        status = self.status or alert.status
        if status not in DONE:
            return None
        if alert.status in DONE:  # a note, an assignee, a recount, or closed again: judged as it was,
            # and an alert closed before judged was kept, as it is now, before this change's uncount:
            # the trim of a deleted partial copy writes its note so first (govsoc.store.withdraw), and
            # the completed line is then no new evidence (R49b-1)
            return alert.judged if alert.judged is not None else (alert.event_count, alert.suppressed)
        return alert.event_count, self._suppressed(alert)

    def _suppressed(self, alert: Alert) -> int:
        """The count the change leaves: the recount, unless the stored one is newer."""
        if self.recount is None:
            return max(0, alert.suppressed - self.uncount)
        newer = alert.counted is not None and (self.counted is None or alert.counted > self.counted)
        return alert.suppressed if newer else self.recount
