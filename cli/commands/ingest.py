"""`govsoc ingest`: read log files (FILE, DIR or GLOB) into the store, once or following them."""

from __future__ import annotations

import fnmatch
import threading
import time
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import click

from govsoc.cli.context import AppContext
from govsoc.cli.main import cli
from govsoc.cli.progress import progress
from govsoc.cli.stop_signals import STOP_SIGNALS, stopping_on_signals
from govsoc.cli.terminal import printable
from govsoc.collectors import IngestOptions, IngestSummary, Pipeline, parsers, path_text
from govsoc.collectors.files.discover import configured_folder, expand, folder_link, named_paths
from govsoc.collectors.follow import Follower, read_path
from govsoc.collectors.syslog.charset import CHARSETS
from govsoc.core.config import Config
from govsoc.core.enrichment import Enricher
from govsoc.core.errors import ConfigError, ParseError
from govsoc.core.event import Event
from govsoc.core.sink import WriteReceipt, begin_write

if TYPE_CHECKING:
    from rich.progress import Progress, TaskID


def options_for(config: Config, path: Path, *, parser: str | None, timezone: str | None, year: int | None,
                max_record_bytes: int | None, host: str | None = None, symlinks: bool = False,
                charset: str | None = None) -> IngestOptions:
    """How to read ``path``: command-line options, else the first configured source whose globs
    match it, else the collector defaults (the parser: the one the file was first read with, or
    detected from its suffix, magic bytes or first lines when it is new)."""
    collectors = config.collectors
    source = next((s for s in collectors.sources if any(fnmatch.fnmatch(str(path), p) for p in s.paths)), None)
    return IngestOptions(
        # None: a known file keeps its parser; a new one is detected when it is first read
        parser=parser or (source.parser if source else None),
        timezone=timezone or (source.timezone if source and source.timezone else collectors.timezone),
        year=year or (source.year if source and source.year else collectors.year),
        max_record_bytes=max_record_bytes or collectors.max_record_bytes,
        host=host or (source.host if source else None),
        symlinks=symlinks or collectors.symlinks,
        charset=charset or (source.charset if source else "auto"))


def make_pipeline(app: AppContext, notice: Callable[[str], None] | None = None, *,
                  data_dir: Path | None = None) -> Pipeline:
    """The pipeline into the configured store, with checkpoints and spool in the data folder
    (or in ``data_dir``: a pipeline run beside another one in the same process needs its own)."""
    config = app.config
    enrichers: list[Enricher] = []
    if config.classification.tag_events or config.classification.mask_sources:
        from govsoc.classification.tagging import ClassificationTagger

        enrichers.append(ClassificationTagger(mask_sources=config.classification.mask_sources))
    # never read as logs (R58a-5): the data folder, the SQLite store's files wherever configured, this configuration
    store = config.sqlite_path
    own = [config.data_dir, *(store.with_name(store.name + end) for end in ("", "-wal", "-shm", "-journal"))]
    return Pipeline(_StoreOnUse(app), data_dir=data_dir or config.data_dir, inventory=app.inventory(),
                    spool_max_bytes=config.collectors.spool_max_bytes,
                    disk_full_seconds=config.collectors.disk_full_wait_seconds,
                    notice=notice or _say, enrichers=enrichers,
                    own=[*own, *([app.config_path] if app.config_path is not None else [])])


class _StoreOnUse:
    """The configured store as an EventSink, opened at its first use and again after a failed
    open: a store that is unreachable when the run starts is a store that is down, so the
    pipeline spools (a StoreError from the open reaches it like one from a write)."""

    def __init__(self, app: AppContext) -> None:
        self._app = app

    def write(self, events: Iterable[Event]) -> WriteReceipt:
        """Write through the store, opening it first."""
        return self._app.store.write(events)

    def begin_write(self, events: list[Event]) -> Callable[[], WriteReceipt]:
        """Begin a write through the store (core.sink.begin_write), opening it first."""
        return begin_write(self._app.store, events)

    def delete(self, ids: Collection[str], *, replaced_by: Mapping[str, Sequence[str] | None] | None = None) -> int:
        """Delete through the store, opening it first."""
        return self._app.store.delete(ids, replaced_by=replaced_by)

    def refresh(self) -> None:
        """Refresh the store, opening it first."""
        self._app.store.refresh()

    @property
    def ids_per_index(self) -> bool:
        """Whether the store keeps ids apart per index (ElasticsearchStore.ids_per_index), told
        from the configuration: the store is opened only when first written to."""
        return self._app.config.backend == "elasticsearch"

    def stored_ids(self, ids: Collection[str]) -> set[str]:
        """The ids among ``ids`` the store holds, opening it first."""
        return self._app.store.stored_ids(ids)


@dataclass(slots=True)
class IngestRun:
    """What one `govsoc ingest` did: a summary per file, the spooled events it drained into the
    store, and the spooled bytes still waiting for the store at its end."""

    summaries: list[IngestSummary] = field(default_factory=list)
    drained: int = 0
    #: Drained events the store refused (in rejects/spool.rejects.jsonl).
    drain_rejected: int = 0
    spool_pending_bytes: int = 0
    #: The store's configuration error that stopped the run (what was read is spooled), or None.
    misconfigured: ConfigError | None = None
    #: The files that run did not read then, in the order named (the next run reads them).
    not_read: list[str] = field(default_factory=list)


def run_ingest(app: AppContext, paths: tuple[str, ...], parser: str | None = None, *, timezone: str | None = None,
               year: int | None = None, max_record_bytes: int | None = None, host: str | None = None,
               symlinks: bool = False, charset: str | None = None) -> IngestRun:
    """Ingest files once, each from its checkpoint, with a progress bar; one summary per file."""
    if parser:
        parsers.get(parser)  # an unknown parser is a usage error before any file is read
    patterns = paths or _configured(app.config)
    missing: list[str] = []
    files = expand(patterns, links=symlinks or app.config.collectors.symlinks, missing=missing)
    named = named_paths(patterns)
    pipeline = make_pipeline(app)
    # a pattern matching nothing is its own error (exit 1 at the end), the others are read (R11h R8)
    run = IngestRun(summaries=[IngestSummary(source=path_text(p), error="no such file, folder or matching files")
                               for p in missing])
    pipeline.drain()
    # The files' checkpoints are written a group at a time (CheckpointStore.grouped): a folder
    # of thousands of small files paid four fsyncs a file.
    with _bars(pipeline) as task_for, pipeline.checkpoints.grouped():
        for path in files:
            if pipeline.misconfigured is not None:  # the store cannot be used as configured: stop (R11i-7)
                run.not_read.append(path_text(str(path)))  # named, not skipped silently (R11j-4)
                continue
            options = options_for(app.config, path, parser=parser, timezone=timezone, year=year,
                                  max_record_bytes=max_record_bytes, host=host, symlinks=symlinks, charset=charset)
            try:
                task_for(path)
                run.summaries.extend(read_path(pipeline, path, options, named=path in named,
                                               via=None if path in named else folder_link(path, patterns),
                                               fixed=configured_folder(path, patterns)))
            except ParseError as e:  # one unreadable file: say so, go on with the others
                run.summaries.append(IngestSummary(source=path_text(str(path)), error=e.message))
    pipeline.drain()
    pipeline.paths.prune()  # records of dated rotated names gone for long (R11g G6)
    if pipeline.paths.unwritten:  # said at the first failure; counted here (V13 V5)
        pipeline.notice(f"{len(pipeline.paths.unwritten)} path records not written to {pipeline.paths.folder} "
                        f"({pipeline.paths.failure})")
    run.drained, run.spool_pending_bytes = pipeline.drained, pipeline.spool.pending_bytes()
    run.drain_rejected = pipeline.drain_rejected
    run.misconfigured = pipeline.misconfigured
    return run


@contextmanager
def _bars(pipeline: Pipeline) -> Iterator[Callable[[Path], None]]:
    """A progress bar per file read; the display (and rich) is started only when bytes are read,
    so that a run over unchanged files starts no display at all."""
    with ExitStack() as stack:
        bar: Progress | None = None

        def task_for(path: Path) -> None:
            task: TaskID | None = None

            def advance(n: int) -> None:
                nonlocal bar, task
                if bar is None:
                    bar = stack.enter_context(progress(bytes_mode=True))
                if task is None:
                    try:
                        total: int | None = path.stat().st_size
                    except OSError:  # gone since it was listed: ingest_file says so
                        total = None
                    task = bar.add_task(_one_line(path_text(path.name)), total=total)
                bar.advance(task, n)
            pipeline.progress = advance
        yield task_for
    pipeline.progress = None


def _configured(config: Config) -> tuple[str, ...]:
    patterns = tuple(p for source in config.collectors.sources for p in source.paths)
    if not patterns:
        raise ConfigError("no FILES given and no collectors.sources configured")
    return patterns


def closing_line(summaries: list[IngestSummary], rejects_dir: Path, *, drained: int = 0, drain_rejected: int = 0,
                 spool_pending_bytes: int = 0, misconfigured: bool = False) -> str:
    """The run's last line: accepted, rejected and where the rejects went; then the spooled
    events the run drained into the store and what still waits in the spool, and for what: the
    store to answer, or (``misconfigured``) its configuration to be fixed, which no wait does."""
    accepted = sum(s.receipt.accepted + s.spooled for s in summaries)
    rejected = sum(s.rejected for s in summaries)
    line = f"{accepted} accepted, {rejected} rejected → {rejects_dir if rejected else 'nothing to keep'}"
    if drained:
        line += f"; {drained} spooled events drained into the store"
        if drain_rejected:
            line += f" ({drain_rejected} refused → {rejects_dir / 'spool.rejects.jsonl'})"
    if spool_pending_bytes:
        until = "its configuration is fixed" if misconfigured else "the store answers"
        line += f"; {spool_pending_bytes} bytes of events still spooled until {until} (govsoc status)"
    return line


@cli.command()
@click.argument("paths", nargs=-1, metavar="[FILE|DIR|GLOB]...")
@click.option("--parser", "-p", help="Parser id for every file read (see --list-parsers). Default: a file "
              "read before keeps its parser, a configured source's files take its parser, a new file's format is "
              "found from its suffix, magic bytes or first lines (linux.auth when none is recognised).")
@click.option("--year", type=click.IntRange(1970, 2100), help="Year of timestamps that carry none (default: "
              "inferred from the file's modification time).")
@click.option("--timezone", "tz", help="IANA time zone of timestamps that carry none (default: collectors.timezone).")
@click.option("--max-record-size", "max_record_bytes", type=click.IntRange(min=1024),
              help="Longer records are truncated and flagged (bytes; default 1 MiB).")
@click.option("--follow", "-f", is_flag=True, help="Keep reading the files as they grow, through rotation.")
@click.option("--interval", type=click.FloatRange(min=0.05), default=1.0, show_default=True,
              help="Seconds between polls with --follow.")
@click.option("--stop-after", type=click.FloatRange(min=0), help="With --follow, stop after this many seconds.")
@click.option("--host", help="The machine the files were written on, for records that do not name it (a web "
              "server's access log): host.name, which inventory.yaml's system hosts attribute to a system and zone.")
@click.option("--symlinks", is_flag=True, help="Also read symbolic links that a glob or a folder matches "
              "(collectors.symlinks; Kubernetes' /var/log/containers/*.log are links). Default: a link is read only "
              "when named itself; never where a regular file was read before (a link put in a log's place).")
@click.option("--charset", type=click.Choice(CHARSETS), help="How every file read decodes its lines: auto (UTF-8, "
              "else GB18030, per line), utf-8, or gbk (GB18030 first: a short GBK line is often valid UTF-8 too). "
              "Default: a configured source's charset, else auto. JSON formats (suricata.eve, cloud and "
              "Kubernetes audit, winlogbeat) are UTF-8 whatever is set (RFC 8259).")
@click.option("--list-parsers", is_flag=True, is_eager=True, expose_value=False,
              callback=lambda ctx, _p, v: _list_parsers(ctx) if v else None, help="List parser ids and exit.")
@click.pass_obj
def ingest(app: AppContext, paths: tuple[str, ...], parser: str | None, year: int | None, tz: str | None,
           max_record_bytes: int | None, follow: bool, interval: float, stop_after: float | None,
           host: str | None, symlinks: bool, charset: str | None) -> None:
    """Read log files, normalise them to ECS events and store them.

    Each file resumes where the last run stopped (an unchanged file costs nothing; a rotated or
    gzip-compressed file is recognised by its content). Lines no parser understands are kept as
    event.kind:pipeline_error events with the reason. Without PATHS, reads collectors.sources.

    Exit status: 0 when everything read is stored (or spooled for the store); 1 when a path could
    not be read; 2 when the store is misconfigured (what was read waits in the spool); 3 when the
    store refused events (they are in the rejects folder, with the reason). --follow ends 0 when
    stopped.
    """
    if tz:
        _check_zone(tz)
    if follow:
        if parser:
            parsers.get(parser)
        # each path's options asked at each look (a configured source's settings, the command line's over them)
        _follow(app, paths, lambda p: options_for(app.config, p, parser=parser, timezone=tz, year=year,
                                                  max_record_bytes=max_record_bytes, host=host, symlinks=symlinks,
                                                  charset=charset),
                interval=interval, stop_after=stop_after, links=symlinks or app.config.collectors.symlinks)
        return
    run = run_ingest(app, paths, parser, timezone=tz, year=year, max_record_bytes=max_record_bytes, host=host,
                     symlinks=symlinks, charset=charset)
    noted: set[str] = set()
    for summary in run.summaries:
        # a file's note (a copy of a log, empty) once a run: a glob's match is looked at again as
        # its log's generation, each copy was said twice (R11q-10: 2N lines a run for N copies)
        if summary.unchanged and summary.identity is None and summary.line() in noted:
            continue
        noted.add(summary.line())
        # File names and log lines are data: a name may hold a newline or a terminal escape.
        click.echo(_one_line(summary.line()))
        for failure in summary.first_failures:
            click.echo(_one_line(f"  unparsed: {failure}"), err=True)
        for reject in summary.first_rejects:
            click.echo(_one_line(f"  rejected: {reject}"), err=True)
    click.echo(_one_line(closing_line(run.summaries, app.config.data_dir / "rejects", drained=run.drained,
                                      drain_rejected=run.drain_rejected,
                                      spool_pending_bytes=run.spool_pending_bytes,
                                      misconfigured=run.misconfigured is not None)))
    if run.misconfigured is not None:  # what was read is spooled; the rest waits for the fix (exit 2)
        if run.not_read:
            _say(f"{', '.join(run.not_read)}: not read: the store is misconfigured ({run.misconfigured.message}); "
                 f"the next run reads {'them' if len(run.not_read) > 1 else 'it'}")
        raise run.misconfigured
    if any(s.error for s in run.summaries):
        raise click.exceptions.Exit(1)
    if run.drain_rejected or any(s.rejected for s in run.summaries):  # finished, not all stored: as `detect` says
        raise click.exceptions.Exit(3)                                  # a failed rule


def _follow(app: AppContext, paths: tuple[str, ...], options: Callable[[Path], IngestOptions], *, interval: float,
            stop_after: float | None, links: bool) -> None:
    """`govsoc ingest --follow`: ``paths`` (else the configured sources) read with ``options`` (a
    path's IngestOptions) every ``interval`` seconds until ``stop_after`` seconds or a stop signal;
    ``links``: whether symbolic links a glob or folder walk finds are read."""
    pipeline = make_pipeline(app)
    follower = Follower(pipeline, paths or _configured(app.config), options, interval, links=links)
    seen: list[IngestSummary] = []
    waiting: dict[str, tuple[str | None, int]] = {}

    def report(summaries: list[IngestSummary]) -> None:
        for summary in summaries:
            if not summary.unchanged:
                seen.append(summary)
                if not _said_waiting(summary, waiting):
                    click.echo(_one_line(summary.line()))
        if pipeline.misconfigured is not None:  # stop after this poll, say it, exit 2 (R11i-7)
            stop.set()

    # The first Ctrl-C, SIGTERM or SIGHUP ends the run at the end of the batch under way, or ends a
    # wait for the store at once (collectors.stopping; F11m, R11z-1: at the end of the poll, it took
    # minutes, or for ever with the spool full); a second one interrupts at once (what it stored is
    # kept and its checkpoint resumes the file). SIGTERM was left to its default action (F11g,
    # R11w-5): a follower stopped by systemd, `kill` or a harness died in the middle of its poll, the
    # batch it was reading unstored, rc -15; restarted that way before each poll ended, it stored nothing.
    stop = threading.Event()
    try:
        with stopping_on_signals(stop.set, STOP_SIGNALS, second_interrupts=True):
            follower.run(until=None if stop_after is None else time.monotonic() + stop_after, on_poll=report,
                         stop=stop)
    except KeyboardInterrupt:
        pass
    click.echo(_one_line(closing_line(seen, app.config.data_dir / "rejects", drained=pipeline.drained,
                                      drain_rejected=pipeline.drain_rejected,
                                      spool_pending_bytes=pipeline.spool.pending_bytes(),
                                      misconfigured=pipeline.misconfigured is not None)))
    if pipeline.misconfigured is not None:
        raise pipeline.misconfigured


def _said_waiting(summary: IngestSummary, waiting: dict[str, tuple[str | None, int]]) -> bool:
    """Whether a poll's ``summary`` says nothing but that the unterminated line already said to
    wait still waits (R11j-8: "0 records ...; 30 bytes of an unterminated last line left for
    later" at every poll, as long as the application kept its line open). Once per line, which
    is known by where it starts (the checkpoint, ``offset``), however it grows meanwhile;
    ``waiting`` holds, per source, the line last said."""
    line = (summary.identity, summary.offset) if summary.waiting else None
    said = line is not None and waiting.get(summary.source) == line
    if line is None:
        waiting.pop(summary.source, None)
    else:
        waiting[summary.source] = line
    quiet = IngestSummary(source=summary.source, identity=summary.identity, offset=summary.offset,
                          unit=summary.unit, waiting=summary.waiting, waiting_garbled=summary.waiting_garbled)
    return said and summary.line() == quiet.line()


def _say(message: str) -> None:
    """A pipeline notice on stderr, on one line and with control characters shown, never obeyed:
    notices name files and links, which whoever may write a log folder chooses (R11h R14: a folder
    link named `lnk\x1b[2J\x07` cleared the operator's screen)."""
    click.echo(_one_line(f"govsoc: {message}"), err=True)


def _one_line(text: str) -> str:
    """``text`` safe for a terminal and on one line: file names and log lines are data and may
    hold newlines or escape sequences."""
    return printable(text).replace("\n", "\\x0a")


def _check_zone(name: str) -> None:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as e:
        raise click.BadParameter(f"unknown time zone {name!r} (use an IANA name such as Asia/Shanghai)",
                                 param_hint="--timezone") from e


def _list_parsers(ctx: click.Context) -> None:
    for ident in parsers.ids():
        click.echo(ident)
    ctx.exit(0)
