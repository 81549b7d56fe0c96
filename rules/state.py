"""Per-rule detection state, kept in the store beside the events it describes.

Each rule has a checkpoint: the ingest position (govsoc.store.base.Store.position) up to which
its last successful pass read. The next pass reads from there, so a pass that failed or never
ran widens the next one and no event is skipped, however late it arrived. What a failed pass
left unread is recorded as a *gap* and shown until a later pass covers it: Kibana's detection
engine silently skips the time of missed runs (elastic/kibana#172192); govsoc says so instead.
A correlation also keeps its *pending* groups: groups whose windows were still open at the end
of a pass, judged again by the next pass even if no new event reaches them (an upper bound such
as "fewer than 3" can only be judged once its window has closed).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from govsoc.core.errors import DamagedStateError
from govsoc.core.event import format_timestamp, parse_timestamp
from govsoc.store.base import Store

#: Gaps kept per rule (the oldest are forgotten first).
GAP_HISTORY = 20


@dataclass(frozen=True, slots=True, kw_only=True)
class Gap:
    """Ingest a rule did not read because its passes failed: from ``since`` (the first failed
    pass), over ``passes`` passes, with the last reason; ``covered`` is the time of the pass that
    read it after all (None while it is still open)."""

    since: datetime
    passes: int
    reason: str
    covered: datetime | None = None

    def line(self, title: str) -> str:
        """How detect and rules status show it."""
        state = f"covered at {format_timestamp(self.covered)}" if self.covered else "still open"
        return (f"gap: {title}: {self.passes} failed pass(es) since {format_timestamp(self.since)} "
                f"({self.reason}); {state}")

    def to_document(self) -> dict[str, Any]:
        """The stored form."""
        return {"since": format_timestamp(self.since), "passes": self.passes, "reason": self.reason,
                "covered": format_timestamp(self.covered) if self.covered else None}

    @classmethod
    def from_document(cls, doc: dict[str, Any]) -> Gap:
        """The inverse of :meth:`to_document`."""
        return cls(since=parse_timestamp(doc["since"]), passes=int(doc["passes"]), reason=str(doc["reason"]),
                   covered=parse_timestamp(doc["covered"]) if doc.get("covered") else None)


@dataclass(slots=True, kw_only=True)
class RuleState:
    """What the engine remembers about one rule between passes."""

    rule_id: str
    checkpoint: str | None = None
    last_run: datetime | None = None
    duration: float = 0.0
    matches: int = 0
    error: str | None = None
    gaps: list[Gap] = field(default_factory=list)
    pending: list[list[Any]] = field(default_factory=list)
    #: The rule's suppressed windows stored before their alerts kept their newest matches
    #: (alert.matched, 563b0cd) were judged again once, by a pass that succeeded (R12f G3).
    windows_matched: bool = False
    #: The rule's title and where it was loaded from (path:line) at its last pass: `rules status`
    #: lists a rule with state whose file is not among the rules it loads (R58b-6).
    title: str | None = None
    file: str | None = None
    #: The digest of the rule as its last pass converted it (rules.conversions): a pass that finds
    #: another says the rule was edited (R58b-13).
    rule_digest: str | None = None

    def ran(self, title: str, file: str) -> None:
        """Note the title and file (path:line) of the rule a pass ran."""
        self.title, self.file = title, file or None

    @property
    def open_gap(self) -> Gap | None:
        """The gap failed passes are adding to, if any."""
        return self.gaps[-1] if self.gaps and self.gaps[-1].covered is None else None

    def failed(self, when: datetime, reason: str, duration: float) -> None:
        """Record a failed pass: the checkpoint stays, so the next pass reads this one's events."""
        self.last_run, self.duration, self.error = when, duration, reason
        gap = self.open_gap
        if gap is None:
            self.gaps = [*self.gaps, Gap(since=when, passes=1, reason=reason)][-GAP_HISTORY:]
        else:
            self.gaps[-1] = Gap(since=gap.since, passes=gap.passes + 1, reason=reason)

    def succeeded(self, when: datetime, position: str | None, matches: int, duration: float) -> Gap | None:
        """Record a successful pass up to ``position``; returns the gap it covered, if any."""
        self.last_run, self.duration, self.matches, self.error = when, duration, matches, None
        if position is not None:
            self.checkpoint = position
        gap = self.open_gap
        if gap is None:
            return None
        self.gaps[-1] = Gap(since=gap.since, passes=gap.passes, reason=gap.reason, covered=when)
        return self.gaps[-1]

    def to_document(self) -> dict[str, Any]:
        """The stored form."""
        return {"rule_id": self.rule_id, "checkpoint": self.checkpoint,
                "last_run": format_timestamp(self.last_run) if self.last_run else None,
                "duration": self.duration, "matches": self.matches, "error": self.error,
                "gaps": [g.to_document() for g in self.gaps], "pending": self.pending,
                "windows_matched": self.windows_matched, "title": self.title, "file": self.file,
                "rule_digest": self.rule_digest}

    @classmethod
    def from_document(cls, doc: dict[str, Any]) -> RuleState:
        """The inverse of :meth:`to_document`."""
        return cls(rule_id=str(doc["rule_id"]), checkpoint=doc.get("checkpoint"),
                   last_run=parse_timestamp(doc["last_run"]) if doc.get("last_run") else None,
                   duration=float(doc.get("duration") or 0.0), matches=int(doc.get("matches") or 0),
                   error=doc.get("error"), gaps=[Gap.from_document(g) for g in doc.get("gaps") or ()],
                   pending=list(doc.get("pending") or ()), windows_matched=doc.get("windows_matched") is True,
                   title=_text(doc.get("title")), file=_text(doc.get("file")),
                   rule_digest=_text(doc.get("rule_digest")))


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def state_key(rule_id: str) -> str:
    """The key of a rule's state document in the store."""
    return f"rule-{rule_id}"


def load_state(store: Store, rule_id: str) -> RuleState:
    """A rule's state, or a fresh one (no checkpoint: its first pass reads everything);
    DamagedStateError naming its document when that is not a rule's state."""
    return load_states(store, [rule_id])[rule_id]


def load_states(store: Store, rule_ids: list[str], *,
                damaged: Callable[[str], None] | None = None) -> dict[str, RuleState]:
    """Many rules' states in one store call (a pass reads every rule's state at its start). A
    document that is not a rule's state (not JSON, or fields of the wrong kind: a writer of the
    store changed it) is StoreError naming it, or, with ``damaged``, said through it and read as
    a fresh state: the rule reads every event again (its alerts are upserted, none doubled) and
    its state is written anew."""
    docs = store.get_states([state_key(i) for i in rule_ids], damaged=damaged)
    states: dict[str, RuleState] = {}
    for rule_id in rule_ids:
        try:
            states[rule_id] = load_doc(rule_id, docs.get(state_key(rule_id)))
        except (KeyError, TypeError, ValueError, AttributeError) as e:
            why = f"state document {state_key(rule_id)!r} is damaged: {type(e).__name__}: {e}"
            if damaged is None:
                raise DamagedStateError(why) from e
            damaged(why)
            states[rule_id] = RuleState(rule_id=rule_id)
    return states


def load_doc(rule_id: str, doc: dict[str, Any] | None) -> RuleState:
    """A rule's state from its stored document, or a fresh one when there is none."""
    return RuleState(rule_id=rule_id) if doc is None else RuleState.from_document(doc)


def save_state(store: Store, state: RuleState) -> None:
    """Write a rule's state back."""
    save_states(store, [state])


def save_states(store: Store, states: list[RuleState]) -> None:
    """Write many rules' states back in one store call."""
    if states:
        store.put_states({state_key(s.rule_id): s.to_document() for s in states})
