"""A source's checkpoint as govsoc keeps it: what it holds (Checkpoint, Partial), its JSON file's
content, and reading one back, a damaged one said as such (collectors.checkpoints keeps the
files). Stage: collectors (source state).
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from govsoc.core.errors import GovsocError, Location

__all__ = ["COUNTERS", "RECORD_FILE", "Checkpoint", "DamagedCheckpoint", "Partial", "checkpoint_bytes",
           "read_checkpoint"]

#: The fingerprint of record-file checkpoints (EVTX): they are found by path, never by content.
RECORD_FILE = "record-file"

#: Counters kept per source, shown by `govsoc status`.
COUNTERS = ("records", "events", "created", "duplicates", "rejected", "dropped", "spooled",
            "parse_failures", "truncated", "nul_bytes_skipped", "nul_runs", "torn_lines", "binary", "garbled")


@dataclass(frozen=True, slots=True, kw_only=True)
class Partial:
    """An unterminated last line that a one-shot run stored (flagged): its position, the digest
    of its bytes and the ids of its events, deleted once the completed line is stored."""

    offset: int
    end: int
    digest: str
    ids: tuple[str, ...]
    #: The copy is the cut last logged line of a run of garbage (collectors.files.lines): one
    #: pipeline_error event, counted in ``garbled`` and ``parse_failures``, taken back when replaced.
    garbled: bool = False
    #: The copy is a line its parser did not understand (one pipeline_error event, counted in
    #: ``parse_failures``, taken back when replaced: the completed line is counted again).
    failed: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class Checkpoint:
    """How far one source has been read and acknowledged."""

    identity: str
    fingerprint: str
    fingerprint_bytes: int
    path: str
    offset: int = 0
    line: int = 0
    #: NUL padding after ``offset`` already read and counted (a crash's, at the end of the file):
    #: the next read starts after it (collectors.files.lines); ``tail`` is still that of ``offset``.
    padding: int = 0
    tail: str | None = None
    #: Binary content found in the file (what it is) at ``binary_at``, the start of the line it
    #: begins in: the read stopped there (R11 F6). The file is judged again from there when it
    #: grows, or when ``binary_rule`` is older than collectors.files.binary.BINARY_RULE (R11i-5).
    binary: str | None = None
    binary_at: int = 0
    binary_rule: int = 0
    size: int | None = None
    device: int = 0
    inode: int = 0
    #: The device and inode of the file when it was last read under its log's own name, not a
    #: rotated one (the log itself, before a rotation moved it away; 0: never): a new inode at that
    #: name is a new log, not this file (checkpoint_file.still_elsewhere; R11u-2).
    lived_device: int = 0
    lived_inode: int = 0
    parser: str = ""
    updated: str = ""
    partial: Partial | None = None
    #: Partial lines written ahead (R11i-1): saved before the batch that holds one goes to the
    #: store or the spool, so that a kill -9 after the store took it and before ``partial`` says
    #: so still leaves its ids known. The line is read again from ``offset``; once the read passes
    #: a note's position, the note's ids not stored again are superseded like ``partial``'s (when
    #: the crash came before the store took the batch, their deletion deletes nothing).
    pending: tuple[Partial, ...] = ()
    #: Where the last batch handed to a store that keeps ids apart per index (Elasticsearch's
    #: weeks) ends, saved before it goes (R11v-1): up to there, a run after a kill -9 between the
    #: store's commit and the checkpoint asks the store which ids it has, wherever they are.
    sent: int = 0
    #: Event ids of completed partial lines whose deletion the store has not yet acknowledged.
    superseded: tuple[str, ...] = ()
    #: (What their completed lines gave is in ``kept``: collectors.files.replaced.)
    counters: dict[str, int] = field(default_factory=dict)
    #: For a record file (EVTX; fingerprint RECORD_FILE): the file's state when it was last read
    #: to its end (equal now: unchanged). Its offset is the last record's position, ``tail``
    #: that record's digest.
    state: str | None = None
    #: For a growing record file (a capture; collectors.base.GrowingSource): what its source
    #: keeps to recognise it grown, the offset of its last final record, and the ids of the
    #: provisional events stored after it (replaced when the file grows). For a line file, ``kept``
    #: holds the read's earlier positions (collectors.files.read_past): a dict older versions keep as it is.
    kept: dict[str, Any] | None = None
    final: int = 0
    provisional: tuple[str, ...] = ()

    @property
    def record_file(self) -> bool:
        """Whether this is the checkpoint of a record file (EVTX), not of a line file."""
        return self.fingerprint == RECORD_FILE

    @property
    def read_to(self) -> int:
        """Where the content read ends: after a stored partial line, else after the padding."""
        return self.partial.end if self.partial is not None else self.offset + self.padding

    def counted(self, **more: int) -> Checkpoint:
        """A copy with counters increased."""
        merged = dict(self.counters)
        for name, value in more.items():
            if value:
                merged[name] = merged.get(name, 0) + value
        return replace(self, counters=merged)

    def to_json(self) -> dict[str, Any]:
        """The checkpoint as stored."""
        data = asdict(self)
        data["pending"] = [asdict(note) for note in self.pending]
        data["superseded"] = list(self.superseded)
        data["provisional"] = list(self.provisional)
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Checkpoint:
        """The checkpoint from its stored form."""
        data = dict(data)
        partial = data.pop("partial", None)
        data["pending"] = tuple(_partial(note) for note in data.get("pending", ()))
        data["superseded"] = tuple(data.get("superseded", ()))
        data["provisional"] = tuple(data.get("provisional", ()))
        # no counters: none counted yet (a null failed every later read of the file, R57a-5)
        if data.get("counters") is None:
            data["counters"] = {}
        return cls(partial=_partial(partial) if partial else None, **data)


def _partial(data: dict[str, Any]) -> Partial:
    """A Partial from its stored form."""
    return Partial(offset=data["offset"], end=data["end"], digest=data["digest"], ids=tuple(data["ids"]),
                   garbled=bool(data.get("garbled", False)), failed=bool(data.get("failed", False)))


def checkpoint_bytes(checkpoint: Checkpoint) -> bytes:
    """A checkpoint file's content: its JSON, UTF-8."""
    try:
        return json.dumps(checkpoint.to_json(), ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:  # a file name that is not UTF-8 (surrogateescape): JSON's \u escapes
        return json.dumps(checkpoint.to_json()).encode("ascii")


class DamagedCheckpoint(GovsocError):
    """A checkpoint file whose content is not a checkpoint (``why`` says what is wrong)."""

    def __init__(self, path: Path, why: str) -> None:
        super().__init__(f"damaged checkpoint: {why}", location=Location(path=str(path)))
        self.why = why


def read_checkpoint(path: Path) -> Checkpoint | None:
    """The checkpoint stored at ``path``, None when there is none; GovsocError when it cannot be
    read, DamagedCheckpoint when what is there is not a checkpoint."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as e:
        raise GovsocError(f"unreadable checkpoint: {e.strerror}", location=Location(path=str(path))) from e
    try:
        parsed = json.loads(data.decode("utf-8"))
        if not isinstance(parsed, dict):
            raise TypeError(f"a JSON {type(parsed).__name__}, not an object")
        checkpoint = Checkpoint.from_json(parsed)
        _check_kinds(checkpoint)
        return checkpoint
    except (ValueError, TypeError, KeyError, AttributeError) as e:  # ValueError: bad UTF-8 too
        raise DamagedCheckpoint(path, f"{type(e).__name__}: {e}") from e


def _check_kinds(checkpoint: Checkpoint) -> None:
    """TypeError when a field holds a value of another kind than its declared one (a number where
    text is due, ...): such a checkpoint would fail later, far from its file."""
    for item in fields(checkpoint):
        value = getattr(checkpoint, item.name)
        kind = str(item.type)
        if value is None or item.name in ("partial", "pending", "superseded", "provisional", "counters"):
            continue
        if kind.startswith("int") and (not isinstance(value, int) or isinstance(value, bool)):
            raise TypeError(f"{item.name}: {value!r} is not a whole number")
        if kind.startswith("str") and not isinstance(value, str):
            raise TypeError(f"{item.name}: {value!r} is not text")
        if kind.startswith("dict") and not isinstance(value, dict):  # kept: each reader takes it as one (R53d-4)
            raise TypeError(f"{item.name}: {value!r} is not an object")
