"""Following one file's checkpoint through a read: advanced as batches are acknowledged (by the
store or the durable spool), never before, with the unterminated last line a one-shot run stored
(``partial``) remembered so that its completed form replaces it; its ids are noted before it is
stored (``pending``), so that a kill -9 between the store's commit and the checkpoint cannot
leave a copy that nothing names (R11i-1). A record file (EVTX) has its
own, simpler tracker: its position is the last acknowledged record's id."""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator, Mapping
from dataclasses import replace
from pathlib import Path

from govsoc.collectors.base import GrowingSource, RawRecord, record_digest
from govsoc.collectors.checkpoints import RECORD_FILE, Checkpoint, CheckpointStore, Partial, lived
from govsoc.collectors.files.identity import FileView, fingerprint, read_tail_digest
from govsoc.collectors.files.lines import ReadStats
from govsoc.collectors.files.read_past import (
    copy_unchanged,
    crc_of,
    earlier_of,
    moved_on,
    read_digest,
    with_content_tail,
    with_copy,
    with_crc,
    with_earlier,
)
from govsoc.collectors.files.read_state import state_holds, with_read_state
from govsoc.collectors.files.replaced import replaced_of, with_replaced
from govsoc.collectors.summary import Delivery, IngestSummary
from govsoc.core.crashpoint import crash_point
from govsoc.core.event import Event, make_id


class FileTracker:
    """Advances a file's checkpoint as batches are acknowledged, and handles its partial line."""

    def __init__(self, checkpoints: CheckpointStore, view: FileView, checkpoint: Checkpoint, stats: ReadStats,
                 summary: IngestSummary, progress: Callable[[int], None] | None = None, *,
                 fd: int | None = None, lookup: Callable[[list[str]], Collection[str]] | None = None) -> None:
        self.checkpoints, self.view, self.checkpoint, self.stats, self.summary = (checkpoints, view, checkpoint,
                                                                                   stats, summary)
        self.progress = progress
        #: the open plain file being read: tail digests come from it, not from its path (R11 F2)
        self.fd = fd
        self._counted = (0, 0, 0)
        #: The store's lookup of ids stored in any of its indices (Elasticsearch), and the range
        #: a run killed between the store's commit and the checkpoint may have stored
        #: (Checkpoint.sent): the batches read in it are looked up, their stored ids not sent.
        self.lookup = lookup
        self._delivered_to = checkpoint.offset
        #: where the read starts and the tail digest matched there at the look (R11ae-2)
        self._matched = (checkpoint.offset, read_digest(checkpoint.tail, checkpoint.kept, checkpoint.offset))
        #: the position (and tail) this read keeps once it moved on from it (read_past): where it started,
        #: or from byte 0 its first position past it; one a read, not one a batch (RR11al-2)
        self._anchor = self._matched
        self._resent_before = checkpoint.sent
        # the CRC-32 of the content before the read's start, when known: the reader goes on with it per chunk
        crc = 0 if not checkpoint.offset else crc_of(checkpoint.kept, checkpoint.offset)
        if crc is not None:
            stats.crcs = ((checkpoint.offset, crc),)

    def skip_known_partial(self, records: Iterator[RawRecord]) -> Iterator[RawRecord]:
        """Records, less a partial line that was already stored as it is now."""
        known = self.checkpoint.partial
        for record in records:
            if (known is not None and "partial" in record.flags and record.offset == known.offset
                    and record_digest(record.data) == known.digest):
                continue
            if self.progress is not None and record.end is not None:
                self.progress(record.end - record.offset)
            yield record

    def delivering(self, last: RawRecord | None, batch: list[Event]) -> Collection[str]:
        """The batch ending with ``last`` is about to go to the store or the spool: when ``last``
        is an unterminated line (one-shot), its copy's ids are saved first (Checkpoint.pending).
        Returns the batch's ids the store holds already (see :meth:`_stored`): not sent again.

        Written ahead, not only in the acknowledgement after it (R11i-1): a kill -9 between the
        store's commit and that checkpoint left a copy nothing named, and the completed line was
        then stored beside it for good. The ids cannot be found again from the completed line
        (the copy's id holds the digest of bytes since grown to an unknown length), and asking
        the store for flagged events at the position would be a search per file; a note costs
        one checkpoint save, and only for a batch that ends with a partial line."""
        stored = self._stored(last, batch)
        if last is None or "partial" not in last.flags:
            return stored
        note = _partial(last, batch)
        if not note.ids or note in self.checkpoint.pending:
            return stored
        self.checkpoint = self.checkpoints.save(replace(self.checkpoint,
                                                        pending=(*self.checkpoint.pending, note)))
        crash_point("partial-noted")
        return stored

    def _stored(self, last: RawRecord | None, batch: list[Event]) -> Collection[str]:
        """For a store that keeps ids apart per index (Elasticsearch: one per week of event
        time), the batch's ids it holds already when the batch lies in the range a killed run
        may have stored; and the end of this batch saved first (Checkpoint.sent).

        Why a write-ahead mark and a lookup, not a stable fallback time (R11v-1): a re-read
        event lands in another week's index, beside its first copy under the same id, whenever
        its time moved between the runs: the file's mtime a line without a time takes, but as
        well --year/--timezone given otherwise, or a parser's new reading. Only a lookup by id
        across every events index catches them all. Its cost stays off the normal path: one
        checkpoint save per batch (5,000 events, next to a bulk request), and a search only
        for the batches read again after a run that died before its checkpoint."""
        if self.lookup is None or last is None:
            return set()
        uncertain = self._delivered_to < self._resent_before
        # A partial line's copy is named ahead by its own note (Checkpoint.pending): the mark
        # stops before it, so the clean read of a file ending in one is not looked up again.
        end = last.offset if "partial" in last.flags else last.end or last.offset
        self._delivered_to = end
        # A lookup (one search a batch) is made only after a run that died before its checkpoint;
        # the store down, it answers collectors.unverified.UNVERIFIED: the batch is spooled
        # marked, and the drain looks it up (R11x-3: the whole run stopped, nothing spooled).
        stored: Collection[str] = self.lookup([e.id for e in batch]) if uncertain and batch else set()
        if end > self.checkpoint.sent:
            self.checkpoint = self.checkpoints.save(replace(self.checkpoint, sent=end))
        return stored

    def acknowledged(self, last: RawRecord | None, delivery: Delivery, batch: list[Event],
                     where: Mapping[str, RawRecord] | None = None) -> None:
        """The batch ending with ``last`` (``where``: the record of each of its events) is in the
        store or the spool: move the checkpoint."""
        crash_point("batch-stored")  # taken, not yet recorded: read again by the next run (R11v-1)
        checkpoint, taken = self.checkpoint, {}
        if last is not None:
            partial, superseded, replaced = checkpoint.partial, checkpoint.superseded, replaced_of(checkpoint.kept)
            # the batch's ids tell what a copy noted ahead became: none noted, none looked at
            # (a set of 20,000 ids a batch was 0.6 us a line of the ingest process, F11at)
            batch_ids = {e.id for e in batch} if partial is not None or checkpoint.pending else frozenset()
            if (partial is not None and last.offset >= partial.offset) or any(
                    last.offset >= note.offset for note in checkpoint.pending):
                crash_point("completed-stored")
            if "partial" in last.flags:
                crash_point("partial-stored")
            # Copies written ahead whose position this read passed: stored or not (the kill came
            # before or after the store's commit), those not stored again now are superseded.
            # Uncounted, as their batch's acknowledgement never came.
            passed = [note for note in checkpoint.pending if last.offset >= note.offset]
            superseded = (*superseded, *dict.fromkeys(i for note in passed for i in note.ids
                                                      if i not in batch_ids and i not in superseded))
            replaced = _replaced(replaced, [(note, batch_ids) for note in passed], where)
            pending = tuple(note for note in checkpoint.pending if note not in passed)
            if partial is not None and last.offset >= partial.offset:
                # The partial line's position was read again, now complete (or grown): its
                # stored copy goes, unless the completed line has the very same bytes (and id).
                gone = tuple(i for i in partial.ids if i not in batch_ids)
                superseded = (*superseded, *gone)
                replaced = _replaced(replaced, [(partial, batch_ids)], where)
                self.summary.replaced_partial += 1
                # Its counts are taken back: the completed line is counted in this batch, and a
                # kept id comes back as a duplicate of itself (R11e F6: status said 12 of 11).
                taken = {"records": -1, "events": -len(partial.ids), "created": -len(gone),
                         "duplicates": -(len(partial.ids) - len(gone)),
                         # a cut run of garbage: its one logged line is counted once (R11j-10); a
                         # line that failed to parse, cut or not, is one parse failure (F11l: two)
                         "garbled": -int(partial.garbled),
                         "parse_failures": -int(partial.failed or partial.garbled)}
                partial = None
            if "partial" in last.flags:
                partial = _partial(last, batch)
                offset, line = last.offset, (last.line or 1) - 1
                self.summary.partial += 1
            else:
                # a torn line's physical line goes on after its padding: not yet counted
                offset, line = last.end or last.offset, (last.line or 0) - ("torn" in last.flags)
            checkpoint = replace(checkpoint, offset=offset, line=line, padding=0, partial=partial, pending=pending,
                                 superseded=superseded, kept=with_replaced(checkpoint.kept, replaced))
        summary = self.summary
        now = (summary.records, summary.events, summary.parse_failures)
        records, events, failures = (a - b for a, b in zip(now, self._counted, strict=True))
        self._counted = now
        checkpoint = checkpoint.counted(records=records, events=events, parse_failures=failures,
                                        created=delivery.receipt.created, duplicates=delivery.receipt.duplicates,
                                        rejected=len(delivery.receipt.rejected), spooled=delivery.spooled,
                                        dropped=delivery.dropped)
        checkpoint = self._hinted(checkpoint.counted(**taken))
        # read to the end the file had when looked at: may be written with the next files' (grouped)
        self.checkpoint = self.checkpoints.save(checkpoint, can_wait=_read_to_size(self.view, checkpoint))

    def _hinted(self, checkpoint: Checkpoint) -> Checkpoint:
        view = self.view
        tail = None
        if not view.compressed:  # from the bytes read, else the open file: never by path (R11 F2)
            read = self.stats.tail(checkpoint.offset)
            tail = fingerprint(read) if read is not None else self._unread_tail(checkpoint.offset)
        kept = checkpoint.kept
        if view.compressed:  # its end-of-read digest, of the content read (else the one matched at the look)
            kept = with_content_tail(kept, checkpoint.offset, self._content_tail(checkpoint.offset))
        kept = with_crc(kept, checkpoint.offset, self.stats.crc(checkpoint.offset))
        earlier = moved_on(earlier_of(kept), *self._anchor, checkpoint.offset)
        if not self._anchor[0] and tail is not None:
            self._anchor = (checkpoint.offset, tail)
        return lived(replace(checkpoint, path=str(view.path), size=view.size, device=view.device, inode=view.inode,
                             tail=tail, kept=with_earlier(kept, earlier)), view)

    def _content_tail(self, offset: int) -> str | None:
        """The digest of the content bytes before ``offset`` of the compressed file read: from the bytes read,
        else, at the read's start, the one matched at the look (the log's tail, for a copy read past: F11ag,
        a gzip copy keeping none was taken for a new file once renamed and read whole, 25 of 56 lines twice)."""
        read = self.stats.tail(offset)
        if read is not None:
            return fingerprint(read)
        start, matched = self._matched
        return matched if offset == start else None

    def _unread_tail(self, offset: int) -> str | None:
        """The tail digest at ``offset`` when the bytes before it were not read (or no longer held):
        at the read's start, the one matched at the look, never read again from the descriptor,
        which may hold a truncated file's new content by now (R11ae-2: copytruncate's copy then
        failed to match and was read from 0, 300 lines twice); else read from the open file."""
        start, matched = self._matched
        if offset == start and matched is not None:
            return matched
        return None if self.fd is None else read_tail_digest(self.fd, offset)

    def finish(self, end: int | None = None, raw: tuple[int, int] | None = None) -> None:
        """At the end of the file (its content ending at ``end``): past trailing blank lines, and the
        reader's counters; a file ending before the read's start is a copy read past (read_past): its
        state is kept, and while it shows the same it is unchanged. A compressed file's ``raw``: the
        descriptor of its stored bytes and how many of them the read went through (read_state)."""
        checkpoint, stats = self.checkpoint, self.stats
        start = self._matched[0]
        copy = self.view if end is not None and end < start == checkpoint.offset else None
        checkpoint = replace(checkpoint, kept=with_copy(checkpoint.kept, copy))
        if checkpoint.partial is None and stats.consumed > checkpoint.offset:
            checkpoint = replace(checkpoint, offset=stats.consumed, line=stats.lines, padding=0)
        if checkpoint.partial is None and checkpoint.offset == stats.consumed:  # padding read, never again (R11 F3)
            checkpoint = replace(checkpoint, padding=max(0, stats.padded_to - stats.consumed))
        if checkpoint.binary is not None:
            # stopped by an older rule (per file, or per run of 8 KiB windows): a file that began
            # as text is never stopped now, so it was read on past it (R11i-5, R11j-9, -11)
            checkpoint = replace(checkpoint, binary=None, binary_at=0, binary_rule=0)
        checkpoint = self._hinted(checkpoint.counted(truncated=self.stats.truncated, garbled=self.stats.garbled,
                                                     nul_bytes_skipped=self.stats.nul_bytes_skipped,
                                                     nul_runs=self.stats.nul_runs, torn_lines=self.stats.torn_lines))
        if raw is not None and end is not None:
            checkpoint = replace(checkpoint, kept=with_read_state(
                checkpoint.kept, self.view, fd=raw[0], stored_read=raw[1], position=checkpoint.read_to, end=end,
                whole=stats.error is None and stats.damage is None))
        if checkpoint != self.checkpoint:  # the last batch's save often says it all already
            self.checkpoint = self.checkpoints.save(checkpoint, can_wait=_read_to_size(self.view, checkpoint))
        self.summary.offset = self.checkpoint.offset


def _replaced(replaced: dict[str, list[str]], notes: list[tuple[Partial, Collection[str]]],
              where: Mapping[str, RawRecord] | None) -> dict[str, list[str]]:
    """``replaced`` (collectors.files.replaced) with the copies of ``notes`` (each with the ids of
    the batch that read its position again) that the read superseded: each with the ids of the
    events the batch's record at its position gave (``where``: each event's record; none when a
    kill came between the copy and its line, or the caller does not say: then the copy is not
    named, and its alerts take it to come back, core.alert.unseen)."""
    found = dict(replaced)
    for note, batch_ids in notes:
        completed = [i for i, record in (where or {}).items() if record.offset == note.offset and i not in note.ids]
        for copy in note.ids:
            if copy not in batch_ids and completed:  # none found: not said (taken to come back)
                found[copy] = list(dict.fromkeys((*found.get(copy, ()), *completed)))
    return found


def _partial(record: RawRecord, batch: list[Event]) -> Partial:
    """The note of a partial line ``record``, the last record of ``batch``: its events' ids,
    and whether its parser failed on it (its one event a pipeline_error: failure_event)."""
    batch_ids = {e.id for e in batch}
    ids: list[str] = []
    while record.event_id(len(ids)) in batch_ids:
        ids.append(record.event_id(len(ids)))
    # its events close the batch: looked for from the end
    first = next((e for e in reversed(batch) if ids and e.id == ids[0]), None)
    failed = len(ids) == 1 and first is not None and first.fields.get("event.kind") == "pipeline_error"
    return Partial(offset=record.offset, end=record.end or record.offset, digest=record_digest(record.data),
                   ids=tuple(ids), garbled="garbled" in record.flags, failed=failed)


def unchanged(view: FileView, checkpoint: Checkpoint) -> bool:
    """Whether nothing was added to the file since its checkpoint: a plain file's size is the position read
    to; a compressed file is as stored when its read ended at its end (read_state: its trailer's length is the
    last member's alone, R53b; no read, or one of its stored bytes when only its change time moved); or it is
    the copy read past that the checkpoint found shorter (read_past)."""
    if view.size is None:
        return False
    if copy_unchanged(checkpoint.kept, view):
        return True
    if view.compressed:
        return state_holds(checkpoint.kept, view, checkpoint.read_to)
    return view.size == checkpoint.read_to


def _read_to_size(view: FileView, checkpoint: Checkpoint) -> bool:
    """Whether the read came to the size the file showed at the look (a gzip file's trailer's length): the
    checkpoint may then be written with the next files' (CheckpointStore.grouped). A hint of timing only,
    never that nothing is left to read (unchanged)."""
    if view.compressed:
        return view.size == checkpoint.read_to % (1 << 32)
    return unchanged(view, checkpoint)


class RecordFileTracker:
    """The checkpoint of a record file (EVTX, a capture), found by the file's absolute path: the
    last acknowledged record's position and digest, and the file's state once read to its end.

    For a file that may grow (collectors.base.GrowingSource) it also keeps the offset of the
    last final record and the ids of the provisional events stored after it: a read of the same
    file grown resumes after that final record, and the provisional events it does not produce
    again are superseded (deleted once the read is in). A new file at the path starts afresh;
    the events of the file it replaced stay stored."""

    def __init__(self, checkpoints: CheckpointStore, path: Path, parser: str, summary: IngestSummary,
                 growing: GrowingSource | None = None) -> None:
        self.checkpoints, self.summary, self.growing = checkpoints, summary, growing
        identity = make_id(RECORD_FILE, str(path))
        self.checkpoint = checkpoints.get(identity) or Checkpoint(
            identity=identity, fingerprint=RECORD_FILE, fingerprint_bytes=0, path=str(path), parser=parser)
        self._counted = (0, 0, 0)
        #: provisional ids of earlier reads, and those of them this read produced again
        self._earlier: frozenset[str] = frozenset()
        self._again: set[str] = set()

    def begin(self) -> None:
        """Before reading a growing file: recognise it, start afresh when it is a new file,
        else resume it after its last final record; save what recognises it (a crash during
        the read keeps the provisional ids acknowledged so far)."""
        growing = self.growing
        assert growing is not None
        checkpoint = self.checkpoint
        if not growing.recognise(checkpoint.kept):
            checkpoint = replace(checkpoint, offset=0, tail=None, state=None, final=0, provisional=())
        growing.resume(checkpoint.final, None)
        self._earlier = frozenset(checkpoint.provisional)
        self.checkpoint = self.checkpoints.save(replace(checkpoint, kept=growing.kept()))

    def delivering(self, last: RawRecord | None, batch: list[Event]) -> None:
        """The batch is about to go to the store or the spool: the ids of the provisional events
        in it are saved first (Checkpoint.provisional), as FileTracker.delivering does a partial
        line's (R11i-1): a kill -9 between the store's commit and the acknowledgement left them
        unnamed, and the grown file's read stored the flows they were cut from beside them."""
        del last
        growing = self.growing
        if growing is None:
            return
        known = set(self.checkpoint.provisional)
        added = [event.id for event in batch if growing.provisional(event.id)
                 and event.id not in self._earlier and event.id not in known]
        if added:
            self.checkpoint = self.checkpoints.save(replace(
                self.checkpoint, provisional=(*self.checkpoint.provisional, *dict.fromkeys(added))))

    def acknowledged(self, last: RawRecord | None, delivery: Delivery, batch: list[Event],
                     where: Mapping[str, RawRecord] | None = None) -> None:
        """The batch ending with ``last`` is in the store or the spool: move the checkpoint."""
        checkpoint = self.checkpoint
        if last is not None:
            checkpoint = replace(checkpoint, offset=last.offset, tail=record_digest(last.data))
        growing = self.growing
        if growing is not None and any(growing.provisional(event.id) for event in batch):
            crash_point("provisional-stored")
        if growing is not None:
            earlier, again = self._earlier, self._again
            added = [event.id for event in batch if growing.provisional(event.id) and event.id not in earlier]
            again.update(event.id for event in batch if event.id in earlier)
            final = checkpoint.final if last is None else max(checkpoint.final, min(last.offset,
                                                                                    growing.final_until()))
            checkpoint = replace(checkpoint, final=final, provisional=checkpoint.provisional + tuple(
                dict.fromkeys(i for i in added if i not in checkpoint.provisional)))
        summary = self.summary
        now = (summary.records, summary.events, summary.parse_failures)
        records, events, failures = (a - b for a, b in zip(now, self._counted, strict=True))
        self._counted = now
        self.checkpoint = self.checkpoints.save(checkpoint.counted(
            records=records, events=events, parse_failures=failures, created=delivery.receipt.created,
            duplicates=delivery.receipt.duplicates, rejected=len(delivery.receipt.rejected),
            spooled=delivery.spooled, dropped=delivery.dropped))

    def finish(self, state: str) -> None:
        """Read to the end: remember the file's state as it was before the read (a file that
        changed during it differs next time and is read from the checkpoint). For a growing
        file, the earlier provisional events this read did not produce again are superseded."""
        checkpoint = replace(self.checkpoint, state=state)
        if self.growing is not None:
            checkpoint = replace(checkpoint, kept=self.growing.kept())  # now with what it carries over
            growing, earlier, again = self.growing, self._earlier, self._again
            stale = [i for i in checkpoint.provisional if i in earlier and i not in again]
            checkpoint = replace(checkpoint, superseded=tuple(dict.fromkeys((*checkpoint.superseded, *stale))),
                                 provisional=tuple(i for i in checkpoint.provisional
                                                   if i not in earlier or (i in again and growing.provisional(i))))
        self.checkpoint = self.checkpoints.save(checkpoint)
        self.summary.offset = self.checkpoint.offset
