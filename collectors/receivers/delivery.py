"""The delivery side of the receivers: decode, parse and store what the network side took in.

One thread takes messages from the hand-off queue in batches, and for each message:

1. decides its charset (collectors.syslog.charset; the sender's setting, else the receiver's);
2. gives it a RawRecord whose ``identity`` is the receiver's run (receiver name and a random run
   id) and whose ``offset`` is its receive sequence number, so its event id (RawRecord.event_id:
   identity, sequence, digest of the bytes, index) is unique and fixed from then on;
3. parses it with the sender's parser, or, with ``auto``, the parser whose recogniser takes the
   message (collectors.detect, per message: one receiver hears many kinds of devices; see
   auto_parser), in the
   sender's time zone (Huawei devices log in UTC by default), with the receive time as the
   reference for year-less times;
4. adds the sender: ``log.source.address``, ``observer.vendor`` from the sender's ``vendor``
   setting when the parser named none, and ``observer.ip`` on a device's events (those with
   ``observer.vendor``: the reporting device is the sender), ``govsoc.receiver`` and
   ``govsoc.charset``;
5. delivers the events through Pipeline.deliver: to the store, else the spool.

At a stop, once more than one batch is left, the messages are not parsed: they go to the
shutdown spool as they arrived (collectors.receivers.backlog), with the identity and sequence
number they were given, and the next start parses and stores them first (``replay``).

"Nothing twice" for a network stream: syslog carries no message id and TCP syslog no
acknowledgement, so two identical messages are two events (a device that logs the same line
twice did the thing twice) and cannot be told from a retransmission; except a record that carries
its own identity (a Kubernetes audit event, a CloudTrail or CTS record received as a message:
collectors.base.keeps_own_ids), which is one event however often it arrives. What govsoc guarantees is
that a message it accepted is stored at most once however often its batch is retried or
replayed from the spool (the id travels with the event), and is stored at least once unless the
process is killed while it sits in memory (at most one queue and one batch; SIGTERM flushes
them) or, at shutdown, the store is down and the spool full (counted as ``dropped``).
"""

from __future__ import annotations

import base64
import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from govsoc.collectors.base import ParseContext, Parser, RawRecord, parsers
from govsoc.collectors.detect import detect_lines, line_parser
from govsoc.collectors.failures import failure_event
from govsoc.collectors.pipeline import Pipeline
from govsoc.collectors.receivers.backlog import Unparsed
from govsoc.collectors.receivers.counters import OUTCOMES, ReceiverCounters
from govsoc.collectors.receivers.handoff import Handoff, Message
from govsoc.collectors.receivers.senders import SenderRules
from govsoc.collectors.spool import Spool
from govsoc.collectors.summary import IngestSummary
from govsoc.collectors.syslog.charset import decode_message
from govsoc.core.errors import ParseError, StoreError
from govsoc.core.event import Event
from govsoc.core.sink import WriteReceipt

__all__ = ["DeliveryWorker", "ReceiverState", "auto_parser"]

STORED, SPOOLED, STORE_REJECTED, DROPPED = (OUTCOMES.index(name) for name in
                                            ("stored", "spooled", "store_rejected", "dropped"))
#: The parser of a message no recogniser takes (its parse failure keeps it as pipeline_error).
FALLBACK_PARSER = "linux.auth"


@dataclass(slots=True)
class ReceiverState:
    """What the delivery side keeps per receiver: its counters, sender rules and sequence."""

    name: str
    transport: str
    run_id: str
    rules: SenderRules
    counters: ReceiverCounters
    sequence: int = 0
    identity: str = ""
    summary: IngestSummary = field(default_factory=lambda: IngestSummary(source=""))

    def __post_init__(self) -> None:
        self.identity = f"syslog-{self.transport}:{self.name}:{self.run_id}"
        self.summary = IngestSummary(source=f"receiver {self.name}")


def auto_parser(text: str) -> str:
    """The parser of one message when none is configured: collectors.detect's choice for it as
    a one-line file. A message that starts with a PRI can only be syslog, so for those only the
    device recognisers are asked (as syslog.mixed does per line), else linux.auth; the other
    recognisers (JSON, auditd, web logs: what a relay may forward without a header) only for
    the rest."""
    if text.startswith("<"):
        return line_parser(text) or FALLBACK_PARSER
    return detect_lines([text], FALLBACK_PARSER)


class DeliveryWorker:
    """Takes batches from the hand-off queue until stopped and the queue is empty."""

    def __init__(self, pipeline: Pipeline, handoff: Handoff, *, rejects_dir: Path, batch_size: int = 2000,
                 flush_seconds: float = 0.2, tick: Callable[[], None] = lambda: None,
                 tick_seconds: float = 1.0, notice: Callable[[str], None] = lambda _message: None,
                 backlog: Spool | None = None,
                 state_of: Callable[[str, str], ReceiverState] | None = None) -> None:
        self.pipeline, self.handoff, self.rejects_dir = pipeline, handoff, rejects_dir
        #: The shutdown spool of unparsed messages, and the receiver state of a spooled message's
        #: receiver name and transport (for the replay).
        self.backlog, self.state_of = backlog, state_of
        #: Set when the stop begins: from then on a backlog of more than one batch is spooled
        #: unparsed (``stopping`` follows once the network side has closed).
        self.winding_down = threading.Event()
        #: Messages parsed after the stop began: at most the batch in hand and one more.
        self.parsed_at_stop = 0
        self.batch_size, self.flush_seconds = batch_size, flush_seconds
        self.tick, self.tick_seconds, self.notice = tick, tick_seconds, notice
        self.stopping = threading.Event()
        #: Set at stop when storing takes too long: what is left goes to the spool, not the store.
        self.spill = threading.Event()
        self._parsers: dict[str, Parser] = {}
        self._contexts: dict[str, ParseContext] = {}
        self._refresh_due = 0.0
        self._stored_since_refresh = False

    def run(self) -> None:
        """The thread's body: deliver until ``stopping`` is set and nothing is left."""
        next_tick = time.monotonic() + self.tick_seconds
        self.replay()
        while True:
            messages = self.handoff.take(self.batch_size, self.flush_seconds)
            if messages and self.winding_down.is_set() and self.backlog is not None and not self.spill.is_set() \
                    and len(self.handoff):  # stopping, and more than this batch is left
                messages += self.handoff.take(len(self.handoff), 0, 0)
                if self.spool_unparsed(messages):
                    continue
            if messages:
                try:
                    self.process(messages)
                except Exception as e:  # noqa: BLE001  (parsing failed) the receivers keep running; the loss is counted
                    lost: dict[int, tuple[ReceiverState, list[tuple[str, int]]]] = {}
                    for message in messages:
                        lost.setdefault(id(message[0]), (message[0], []))[1].append((message[1], 0))
                    for state, senders in lost.values():
                        self._lost(state, senders, e)
            elif self.stopping.is_set() and not len(self.handoff):
                break
            elif not self.spill.is_set():
                self.pipeline.drain()  # the store may be back: send what the spool holds
            now = time.monotonic()
            if self._stored_since_refresh and now >= self._refresh_due:
                self.pipeline.refresh()
                self._stored_since_refresh, self._refresh_due = False, now + 5.0
            if now >= next_tick:
                self.tick()
                next_tick = now + self.tick_seconds
        if not self.spill.is_set():
            self.pipeline.drain()
        self.pipeline.refresh()

    def process(self, messages: list[Message]) -> None:
        """Parse and deliver one batch (grouped by receiver: each has its own counters). Each
        message's outcome is counted for its receiver and its sender (counters module)."""
        self._contexts = {}
        groups: dict[int, tuple[ReceiverState, list[Event], list[tuple[str, int]]]] = {}
        for message in messages:
            state: ReceiverState = message[0]
            group = groups.get(id(state))
            if group is None:
                group = groups[id(state)] = (state, [], [])
            events = self.message_events(state, message)
            group[1].extend(events)
            group[2].append((message[1], len(events)))
        for state, events, senders in groups.values():
            try:
                self._deliver(state, events, senders)
            except Exception as e:  # noqa: BLE001  the receivers keep running; the loss is counted and said
                self._lost(state, senders, e)

    def spool_unparsed(self, messages: list[Message]) -> bool:
        """Write ``messages`` to the shutdown spool unparsed, each with its identity and the
        next receive sequence number of its receiver; counted spooled. False (nothing written)
        when the spool cannot take them."""
        assert self.backlog is not None
        unparsed = []
        for key, host, port, data, flag, at in messages:
            state: ReceiverState = key
            state.sequence += 1
            unparsed.append(Unparsed(receiver=state.name, transport=state.transport, identity=state.identity,
                                     sequence=state.sequence, host=host, port=port, data=data, flag=flag, at=at))
        if not self.backlog.append(unparsed):
            for key, *_rest in messages:
                key.sequence -= 1  # parsed after all: they get their numbers again
            self.notice(f"receivers: the shutdown spool cannot take {len(messages)} messages; parsing them")
            return False
        for key, host, *_rest in messages:
            state = key
            state.counters.ended(host, SPOOLED)
            state.counters.spooled += 1
            state.counters.spooled_unparsed += 1
        self.notice(f"receivers: {len(messages)} messages not parsed yet spooled as received "
                    f"({self.backlog.folder}); the next start stores them")
        return True

    def replay(self) -> None:
        """Parse and deliver what the shutdown spool holds (an earlier run's backlog), oldest
        first; what the store and the event spool cannot take now stays for the next start."""
        if self.backlog is None or self.state_of is None or self.backlog.is_empty():
            return
        try:
            result = self.backlog.drain(_Replay(self), batch=self.batch_size)
        except StoreError as e:
            self.notice(f"receivers: the messages spooled at the last stop stay spooled: {e}")
            return
        if result.events or result.corrupt_records:
            damaged = f"; {result.corrupt_records} damaged records skipped" if result.corrupt_records else ""
            self.notice(f"receivers: {result.events} messages spooled at the last stop parsed and delivered{damaged}")

    def message_events(self, state: ReceiverState, message: Message, *, identity: str | None = None,
                       sequence: int | None = None) -> list[Event]:
        """The events of one received message (never none: what no parser understands, or what
        makes a parser fail, is kept as a pipeline_error event). ``identity`` and ``sequence``
        are those a replayed message was given when it was accepted."""
        _key, host, port, data, flag, at = message
        counters = state.counters
        if self.winding_down.is_set():
            self.parsed_at_stop += 1
        policy = state.rules.policy(host)
        text, charset, replaced = decode_message(data, policy.charset)
        if replaced:
            counters.decode_replaced += 1
        elif charset != "utf-8":
            counters.decoded_gb18030 += 1
            data = text.encode("utf-8")  # RawRecord.text() gives the decided text back
        if sequence is None:
            state.sequence += 1
            sequence = state.sequence
        shown_host = f"[{host}]" if ":" in host else host
        record = RawRecord(data=data, origin=f"syslog+{state.transport}://{shown_host}:{port}", offset=sequence,
                           identity=identity or state.identity, received=datetime.fromtimestamp(at, UTC),
                           flags=(flag,) if flag else ())
        parser_id = policy.parser if policy.parser != "auto" else auto_parser(text)
        parser = self._parsers.get(parser_id)
        if parser is None:
            parser = self._parsers[parser_id] = parsers.get(parser_id)()
        context = self._contexts.get(policy.timezone.key)
        if context is None:
            context = self._contexts[policy.timezone.key] = ParseContext(timezone=policy.timezone,
                                                                         reference=datetime.now(UTC))
        summary = state.summary
        failures = summary.parse_failures
        extra = {"log.source.address": host, "govsoc.charset": charset, "govsoc.receiver": state.name}
        events: list[Event] = []
        try:
            parsed = [event for _record, finished in self.pipeline.events((record,), parser, context, summary)
                      for event in finished]
        except Exception as e:  # noqa: BLE001  a parser's bug must not stop the receivers: the message is kept
            summary.parse_failures += 1
            error = ParseError(f"internal error in parser {parser_id}: {type(e).__name__}: {e}")
            failed = failure_event(record, parser, error, context)
            flags: dict[str, Any] = {"govsoc.flags": list(record.flags)} if record.flags else {}
            if replaced:
                flags["govsoc.original_base64"] = base64.b64encode(record.data).decode("ascii")
            parsed = [Event(id=failed.id, timestamp=failed.timestamp, dataset=failed.dataset,
                            fields={**failed.fields, **flags})]
        for event in parsed:
            fields: dict[str, Any] = dict(event.fields)
            fields.pop("log.offset", None)  # a receive sequence number, not a position in a log
            fields.update(extra)
            if policy.vendor and "observer.vendor" not in fields:  # a device no parser reads (senders.vendor)
                fields["observer.vendor"] = policy.vendor
            if "observer.vendor" in fields and "observer.ip" not in fields:
                fields["observer.ip"] = host  # the device that reported it (log-formats.md section 0)
            events.append(Event(id=event.id, timestamp=event.timestamp, dataset=event.dataset, fields=fields))
        counters.parse_failures += summary.parse_failures - failures
        counters.records += 1
        counters.events += len(events)
        return events

    def _lost(self, state: ReceiverState, senders: list[tuple[str, int]], error: Exception) -> None:
        """Messages whose delivery failed in an unexpected way (a bug, a store error that is no
        StoreError): counted as dropped, and said; the receivers go on."""
        for host, _events in senders:
            state.counters.ended(host, DROPPED)
        state.counters.dropped += len(senders)
        self.notice(f"receivers: {len(senders)} messages of {state.name} lost to an internal error: "
                    f"{type(error).__name__}: {error}")

    def _deliver(self, state: ReceiverState, events: list[Event], senders: list[tuple[str, int]]) -> None:
        """Store or spool ``events`` (the events of ``senders``' messages: (host, number of
        events), in order); while the store is down and the spool full, wait (the queue fills
        and TCP senders are slowed) unless stopping, when they are counted dropped. Once
        ``spill`` is set (stopping, and the store too slow) they go to the spool only."""
        if self.spill.is_set():
            outcome = SPOOLED if self.pipeline.spool.append(events) else DROPPED
            self._count(state, senders, events, outcome=outcome)
            return
        while True:
            delivery = self.pipeline.deliver(events, on_full="drop")
            if not delivery.dropped or self.stopping.is_set():
                break
            deadline = time.monotonic() + self.pipeline.retry_seconds
            while time.monotonic() < deadline and not self.stopping.is_set():
                time.sleep(0.05)
        if delivery.receipt.accepted:
            self._stored_since_refresh = True
        reasons = dict(delivery.receipt.rejected)
        self._count(state, senders, events, refused=set(reasons), held=set(delivery.held),
                    held_as=SPOOLED if delivery.spooled else DROPPED)
        if reasons:
            self._write_rejects(state, events, reasons)

    @staticmethod
    def _count(state: ReceiverState, senders: list[tuple[str, int]], events: list[Event], *,
               outcome: int | None = None, refused: set[str] | frozenset[str] = frozenset(),
               held: set[str] | frozenset[str] = frozenset(), held_as: int = SPOOLED) -> None:
        """Count each message once, for its receiver and its sender: ``outcome`` for all, or per
        message the worst of its events' fates (refused by the store, held in the spool or
        dropped, else stored); each event's own fate is counted too (``events_stored`` ...)."""
        counters = state.counters
        tally: dict[tuple[str, int], int] = {}
        position = 0
        for host, count in senders:
            fate = outcome
            if fate is None:
                ids = [event.id for event in events[position:position + count]]
                fate = STORE_REJECTED if refused and any(i in refused for i in ids) else \
                    held_as if held and any(i in held for i in ids) else STORED
            position += count
            tally[host, fate] = tally.get((host, fate), 0) + 1
        totals = [0] * len(OUTCOMES)
        if outcome is not None:  # each event shares its message's fate
            event_fates = {outcome: len(events)}
        else:
            rejected = sum(1 for event in events if event.id in refused) if refused else 0
            kept = sum(1 for event in events if event.id in held and event.id not in refused) if held else 0
            event_fates = {STORE_REJECTED: rejected, held_as: kept, STORED: len(events) - rejected - kept}
        counters.events_stored += event_fates.get(STORED, 0)
        counters.events_spooled += event_fates.get(SPOOLED, 0)
        counters.events_dropped += event_fates.get(DROPPED, 0)
        for (host, fate), messages in tally.items():
            counters.ended(host, fate, messages)
            totals[fate] += messages
        counters.stored += totals[STORED]
        counters.spooled += totals[SPOOLED]
        counters.store_rejected += totals[STORE_REJECTED]
        counters.dropped += totals[DROPPED]

    def _write_rejects(self, state: ReceiverState, events: list[Event], reasons: dict[str, str]) -> None:
        self.rejects_dir.mkdir(parents=True, exist_ok=True)
        with (self.rejects_dir / f"receiver-{state.name}.rejects.jsonl").open("a", encoding="utf-8") as out:
            for event in events:
                if event.id in reasons:
                    out.write(json.dumps({"id": event.id, "reason": reasons[event.id],
                                          "sender": event.get("log.source.address"),
                                          "original": event.get("event.original")}, ensure_ascii=False) + "\n")


class _Replay:
    """The sink of a shutdown spool's drain: parses each message as its receiver would have and
    delivers the events (to the store, else the event spool). A StoreError (the store down and
    the event spool full) leaves the rest in the shutdown spool."""

    def __init__(self, worker: DeliveryWorker) -> None:
        self.worker = worker

    def write(self, items: list[Unparsed]) -> WriteReceipt:
        worker = self.worker
        assert worker.state_of is not None
        worker._contexts = {}
        groups: dict[int, tuple[ReceiverState, list[Event], list[int]]] = {}
        messages: list[tuple[ReceiverState, str, list[Event]]] = []  # each message's events, for its fate
        for item in items:
            state = worker.state_of(item.receiver, item.transport)
            group = groups.setdefault(id(state), (state, [], [0]))
            made = worker.message_events(state, (state, item.host, item.port, item.data, item.flag, item.at),
                                         identity=item.identity, sequence=item.sequence)
            group[1].extend(made)
            group[2][0] += 1
            messages.append((state, item.host, made))
        events = [event for _state, group_events, _n in groups.values() for event in group_events]
        delivery = worker.pipeline.deliver(events, on_full="drop")
        if delivery.dropped:
            raise StoreError(f"the store is down and the spool full: {delivery.dropped} events not taken")
        refused, held = dict(delivery.receipt.rejected), set(delivery.held)
        for state, group_events, count in groups.values():
            counters = state.counters
            counters.replayed += count[0]
            for event in group_events:
                if event.id in refused:
                    continue
                if event.id in held:
                    counters.events_spooled += 1
                else:
                    counters.events_stored += 1
            if refused:
                worker._write_rejects(state, group_events, refused)
        for state, host, made in messages:  # counted spooled at the last stop: now their fate (R11v-5)
            fate = STORE_REJECTED if any(e.id in refused for e in made) else \
                SPOOLED if any(e.id in held for e in made) else STORED
            state.counters.replayed_as(host, fate)
        worker._stored_since_refresh = True
        return delivery.receipt
