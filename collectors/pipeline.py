"""The one ingest pipeline: source -> parser -> enrichment -> spool -> store, nothing dropped.

Every source (files now; receivers and captures later) runs through :meth:`Pipeline.run`:
records are parsed (a record no parser understands becomes an ``event.kind: pipeline_error``
event that keeps the raw record and the reason, stamped with the record's own time when it
carries one), given their ids (source identity, position, record digest, index within the
record), enriched from the inventory and delivered in batches. A batch goes to the store; when
the store is unreachable it goes to the durable spool (collectors.spool), and when the spool is
full file sources wait and network sources count what they drop. Only then does the source's
checkpoint advance (collectors.checkpoints), so a crash at any point re-reads only the batches in
flight (collectors.ahead: at most three), which the store keeps once because the ids are the same.

Files (collectors.files) are read from their checkpoint: an unchanged file costs one look at
its first bytes; a rotated or compressed file keeps its identity; an unterminated last line is
stored flagged ``partial`` by a one-shot run and replaced when it is completed.
"""

from __future__ import annotations

import base64
import functools
import logging
import time
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, overload
from zoneinfo import ZoneInfo

from govsoc.collectors.ahead import Ahead
from govsoc.collectors.base import (
    RECORD_TYPES,
    FlushingParser,
    GrowingSource,
    LiveSource,
    ParseContext,
    Parser,
    RawRecord,
    RecordFileParser,
    ResumableSource,
    Source,
    charset_for,
    content_charset,
    keeps_own_ids,
    parsers,
    path_text,
)
from govsoc.collectors.checkpoints import Checkpoint, CheckpointStore
from govsoc.collectors.copies import Copies
from govsoc.collectors.delivering import StoreDelivery, append_rejects
from govsoc.collectors.detect import detect_parser, record_format
from govsoc.collectors.event_time import AHEAD, TIME_AHEAD_FLAG, FutureTimes, file_reference
from govsoc.collectors.failures import GARBLED, GARBLED_CUT, decodes_without_loss, record_place
from govsoc.collectors.failures import failure_event as failure_event  # its home before collectors.failures
from govsoc.collectors.files.binary import BINARY_RULE
from govsoc.collectors.files.held import HeldFiles
from govsoc.collectors.files.identity import RENAMED_OVER, FileView, look, open_content, same_file, stored_read
from govsoc.collectors.files.lines import DEFAULT_MAX_RECORD_BYTES, ReadStats, read_lines
from govsoc.collectors.files.padding import padding_written
from govsoc.collectors.files.paths import PathRecords
from govsoc.collectors.files.read_before import ReadBefore
from govsoc.collectors.files.read_state import with_told_state
from govsoc.collectors.files.readable import parser_reads
from govsoc.collectors.files.replaced import replaced_of, with_replaced
from govsoc.collectors.files.tracker import FileTracker, RecordFileTracker, unchanged
from govsoc.collectors.registration import registered
from govsoc.collectors.spool import DEFAULT_MAX_BYTES, Spool
from govsoc.collectors.stopping import StopRequest
from govsoc.collectors.summary import Delivery, IngestSummary
from govsoc.collectors.unverified import Unverified, guarded
from govsoc.core.crashpoint import crash_point
from govsoc.core.enrichment import Enricher
from govsoc.core.errors import ConfigError, GovsocError, Location, ParseError, StoreError
from govsoc.core.event import Event
from govsoc.core.gcpolicy import relaxed_gc
from govsoc.core.sink import EventSink, WriteReceipt

if TYPE_CHECKING:
    from govsoc.core.inventory import Inventory

log = logging.getLogger(__name__)

#: A file's note when it is a copy of a log still being read (logrotate's copy or copytruncate).
COPY_NOTE = "a copy of a log still at its path (logrotate copy or copytruncate under way): its lines are read there"


@dataclass(frozen=True, slots=True, kw_only=True)
class IngestOptions:
    """How to read a source: its parser, time zone and year, the record size limit, and whether
    the read is final (one-shot: take an unterminated last line) or follows a live file."""

    #: None: the parser a known file was first read with, else detected (collectors.detect).
    parser: str | None = "linux.auth"
    timezone: str = "Asia/Shanghai"
    year: int | None = None
    max_record_bytes: int = DEFAULT_MAX_RECORD_BYTES
    final: bool = True
    #: Events per batch (one store write, then a checkpoint); the SQLite store inserts a
    #: write of this size in one transaction. 20,000, not 10,000: the random-keyed indexes of a
    #: large SQLite store change some page per row of a transaction, so twice the rows change
    #: fewer pages per row (at 1,000,000 events 4,749 instead of 7,386 bytes written an event,
    #: P11d 2), for a batch of some 37 MB of events held (up to four alive while the next is parsed: collectors.ahead).
    batch_size: int = 20_000
    #: The machine the file was written on (ParseContext.host): host.name of events without one.
    host: str | None = None
    #: Whether a symbolic link found by a glob or a folder walk is read (collectors.follow.admit;
    #: a link named itself always is, a link where a regular file was read never is).
    symlinks: bool = False
    #: How the file's lines are decoded (collectors.syslog.charset: auto, utf-8, gbk), in every
    #: use of a line's text: its parse, failure event, event.original, the classification that
    #: masks it, the detection of the file's format. Under gbk a file opened by a UTF-8 BOM is read
    #: as utf-8 whole (collectors.base.content_charset). Not kept in the checkpoint: it does not
    #: change which bytes are a record or their ids, so a setting changed between runs applies
    #: to the lines read from then on, and no line is read or stored again.
    charset: str = "auto"

    def __post_init__(self) -> None:
        if self.charset not in RECORD_TYPES:  # else a KeyError at the first line file (the API's callers)
            raise ConfigError(f"unknown charset {self.charset!r}: use one of {', '.join(RECORD_TYPES)}")


class Pipeline(StoreDelivery):
    """Runs sources into a store through the spool, keeping checkpoints in ``data_dir``."""

    def __init__(self, sink: EventSink, *, data_dir: Path, inventory: Inventory | None = None,
                 spool_max_bytes: int = DEFAULT_MAX_BYTES, retry_seconds: float = 2.0, max_backoff: float = 30.0,
                 progress: Callable[[int], None] | None = None,
                 notice: Callable[[str], None] | None = None, enrichers: Sequence[Enricher] = (),
                 disk_full_seconds: float = 60.0, own: Sequence[Path] = ()) -> None:
        self.sink = sink
        #: govsoc's own folders and files (``own``: the command's data folder, the store's files, the
        #: configuration), never read as logs whatever path or glob names them (R58a-5), resolved.
        self.own = tuple(Path(p).resolve() for p in own)
        self.inventory = inventory
        # given by the caller (govsoc.core.enrichment): classification tags and masks events here
        self.enrichers = tuple(enrichers)
        self.future_times = FutureTimes()  # times more than AHEAD after their reading: flagged
        self.checkpoints = CheckpointStore(Path(data_dir) / "state" / "sources",
                                           notice=lambda message: self.notice(message))
        #: Copies of a log still at its path (logrotate copy, copytruncate), not read themselves.
        self.copies = Copies(self.checkpoints)
        #: What was seen at each log path (collectors.files.paths): its first look, links refused.
        self.paths = PathRecords(Path(data_dir) / "state" / "paths", notice=lambda message: self.notice(message))
        #: Notices about paths said in this process (said once, not at every poll).
        self.said: set[str] = set()
        self.spool = Spool(Path(data_dir) / "spool", spool_max_bytes)
        self.rejects_dir = Path(data_dir) / "rejects"
        self.retry_seconds = retry_seconds
        self.progress = progress
        self.notice = notice or (lambda _message: None)
        self._down_since: float | None = None
        self.max_backoff = max(max_backoff, retry_seconds)
        self._backoff = retry_seconds
        self._retry_at = 0.0
        self.corrupt_spool_records = 0
        self.drained = 0
        self.drain_rejected = 0
        #: How long a file source waits for room on a full disk (store refusing too) before
        #: deliver raises DISK FULL, and the store's last error (said with it).
        self.disk_full_seconds = disk_full_seconds
        self._store_error = ""
        #: A store failure met by a write and not said yet: said with what became of the batch,
        #: spooled ("store unavailable, spooling") or not (DISK FULL), never one then the other.
        self._unsaid: StoreError | None = None
        #: The store's configuration error (a certificate that does not verify: R11i-7), once
        #: met: what is delivered is spooled, and the caller stops and says it (exit 2).
        self.misconfigured: ConfigError | None = None
        #: Whether the spool holds a note of such an error (Spool.misconfigured), forgotten
        #: once the store takes a write.
        self._noted_misconfigured = self.spool.misconfigured() is not None
        #: Rotated files with lines left that collectors.follow resumed in this process, by
        #: (device, inode, size, mtime): each state once.
        self.resumed_rotated: set[tuple[int, int, int | None, float]] = set()
        #: collectors.follow's last look at each rotated file, with the (device, inode, size,
        #: mtime) it was taken at.
        self.rotated_views: dict[Path, tuple[tuple[int, int, int, int], FileView]] = {}
        #: The file last read at each followed path, held open between polls (collectors.files.held)
        self.held = HeldFiles()
        #: A stop asked (`--follow`'s SIGTERM): reads end at a batch's end, waits at once (collectors.stopping)
        self.stop = StopRequest()

    def own_of(self, path: Path) -> Path | None:
        """The one of govsoc's own files or folders (``own``) that ``path`` is or lies in (a link to
        one does too), else None."""
        try:
            real = Path(path).resolve()
        except (OSError, RuntimeError):  # a link loop: the reader says what it is
            return None
        return next((own for own in self.own if real.is_relative_to(own)), None)

    # -- any source --------------------------------------------------------------------------
    @overload
    def events(self, records: Iterable[RawRecord], parser: Parser, context: ParseContext,
               summary: IngestSummary, counts: ReadCounts | None = None, *,
               defects_raise: bool = False) -> Iterator[tuple[RawRecord, list[Event]]]:
        ...

    @overload
    def events(self, records: Iterable[RawRecord | None], parser: Parser, context: ParseContext,
               summary: IngestSummary, counts: ReadCounts | None = None, *,
               defects_raise: bool = False) -> Iterator[tuple[RawRecord | None, list[Event]]]:
        ...

    def events(self, records: Iterable[RawRecord | None], parser: Parser, context: ParseContext,
               summary: IngestSummary,
               counts: ReadCounts | None = None, *,
               defects_raise: bool = False) -> Iterator[tuple[RawRecord | None, list[Event]]]:
        """Each record with its finished events (ids, flags, enrichment); parse failures become
        pipeline_error events, and so does a record the parser fails on with another exception
        (its defect), unless ``defects_raise`` (a caller with its own account of them: the NetFlow
        receiver names the exporter and counts them among its decoder's problems). Records, events
        and failures are counted in ``counts`` (default: the summary). A live source's tick (None)
        passes through with no events."""
        tally: ReadCounts | IngestSummary = summary if counts is None else counts
        # Whether _finish adds nothing to an unflagged, lossless record's events (one test a run,
        # not one a line): such a record's one event is finished here, without a call a line.
        plain = self.inventory is None and not self.enrichers and not context.host
        # A parser of records with their own identity gives the final ids (a record's auditID, eventID):
        # the positional ones would store the same record once per path it came by (R49a-1).
        own = keeps_own_ids(parser)
        times = self.future_times
        limits = times.limits  # cleared, not replaced, when the limit moves on
        for record in records:
            if record is None:
                yield None, []
                continue
            tally.records += 1
            try:
                if "garbled" in record.flags:  # not a line of the log's format: kept, never parsed
                    raise ParseError(GARBLED_CUT if "partial" in record.flags else GARBLED)
                parsed = list(parser.parse(record, context))
            except GovsocError as e:
                parsed = [self._failed(record, parser, e, context, summary, tally)]
            except MemoryError:
                raise
            except Exception as e:  # noqa: BLE001 - a parser's defect met on one record
                if defects_raise:
                    raise
                # A parser that raises anything but ParseError on a record (int() of a 5,000-digit
                # port, a superscript digit str.isdigit() took) is govsoc's defect, but the record
                # is the input's: it is kept as a parse failure that names the defect, counted, and
                # the read goes on, as for any record the parser refuses (bad input never takes down
                # the rest). Its traceback is logged for a report (shown with --verbose).
                log.debug("%s: the %s parser failed on this record", record_place(record, record.origin),
                          parser.dataset, exc_info=True)
                defect = ParseError(f"the {parser.dataset} parser failed on this record ({type(e).__name__}: "
                                    f"{' '.join(str(e).split())[:200]}): a defect of govsoc, kept unparsed")
                parsed = [self._failed(record, parser, defect, context, summary, tally)]
            if plain and len(parsed) == 1 and not record.flags and record.charset == "auto" and (
                    "event.original" not in (event := parsed[0]).fields or decodes_without_loss(record.data)):
                finished = [event if own else event.with_id(record.event_id())]  # _finish's "nothing to add"
            else:
                finished = [self._finish(event, record, index, context.host, own=own)
                            for index, event in enumerate(parsed)]
            for event in finished:
                at = event.timestamp
                if at > (limits.get(at.tzinfo) or times.limit_in(at.tzinfo)):
                    finished = self._future(record, finished)
                    break
            tally.events += len(finished)
            yield record, finished

    def _future(self, record: RawRecord, events: list[Event]) -> list[Event]:
        """``events`` with those dated far ahead flagged (collectors.event_time), the first said."""
        times, before = self.future_times, self.future_times.first
        judged = times.judged(events)
        if before is None and times.first is not None:  # the record's flagged event, not its first event
            self.notice(f"{record_place(record, record.origin)}: an event dated "
                        f"{times.first.timestamp.isoformat(timespec='seconds')}, more than {AHEAD.days} days after it "
                        f"was read: its source's clock is ahead, or its sender chose the time; stored with it, flagged "
                        f"{TIME_AHEAD_FLAG} (so are later ones, not said: `govsoc events --where "
                        f"govsoc.flags={TIME_AHEAD_FLAG}`)")
        return judged

    def _failed(self, record: RawRecord, parser: Parser, error: GovsocError, context: ParseContext,
                summary: IngestSummary, tally: ReadCounts | IngestSummary) -> Event:
        tally.parse_failures += 1
        if len(summary.first_failures) < 5:
            summary.first_failures.append(f"{record_place(record, record.origin)}: {error.message}")
        return failure_event(record, parser, error, context)

    def _finish(self, event: Event, record: RawRecord, index: int, host: str | None = None, *,
                own: bool = False) -> Event:
        """``event`` (the ``index``-th of ``record``) with its id, flags and enrichment; its id is
        the parser's when ``own`` (collectors.base.keeps_own_ids), else the positional one."""
        event_id = event.id if own else record.event_id(index)
        lossless = "event.original" not in event.fields or decodes_without_loss(record.data)
        lossless = lossless and "garbled" not in record.flags  # its exact bytes kept beside the escaped text
        if not record.flags and lossless and self.inventory is None and not self.enrichers and not host \
                and record.charset == "auto":
            return event.with_id(event_id)  # nothing to add (as Pipeline.events does inline)
        fields: dict[str, Any] = dict(event.fields)
        if host and not fields.get("host.name"):
            fields["host.name"] = host  # before the inventory reads it
        if record.charset != "auto":  # as receivers say it: the codec that read this line
            fields["govsoc.charset"] = record.decoded().charset
        if record.flags:
            present = fields.get("govsoc.flags") or []
            fields["govsoc.flags"] = [*present, *(f for f in record.flags if f not in present)]
        if not lossless:
            # the text had to replace bytes: keep them, so the original stays recoverable
            fields.setdefault("govsoc.original_base64", base64.b64encode(record.data).decode("ascii"))
        if self.inventory is not None:
            fields.update(self.inventory.enrich(fields))
        for enricher in self.enrichers:
            fields.update(enricher.enrich(fields, record.origin))
        return Event(id=event_id, timestamp=event.timestamp, dataset=event.dataset, fields=fields)

    def run(self, source: Source | LiveSource, parser: Parser, context: ParseContext, summary: IngestSummary, *,
            batch_size: int = 5000, on_full: Literal["wait", "drop"] = "wait",
            acknowledged: Callable[[RawRecord | None, Delivery, list[Event], dict[str, RawRecord]], None] | None = None,
            flush_seconds: float | None = None, batch_bytes: int | None = None,
            delivering: Callable[[RawRecord | None, list[Event]], Collection[str] | None] | None = None,
            source_end: int | None = None) -> None:
        """Run one source to its end: parse, deliver in batches, call ``acknowledged`` after each
        batch (with its last record) so the caller can advance the source's checkpoint, and
        ``delivering`` before it goes (to note durably what a crash after the store's commit and
        before ``acknowledged`` would otherwise leave unnamed: collectors.files.tracker).

        A full batch is delivered (and acknowledged) on a second thread while this one parses
        the next: up to two batches in flight (collectors.ahead), acknowledged in order, and run returns
        only after the last one is. The store's own work then overlaps parsing (the SQLite store inserts in a
        writer process; Elasticsearch answers over the network). With ``flush_seconds`` (a live
        source), a batch whose first event waited that long is delivered with the next record
        or the source's next tick (a LiveSource yields None when nothing came for a while),
        however small it is.

        A large file's batches ramp up and down (issue 11; ``source_end``, the offset a file
        source ends at, at least _RAMP_BYTES past its first record): the first has _FIRST_BATCH
        events at most and each next one twice as many, up to ``batch_size``, so that the store
        starts on the file while the parser reads on; and a batch ends once its records' bytes
        reach what remains after it (down to _TAIL_BYTES), so that the store's work left when the
        parser reaches the end is a small batch, not two whole ones (1.3 s of a 16 s ingest of
        400,000 lines was the store finishing while the parser stood idle). A smaller source is
        not ramped: each batch is a transaction, and on a large store each costs some page of
        every random-keyed index per row (a 20,000-line file stays one commit). Which batch a
        record falls in changes no id, count or checkpoint."""
        # A batch also ends at BATCH_BYTES of records read: counted in events only, 20,000 lines
        # of 4 KiB held 629 MB (R1115p R3); memory stays bounded whatever the lines' length.
        batch_bytes = BATCH_BYTES if batch_bytes is None else batch_bytes
        batch: list[Event] = []
        # event id -> its record, whose file:line the rejects file names (worked out only then:
        # this loop runs for every record)
        where: dict[str, RawRecord] = {}
        last: RawRecord | None = None
        # Counted here as records are read; the summary takes them when their batch is settled
        # (the checkpoint's counts then never run ahead of what the store took).
        read = ReadCounts(summary.records, summary.events, summary.parse_failures)
        settle = functools.partial(self._settle, summary=summary, on_full=on_full, acknowledged=acknowledged,
                                   delivering=delivering)
        # Up to four batches of events are alive at a time (collectors.ahead: one whose commit is waited
        # for, one handed over, one queued, one parsed): the cycle collector runs less often meanwhile.
        with relaxed_gc(), self.stop.noting(summary), Ahead(self.stop.check) as ahead:
            begun = 0.0  # when the batch's first event came (flush_seconds)
            held = 0  # bytes of the batch's records (batch_bytes)
            limit = batch_size  # this batch's count (less while a large file ramps up)
            ramp: bool | None = None  # whether the source ramps (told at its first record)
            for record, finished in self.events(source.records(), parser, context, summary, read):
                if record is None:  # a live source's tick: nothing new came, deliver what waited
                    ahead.catch_up()  # and acknowledge a batch whose commit was waited for later
                    if flush_seconds is not None and batch and time.monotonic() - begun >= flush_seconds:
                        ahead.submit(functools.partial(settle, batch, where, last, counts=read.snapshot()),
                                     overlap=False)
                        batch, where, held, last = [], {}, 0, None
                    continue
                if ramp is None:
                    ramp = source_end is not None and source_end - record.offset >= _RAMP_BYTES
                    limit = min(batch_size, _FIRST_BATCH) if ramp else batch_size
                if flush_seconds is not None and not batch:
                    begun = time.monotonic()
                batch.extend(finished)
                for event in finished:
                    where[event.id] = record
                last = record
                held += len(record.data)
                if len(batch) >= limit or held >= batch_bytes or (
                        flush_seconds is not None and batch and time.monotonic() - begun >= flush_seconds) or (
                        ramp and source_end is not None and record.end is not None and held >= _TAIL_BYTES
                        and 0 < source_end - record.end <= held):  # the ramp down (not past a grown file's end)
                    ahead.submit(functools.partial(settle, batch, where, last, counts=read.snapshot()),
                                 overlap=len(batch) >= _OVERLAP_MIN)
                    limit = min(batch_size, 2 * limit)
                    # a record is acknowledged once: the closing batch of a file whose last record
                    # filled a batch is empty, and named that record again, a partial line's copy
                    # then taken for one being replaced and deleted (F11j)
                    batch, where, held, last = [], {}, 0, None
                # a stop asked: what was read since the batch being stored is read again by the next run
                self.stop.check()
            if isinstance(parser, FlushingParser):
                batch.extend(parser.flush(context))
            ahead.submit(functools.partial(settle, batch, where, last, counts=read.snapshot()), overlap=False)

    def _settle(self, batch: list[Event], where: dict[str, RawRecord], last: RawRecord | None, *,
                summary: IngestSummary, on_full: Literal["wait", "drop"],
                acknowledged: Callable[[RawRecord | None, Delivery, list[Event], dict[str, RawRecord]], None] | None,
                delivering: Callable[[RawRecord | None, list[Event]], Collection[str] | None] | None,
                counts: tuple[int, int, int]) -> Callable[[], None] | None:
        """Deliver a batch and acknowledge it; when the store took it to commit later, only begin:
        what is returned waits for the commit and acknowledges (collectors.ahead runs it after
        the next batch's write has begun)."""
        stored = delivering(last, batch) if delivering is not None else None
        if isinstance(stored, Unverified):  # the store down at the lookup (R11x-3)
            delivered = self.begin_delivery(batch, on_full, summary.identity, verify=True)
        elif stored:  # stored by a run killed before its checkpoint (FileTracker._stored): not again
            delivered = self.begin_delivery([e for e in batch if e.id not in stored], on_full, summary.identity)
        else:
            delivered = self.begin_delivery(batch, on_full, summary.identity)
        again = len(stored) if stored and not isinstance(stored, Unverified) else 0
        rest = functools.partial(self._settled, delivered, again, batch, where, last, summary=summary,
                                 acknowledged=acknowledged, counts=counts)
        if isinstance(delivered, Delivery):
            rest()
            return None
        return rest

    def _settled(self, delivered: Callable[[], Delivery] | Delivery, again: int, batch: list[Event],
                 where: dict[str, RawRecord], last: RawRecord | None, *, summary: IngestSummary,
                 acknowledged: Callable[[RawRecord | None, Delivery, list[Event], dict[str, RawRecord]], None] | None,
                 counts: tuple[int, int, int]) -> None:
        """A batch's delivery done (``again`` of its events found stored already): counted,
        its refusals written, acknowledged. The counts read up to the batch are taken only now,
        with its acknowledgement: the next batch may have been begun meanwhile."""
        delivery = delivered if isinstance(delivered, Delivery) else delivered()
        if again:
            delivery = replace(delivery, receipt=delivery.receipt + WriteReceipt(duplicates=again))
        summary.records, summary.events, summary.parse_failures = counts
        summary.receipt += delivery.receipt
        summary.spooled += delivery.spooled
        summary.dropped += delivery.dropped
        if delivery.receipt.rejected:
            summary.rejects_path = self._write_rejects(summary.source, batch, where, delivery.receipt)
            for event_id, reason in delivery.receipt.rejected[:max(0, 5 - len(summary.first_rejects))]:
                summary.first_rejects.append(f"{record_place(where.get(event_id), summary.source)}: {reason}")
        if acknowledged is not None:
            acknowledged(last, delivery, batch, where)

    def _write_rejects(self, source: str, batch: list[Event], where: dict[str, RawRecord],
                       receipt: WriteReceipt) -> Path:
        target = self.rejects_dir / f"{Path(source).name}.rejects.jsonl"
        reasons = dict(receipt.rejected)
        append_rejects(target, ((event.id, reasons[event.id], record_place(where.get(event.id), source),
                                 event.get("event.original")) for event in batch if event.id in reasons))
        return target

    # -- files -------------------------------------------------------------------------------
    def ingest_file(self, path: Path, options: IngestOptions | None = None) -> IngestSummary:
        """Read ``path`` from its checkpoint to its end (see the module docstring). An OS error
        of this file (its folder exchanged or the file deleted while it is read) is this path's
        ParseError, never an error of the run (R11h R5: `internal error: FileNotFoundError`)."""
        options = options or IngestOptions()
        path = Path(path).absolute()
        try:
            return self._ingest_file(path, options)
        except OSError as e:
            raise ParseError(f"cannot read: {e.strerror or e}", location=Location(path=str(path))) from e

    def _ingest_file(self, path: Path, options: IngestOptions) -> IngestSummary:
        """ingest_file() of an absolute ``path``."""
        summary = IngestSummary(source=path_text(str(path)))
        view = look(path)
        record_parser = options.parser or record_format(view)
        if record_parser is not None:
            parser = parsers.get(record_parser)()
            if isinstance(parser, RecordFileParser):
                return self._ingest_record_file(view, parser, parser.file_source(path),
                                                replace(options, parser=record_parser), summary)
        if not view.head:
            summary.unchanged = True
            return summary
        checkpoint, summary.binary = self.known(view, options)
        if checkpoint is None:
            if summary.binary is None:  # a copy of a log being read: nothing of its own
                summary.unchanged, summary.note = True, COPY_NOTE
            return summary
        with self.checkpoints.lock(checkpoint.identity):
            checkpoint = self.checkpoints.get(checkpoint.identity) or checkpoint
            self._read_file(view, checkpoint, options, summary)
        if not summary.unchanged:
            self.refresh()
        return summary

    def known(self, view: FileView, options: IngestOptions) -> tuple[Checkpoint | None, str | None]:
        """The checkpoint of the line file ``view`` shows, registered now when the file is new;
        or None and what it is, when a new file is binary content; (None, None) for a new file that
        is a copy of a log still at its path (collectors.copies), which is not read."""
        return registered(self.checkpoints, self.copies, view, options.parser,
                          content_charset(options.charset, view.head))

    def _ingest_record_file(self, view: FileView, parser: Parser, source: Source, options: IngestOptions,
                            summary: IngestSummary) -> IngestSummary:
        """A file that is not lines (EVTX), read through its parser's own Source: from its
        checkpoint when the source is resumable (an unchanged file costs a look at its header),
        else whole (its record ids are stable, so nothing is stored twice)."""
        context = ParseContext(timezone=ZoneInfo(options.timezone), year=options.year, host=options.host,
                               # the time of the file looked at (its descriptor), not of the name again (R11h R5)
                               reference=file_reference(view.mtime))
        path = view.path
        if not isinstance(source, ResumableSource):
            self.run(source, parser, context, summary, batch_size=options.batch_size)
            summary.unreadable = int(getattr(source, "unreadable", 0))
            summary.note = getattr(source, "note", None)
            self.refresh()
            return summary
        summary.unit = "record"
        growing = source if isinstance(source, GrowingSource) else None
        tracker = RecordFileTracker(self.checkpoints, path, options.parser or "", summary, growing)
        with self.checkpoints.lock(tracker.checkpoint.identity):
            tracker.checkpoint = self.checkpoints.get(tracker.checkpoint.identity) or tracker.checkpoint
            checkpoint, state = tracker.checkpoint, source.state()
            summary.identity, summary.offset = checkpoint.identity, checkpoint.offset
            if checkpoint.state == state:
                summary.unchanged = True
                self._delete_superseded(checkpoint)
                return summary
            if growing is not None:
                tracker.begin()
            elif checkpoint.offset:
                source.resume(checkpoint.offset, checkpoint.tail)
            self.run(source, parser, context, summary, batch_size=options.batch_size,
                     acknowledged=tracker.acknowledged, delivering=tracker.delivering)
            tracker.finish(state)
            self._delete_superseded(tracker.checkpoint)
        summary.unreadable = int(getattr(source, "unreadable", 0))
        summary.note = getattr(source, "note", None)
        self.refresh()
        return summary

    def _lookup(self) -> Callable[[list[str]], Collection[str]] | None:
        """The store's lookup of stored ids, when it keeps ids apart per index (FileTracker._stored)."""
        if not getattr(self.sink, "ids_per_index", False):
            return None
        return guarded(self.sink.stored_ids, self._store_usable,  # type: ignore[attr-defined]
                       functools.partial(self._went_down, say=False))

    def refresh(self) -> None:
        """Make what was written searchable (nothing to do while the store is down). A failed
        refresh marks the store down but is said only with the batch it sends to the spool, or
        as DISK FULL when the spool has no room either (CI, session 58: SQLite's optimize on a
        full disk said "store unavailable, spooling" for a batch that found no room to spool)."""
        if self._down_since is not None:
            return
        try:
            self.sink.refresh()
        except StoreError as e:
            self._went_down(e, say=False)

    def _read_file(self, view: FileView, checkpoint: Checkpoint, options: IngestOptions,
                   summary: IngestSummary) -> None:
        summary.identity, summary.offset = checkpoint.identity, checkpoint.offset
        if unchanged(view, checkpoint) and not padding_written(view, checkpoint.offset, checkpoint.padding):
            summary.unchanged = True
            hinted = replace(checkpoint, path=str(view.path), size=view.size, device=view.device, inode=view.inode,
                             kept=with_told_state(checkpoint.kept, view, checkpoint.read_to))
            if hinted != checkpoint:  # renamed or moved: keep the hints current (a save costs two fsyncs)
                self.checkpoints.save(hinted)
            self._delete_superseded(checkpoint)
            return
        if checkpoint.binary is not None and checkpoint.binary_rule == BINARY_RULE and view.size == checkpoint.size:
            # binary content found before (R11 F6), the file unchanged since: nothing to judge again
            # (--follow polls it every second). Grown, it is judged again from there (R11i-5).
            summary.unchanged = True
            return
        # Without a parser named, a file keeps the one chosen when it was first read.
        parser_id = options.parser or checkpoint.parser \
            or detect_parser(view.path, charset=content_charset(options.charset, view.head))
        parser = parsers.get(parser_id)()
        context = ParseContext(timezone=ZoneInfo(options.timezone), year=options.year, host=options.host,
                               reference=file_reference(view.mtime))
        stats, charset = ReadStats(), charset_for(options.charset, parser_id, view.head)
        with open_content(view.path) as stream:
            if not same_file(stream, view):  # renamed over since look(): not the file checkpoint is of (R11g G7)
                raise ParseError(f"cannot read: {RENAMED_OVER}", location=Location(path=str(view.path)))
            tracker = FileTracker(self.checkpoints, view, checkpoint, stats, summary, self.progress,
                                  fd=None if view.compressed else stream.fileno(),
                                  lookup=self._lookup())
            records = read_lines(stream, origin=f"file://{view.path}", identity=checkpoint.identity,
                                 before=ReadBefore.of(checkpoint),
                                 start=checkpoint.offset, first_line=checkpoint.line, padding=checkpoint.padding,
                                 max_bytes=options.max_record_bytes, final=options.final, stats=stats,
                                 reads=parser_reads(parser_id, context, f"file://{view.path}", charset),
                                 record_type=RECORD_TYPES[charset], whole=_whole(view, options))
            self.run(_Filtered(tracker.skip_known_partial(records)), parser, context, summary,
                     batch_size=options.batch_size, acknowledged=tracker.acknowledged, delivering=tracker.delivering,
                     source_end=None if view.compressed else view.size)
            tracker.finish(end=stream.tell() if view.compressed else view.size, raw=stored_read(stream))
        summary.truncated, summary.nul_bytes_skipped, summary.waiting = (stats.truncated, stats.nul_bytes_skipped,
                                                                         stats.waiting)
        summary.read_error = stats.error
        summary.damage = stats.damage
        summary.garbled, summary.waiting_garbled = stats.garbled, stats.waiting_garbled
        summary.nul_runs, summary.torn_lines = stats.nul_runs, stats.torn_lines
        if stats.wide_text is not None:  # said as a UTF-16 file is, once, where it starts (R11l-3)
            at, what = stats.wide_text
            summary.note = f"from byte {at}: {what}; its bytes kept in the garbled events flagged " \
                           f"{what.split(' ', 1)[0].lower()}"
        self._delete_superseded(tracker.checkpoint)

    def _delete_superseded(self, checkpoint: Checkpoint) -> None:
        """Delete the events the checkpoint names as superseded (replaced partial copies and
        provisional events), once the spool is drained: a copy that waits there (the store was
        down when it was read) would otherwise be written after its deletion, and stay for good
        beside the line that replaced it (F11j: a `--follow` poll or a one-shot run whose store
        came back after its first drain looked at the file before the spool drained)."""
        if not checkpoint.superseded or not self._store_usable():
            return
        self.drain()
        if not self.spool.is_empty():  # the store is down again, or refused: the next run deletes them
            return
        crash_point("superseded-recorded")
        try:
            # what each copy became, where the read found it; None: events it could not name (a
            # capture's provisional flow, continued in a longer one: Store.delete)
            replaced = replaced_of(checkpoint.kept)
            self.sink.delete(checkpoint.superseded,
                             replaced_by={copy: replaced.get(copy) for copy in checkpoint.superseded})
        except StoreError as e:
            self._went_down(e)
            return
        crash_point("superseded-deleted")
        latest = self.checkpoints.get(checkpoint.identity) or checkpoint
        self.checkpoints.save(replace(latest, superseded=(), kept=with_replaced(latest.kept, {})))
        self.refresh()


@dataclass(slots=True)
class ReadCounts:
    """Records, events and parse failures read so far by one run (see Pipeline.run)."""

    records: int = 0
    events: int = 0
    parse_failures: int = 0

    def snapshot(self) -> tuple[int, int, int]:
        """The counts now."""
        return self.records, self.events, self.parse_failures


#: Batches of at least this many events are delivered on the second thread; smaller ones (a
#: short file, a receiver's trickle) inline, where a thread hand-over would cost more than it
#: saves (and an in-process SQLite insert would trade the GIL with the parser row by row).
_OVERLAP_MIN = 1000
#: The ramp of Pipeline.run: the bytes a file must hold past its first record to ramp (some
#: 300,000 sshd lines: its few more commits are a small part of its ingest), the first batch's
#: events at most (then twice as many each batch, up to the batch size), and the bytes under which
#: a batch is not ended early near the file's end (some 2,400 sshd lines).
_RAMP_BYTES = 32 << 20
_FIRST_BATCH = 2500
_TAIL_BYTES = 256 << 10


#: A compressed file unchanged this long is whole when followed too (see _whole).
_SETTLED_SECONDS = 60.0


def _whole(view: FileView, options: IngestOptions) -> bool:
    """Whether a read has ``view``'s content whole once it reads it to its end without an error
    (collectors.files.lines.read_lines ``whole``): a compressed file read once, or followed and left
    unchanged for _SETTLED_SECONDS (a CloudTrail delivery file, R58a-11). One followed while it
    changes may be given more members, a line cut between two (R58c-2): its last line waits."""
    return view.compressed and (options.final or time.time() - view.mtime >= _SETTLED_SECONDS)


#: Records' bytes after which a batch is delivered whatever its count (Pipeline.run): 8 MiB of
#: lines make some 25-30 MiB of events; 20,000 sshd lines (~2.2 MB) stay one batch.
BATCH_BYTES = 8 << 20


class _Filtered:
    """A Source over an iterator of records."""

    def __init__(self, records: Iterator[RawRecord]) -> None:
        self._records = records

    def records(self) -> Iterator[RawRecord]:
        return self._records


def ingest_file(path: Path, *, parser_id: str, store: EventSink, data_dir: Path,
                inventory: Inventory | None = None, timezone: str = "Asia/Shanghai", year: int | None = None,
                progress: Callable[[int], None] | None = None) -> IngestSummary:
    """Read one log file from its checkpoint into ``store`` (one-shot; see :class:`Pipeline`)."""
    pipeline = Pipeline(store, data_dir=data_dir, inventory=inventory, progress=progress)
    summary = pipeline.ingest_file(path, IngestOptions(parser=parser_id, timezone=timezone, year=year))
    pipeline.drain()
    return summary
