"""What an ingest run did, per source: the numbers behind its closing line and `govsoc status`."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from govsoc.core.sink import WriteReceipt


def garbled_groups(count: int) -> str:
    """How a count of groups of non-text lines (collectors.files.binary) is said: by the ingest
    line and `govsoc status` alike (R11j-2: "15 runs" in one, "15 logged lines" in the other)."""
    return (f"{count} group{'s' if count != 1 else ''} of non-text lines kept as garbled pipeline_error events, "
            "read on after each")


def crash_padding(runs: int, torn: int, nul_bytes: int) -> str:
    """How NUL padding skipped is said, by the ingest line and `govsoc status` alike: as runs and
    torn lines (R11n-4: "N NUL padding bytes skipped" asserted a crash where a field's runs were
    taken for one; the torn lines are the ones to look at, flagged ``torn``)."""
    return (f"{runs} NUL run{'s' if runs != 1 else ''} taken as crash padding (torn lines: {torn}; "
            f"{nul_bytes} bytes skipped)")


@dataclass(frozen=True, slots=True)
class Delivery:
    """Where one batch went: into the store (the receipt), the spool, or dropped."""

    receipt: WriteReceipt = WriteReceipt()
    spooled: int = 0
    dropped: int = 0
    #: The ids of the events spooled or dropped (the batch's events not in the receipt).
    held: tuple[str, ...] = ()


@dataclass(slots=True)
class IngestSummary:
    """The outcome of reading one source once."""

    source: str
    records: int = 0
    events: int = 0
    parse_failures: int = 0
    receipt: WriteReceipt = field(default_factory=WriteReceipt)
    spooled: int = 0
    dropped: int = 0
    truncated: int = 0
    nul_bytes_skipped: int = 0
    nul_runs: int = 0
    torn_lines: int = 0
    #: Bytes of an unterminated last line left for a later run (follow mode), or of a group of
    #: non-text lines the file's end cuts (``waiting_garbled``, R11j-12).
    waiting: int = 0
    waiting_garbled: bool = False
    #: A stored unterminated last line (one-shot), and completed ones whose partial copy went.
    partial: int = 0
    replaced_partial: int = 0
    unchanged: bool = False
    #: Records of a binary format (EVTX) the reader could not decode (a damaged chunk).
    unreadable: int = 0
    #: What the source read but could not put in any event, in its own words (a capture's IP
    #: fragments of datagrams never reassembled), or None.
    note: str | None = None
    binary: str | None = None
    #: Groups of non-text lines in a text file, each kept as one pipeline_error event.
    garbled: int = 0
    #: Why the source could not be read at all, or not to its end (kept for a later run).
    error: str | None = None
    read_error: str | None = None
    #: Damage after the content, which was read to its end (a gzip trailer's CRC wrong): said, done.
    damage: str | None = None
    identity: str | None = None
    offset: int = 0
    #: What ``offset`` counts: bytes of a line file, or the record id of a record file (EVTX).
    unit: str = "byte"
    rejects_path: Path | None = None
    first_failures: list[str] = field(default_factory=list)
    #: The first events the store refused, as "file:line: reason".
    first_rejects: list[str] = field(default_factory=list)

    @property
    def rejected(self) -> int:
        """Events the store refused (written to the rejects file)."""
        return len(self.receipt.rejected)

    def line(self) -> str:
        """The source's line: records, what became of them, and where the rejects went."""
        if self.error:
            return f"{self.source}: not read: {self.error}"
        if self.binary:
            return f"{self.source}: not read: {self.binary} (choose a parser for its format with --parser)"
        if self.unchanged and self.identity is None:  # empty, or a copy of a log (its note: R11o-3)
            return f"{self.source}: {self.note or 'empty, nothing to read'}"
        if self.unchanged:
            return f"{self.source}: unchanged since the last run (checkpoint at {self.unit} {self.offset})"
        where = f" -> {self.rejects_path}" if self.rejects_path else ""
        spooled = f", {self.spooled} spooled until the store answers" if self.spooled else ""
        # accepted counts the spooled events too, as the run's closing line does (the spool
        # drains them into the store): the two lines said different numbers (R49a-7)
        parts = [f"{self.source}: {self.records} records, {self.receipt.accepted + self.spooled} accepted "
                 f"({self.receipt.created} new, {self.receipt.duplicates} already stored{spooled}), "
                 f"{self.parse_failures} unparsed kept as pipeline_error events, {self.rejected} rejected{where}"]
        notes = [(self.unreadable, "records unreadable (damaged), skipped"),
                 (self.dropped, "dropped (spool full)"), (self.truncated, "over the record size limit, truncated"),
                 (self.nul_runs,
                  crash_padding(self.nul_runs, self.torn_lines, self.nul_bytes_skipped)[len(str(self.nul_runs)) + 1:]),
                 (self.garbled, garbled_groups(self.garbled)[len(str(self.garbled)) + 1:]),
                 (self.partial, "unterminated last line stored, flagged partial"),
                 (self.replaced_partial, "completed line replaced its partial copy"),
                 (self.waiting, "bytes of non-text lines left for later (waiting for the next text line)"
                  if self.waiting_garbled else "bytes of an unterminated last line left for later")]
        parts += [f"{count} {what}" for count, what in notes if count]
        if self.note:
            parts.append(self.note)
        if self.damage:
            parts.append(self.damage)
        if self.read_error:
            parts.append(f"stopped early, the rest is left for a later run: {self.read_error}")
        return "; ".join(parts)
