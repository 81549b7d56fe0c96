"""The SQLite store's writer process: rows go into the file on the other core.

Stage: store (issue 11, ingest speed). Everything a write does to an event holds the GIL or
the connection: coercing its values, building its row (the JSON of the remaining fields, the
deflated document), SQLite's B-tree and index updates. A thread cannot share that work with the
parser, so a large write is handed to a child process (:func:`main`, started with the store's
path) that owns a second connection to the same file: the caller sends the events as they are
(govsoc.store.sqlite_rows.Unstored), a chunk at a time, and some chunks as the rows it
built of them (the balance of the two processes, issue 11); the child coerces, splits and
deflates each chunk of events as it comes (coerce_parts, split_row, then the store's packing;
a chunk of rows is only deflated) and inserts the chunks in transactions of several chunks
(see govsoc.store.sqlite._TRANSACTION). While the child works on a batch the ingest pipeline
parses the next. The caller keeps the parsing and the pipeline's own work; the store's (which
grows with the store: index updates) overlaps it.

The write stays synchronous: :meth:`WriterProcess.wait` returns only when the child has
committed every transaction it was sent, so a checkpoint that follows it never runs ahead of
the store. A transaction is idempotent (ids are unique), so one the child committed before its
parent died is kept once when the parent's successor sends it again. The child ends when its
input closes (its parent closed the store, exited or was killed); chunks it holds uncommitted
then are dropped, as their write never returned.

Protocol, over the child's stdin and a private copy of its stdout: each message is a 4-byte
big-endian length and a marshal or a pickle (_dumps; answers are pickles). Parent -> child:
``(chunk, ingested, commit, refused)``, a list of events (govsoc.store.sqlite_rows.Unstored),
the write's ``event.ingested``, whether to insert the chunk with those held since the last
commit, and None; or, for a chunk whose rows the parent built (see :class:`Balance`), those rows
(Prepared, not deflated: the dictionaries are the child's) and the (event id, why) of the
chunk's events it refused. Child -> parent, one per commit: ``(WriteReceipt, None, cpu)`` or
``(None, "the error", cpu)`` (a failure drops the rest of that transaction's chunks), ``cpu``
the child's CPU seconds so far (user + system: what :class:`Balance` weighs). Both ends are the
same interpreter and trust each other.

The child's own failures travel as those answers, in words, never as a traceback on the
terminal the two share (R11j-3: a full disk printed three): a store it cannot open (its first
transaction on a full disk cannot commit) fails each transaction sent, and is opened again for
the next one, so the same child writes once there is room again.
"""

from __future__ import annotations

import marshal
import os
import pickle
import select
import signal
import struct
import subprocess
import sys
import time
import weakref
from collections import deque
from pathlib import Path
from typing import Any

from govsoc.core.errors import Location, StoreError
from govsoc.core.gcpolicy import relaxed_gc
from govsoc.core.sink import WriteReceipt

__all__ = ["Balance", "WriterProcess", "main"]

_LENGTH = struct.Struct(">I")
#: The child's program (not ``-m``: the store package imports this module before runpy would run it).
_CHILD = "import sys; from govsoc.store.sqlite_writer import main; sys.exit(main())"
#: A whole chunk fits the pipe, so the parent's write never waits for the child's read (which
#: would cost a GIL hand-over per pipe-full while the parser thread runs).
_PIPE_BYTES = 1 << 20


class Balance:
    """Which chunks of large writes the parent builds into rows itself (the child builds the
    others): a share in eighths, moved one eighth at a time toward the process with CPU to
    spare, down to none or up to all. Whichever of the two is busier sets the write's pace (each
    has one core at most: the parent's parser and delivery threads share a GIL), so the busier
    one sheds work to the other.

    A fixed share could not serve: which side leads depends on the machine and on the store's
    size. At half the chunks (the earlier fixed _BUILT_HERE = 2) one machine measured 30 us a
    line in the parent and 28 in the child (session 46), another 56 and 42 (2026-12-06, idle;
    R11bi: 62-73 and 44-52 under load), and the child's part grows with the store (its indexes:
    30 -> 50 us an event over 1,000,000). Where the parent leads even at none built here (the
    machine of 2026-12-06), the share stays at none: the rows a chunk moves cost the child more
    than they cost the parent (R11bi: -4 us a line here, +7 there), so the sum of the two does
    not fall, only the larger of them, which sets the pace.

    The parent's side is its whole process's CPU: other work it does between writes (a daemon's
    jobs) competes with the write for its GIL as the parser does, and moves rows to the child
    too. After a source's last batch the parser is idle and the share climbs a little; the next
    source brings it back within a few writes."""

    #: The share's unit: chunks are built here in runs of this many.
    EIGHTHS = 8
    #: A difference in CPU below this fraction of the lower side moves nothing (noise).
    SLACK = 0.05

    def __init__(self, share: int = EIGHTHS // 2) -> None:
        self.share = share
        #: Chunks asked about so far (here()), counted across writes: writes of one or two
        #: chunks would otherwise each start the pattern again and round small shares to none
        #: (R11bi-4).
        self._asked = 0
        #: (the parent's CPU seconds, the child's) when the share was last weighed.
        self._mark: tuple[float, float] | None = None

    def here(self) -> bool:
        """Whether the next chunk is built here: ``share`` chunks in each EIGHTHS, spread
        evenly (at half, every other chunk from the second)."""
        asked, self._asked = self._asked, self._asked + 1
        return (asked + 1) * self.share // self.EIGHTHS > asked * self.share // self.EIGHTHS

    def weigh(self, child_cpu: float, parent_cpu: float | None = None) -> None:
        """Move the share by one eighth toward the side with CPU to spare, from the two
        processes' CPU since the last call (``parent_cpu``: this process's CPU seconds now)."""
        parent_cpu = time.process_time() if parent_cpu is None else parent_cpu
        if self._mark is not None:
            parent, child = parent_cpu - self._mark[0], child_cpu - self._mark[1]
            if parent > child * (1 + self.SLACK) and self.share > 0:
                self.share -= 1
            elif child > parent * (1 + self.SLACK) and self.share < self.EIGHTHS:
                self.share += 1
        self._mark = (parent_cpu, child_cpu)


class WriterProcess:
    """A running writer child for one store file (see the module docstring)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._process = subprocess.Popen([sys.executable, "-c", _CHILD, str(path)], stdin=subprocess.PIPE,
                                         stdout=subprocess.PIPE)
        assert self._process.stdin is not None and self._process.stdout is not None
        self._out, self._in = self._process.stdin.fileno(), self._process.stdout.fileno()
        _widen(self._out)
        #: Each transaction sent and not answered yet, in order: (its number, its rows); the rows
        #: sent since the last commit; transactions sent so far (numbered from 1); answers read
        #: and not yet claimed by the write they belong to (a write begun after another may be
        #: answered while that one's wait reads: SqliteStore.begin_write).
        self._sent: deque[tuple[int, int]] = deque()
        self._open = 0
        self.transactions = 0
        self._answered: dict[int, WriteReceipt | str] = {}
        #: A pipe to the child failed (it ended, or its answers cannot be trusted any more).
        self._broken = False
        #: Which chunks of a write are built here (weighed at each wait()).
        self.balance = Balance()
        self._finalizer = weakref.finalize(self, _end, self._process)

    @property
    def pid(self) -> int:
        """The child's process id."""
        return self._process.pid

    def alive(self) -> bool:
        """Whether the child still runs."""
        return self._process.poll() is None

    def send(self, rows: list[Any], *, ingested: str, commit: bool = True,
             refused: list[tuple[str, str]] | None = None) -> None:
        """Hand a chunk of events (govsoc.store.sqlite_rows.Unstored) written at ``ingested``
        to the child, or with ``refused`` the rows built here of a chunk (Prepared) and the
        events of it refused; with ``commit``, the child inserts it and the chunks sent since
        the last commit in one transaction (answered by :meth:`wait`)."""
        try:
            _write(self._out, _dumps((rows, ingested, commit, refused)))
        except OSError as e:
            raise self._ended(e) from e
        self._open += len(rows) + len(refused or ())
        if commit:
            self.transactions += 1
            self._sent.append((self.transactions, self._open))
            self._open = 0

    def wait(self, after: int = 0, through: int | None = None) -> WriteReceipt:
        """Wait until the transactions numbered ``after`` + 1 to ``through`` are committed (by
        default every one sent): what they stored. StoreError when the child failed on one of
        them (the others are answered first) or ended. Answers of other transactions read
        meanwhile are kept for their own wait (those of a write that stopped half-way, never
        waited for, stay: a few receipts a failure)."""
        through = self.transactions if through is None else through
        cpu = None
        while self._sent and self._sent[0][0] <= through:
            try:
                said = self._take_answer()
                cpu = said if said is not None else cpu  # 0.0 is a CPU figure too, as before
            except (OSError, EOFError) as e:
                self._sent.clear()
                raise self._ended(e) from e
        if cpu is not None:
            self.balance.weigh(cpu)
        receipt, failure = WriteReceipt(), None
        for number in range(after + 1, through + 1):
            answer = self._answered.pop(number, None)
            if answer is None:  # neither answered nor awaited: the pipe failed at another wait
                raise self._ended(EOFError("its answer was lost with the pipe"))
            if isinstance(answer, str):
                failure = failure or answer
            else:
                receipt += answer
        if failure is not None:
            raise StoreError(failure, location=Location(path=str(self.path)))
        return receipt

    def _take_answer(self) -> float | None:
        """Read the answer to the oldest transaction not answered: kept for its wait; the
        child's CPU seconds, when it says them."""
        # (stored, error, cpu); a child started from govsoc files replaced by an earlier
        # version while this process ran answers without its CPU: nothing is weighed
        stored, error, *used = _read(self._in)
        number, size = self._sent.popleft()
        self._answered[number] = error if error is not None else WriteReceipt(
            created=stored.created, duplicates=size - stored.created - len(stored.rejected), rejected=stored.rejected)
        return float(used[0]) if used else None

    def in_step(self) -> bool:
        """Whether the child runs and holds no chunk of a write that stopped half-way (every
        chunk sent was sent with or before a commit: the child will answer each)."""
        return not self._broken and not self._open and self.alive()

    def _ended(self, cause: BaseException) -> StoreError:
        self._broken = True
        return StoreError(f"the SQLite writer process ended ({_how_ended(self._process)}): {cause}",
                          location=Location(path=str(self.path)))

    def close(self) -> None:
        """Close the child's input and wait for it to finish (it commits what it holds). A
        write begun before and waited for after gets the answer the child gave before it
        ended, else fails: the pipe is never read again (its descriptor may be another
        writer's by then: R11bk-1)."""
        if not self._broken and self._process.stdin is not None:
            # the child's answers to what it committed before its input closed are taken first,
            # so that a write handed over before the close still gets its own (R11bk-5); a child
            # that says nothing for a minute is ended by _end as before
            try:
                self._process.stdin.close()
                deadline = time.monotonic() + 60
                while self._sent and select.select([self._in], [], [], max(0.0, deadline - time.monotonic()))[0]:
                    self._take_answer()
            except (OSError, EOFError, ValueError):
                pass
        self._broken = True
        self._sent.clear()
        self._finalizer()


def _end(process: subprocess.Popen[bytes]) -> None:
    """End a writer child: its input closed, it exits once its chunk in hand is committed. Also
    run when a store is dropped without close() and at exit, so that no child outlives its
    store unwaited-for (Popen warns of a child still running when it is collected)."""
    for stream in (process.stdin, process.stdout):
        try:
            if stream is not None:
                stream.close()
        except OSError:
            pass
    try:
        process.wait(timeout=60)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def _how_ended(process: subprocess.Popen[bytes]) -> str:
    """How a child whose pipe closed ended, in words. Its pipe closes as it exits, a moment
    before its status can be had ("ended (None)" before, R11j-3): wait a little for it."""
    try:
        status = process.wait(timeout=5)
    except subprocess.TimeoutExpired:
        return "still running, its pipe closed"
    if status < 0:
        try:
            return f"killed by {signal.Signals(-status).name}"
        except ValueError:
            return f"killed by signal {-status}"
    return f"exit status {status}"


def _widen(fd: int) -> None:
    """Make a pipe hold a whole chunk (Linux; elsewhere, or above the system's limit, the pipe
    keeps its size and writes simply wait more)."""
    try:
        import fcntl

        fcntl.fcntl(fd, fcntl.F_SETPIPE_SZ, _PIPE_BYTES)
    except (ImportError, AttributeError, OSError):
        pass


def _write(fd: int, payload: bytes) -> None:
    """The payload's length, then the payload, handed to writev as two buffers (POSIX): a chunk's
    pickle is about a megabyte, and joined to its length it was copied into a new buffer of its
    size, allocated (its pages faulted in) and freed again for every chunk (issue 11)."""
    parts: list[bytes | memoryview] = [_LENGTH.pack(len(payload)), memoryview(payload)]
    if _writev is None:  # one buffer where writev is missing (Windows)
        parts = [memoryview(b"".join(parts))]
    while parts:
        done = _writev(fd, parts) if _writev is not None else os.write(fd, parts[0])
        while parts and done >= len(parts[0]):
            done -= len(parts.pop(0))
        if done:  # the pipe took part of a buffer
            parts[0] = parts[0][done:]


_writev = getattr(os, "writev", None)


def _read_exactly(fd: int, size: int) -> bytes:
    parts, left = [], size
    while left:
        part = os.read(fd, min(left, _PIPE_BYTES))
        if not part:
            raise EOFError("the other end closed the pipe")
        parts.append(part)
        left -= len(part)
    return b"".join(parts)


def _read(fd: int) -> Any:
    (size,) = _LENGTH.unpack(_read_exactly(fd, _LENGTH.size))
    return _loads(_read_exactly(fd, size))


#: How a pickle of protocol 2 or later opens (its PROTO opcode). A marshal opens with its outer
#: object's type code (a tuple's, "(" or ")", with or without the 0x80 of a referenced object),
#: never this byte: the two tell themselves apart without a byte of their own. (A child started
#: from files of an earlier version than its parent's, a downgrade while govsoc runs, reads
#: pickles only: it ends at a marshal chunk, which its parent takes as a child that died.)
_PICKLED = b"\x80"


def _dumps(message: Any) -> bytes:
    """A chunk for the child: marshal's form (chunks of plain tuples, dicts, lists, strings and
    numbers: 1.6 us an event to write and 2.0 to read against pickle's 2.3 and 2.5, issue 11), or
    pickle's when marshal cannot hold a value (an object of another class, a subclass: marshal
    takes exact types only). A bytes-like value (bytearray, memoryview, array, a bytes subclass),
    which marshal gives back as bytes, is no value an event can store either way: it is refused
    as not JSON, its reason then saying bytes where the in-process path names its own type (and a
    memoryview, which pickle cannot take at all, is that one event's refusal, not the write's:
    R56a-3)."""
    try:
        payload = marshal.dumps(message, 4)
    except ValueError:
        payload = b""
    if not payload or payload[:1] == _PICKLED:
        return pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    return payload


def _loads(data: bytes) -> Any:
    """A message :func:`_dumps` or pickle.dumps wrote (the child's answers are pickles)."""
    return pickle.loads(data) if data[:1] == _PICKLED else marshal.loads(data)


def main(argv: list[str] | None = None) -> int:
    """The child: hold each chunk read from stdin for the store at argv[0], insert what it
    holds at each commit and answer on stdout, until stdin closes."""
    from govsoc.store.sqlite import SqliteStore

    path = Path((argv if argv is not None else sys.argv[1:])[0])
    answers = os.dup(1)
    os.dup2(2, 1)  # anything printed goes to stderr, never into the answers
    # Opened at the first chunk of a transaction, and again after an open that failed: the
    # failure is that transaction's answer (see the module docstring).
    store: SqliteStore | None = None
    # Each chunk unpickles thousands of dicts, none of which holds a cycle: the cycle collector
    # runs less often (govsoc.core.gcpolicy).
    failure: str | None = None
    stored: WriteReceipt | None = None
    try:
        with relaxed_gc():
            while True:
                try:
                    rows, ingested, commit, refused = _read(0)
                except EOFError:
                    return 0  # what it held uncommitted is dropped: its write never returned
                if failure is None and store is None:
                    try:
                        store = SqliteStore(path, writer_process=False)
                    except StoreError as e:
                        failure = e.message
                if failure is None and store is not None:
                    try:
                        stored = store.insert_unstored(rows, ingested=ingested, commit=commit, refused=refused)
                    except StoreError as e:
                        failure = e.message
                        store.discard_held()
                if commit:
                    used = os.times()
                    answer = (stored, None) if failure is None else (None, failure)
                    _write(answers, pickle.dumps((*answer, used.user + used.system)))
                    failure = None
    finally:
        if store is not None:
            store.close()


if __name__ == "__main__":
    sys.exit(main())
