"""Pipeline.run's batches ramp up at a source's start and down before a file's end (issue 11:
the store starts early, and little of its work is left when the parser reaches the end), and
which batch a line falls in changes nothing stored: every line once, under its own id."""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable
from datetime import UTC, datetime
from itertools import accumulate
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from govsoc.collectors import pipeline as pipeline_module
from govsoc.collectors.base import ParseContext, RawRecord, parsers
from govsoc.collectors.pipeline import _FIRST_BATCH, _TAIL_BYTES, IngestOptions, Pipeline, _Filtered
from govsoc.collectors.summary import IngestSummary
from govsoc.core.event import Event
from govsoc.core.sink import WriteReceipt, begin_write
from govsoc.store.base import Query
from govsoc.store.sqlite import SqliteStore

LINE = "Dec 10 06:{m:02d}:{s:02d} host sshd[{n}]: Failed password for user{n} from 10.0.{a}.{b} port {n} ssh2\n"


class Sizes:
    """A real SQLite store that notes the size of every write it is given."""

    def __init__(self, store: SqliteStore) -> None:
        self.store, self.sizes = store, []  # type: ignore[var-annotated]

    def write(self, events: Iterable[Event]) -> WriteReceipt:
        return self.begin_write(list(events))()

    def begin_write(self, events: list[Event]) -> Callable[[], WriteReceipt]:
        self.sizes.append(len(events))
        return begin_write(self.store, events)

    def delete(self, ids: Collection[str], *, replaced_by: object = None) -> int:
        return int(self.store.delete(ids))

    def refresh(self) -> None:
        self.store.refresh()


def _log(path: Path, lines: int) -> bytes:
    text = "".join(LINE.format(m=n // 60 % 60, s=n % 60, n=n, a=n // 250 % 250, b=n % 250 + 1) for n in range(lines))
    path.write_text(text)
    return text.encode()


@pytest.fixture
def ramped(monkeypatch: pytest.MonkeyPatch) -> None:
    """Files of 1 MiB and more ramp (32 MiB in use: these tests' files are smaller)."""
    monkeypatch.setattr(pipeline_module, "_RAMP_BYTES", 1 << 20)


@pytest.mark.usefixtures("ramped")
def test_batches_ramp_up_and_down_and_store_every_line_once(tmp_path: Path) -> None:
    log = tmp_path / "auth.log"
    data = _log(log, 60_000)  # ~6 MB: several whole batches between the two ramps
    store = SqliteStore(tmp_path / "events.db")
    sink = Sizes(store)
    summary = Pipeline(sink, data_dir=tmp_path / "data").ingest_file(log, IngestOptions(parser="linux.auth",
                                                                                      batch_size=8000))
    sizes = [size for size in sink.sizes if size]
    assert summary.receipt.created == 60_000 and sum(sizes) == 60_000
    # up: 2,500, then twice as many each batch up to the batch size
    assert sizes[:3] == [_FIRST_BATCH, 2 * _FIRST_BATCH, 8000]
    # down: the batches before the last each took (about) half of what remained, none under the floor
    line = len(data) // 60_000
    tail = sizes[sizes.index(8000, 3):]
    tail = tail[tail.index(next(size for size in tail if size < 8000)):]
    assert len(tail) >= 3, sizes
    assert all(later < earlier for earlier, later in zip(tail, tail[1:-1], strict=False)), sizes
    assert all(size * line >= _TAIL_BYTES * 0.95 for size in tail[:-1]), sizes
    assert tail[-1] * line <= 2 * _TAIL_BYTES, sizes  # what the store works on after the parser's end
    # nothing stored twice or lost: the offsets of the stored events are those of the file's lines
    offsets = sorted(int(e.fields["log.offset"]) for e in store.search(Query(limit=None)))
    starts = [0, *(at + 1 for at, byte in enumerate(data) if byte == 0x0A)][:-1]
    assert offsets == starts
    assert len({e.id for e in store.search(Query(limit=None))}) == 60_000
    store.close()


class Plain:
    """A store that takes every write at once, noting its size."""

    def __init__(self) -> None:
        self.sizes: list[int] = []

    def write(self, events: Iterable[Event]) -> WriteReceipt:
        batch = list(events)
        self.sizes.append(len(batch))
        return WriteReceipt(created=len(batch))

    def delete(self, ids: Collection[str], *, replaced_by: object = None) -> int:
        return 0

    def refresh(self) -> None:
        pass


@pytest.mark.usefixtures("ramped")
def test_lines_past_the_size_at_open_are_batched_as_ever(tmp_path: Path) -> None:
    """The ramp down knows the size the file had when it was opened: lines past it (the file
    grew while read) are no reason to end each batch at the floor."""
    width = 600
    records = [RawRecord(data=b"x" * (width - 1), origin="test://grown", offset=n * width, identity="grown",
                         end=(n + 1) * width) for n in range(6000)]
    sink = Plain()
    pipeline = Pipeline(sink, data_dir=tmp_path / "data")
    context = ParseContext(timezone=ZoneInfo("UTC"), reference=datetime(2025, 12, 31, tzinfo=UTC))
    pipeline.run(_Filtered(iter(records)), parsers.get("linux.auth")(), context, IngestSummary("test://grown"),
                 batch_size=1000, source_end=2500 * width)  # 1.5 MB: ramped (``ramped``)
    sizes = [size for size in sink.sizes if size]
    assert sum(sizes) == 6000
    ends = list(accumulate(sizes))
    past = [size for size, end in zip(sizes, ends, strict=True) if end - size >= 2500][:-1]
    assert past and set(past) == {1000}, sizes  # the batch size, not the floor's ~437 lines
    before = [size for size, end in zip(sizes, ends, strict=True) if 1000 < end <= 2500]
    assert before and max(before) < 1000, sizes  # the ramp down did cut before the size at open


def test_a_file_under_the_ramp_size_is_read_in_whole_batches(tmp_path: Path) -> None:
    """A file under _RAMP_BYTES is not ramped: each batch is a commit, and a store's random-keyed
    indexes cost some page a row a commit (tests/store/test_sqlite_writer.py: 20,000 lines, one)."""
    log = tmp_path / "auth.log"
    _log(log, 30_000)  # ~3 MB
    store = SqliteStore(tmp_path / "events.db")
    sink = Sizes(store)
    Pipeline(sink, data_dir=tmp_path / "data").ingest_file(log, IngestOptions(parser="linux.auth", batch_size=8000))
    assert [size for size in sink.sizes if size] == [8000, 8000, 8000, 6000]
    store.close()
