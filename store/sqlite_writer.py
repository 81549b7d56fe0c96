"""The SQLite store's writer process: rows go into the file on the other core.

Stage: store (issue 11, ingest speed). Everything a write does to an event holds the GIL or
the connection: coercing its values, building its row (the JSON of the remaining fields, the
deflated document), SQLite's B-tree and index updates. A thread cannot share that work with the
parser, so a large write is split between two processes: the caller coerces the events
(govsoc.store.sqlite_rows.coerce_event), a chunk at a time, and hands each chunk to a child
process (:func:`main`, started with the store's path) that owns a second connection to the same
file and splits, deflates and inserts it (split_row, then the store's insert). While the child
inserts one chunk the caller coerces the next, and while it inserts the last chunk of a batch
the ingest pipeline parses the next batch. The split point puts the work that grows with the
store (index updates) on the child's side, where it overlaps the parser's.

The write stays synchronous: :meth:`WriterProcess.wait` returns only when the child has
committed every chunk it was sent, so a checkpoint that follows it never runs ahead of the
store. Each chunk is one transaction; a chunk is idempotent (ids are unique), so a chunk the
child committed before its parent died is kept once when the parent's successor sends it
again. The child ends when its input closes (its parent closed the store, exited or was
killed), after committing the chunk in hand.

Protocol, over the child's stdin and a private copy of its stdout: each message is a 4-byte
big-endian length and a pickle. Parent -> child: a list of coerced events
(govsoc.store.sqlite_rows.Coerced). Child -> parent, one per chunk: ``(WriteReceipt, None)``
or ``(None, "the error")``. Both ends are the same interpreter and trust each other.
"""

from __future__ import annotations

import os
import pickle
import struct
import subprocess
import sys
import weakref
from pathlib import Path
from typing import Any

from govsoc.core.errors import Location, StoreError
from govsoc.core.sink import WriteReceipt

__all__ = ["WriterProcess", "main"]

_LENGTH = struct.Struct(">I")
#: The child's program (not ``-m``: the store package imports this module before runpy would run it).
_CHILD = "import sys; from govsoc.store.sqlite_writer import main; sys.exit(main())"
#: A whole chunk fits the pipe, so the parent's write never waits for the child's read (which
#: would cost a GIL hand-over per pipe-full while the parser thread runs).
_PIPE_BYTES = 1 << 20


class WriterProcess:
    """A running writer child for one store file (see the module docstring)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._process = subprocess.Popen([sys.executable, "-c", _CHILD, str(path)], stdin=subprocess.PIPE,
                                         stdout=subprocess.PIPE)
        assert self._process.stdin is not None and self._process.stdout is not None
        self._out, self._in = self._process.stdin.fileno(), self._process.stdout.fileno()
        _widen(self._out)
        #: Sizes of the chunks sent and not answered yet, in order.
        self._sent: list[int] = []
        self._finalizer = weakref.finalize(self, _end, self._process)

    @property
    def pid(self) -> int:
        """The child's process id."""
        return self._process.pid

    def alive(self) -> bool:
        """Whether the child still runs."""
        return self._process.poll() is None

    def send(self, rows: list[Any]) -> None:
        """Hand a chunk of coerced events to the child (answered by :meth:`wait`)."""
        try:
            _write(self._out, pickle.dumps(rows, protocol=pickle.HIGHEST_PROTOCOL))
        except OSError as e:
            raise self._ended(e) from e
        self._sent.append(len(rows))

    def wait(self) -> WriteReceipt:
        """Wait until every chunk sent is committed: what they stored. StoreError when the
        child failed on one (the others are answered first) or ended."""
        receipt, failure = WriteReceipt(), None
        while self._sent:
            size = self._sent[0]
            try:
                stored, error = _read(self._in)
            except (OSError, EOFError) as e:
                self._sent.clear()
                raise self._ended(e) from e
            self._sent.pop(0)
            if error is not None:
                failure = failure or error
            else:
                receipt += WriteReceipt(created=stored.created, duplicates=size - stored.created - len(stored.rejected),
                                        rejected=stored.rejected)
        if failure is not None:
            raise StoreError(f"write failed: {failure}", location=Location(path=str(self.path)))
        return receipt

    def _ended(self, cause: BaseException) -> StoreError:
        return StoreError(f"the SQLite writer process ended ({self._process.poll()}): {cause}",
                          location=Location(path=str(self.path)))

    def close(self) -> None:
        """Close the child's input and wait for it to finish (it commits what it holds)."""
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


def _widen(fd: int) -> None:
    """Make a pipe hold a whole chunk (Linux; elsewhere, or above the system's limit, the pipe
    keeps its size and writes simply wait more)."""
    try:
        import fcntl

        fcntl.fcntl(fd, fcntl.F_SETPIPE_SZ, _PIPE_BYTES)
    except (ImportError, AttributeError, OSError):
        pass


def _write(fd: int, payload: bytes) -> None:
    data = memoryview(_LENGTH.pack(len(payload)) + payload)
    while data:
        data = data[os.write(fd, data):]


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
    return pickle.loads(_read_exactly(fd, size))


def main(argv: list[str] | None = None) -> int:
    """The child: insert each chunk read from stdin into the store at argv[0], answer on
    stdout, until stdin closes."""
    from govsoc.store.sqlite import SqliteStore

    path = Path((argv if argv is not None else sys.argv[1:])[0])
    answers = os.dup(1)
    os.dup2(2, 1)  # anything printed goes to stderr, never into the answers
    store = SqliteStore(path, writer_process=False)
    try:
        while True:
            try:
                rows = _read(0)
            except EOFError:
                return 0
            try:
                answer: tuple[WriteReceipt | None, str | None] = (store.insert_coerced(rows), None)
            except StoreError as e:
                answer = (None, e.message)
            _write(answers, pickle.dumps(answer))
    finally:
        store.close()


if __name__ == "__main__":
    sys.exit(main())
