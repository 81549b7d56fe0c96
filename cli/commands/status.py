"""`govsoc status`: per source, what was read and what became of it, its checkpoint and lag."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import click
from rich.table import Table
from rich.text import Text

from govsoc.cli.commands.status_receivers import (
    SILENT_AFTER,
    _alive,
    _receivers_table,
    _recent,
    _senders_table,
    mark_silent,
    receiver_status,
)
from govsoc.cli.context import AppContext
from govsoc.cli.main import cli
from govsoc.cli.output import console, printable
from govsoc.cli.terminal import json_for_terminal, one_line
from govsoc.collectors.checkpoints import Checkpoint, CheckpointStore
from govsoc.collectors.files.discover import rotated_siblings
from govsoc.collectors.files.identity import FileView, look
from govsoc.collectors.files.paths import PathRecords
from govsoc.collectors.flows.run_marker import lost_runs
from govsoc.collectors.receivers import counters_folder, load_counters
from govsoc.collectors.receivers.backlog import backlog_spool
from govsoc.collectors.spool import Spool
from govsoc.collectors.summary import crash_padding, garbled_groups
from govsoc.core.config import Config
from govsoc.core.errors import ParseError

#: Less free space than this in the data folder is a full disk: a checkpoint, a job record or a
#: spool segment can no longer be saved for long (SQLite needs room for its journal too).
LOW_SPACE_BYTES = 1 << 20
COLUMNS = ("records", "events", "created", "duplicates", "rejected", "dropped", "spooled", "parse_failures")


def _rotated_to(checkpoint: Checkpoint) -> FileView | None:
    """The file of ``checkpoint`` under a rotated name beside its path (the same device and inode,
    its first bytes the checkpoint's), if it is there; None otherwise."""
    for sibling in rotated_siblings(Path(checkpoint.path)):
        try:
            view = look(sibling)
        except ParseError:
            continue
        if (view.device, view.inode) == (checkpoint.device, checkpoint.inode) and \
                view.prefix_fingerprint(checkpoint.fingerprint_bytes) == checkpoint.fingerprint:
            return view
    return None


def source_status(checkpoint: Checkpoint, now: datetime, drained: dict[str, int] | None = None) -> dict[str, Any]:
    """One source's row: counters, checkpoint, and lag (bytes not yet read, seconds since read).
    ``drained``: what became of its events spooled and since drained into the store
    (SpoolTotals.sources): stored or rejected now, no longer spooled (R11 F4)."""
    lag_bytes: int | None = None
    path = Path(checkpoint.path)
    # A stored unterminated last line is read: the checkpoint stays before it only so that its
    # completed form replaces it. Lag starts after it, as after NUL padding read.
    read_to = checkpoint.read_to
    try:
        view = None if checkpoint.record_file else look(path)  # EVTX: positions are record ids, not bytes
    except ParseError:
        view = None
    lag_file: str | None = None
    if view is not None and view.size is not None and \
            view.prefix_fingerprint(checkpoint.fingerprint_bytes) == checkpoint.fingerprint:
        lag_bytes = max(0, view.size - read_to)
    elif not checkpoint.record_file and (rotated := _rotated_to(checkpoint)) is not None and rotated.size is not None:
        # rotated since its last read (logrotate's create: app.log -> app.log.1): what is left to
        # read is there, and the next ingest of the path reads it (R58a-2: "-", as if unknown)
        lag_bytes, lag_file = max(0, rotated.size - read_to), str(rotated.path)
    updated = datetime.fromisoformat(checkpoint.updated) if checkpoint.updated else None
    row: dict[str, Any] = {"source": checkpoint.path, "identity": checkpoint.identity, "parser": checkpoint.parser}
    row.update({name: checkpoint.counters.get(name, 0) for name in COLUMNS})
    for name in ("created", "duplicates", "rejected"):
        row[name] += (drained or {}).get(name, 0)
    # a damaged spool record is not replayed: no longer spooled, lost (R11v-4: "spooled 2" for ever)
    row["spool_damaged"] = (drained or {}).get("damaged", 0)
    row["spooled"] = max(0, row["spooled"] - (drained or {}).get("events", 0) - row["spool_damaged"])
    row["stored"] = row["created"] + row["duplicates"]
    # accepted keeps what the spool damaged: those lines were read and accepted, then lost, and the row
    # shows it as accepted above stored + spooled (R11z-3: the row lowered "accepted" and hid the loss)
    row["accepted"] = row["stored"] + row["spooled"] + row["spool_damaged"]
    row.update({"checkpoint": checkpoint.offset, "line": checkpoint.line, "lag_bytes": lag_bytes, "lag_file": lag_file,
                "unit": "record" if checkpoint.record_file else "byte",
                "lag_seconds": round((now - updated).total_seconds(), 1) if updated else None,
                "updated": checkpoint.updated,
                "partial": checkpoint.partial is not None,
                "truncated": checkpoint.counters.get("truncated", 0),
                "nul_bytes_skipped": checkpoint.counters.get("nul_bytes_skipped", 0),
                "nul_runs": checkpoint.counters.get("nul_runs", 0),
                "torn_lines": checkpoint.counters.get("torn_lines", 0),
                # runs of non-text lines in a text log, each kept as one pipeline_error event (R11i-5)
                "garbled": checkpoint.counters.get("garbled", 0),
                # binary content found in a text file: what, and the byte its line starts at (read up to there)
                "binary": checkpoint.binary, "binary_at": checkpoint.binary_at if checkpoint.binary else None})
    return row


def disk_status(folder: Path) -> dict[str, Any]:
    """The free space of the file system holding ``folder`` (its nearest existing parent when it
    is not made yet); ``full`` below LOW_SPACE_BYTES."""
    where = folder
    while not where.exists() and where != where.parent:
        where = where.parent
    usage = shutil.disk_usage(where)
    return {"path": str(folder), "free_bytes": usage.free, "total_bytes": usage.total,
            "full": usage.free < LOW_SPACE_BYTES}


def disk_line(disk: dict[str, Any]) -> str:
    """What ``disk_status`` found, as status prints it (a full disk said first and loudly)."""
    space = f"{disk['free_bytes']} of {disk['total_bytes']} bytes free"
    if not disk["full"]:
        return f"disk: {disk['path']}: {space}"
    return (f"DISK FULL: {disk['path']}: {space}; govsoc cannot save events, spooled messages, checkpoints or "
            f"job records there (the figures below are the last saved): free space, or `govsoc retention`")


def scheduler_status(config: Config) -> dict[str, Any] | None:
    """The daemon (`govsoc run`): whether it runs, its services, and per job the schedule, the
    last run (start, outcome, seconds, error), failures in a row and the next run; for the report
    job the periods its last run covered and those still owed (missed while the daemon was down,
    or failed). None when no daemon ever ran on this data folder."""
    from govsoc.scheduler import DaemonLock, SchedulerState, jobs_for, scheduler_folder

    state = SchedulerState(scheduler_folder(config.data_dir))
    daemon = state.daemon()
    if daemon is None:
        return None
    # The lock says whether a daemon runs; its record, saved every few seconds, may be stale when
    # it cannot write (a full disk): running, then, but its figures are from its last save.
    fresh = _recent(daemon.get("updated"), 60.0)
    held = DaemonLock.held(scheduler_folder(config.data_dir))
    running = held if held is not None else bool(daemon.get("running")) and _alive(daemon.get("pid")) and fresh
    daemon = {**daemon, "record_stale": running and not fresh}
    jobs = []
    for job in jobs_for(config):
        saved = state.job(job.name)
        row: dict[str, Any] = {"job": job.name, "schedule": job.describe(), **(saved.to_json() if saved else {})}
        row["job"], row["active"] = row.pop("name", job.name), job.runs
        if not running and row.get("outcome") == "running":
            row["outcome"] = "interrupted"
        label = job.period_of
        row["owed_periods"] = [label(datetime.fromisoformat(when)) for when in row.get("owed") or []] if label else []
        jobs.append(row)
    return {"daemon": {**daemon, "running": running}, "jobs": jobs}


def _periods(row: dict[str, Any]) -> str:
    """A report job's periods: those its last run wrote, and those still owed."""
    parts = []
    if row.get("covered"):
        parts.append("done " + ", ".join(row["covered"]))
    if row.get("owed_periods"):
        parts.append("owed " + ", ".join(row["owed_periods"]))
    return "; ".join(parts) or "-"


def _jobs_table(data: dict[str, Any], zone: str) -> Table:
    from zoneinfo import ZoneInfo

    def local(when: object) -> str:
        return datetime.fromisoformat(when).astimezone(ZoneInfo(zone)).strftime("%Y-%m-%d %H:%M:%S") \
            if isinstance(when, str) and when else "-"
    daemon = data["daemon"]
    state = f"running, pid {daemon.get('pid')}" if daemon["running"] else f"stopped {daemon.get('updated', '')}"
    if daemon.get("record_stale"):
        state += f"; its records not saved since {daemon.get('updated', '?')}, outcomes below may be older"
    table = Table(title=f"jobs (govsoc run: {state}; times in {zone})")
    for name in ("job", "schedule", "last run", "outcome", "seconds", "failures in a row", "next run", "periods",
                 "error"):
        table.add_column(name, justify="right" if name in ("seconds", "failures in a row") else "left")
    for row in data["jobs"]:
        table.add_row(row["job"], Text(one_line(row["schedule"])), local(row.get("last_start")),
                      row.get("outcome") or "-", str(row.get("duration") if row.get("duration") is not None else "-"),
                      str(row.get("consecutive_failures", 0)), local(row.get("next_run")) if
                      row["active"] else "-", Text(one_line(_periods(row))), Text(one_line(row.get("error") or "")))
    for service in daemon.get("services") or []:
        alive = service.get("running") and daemon["running"]
        table.add_row(str(service.get("name")), "service", local(service.get("since")),
                      "running" if alive else "stopped", "-", str(service.get("failures_in_a_row", 0)), "-", "-",
                      Text(one_line(str(service.get("last_error") or ""))))
    return table


@cli.command()
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@click.option("--silent-after", type=click.FloatRange(min=0), default=SILENT_AFTER.total_seconds(),
              show_default=True, help="A sender not heard for this many seconds is SILENT.")
@click.option("--senders", "show_senders", is_flag=True,
              help="Also list each receiver's senders, the longest silent first.")
@click.pass_obj
def status(app: AppContext, fmt: str, silent_after: float, show_senders: bool) -> None:
    """Per source: records read, events accepted, stored, rejected, dropped and spooled, the
    checkpoint and the lag (bytes not yet read, and seconds since the checkpoint last moved; in
    its rotated file beside it when it was rotated since, "-" when it is not there); below them,
    each file read up to binary content (no line
    starting as text within 64 KiB: judged again when the file grows) and each with logged lines
    of control bytes and raw newlines kept as pipeline_error events (a text line followed within
    64 KiB: read on after each; R11i-5). Per syslog receiver (`govsoc listen`): whether it listens
    (NOT LISTENING when its thread or socket died while the process runs on), messages received
    (datagrams for NetFlow, named per row), accepted, stored, spooled, dropped (the store down
    and the spool full at shutdown), rejected by reason (received = stored + spooled + dropped
    + rejected once nothing is in flight),
    the records decoded and what became of their events (stored, spooled, dropped),
    connections refused, dropped by the kernel, truncated, and with --senders the same per
    sender and when it was last heard (SILENT when not heard for --silent-after seconds, an hour
    by default: the receiver's state says how many are). Then the
    spool: bytes waiting for the store, and the events drained from it into the store so far.
    When the daemon (`govsoc run`) ran here: each job's schedule, last run, outcome, failures in
    a row and next run, and its services; for the report job its periods ("done" the periods its
    last run wrote, "owed" those still to write: missed while the daemon was down, or failed and
    retried after a back-off), and the error naming each failed period. Then each live capture
    that was killed without stopping (LOST: what it lost). Each file `govsoc ingest` refused at
    a log path (a symbolic link: see --symlinks; a rotated file another user owns): how many
    times, and why. Checkpoints found damaged and moved aside. Last, the free space of the data
    folder's disk; a full one (under 1 MiB) is also said first, on stderr: nothing more can be
    saved there, and the daemon (running while it holds its lock) shows its last saved records."""
    data_dir = app.config.data_dir
    now = datetime.now(UTC)
    disk = disk_status(data_dir)
    spool = Spool(data_dir / "spool", app.config.collectors.spool_max_bytes)
    totals = spool.totals()
    checkpoints = CheckpointStore(data_dir / "state" / "sources")
    rows = [source_status(c, now, totals.sources.get(c.identity)) for c in checkpoints.all()]
    # damaged checkpoints moved aside (their sources were read again from their start; R11i-2)
    damaged_checkpoints = [str(p) for p in checkpoints.damaged()]
    backlog = backlog_spool(spool.folder, spool.max_bytes)
    spooled = {"pending_bytes": spool.pending_bytes(), "max_bytes": spool.max_bytes, "folder": str(spool.folder),
               "unparsed_pending_bytes": backlog.pending_bytes(),
               "drained_events": totals.drained_events, "last_drained": totals.last_drained or None,
               "corrupt_records": totals.corrupt_records,
               # the store's configuration error that keeps it waiting (R11j-4), or None
               "store_misconfigured": spool.misconfigured(),
               # what the spool can still take: its limit, or the disk's free space when less
               "room_bytes": min(max(spool.max_bytes - spool.pending_bytes(), 0), disk["free_bytes"])}
    receivers = [receiver_status(d) for d in load_counters(counters_folder(data_dir))]
    mark_silent(receivers, now, timedelta(seconds=silent_after))
    scheduler = scheduler_status(app.config)
    # live captures killed without stopping (collectors.flows.run_marker; review r14d HIGH 1)
    lost = [{"pid": run.pid, "interface": run.interface, "started": run.started, "events_stored": run.events_stored,
             "last_stored": run.last_stored, "problem": run.text} for run in lost_runs(data_dir / "capture")]
    # links `govsoc ingest` refused at log paths (collectors.follow.admit; V12 F1, F7), and rotated
    # files of another owner than the log's (collectors.predecessors.finish_rotated)
    refused = [{"path": r.path, "refused": r.refused, "reason": r.refusal}
               for r in PathRecords(data_dir / "state" / "paths").all() if r.refused]
    if fmt == "json":
        click.echo(json_for_terminal({"disk": disk, "sources": rows, "receivers": receivers, "spool": spooled,
                                     "scheduler": scheduler, "lost_captures": lost, "refused_paths": refused,
                                     "damaged_checkpoints": damaged_checkpoints}))
        return
    if disk["full"]:
        click.echo(printable(disk_line(disk)), err=True)
    table = Table(title=f"sources ({len(rows)})")
    for name in ("source", "records", "accepted", "stored", "rejected", "dropped", "spooled", "checkpoint", "lag"):
        table.add_column(name, justify="left" if name == "source" else "right")
    for row in rows:
        lag = "-" if row["lag_bytes"] is None else f"{row['lag_bytes']} B, {row['lag_seconds']} s"
        if row["lag_file"]:
            lag = f"{row['lag_bytes']} B in {Path(row['lag_file']).name} (rotated), {row['lag_seconds']} s"
        table.add_row(Text(one_line(row["source"])), str(row["records"]), str(row["accepted"]), str(row["stored"]),
                      str(row["rejected"]), str(row["dropped"]), str(row["spooled"]),
                      f"record {row['checkpoint']}" if row["unit"] == "record" else
                      f"{row['checkpoint']} (line {row['line']})", lag)
    console().print(table)
    for row in rows:  # binary content and groups of non-text lines: the rule is collectors.files.binary's
        if row["binary"]:  # an older rule stopped a text log there (R11j-9, -11); the next run reads on
            click.echo(one_line(f"binary: {row['source']}: read up to byte {row['binary_at']}: {row['binary']} (by "
                                f"an older rule; the next run reads on from there)"))
        if row["garbled"]:
            click.echo(one_line(f"garbled: {row['source']}: {garbled_groups(row['garbled'])}"))
        if row["spool_damaged"]:
            click.echo(one_line(f"spool damage: {row['source']}: {row['spool_damaged']} events spooled for it were "
                                f"damaged in the spool and not stored (the drain's notice names their bytes)"))
        if row["nul_runs"]:  # R11n-4: the torn lines (flagged torn) are where to look
            click.echo(one_line(f"padding: {row['source']}: "
                                f"{crash_padding(row['nul_runs'], row['torn_lines'], row['nul_bytes_skipped'])}"))
    for link in refused:
        times = "1 time" if link["refused"] == 1 else f"{link['refused']} times"
        click.echo(one_line(f"refused: {link['path']}: {times}; {link['reason']}"))
    if damaged_checkpoints:
        click.echo(one_line(f"damaged checkpoints: {len(damaged_checkpoints)}, moved aside (their sources were read "
                             f"again from their start): {', '.join(damaged_checkpoints)}"))
    if receivers:
        console().print(_receivers_table(receivers))
        if show_senders:
            console().print(_senders_table(receivers, now))
    drained = (f"; {totals.drained_events} spooled events drained into the store so far, the last at "
               f"{totals.last_drained}" if totals.drained_events else "; nothing drained yet")
    damaged = f"; {totals.corrupt_records} damaged records skipped" if totals.corrupt_records else ""
    if spooled["unparsed_pending_bytes"]:
        damaged += (f"; {spooled['unparsed_pending_bytes']} bytes of messages received before the receivers' last "
                    f"stop wait to be parsed ({backlog.folder}; the next `govsoc listen` stores them)")
    misconfigured = spooled["store_misconfigured"]
    waiting = "the store" if misconfigured is None else "the store's configuration to be fixed"
    if misconfigured is not None:  # not an outage: waiting never drains the spool (R11j-4)
        click.echo(one_line(f"store misconfigured since {misconfigured['since']}: {misconfigured['error']}; what was "
                            f"read waits in the spool until it is fixed, then the next `govsoc ingest` stores it"))
    click.echo(printable(f"spool: {spooled['pending_bytes']} of {spooled['max_bytes']} bytes waiting for {waiting} "
                         f"({spooled['folder']}), room for {spooled['room_bytes']} more{drained}{damaged}"))
    for run in lost:
        click.echo(one_line(f"LOST: {run['problem']} (the next `govsoc capture` here stores this as a "
                             f"pipeline_error event)"))
    click.echo(printable(disk_line(disk)))
    if scheduler is not None:
        console().print(_jobs_table(scheduler, app.config.schedule.timezone))
