"""The durable spool: events the store could not take yet, on disk, bounded, checksummed.

When the store is unreachable or refuses a batch with a retryable error, the pipeline appends
the batch here (fsync'd) and advances the source's checkpoint; the spool drains into the store
when it answers again, oldest first. The spool has a size limit: when it is full, file sources
wait (back-pressure) and network sources count what they drop.

Layout: ``<data_dir>/spool/segment-<n>.spool`` files of records, ``acked.json``, the position
up to which the store has acknowledged them, and ``totals.json``, how many events were drained
into the store and damaged records skipped over the spool's life, and per source what became of
its events drained (`govsoc status` adds them to the source's counters, which said "spooled" when
they were spooled: R11 F4). Each record is::

    magic "GSP1" | length (u32, big-endian) | crc32 of the payload (u32) | payload (JSON event)

A torn tail (a crash in the middle of an append) or any damaged record fails its length or
checksum: it is counted and skipped, the reader resynchronises on the next magic, and nothing
damaged is ever replayed as an event (the failure of Vector's disk buffer, vector#17644).
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import functools
import json
import os
import struct
import zlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, BinaryIO

from govsoc.collectors.spool_damage import Damage, salvage
from govsoc.collectors.unverified import RecordSink, written_checked
from govsoc.core.errors import StoreError
from govsoc.core.event import Event, format_timestamp, parse_timestamp
from govsoc.core.sink import EventSink, WriteReceipt

MAGIC = b"GSP1"
_HEADER = struct.Struct(">4sII")
#: A new segment is started past this size; drained segments are deleted whole.
SEGMENT_BYTES = 16 << 20
#: No record is longer than this (an event is at most a few record-size limits).
MAX_PAYLOAD = 64 << 20
DEFAULT_MAX_BYTES = 1 << 30


def event_payload(event: Event, source: str | None = None, verify: bool = False) -> bytes:
    """The payload of ``event``'s spool record (JSON), with the source it came from when given
    (a checkpoint identity: the drain credits its counters), marked ``verify`` when the drain
    must look its id up before writing it (collectors.unverified)."""
    # the source first: a torn tail keeps it, and its loss is credited to it (collectors.spool_damage)
    data: dict[str, Any] = {} if source is None else {"src": source}
    data.update(id=event.id, ts=format_timestamp(event.timestamp), ds=event.dataset, f=dict(event.fields))
    if verify:
        data["chk"] = 1
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8", "surrogatepass")


def frame(payload: bytes) -> bytes:
    """One spool record: header and ``payload``."""
    return _HEADER.pack(MAGIC, len(payload), zlib.crc32(payload)) + payload


def encode(event: Event) -> bytes:
    """One spool record for ``event``."""
    return frame(event_payload(event))


def decode(payload: bytes) -> Event:
    """The event of a record whose checksum passed."""
    return decode_sourced(payload)[0]


def decode_sourced(payload: bytes) -> tuple[Event, str | None, bool]:
    """The event of a record whose checksum passed, the source it was spooled for, and whether
    its id is looked up before it is written."""
    data: dict[str, Any] = json.loads(payload.decode("utf-8", "surrogatepass"))
    source = data.get("src")
    return (Event(id=data["id"], timestamp=parse_timestamp(data["ts"]), dataset=data["ds"], fields=data["f"]),
            None if source is None else str(source), bool(data.get("chk")))


@dataclass(frozen=True, slots=True)
class Codec:
    """What a spool holds: ``encode`` gives an item's payload, ``decode`` the item of a payload
    (ValueError, KeyError or TypeError when the payload is not one, which counts as damage)."""

    encode: Callable[[Any], bytes]
    decode: Callable[[bytes], Any]
    #: For items spooled with their source (Spool.append's ``source``): ``encode`` takes it as
    #: ``source=`` (and ``verify=``), and this gives the item, its source and that mark.
    sourced: Callable[[bytes], tuple[Any, str | None, bool]] | None = None


#: The pipeline's spool: events.
EVENTS = Codec(event_payload, decode, decode_sourced)


@dataclass(slots=True)
class ScanStats:
    """What a scan over spool bytes found besides good records."""

    corrupt_records: int = 0
    corrupt_bytes: int = 0
    #: each damaged record's source and place, as far as its bytes say (R11v-4)
    damaged: list[Damage] = field(default_factory=list)


def scan(data: bytes, stats: ScanStats, decoder: Callable[[bytes], Any] = decode) -> Iterator[tuple[int, int, bytes]]:
    """(start, end, payload) of every intact record in ``data`` (one ``decoder`` reads);
    damaged stretches are counted in ``stats`` and skipped up to the next magic."""
    pos, size = 0, len(data)
    while pos < size:
        good = _record_at(data, pos, decoder)
        if good is not None:
            end, payload = good
            yield pos, end, payload
            pos = end
            continue
        stats.corrupt_records += 1
        following = data.find(MAGIC, pos + 1)
        stop = following if following >= 0 else size
        stats.corrupt_bytes += stop - pos
        stats.damaged.append(salvage(data[pos:stop]))
        pos = stop


def _record_at(data: bytes, pos: int, decoder: Callable[[bytes], Any]) -> tuple[int, bytes] | None:
    if pos + _HEADER.size > len(data):
        return None
    magic, length, crc = _HEADER.unpack_from(data, pos)
    end = pos + _HEADER.size + length
    if magic != MAGIC or length > MAX_PAYLOAD or end > len(data):
        return None
    payload = data[pos + _HEADER.size:end]
    if zlib.crc32(payload) != crc:
        return None
    try:
        decoder(payload)
    except (ValueError, KeyError, TypeError):
        return None
    return end, payload


@dataclass(frozen=True, slots=True)
class DrainResult:
    """What one drain did."""

    receipt: WriteReceipt
    events: int
    corrupt_records: int
    corrupt_bytes: int
    #: the damaged records skipped, with their source and place when their bytes say them
    damaged: tuple[Damage, ...] = ()
    #: the events the store refused, each with its reason and the source it was spooled for
    refused: tuple[tuple[Any, str, str | None], ...] = ()


class DrainInterrupted(StoreError):
    """The store failed in the middle of a drain: what went before stays drained (``result``),
    the rest stays spooled."""

    def __init__(self, cause: StoreError, result: DrainResult) -> None:
        super().__init__(cause.message, location=cause.location)
        self.result = result


@dataclass(frozen=True, slots=True, kw_only=True)
class SpoolTotals:
    """Over the spool's life: events drained into the store, damaged records skipped, and when
    the last drain wrote something (ISO 8601, empty when never)."""

    drained_events: int = 0
    corrupt_records: int = 0
    last_drained: str = ""
    #: Per source spooled with its identity: events drained, and how many of them the store
    #: created, already had and rejected (the names of Checkpoint.counters).
    sources: dict[str, dict[str, int]] = field(default_factory=dict)


#: The store's configuration error met last (Spool.misconfigured), in the spool's folder.
MISCONFIGURED = "misconfigured.json"


class Spool:
    """A bounded, checksummed, on-disk queue of events in front of the store (of other items
    with another ``codec``: the receivers' unparsed messages at shutdown)."""

    def __init__(self, folder: Path, max_bytes: int = DEFAULT_MAX_BYTES, codec: Codec = EVENTS) -> None:
        self.folder = Path(folder)
        self.max_bytes = max_bytes
        self.codec = codec
        self.folder.mkdir(parents=True, exist_ok=True)
        #: Whether the last append was refused for want of room on the disk (not by max_bytes).
        self.disk_full = False

    # -- bookkeeping -------------------------------------------------------------------------
    def _segments(self) -> list[Path]:
        return sorted(self.folder.glob("segment-*.spool"))

    def _acked(self) -> tuple[str, int]:
        try:
            data = json.loads((self.folder / "acked.json").read_text(encoding="utf-8"))
            return str(data["segment"]), int(data["offset"])
        except (OSError, ValueError, KeyError):
            return "", 0

    def _set_acked(self, segment: str, offset: int) -> None:
        temp = self.folder / f"acked.{os.getpid()}.tmp"
        with temp.open("w", encoding="utf-8") as out:
            json.dump({"segment": segment, "offset": offset}, out)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temp, self.folder / "acked.json")

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        with (self.folder / "lock").open("a") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def totals(self) -> SpoolTotals:
        """What was drained and skipped so far (see SpoolTotals)."""
        try:
            data = json.loads((self.folder / "totals.json").read_text(encoding="utf-8"))
            sources = {str(k): {str(n): int(c) for n, c in v.items()} for k, v in (data.get("sources") or {}).items()}
            return SpoolTotals(drained_events=int(data["drained_events"]), corrupt_records=int(data["corrupt_records"]),
                               last_drained=str(data["last_drained"]), sources=sources)
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return SpoolTotals()

    def misconfigured(self) -> dict[str, str] | None:
        """The store's configuration error that keeps the spool waiting (a certificate that does
        not verify: waiting never drains it, R11j-4), and since when; None when none was met or
        the store took a write since."""
        try:
            data = json.loads((self.folder / MISCONFIGURED).read_text(encoding="utf-8"))
            return {"error": str(data["error"]), "since": str(data["since"])}
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def note_misconfigured(self, error: str | None) -> None:
        """Note the store's configuration error (``govsoc status`` says it), or with None forget
        it. A note, not data: no fsync; a failure to write it is not the run's."""
        target = self.folder / MISCONFIGURED
        try:
            if error is None:
                target.unlink(missing_ok=True)
                return
            temp = self.folder / f"misconfigured.{os.getpid()}.tmp"
            temp.write_text(json.dumps({"error": error, "since": datetime.now(UTC).isoformat(timespec="seconds")}),
                            encoding="utf-8")
            os.replace(temp, target)
        except OSError:
            pass

    def _add_totals(self, events: int, corrupt_records: int, source: str | None = None,
                    receipt: WriteReceipt | None = None, damaged: Sequence[Damage] = ()) -> None:
        """Count a drain, or a batch of it drained for ``source``, or damaged records credited to
        the sources they name ("damaged": no longer spooled, lost; called under the lock)."""
        was = self.totals()
        sources = dict(was.sources)
        for damage in damaged:
            if damage.source is not None:
                counts = sources[damage.source] = dict(sources.get(damage.source, {}))
                counts["damaged"] = counts.get("damaged", 0) + 1
        if source is not None and receipt is not None:
            counts = dict(sources.get(source, {}))
            for name, value in (("events", events), ("created", receipt.created),
                                ("duplicates", receipt.duplicates), ("rejected", len(receipt.rejected))):
                counts[name] = counts.get(name, 0) + value
            sources = {**sources, source: counts}
        now = SpoolTotals(drained_events=was.drained_events + events,
                          corrupt_records=was.corrupt_records + corrupt_records,
                          last_drained=datetime.now(UTC).isoformat(timespec="seconds") if events else was.last_drained,
                          sources=sources)
        temp = self.folder / f"totals.{os.getpid()}.tmp"
        temp.write_text(json.dumps(asdict(now)), encoding="utf-8")
        os.replace(temp, self.folder / "totals.json")  # a count, not data: no fsync

    def pending_bytes(self) -> int:
        """Bytes of spooled records the store has not acknowledged."""
        segment, offset = self._acked()
        total = 0
        for path in self._segments():
            # Not under the lock (a drain holds it for its whole run): a segment the drain
            # finished between the listing and here is gone, and owes nothing.
            try:
                size = path.stat().st_size
            except FileNotFoundError:
                continue
            total += max(0, size - offset) if path.name == segment else size
        return total

    def is_empty(self) -> bool:
        """Whether nothing waits for the store."""
        return self.pending_bytes() == 0

    # -- writing -----------------------------------------------------------------------------
    def append(self, events: Sequence[Any], source: str | None = None) -> bool:
        """Spool ``events`` (items of the codec) durably, for ``source`` when given (the drain
        credits it what the store does with them); False (and nothing written) when they do not fit."""
        return self.append_part(events, source, whole=True) == len(events)

    def append_part(self, events: Sequence[Any], source: str | None = None, *, verify: bool = False,
                    whole: bool = False) -> int:
        """Spool the longest run of ``events`` from the first that fits beside what the spool
        holds (all or none when ``whole``), marked ``verify`` (see event_payload); how many.
        A batch larger than the bound is spooled in parts, never refused whole for ever (R11v-3)."""
        payload = self.codec.encode
        if source is not None or verify:
            if self.codec.sourced is None:
                raise ValueError("this spool's items are spooled without a source")
            payload = functools.partial(payload, source=source, verify=verify)  # type: ignore[call-arg]
        frames = [frame(payload(e)) for e in events]
        with self._locked():
            self.disk_full = False
            room, taken = self.max_bytes - self.pending_bytes(), 0
            while taken < len(frames) and len(frames[taken]) <= room:
                room -= len(frames[taken])
                taken += 1
            if taken < len(frames) and (whole or not taken):
                return 0
            blob = b"".join(frames[:taken])
            segments = self._segments()
            target = segments[-1] if segments and segments[-1].stat().st_size < SEGMENT_BYTES else None
            if target is None:
                number = int(segments[-1].stem.split("-")[1]) + 1 if segments else 1
                target = self.folder / f"segment-{number:012d}.spool"
            self.disk_full = not _append(target, blob)
            return 0 if self.disk_full else taken


    # -- draining ----------------------------------------------------------------------------
    def drain(self, sink: EventSink | RecordSink, batch: int = 5000) -> DrainResult:
        """Write every spooled event to ``sink``, oldest first, acknowledging as it goes; a
        StoreError from the sink propagates and leaves the rest spooled. Events spooled for a
        source are written in batches of that source alone, each counted for it once acknowledged."""
        drained = _Drained()
        stats = ScanStats()
        decoder = self.codec.decode
        read = self.codec.sourced or (lambda payload: (decoder(payload), None, False))
        with self._locked():
            try:
                for path in self._segments():
                    acked_segment, acked_offset = self._acked()
                    start = acked_offset if path.name == acked_segment else 0
                    with path.open("rb") as handle:
                        data = _read_from(handle, start)
                    pending: list[Any] = []
                    source: tuple[str | None, bool] = (None, False)  # and the batch's mark
                    position = start
                    for _begin, end, payload in scan(data, stats, decoder):
                        item, of, verify = read(payload)
                        if pending and ((of, verify) != source or len(pending) >= batch):
                            self._drain_batch(sink, pending, source, drained, path.name, position)
                            pending = []
                        pending.append(item)
                        source, position = (of, verify), start + end
                    if pending:
                        self._drain_batch(sink, pending, source, drained, path.name, position)
                    # Appends wait for the lock, so a drained segment can go whole.
                    path.unlink()
                    self._set_acked("", 0)
            except StoreError as e:
                # The failed batch and the damage after it are counted by the drain that takes them.
                raise DrainInterrupted(e, DrainResult(drained.receipt, drained.events, stats.corrupt_records,
                                                      stats.corrupt_bytes, refused=tuple(drained.refused))) from e
            if stats.corrupt_records:
                self._add_totals(0, stats.corrupt_records, damaged=stats.damaged)
        return DrainResult(drained.receipt, drained.events, stats.corrupt_records, stats.corrupt_bytes,
                           tuple(stats.damaged), tuple(drained.refused))

    def _drain_batch(self, sink: EventSink | RecordSink, pending: list[Any], marked: tuple[str | None, bool],
                     drained: _Drained, segment: str, position: int) -> None:
        """Write one batch of a drain, acknowledge it up to ``position`` of ``segment`` and count
        it (a crash between the two leaves it uncounted, never counted twice). A batch marked to
        be looked up first (collectors.unverified) has its stored ids counted, not written."""
        source, verify = marked
        receipt = _written(sink, pending, verify)
        drained.receipt += receipt
        drained.events += len(pending)
        if receipt.rejected:  # for the rejects file and the run's count (R59a-8: lost unsaid)
            reasons = dict(receipt.rejected)
            drained.refused += [(item, reasons[item.id], source) for item in pending
                                if getattr(item, "id", None) in reasons]
        self._set_acked(segment, position)
        self._add_totals(len(pending), 0, source, receipt)


@dataclass(slots=True)
class _Drained:
    """What a drain wrote so far."""

    receipt: WriteReceipt = field(default_factory=WriteReceipt)
    events: int = 0
    refused: list[tuple[Any, str, str | None]] = field(default_factory=list)


#: Write errors that mean "no room": the batch is refused as by a full spool, not lost.
_NO_ROOM = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG})


def _append(target: Path, blob: bytes) -> bool:
    """Append ``blob`` durably; when the disk has no room, cut the segment back to where it was
    (no torn record left to be reported as damage later) and return False."""
    try:
        fd = os.open(target, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    except OSError as e:  # no room for a new segment's inode
        if e.errno not in _NO_ROOM:
            raise
        return False
    try:
        start = os.fstat(fd).st_size
        try:
            view = memoryview(blob)
            while view:
                view = view[os.write(fd, view):]
            os.fsync(fd)
        except OSError as e:
            if e.errno not in _NO_ROOM:
                raise
            os.ftruncate(fd, start)
            return False
    finally:
        os.close(fd)
    return True


def _written(sink: EventSink | RecordSink, events: list[Any], verify: bool = False) -> WriteReceipt:
    """Write a spooled batch; when the store asks for some of it again later, the batch stays
    spooled (the part it took is then written again, which the store keeps once)."""
    receipt = written_checked(sink, events) if verify else sink.write(events)
    if receipt.retry:
        raise StoreError(f"the store asked to send {len(receipt.retry)} spooled events again later")
    return receipt


def _read_from(handle: BinaryIO, start: int) -> bytes:
    handle.seek(start)
    return handle.read()
