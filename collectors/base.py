"""The collector interfaces: Source -> RawRecord -> Parser -> Event.

A Source yields raw records that know their origin (file and byte offset, exporter and sequence)
and the position just after them, from which a later run resumes. A Parser turns one record
into zero or more normalised ECS events, or raises ParseError; the ingest pipeline turns that
error into a parse-failure event so that nothing is silently dropped. A parser that keeps state
across records (flow assembly, multi-line records) also offers ``flush()``, which the pipeline
calls at the end of a source and on a time-out.

Event ids are given by the pipeline, not the parser (see :meth:`RawRecord.event_id`): the source
identity, the record's position and a digest of the record's bytes, plus the event's index
within the record when one record yields several events. A parser whose records carry their own
identity (:func:`keeps_own_ids`: Kubernetes audit, CloudTrail, Huawei Cloud CTS) gives its events
ids derived from it (:meth:`RawRecord.own_event_id`), which the pipeline keeps.
"""

from __future__ import annotations

import codecs
import hashlib
import os
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, ClassVar, Protocol, runtime_checkable
from zoneinfo import ZoneInfo

from govsoc.collectors.syslog.charset import UTF8_BOM, Decoded, decode_message
from govsoc.core.event import Event
from govsoc.core.registry import Registry

#: The origin prefix of records read from files; the rest is the absolute path.
FILE_ORIGIN = "file://"


def path_text(path: str) -> str:
    """A file's name as ``log.file.path`` stores it and govsoc shows it: the name itself when it
    is UTF-8 without a backslash (nearly always); else, for a name that is not UTF-8 as a whole
    (a GBK name from a Chinese Windows or Samba share: 日志 is C8D5 D6BE), each byte that is not
    ASCII written ``\\xNN``, and in any name each backslash written ``\\\\``. Two names never
    share a text, and the text gives the name's bytes back (review 14c finding 4: with U+FFFD for
    each undecodable byte, 数据.pcap and 网络.pcap in GBK were both ``����.pcap``), so
    ``govsoc events -w 'log.file.path=/srv/\\xc8\\xd5\\xd6\\xbe.pcap'`` selects one. Ids
    hash the name's own bytes (core.event.make_id), not this text."""
    if path.isascii() and "\\" not in path:
        return path
    try:
        raw = os.fsencode(path)  # undoes os.fsdecode's surrogateescape
    except UnicodeEncodeError:  # a lone surrogate no file system gave
        raw = path.encode("utf-8", "surrogatepass")
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return "".join("\\\\" if byte == 0x5C else chr(byte) if byte < 0x80 else f"\\x{byte:02x}" for byte in raw)
    return path.replace("\\", "\\\\")


#: The empty hashes RawRecord.event_id copies.
_SHA1, _SHA256 = hashlib.sha1(), hashlib.sha256()


def record_digest(data: bytes) -> str:
    """The part of an event id that tells records at a reused position apart: sha1, 16 hex."""
    return hashlib.sha1(data).hexdigest()[:16]


#: Origin -> its :attr:`RawRecord.file_path_text` (a few files, many records).
_PATH_TEXTS: dict[str, str | None] = {}


@dataclass(frozen=True, slots=True, kw_only=True)
class RawRecord:
    """One record as read: its bytes, where they came from and where the next record starts.

    ``identity`` is the source identity (for a file, its content fingerprint: stable across
    rename, rotation and compression); ``offset`` is the record's position within it and
    ``end`` the position a resumed read starts from. ``flags`` says what the reader did to the
    record (``truncated`` over the size limit, ``partial`` an unterminated last line).

    ``charset`` is the source's charset setting (collectors.syslog.charset): "auto" here; a file
    source set to another reads its lines as :data:`RECORD_TYPES` says (a subclass, not a field:
    a field cost the auto path some 115 ns a record, its construction and a test in text()).
    """

    charset: ClassVar[str] = "auto"

    data: bytes
    origin: str
    offset: int
    line: int | None = None
    received: datetime | None = None
    identity: str | None = None
    end: int | None = None
    flags: tuple[str, ...] = ()

    @property
    def file_path(self) -> str | None:
        """The file the record was read from, when its origin is a file (``file://<path>``)."""
        return self.origin[len(FILE_ORIGIN):] if self.origin.startswith(FILE_ORIGIN) else None

    @property
    def file_path_text(self) -> str | None:
        """:attr:`file_path` as ``log.file.path`` stores it (:func:`path_text`), remembered per
        origin: every record of a file asks for it (a third of a microsecond each time)."""
        try:
            return _PATH_TEXTS[self.origin]
        except KeyError:
            pass
        path = self.file_path
        found = None if path is None else path_text(path)
        if len(_PATH_TEXTS) >= 1024:
            _PATH_TEXTS.clear()
        _PATH_TEXTS[self.origin] = found
        return found

    def text(self) -> str:
        """The record decoded: UTF-8, else GB18030 (a superset of GBK), decided per record,
        since Chinese network devices often log in GBK. This is decode_message's "auto", spelt
        out: it runs for every record. A UTF-8 BOM opening the record is no text and is dropped
        (collectors.syslog.charset: a line of a "UTF-8 with BOM" file, or after ``cat`` of two)."""
        data = self.data
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            if data.startswith(UTF8_BOM):  # the rest, not the BOM's last byte with the next one as GB18030
                return decode_message(data).text
            return data.decode("gb18030", errors="replace")
        return text[1:] if text.startswith("\ufeff") else text

    def decoded(self) -> Decoded:
        """The record's text, the codec that gave it and whether bytes were replaced, as the
        source's ``charset`` setting decides (collectors.syslog.charset.decode_message)."""
        return decode_message(self.data, self.charset)

    def provisional_id(self) -> str:
        """An id for a parser's event that is unique per record (origin and offset) and costs no
        hashing: the ingest pipeline replaces it with :meth:`event_id` (Pipeline._finish), the
        only place events leave a parser, so hashing in the parser too would be thrown away
        (over a microsecond a line)."""
        return f"{self.origin}#{self.offset}"

    def event_id(self, index: int = 0) -> str:
        """The id of the ``index``-th event of this record: identity, offset, record digest
        (and the index from the second event on, and "partial" for an unterminated last line)."""
        key = self.identity if self.identity is not None else self.origin
        # make_id(key, offset, record_digest(data)[, index]), spelt out: this runs for every
        # event of every source (a test holds the two equal).
        # Copies of empty hash objects, not hashlib.sha1()/sha256(): a constructor fetches the
        # algorithm from OpenSSL's provider store at each call (OpenSSL 3), a copy does not
        # (P11b 2: 2-3 us a line of the ingest process, bench.ingest's sshd lines).
        digest = _SHA1.copy()
        digest.update(self.data)
        text = f"{key}\x1f{self.offset}\x1f{digest.hexdigest()[:16]}"
        if index:
            text = f"{text}\x1f{index}"
        if "partial" in self.flags:
            # The partial copy of an unterminated last line is not the completed line, even when
            # the newline alone completes it (same bytes before it): with the same id the store
            # kept the flagged copy as the completed one's duplicate (V12 F10).
            text = f"{text}\x1fpartial"
        digest = _SHA256.copy()
        digest.update(text.encode("utf-8"))
        return digest.hexdigest()[:32]

    def own_event_id(self, dataset: str, own: tuple[object, ...], index: int = 0) -> str:
        """The id of the ``index``-th event of this record, a record of ``dataset`` that carries
        its own identity ``own`` (a Kubernetes audit event's auditID, stage and facts, a CloudTrail
        eventID): derived from the dataset and that identity alone, so the same record read from
        any path, copy or source is one event and stored once (R49a-1). :meth:`event_id` when a
        part of ``own`` is not a non-empty string (a producer that left it out), and for an
        unterminated last line: its partial copy must not take the completed line's id (V12 F10),
        which then replaces it (collectors.files.tracker)."""
        if "partial" in self.flags or not all(isinstance(part, str) and part for part in own):
            return self.event_id(index)
        # "own" keeps these texts apart from event_id's (a key, an offset, a digest); each part is
        # written with its length, as a JSON value may hold \x1f (escaped): ("a\x1fb", "c") and
        # ("a", "b\x1fc") stay two ids.
        text = "".join((f"own\x1f{dataset}", *(f"\x1f{len(part)}:{part}" for part in own if isinstance(part, str))))
        digest = _SHA256.copy()
        digest.update(text.encode("utf-8", "surrogatepass"))
        return digest.hexdigest()[:32]


class Utf8Record(RawRecord):
    """A record of a source set to ``charset: utf-8``: read as "auto" is (UTF-8, else GB18030),
    and its events say the codec used (``govsoc.charset``)."""

    __slots__ = ()
    charset: ClassVar[str] = "utf-8"


class GbkRecord(RawRecord):
    """A record of a source set to ``charset: gbk``: GB18030 first, then UTF-8 (a UTF-8 BOM in
    the line keeps it UTF-8). A short GBK line is often valid UTF-8 too (魏巍 is CE BA CE A1,
    "κΡ" in UTF-8), so only the setting reads such a line right (R11v-2)."""

    __slots__ = ()
    charset: ClassVar[str] = "gbk"

    def text(self) -> str:
        """The record decoded GB18030 first (see the class docstring); ASCII alone is the same
        text in either codec, without decode_message's cost (1.5 us a line: findings F11p)."""
        data = self.data
        if data.isascii():
            return data.decode("ascii")
        return decode_message(data, "gbk").text


#: A source's charset setting -> the record type its lines are read as.
RECORD_TYPES: dict[str, type[RawRecord]] = {"auto": RawRecord, "utf-8": Utf8Record, "gbk": GbkRecord}
#: Formats whose records are JSON texts, UTF-8 by definition (RFC 8259 section 8.1): a charset set
#: for a whole log folder does not apply to them (R11af-2: a Suricata eve line's 登录失败 under
#: ``--charset gbk`` was stored as 鐧诲綍澶辫触).
JSON_FORMATS: frozenset[str] = frozenset({"alibaba.actiontrail", "aws.cloudtrail", "huaweicloud.cts",
                                          "kubernetes.audit", "suricata.eve", "windows.winlogbeat"})


def content_charset(charset: str, head: bytes) -> str:
    """The charset a file whose content begins with ``head`` is read in under the setting
    ``charset``: a UTF-8 BOM at offset 0 makes a ``gbk`` source's file ``utf-8`` whole (R11af-1: only
    its first line, the one holding the BOM, was read as UTF-8: 5 of 8 lines right); ``auto`` and
    ``utf-8`` read UTF-8 first already. ``head`` is the content's first bytes as the look at the
    file read them (collectors.files.identity.look; a gzip copy's decompressed ones), so a read
    resumed from a checkpoint mid-file, a checkpoint an older version wrote and a rotated or
    compressed copy all know it without a field in the checkpoint or a read of their own.

    The UTF-8 BOM (UTF8_BOM) at content offset 0 (Notepad's and PowerShell's "UTF-8 with BOM") says
    the whole file is UTF-8: Unicode 15 section 23.8, RFC 3629 section 6. Read as GBK it is 锘 and a
    stray byte, the known mojibake of a BOM, never a log line's start. The BOM speaks for the file
    only when the head after it is UTF-8 (a last character cut by the head's end aside): a file made
    "UTF-8 with BOM" and then written in GBK (PowerShell 5.1's Out-File, then cmd's ``echo >>``) is
    read line by line as gbk reads it (R11ag-1: 238 of 5,801 GBK names whose bytes are valid UTF-8
    too, 魏巍 as κΡ, were stored wrong)."""
    if charset != "gbk" or not head.startswith(UTF8_BOM):
        return charset
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head[len(UTF8_BOM):], final=False)
    except UnicodeDecodeError:
        return charset
    return "utf-8"


def charset_for(charset: str, parser_id: str, head: bytes = b"") -> str:
    """The charset a file read by ``parser_id`` whose content begins with ``head`` is decoded
    with under the setting ``charset`` (JSON formats: auto; see :func:`content_charset`)."""
    return "auto" if parser_id in JSON_FORMATS else content_charset(charset, head)


@dataclass(frozen=True, slots=True, kw_only=True)
class ParseContext:
    """What a parser needs to know beyond the record: the time zone of zone-less timestamps,
    a reference time for timestamps without a year (the file's modification time), when the
    user knows it, the year those timestamps are in, and ``host``: the machine the records were
    written on when they do not say (`govsoc ingest --host`: a web server's access log names
    its clients, not itself), set as ``host.name`` on events that have none."""

    timezone: ZoneInfo
    reference: datetime
    year: int | None = None
    host: str | None = None


class Source(Protocol):
    """Where records come from: a file, a listening socket, a capture."""

    def records(self) -> Iterator[RawRecord]:
        """Every record, in order."""
        ...


class Parser(Protocol):
    """Turns records of one format into ECS events."""

    dataset: str

    def parse(self, record: RawRecord, context: ParseContext) -> Iterator[Event]:
        """The events in ``record``; raises ParseError when it does not understand it."""
        ...


def keeps_own_ids(parser: object) -> bool:
    """Whether ``parser``'s events carry their final ids: a parser of records that carry their own
    identity gives each event :meth:`RawRecord.own_event_id` (or :meth:`RawRecord.event_id` where
    the record lacks one) and says so with a class attribute ``own_ids = True``; the pipeline then
    keeps those ids instead of giving positional ones."""
    return getattr(parser, "own_ids", False) is True


@runtime_checkable
class FlushingParser(Protocol):
    """A parser that holds events across records (flows, multi-line records)."""

    def flush(self, context: ParseContext) -> Iterator[Event]:
        """The events still held: called at the end of a source and on a time-out."""
        ...


@runtime_checkable
class RecordFileParser(Protocol):
    """A parser of a file format that is not lines (EVTX): it brings the Source that reads such
    a file into records. The records' ids do not depend on the file, so a re-read stores nothing
    twice; when the source is also a ResumableSource, the pipeline keeps a checkpoint and reads
    only what is new."""

    def file_source(self, path: Path) -> Source:
        """The records of the file at ``path``."""
        ...


@runtime_checkable
class ResumableSource(Protocol):
    """A record file source that can skip what an earlier read took: its records come in
    increasing ``offset`` order, ``state()`` changes whenever the file does, and after
    ``resume(offset, digest)`` it yields only records after ``offset`` (reading from the start
    when the record at ``offset`` no longer has ``digest``: not the same file any more)."""

    def state(self) -> str:
        """A digest of the file's state: equal means nothing was added."""
        ...

    def resume(self, after: int, digest: str | None) -> None:
        """Yield only records after position ``after``, whose record had ``digest``."""
        ...

    def records(self) -> Iterator[RawRecord]:
        """Every record (after the resume position), in increasing offset order."""
        ...


class LiveSource(Protocol):
    """A source that runs until stopped (a live capture): when nothing has come for a while it
    yields None, a tick that lets the pipeline deliver what it holds (``flush_seconds``)."""

    def records(self) -> Iterator[RawRecord | None]:
        """Every record, in order, with None between them while nothing comes."""
        ...


@runtime_checkable
class GrowingSource(Protocol):
    """A resumable record file that may grow after it was read (a capture still being written),
    whose last records are only provisional: the flows still open at its end, flushed there,
    and the problems listed after them. A final record never changes; a provisional one may be
    replaced by a different record at the same position when the file has grown.

    The pipeline hands over what the last read kept (``recognise``) and resumes at the last
    final record (``resume(final, None)``); the ids of the provisional events it stored are kept
    in the checkpoint, and those that a later read does not produce again are deleted from the
    store once that read is in (the rule for an unterminated last line, issue 11)."""

    def recognise(self, kept: dict[str, Any] | None) -> bool:
        """Whether the file is the one ``kept`` describes, unchanged or grown (then its events
        keep their identity); False for a new file at the same path (read from its start)."""
        ...

    def kept(self) -> dict[str, Any]:
        """What to keep in the checkpoint after a read to the end (for ``recognise``)."""
        ...

    def resume(self, after: int, digest: str | None) -> None:
        """Yield only records after position ``after`` (as ResumableSource)."""
        ...

    def final_until(self) -> int:
        """The offset of the last final record yielded so far."""
        ...

    def provisional(self, event_id: str) -> bool:
        """Whether ``event_id`` is an event of a provisional record of this read."""
        ...


#: File suffix -> the parser a file with it needs when none is named (--parser, configuration).
SUFFIX_PARSERS: dict[str, str] = {".evtx": "windows.evtx"}


def default_parser(path: Path, fallback: str = "linux.auth") -> str:
    """The parser for ``path`` when none is named: by its suffix, magic bytes or first lines
    (collectors.detect), else ``fallback``."""
    from govsoc.collectors.detect import detect_parser  # it imports the parsers, which import this module

    return detect_parser(path, fallback)


#: Parser id -> parser class.
parsers: Registry[type[Parser]] = Registry("parser", "govsoc.collectors")
