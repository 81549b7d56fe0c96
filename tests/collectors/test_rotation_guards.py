"""The guards of log paths against whoever may write a log folder, and against damaged state
(R11g): a damaged per-path record, links in a path's folders, FIFOs and devices put at a log's
name, a log renamed away and back. Real files and real `govsoc ingest` processes or a Follower,
as in the findings' repros."""

from __future__ import annotations

import ctypes
import json
import os
import re
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from govsoc.collectors import IngestOptions, Pipeline
from govsoc.collectors import follow as follow_module
from govsoc.collectors import predecessors as predecessors_module
from govsoc.collectors.follow import Follower
from govsoc.store.base import Query
from govsoc.store.sqlite import SqliteStore
from tests.collectors import test_rotation_links
from tests.collectors.test_rotation import stored, write
from tests.collectors.test_rotation_links import SECRET, run, secret_lines
from tests.conftest import CORPUS, need

#: test_rotation_links' root-only file (a fixture)
secret = test_rotation_links.secret


@pytest.mark.parametrize(("field", "value"), [
    ("first_look", "yesterday"),  # not an ISO time: ValueError in finish_predecessors before
    ("first_look", 5),  # not a string: TypeError
    ("refused", "0"),  # not a count: TypeError in refuse() (refused + 1)
    ("kind", ["file"]),  # not one of the kinds
    (None, None),  # not JSON at all (cut by a crash, disk damage): was taken as "never looked at"
    ("folder", "../../etc"),  # not absolute: compared with the real folder, V13 V8
    ("folder", "/etc"),  # absolute, but not the path's folder
    ("owner", -1),  # no user has a negative id: V13 V8
    ("links", ["relative"]),  # a link of the path is one of its absolute folders
])
def test_a_damaged_path_record_is_said_and_replaced_cautiously(tmp_path: Path, secret: Path,
                                                               field: str | None, value: object) -> None:
    # R11g G3: a damaged state/paths record ended every later run with "internal error" (exit 1,
    # no file of the run read, the record not named). Now it is said once, naming its file, and
    # replaced by a cautious record: a regular file was read there, so a link put there is refused.
    logs, home = tmp_path / "log", tmp_path / "home"
    logs.mkdir()
    log, other = logs / "auth.log", logs / "other.log"
    log.touch()
    run(home, "ingest", str(log))  # the empty log: its record is made
    [record] = (home / "state" / "paths").glob("*.json")
    data = json.loads(record.read_text(encoding="utf-8"))
    if field is None:
        record.write_text('{"path": "' + str(log)[:5], encoding="utf-8")
    else:
        record.write_text(json.dumps({**data, field: value}), encoding="utf-8")
    write(other, 0, 10)
    log.unlink()
    log.symlink_to(secret)  # the folder's writer puts a link where the (empty) log was
    first = run(home, "ingest", str(log), str(other))
    assert re.search(rf"{re.escape(str(record))}: the record of {re.escape(str(log))} is damaged \(", first.stderr)
    assert "where a regular file was read before: not read" in first.stderr
    assert secret_lines(home) == [] and len(stored(home)) == 10
    second = run(home, "ingest", str(log), str(other))  # rewritten: not said again
    assert "is damaged (" not in second.stderr and secret_lines(home) == []
    status = json.loads(run(home, "status", "--format", "json").stdout)
    assert [(r["path"], r["refused"]) for r in status["refused_paths"]] == [(str(log), 2)]


def test_a_path_record_first_looked_at_in_the_future_is_damaged(tmp_path: Path) -> None:
    # R11g G3: "first_look": "9999-12-31..." silently stopped the read of a quiet log's rotated
    # generation (R11f N5), with no word: a first look after now is no time govsoc looked.
    logs, home = tmp_path / "log", tmp_path / "home"
    logs.mkdir()
    log = logs / "auth.log"
    log.touch()
    run(home, "ingest", str(log))
    [record] = (home / "state" / "paths").glob("*.json")
    data = json.loads(record.read_text(encoding="utf-8"))
    record.write_text(json.dumps({**data, "first_look": "9999-12-31T00:00:00+00:00"}), encoding="utf-8")
    done = run(home, "ingest", str(log))
    assert "is damaged (first_look: '9999-12-31T00:00:00+00:00' is not a past UTC time)" in done.stderr


@pytest.fixture
def vault(tmp_path: Path) -> Path:
    """A root-only folder holding a file with a log's name."""
    folder = tmp_path / "vault"
    folder.mkdir()
    (folder / "app.log").write_text(SECRET, encoding="utf-8")
    (folder / "app.log").chmod(0o600)
    folder.chmod(0o700)
    return folder


@pytest.mark.parametrize("pattern", ["*/*.log", "**/*.log"])
def test_a_glob_does_not_go_through_a_folder_link(tmp_path: Path, vault: Path, pattern: str) -> None:
    # R11g G1: whoever may write a matched folder plants logs/evil -> a root-only folder; glob.glob
    # followed it in a wildcard component and in **, and the root run stored the secret lines.
    logs, home = tmp_path / "logs", tmp_path / "home"
    (logs / "svc").mkdir(parents=True)
    write(logs / "svc" / "app.log", 0, 3)
    (logs / "evil").symlink_to(vault, target_is_directory=True)
    done = run(home, "ingest", str(logs / pattern))
    path = logs / "evil" / "app.log"
    assert (f"{path}: found by a glob through the symbolic link {logs / 'evil'} (to {vault}): not read"
            in done.stderr)
    assert secret_lines(home) == [] and len(stored(home)) == 3
    status = json.loads(run(home, "status", "--format", "json").stdout)
    assert [(r["path"], r["refused"]) for r in status["refused_paths"]] == [(str(path), 1)]
    # A folder the pattern spells out itself is the configuration's choice: read.
    assert secret_lines(home) == []
    run(home, "ingest", str(logs / "evil" / "*.log"))
    assert len(secret_lines(home)) == 2


def test_a_glob_with_symlinks_allowed_goes_through_a_folder_link(tmp_path: Path, vault: Path) -> None:
    logs, home = tmp_path / "logs", tmp_path / "home"
    logs.mkdir()
    (logs / "pod").symlink_to(vault, target_is_directory=True)
    run(home, "ingest", "--symlinks", str(logs / "*" / "*.log"))
    assert len(secret_lines(home)) == 2


def test_a_folder_of_a_named_path_replaced_by_a_link_is_not_followed(tmp_path: Path, vault: Path) -> None:
    # R11g G1b: `govsoc ingest logs/app/app.log` read a regular file; then the folder's writer
    # runs `mv app app.old; ln -s /root-only/folder app`: the next run stored the secret, no word.
    # The writer is another user: the link is theirs (a link of root's is read: V13 V7).
    need(os.geteuid() == 0, "a link another user owns needs root to make")
    logs, home = tmp_path / "logs", tmp_path / "home"
    (logs / "app").mkdir(parents=True)
    log = logs / "app" / "app.log"
    write(log, 0, 3)
    run(home, "ingest", str(log))
    (logs / "app").rename(logs / "app.old")
    (logs / "app").symlink_to(vault, target_is_directory=True)
    os.lchown(logs / "app", 65534, 65534)
    for _ in range(2):
        done = run(home, "ingest", str(log))
        assert f"{log}: its folder now leads to {vault}, not to {logs / 'app'} where a regular file" in done.stderr
    assert secret_lines(home) == [] and len(stored(home)) == 3


def two_logs_followed(tmp_path: Path, store: SqliteStore, *, glob: bool) -> tuple[Path, Path, Follower, list[str]]:
    """auth.log (3 lines) and other.log (2 lines) in logs/, followed (by a glob or each named)
    and polled once; with the notices the follower says."""
    logs = tmp_path / "logs"
    logs.mkdir()
    log, other = logs / "auth.log", logs / "other.log"
    write(log, 0, 3)
    write(other, 100, 2)
    notices: list[str] = []
    follower = Follower(Pipeline(store, data_dir=tmp_path / "state", notice=notices.append),
                        [str(logs / "*.log")] if glob else [str(log), str(other)], lambda _p: IngestOptions())
    follower.poll()
    return log, other, follower, notices


def test_a_fifo_renamed_in_after_the_listing_does_not_hang_the_tail(tmp_path: Path, sqlite_store: SqliteStore,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    # R11g G5: a FIFO renamed over the live file between the listing and the open blocked
    # --follow in open() (waiting for a writer) for good: no file of the run was read any more.
    log, other, follower, notices = two_logs_followed(tmp_path, sqlite_store, glob=True)
    write(log, 3, 1)
    write(other, 102, 2)
    checked = follow_module.finish_predecessors
    fifo = tmp_path / "fifo"

    def swap_then_finish(pipeline: Pipeline, path: Path, options: IngestOptions) -> object:
        if path == log and not fifo.exists():
            os.mkfifo(fifo)
            os.replace(fifo, log)
        return checked(pipeline, path, options)
    monkeypatch.setattr(follow_module, "finish_predecessors", swap_then_finish)
    poll = threading.Thread(target=follower.poll, daemon=True)
    poll.start()
    poll.join(15)
    hung = poll.is_alive()
    if hung:  # the old code: free the reader (a writer comes), so that the test ends
        os.close(os.open(log, os.O_WRONLY | os.O_NONBLOCK))
        poll.join(15)
    assert not hung, "the poll blocked in opening the FIFO"
    originals = [str(e.get("event.original")) for e in sqlite_store.search(Query())]
    assert len([o for o in originals if "sshd[10" in o]) == 4  # other.log's two new lines were read
    assert any(f"{log}: cannot read: a FIFO (named pipe), not a regular file" in n for n in notices), notices


@pytest.mark.parametrize("put", ["fifo", "link to /dev/zero", "link to a fifo"])
def test_a_fifo_or_device_at_a_named_path_is_that_paths_refusal(tmp_path: Path, sqlite_store: SqliteStore,
                                                                put: str) -> None:
    # R11g G4: a named path that became a FIFO or a link to /dev/zero ended every poll of
    # --follow (expand's ConfigError, exit 2): the other files were not read any more.
    log, other, follower, notices = two_logs_followed(tmp_path, sqlite_store, glob=False)
    logs = log.parent
    write(log, 3, 1)
    log.rename(logs / "auth.log.1")
    if put == "fifo":
        os.mkfifo(log)
    elif put == "link to /dev/zero":
        log.symlink_to("/dev/zero")
    else:
        os.mkfifo(tmp_path / "pipe")
        log.symlink_to(tmp_path / "pipe")
    write(other, 102, 2)
    follower.poll()
    follower.poll()
    originals = [str(e.get("event.original")) for e in sqlite_store.search(Query())]
    assert len(originals) == 8  # auth.log.1's rest, other.log's two new lines
    assert len([n for n in notices if n.startswith(f"{log}: ") and "not read" in n]) == 1, notices


def test_a_one_shot_run_reads_the_other_files_beside_a_fifo(tmp_path: Path) -> None:
    # R11g G4, one-shot: `govsoc ingest auth.log other.log` with a FIFO at auth.log read nothing (exit 2).
    logs, home = tmp_path / "logs", tmp_path / "home"
    logs.mkdir()
    os.mkfifo(logs / "auth.log")
    write(logs / "other.log", 0, 2)
    done = run(home, "ingest", str(logs / "auth.log"), str(logs / "other.log"))
    assert f"{logs / 'auth.log'}: not a regular file (a FIFO, device, socket or folder): not read" in done.stderr
    assert len(stored(home)) == 2


def exchange(first: Path, second: Path) -> None:
    """Swap two names atomically, as renameat2(RENAME_EXCHANGE) does (Linux 3.15)."""
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.renameat2(-100, os.fsencode(first), -100, os.fsencode(second), 2) != 0:  # AT_FDCWD, RENAME_EXCHANGE
        raise OSError(ctypes.get_errno(), f"renameat2 {first} {second}")


def test_a_log_renamed_away_and_back_during_a_look_is_not_read_again(tmp_path: Path, sqlite_store: SqliteStore,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    # R11g G7: the log's look (first bytes, size) and the check of its checkpoint's tail by name
    # were two opens: an empty file exchanged in between made the log "truncated", and it was
    # registered under a new identity and read again from byte 0 (stored twice).
    log, _other, follower, notices = two_logs_followed(tmp_path, sqlite_store, glob=True)
    side = tmp_path / "side.log"
    side.touch()
    write(log, 3, 2)
    known = predecessors_module._known

    def exchanged_while_known(pipeline: Pipeline, view: object, options: IngestOptions) -> object:
        if getattr(view, "path", None) != log:
            return known(pipeline, view, options)  # type: ignore[arg-type]
        exchange(log, side)  # the empty file at the log's name now; the log elsewhere
        try:
            return known(pipeline, view, options)  # type: ignore[arg-type]
        finally:
            exchange(log, side)  # and back
    monkeypatch.setattr(predecessors_module, "_known", exchanged_while_known)
    follower.poll()
    monkeypatch.undo()
    follower.poll()
    originals = [str(e.get("event.original")) for e in sqlite_store.search(Query())]
    assert len(originals) == len(set(originals)) == 7, sorted(originals)
    assert any("another file was renamed over it while it was being looked at" in n for n in notices), notices


def test_a_log_exchanged_fast_with_an_empty_file_during_follow_is_stored_once(tmp_path: Path,
                                                                             sqlite_store: SqliteStore) -> None:
    # R11g G7 as found: a writer appends while the folder's writer exchanges the log with an empty
    # file as fast as it can; --follow stored 1,237 of 2,000 lines twice.
    log, _other, follower, _notices = two_logs_followed(tmp_path, sqlite_store, glob=True)
    side = tmp_path / "side.log"
    side.touch()
    done = threading.Event()

    def swapper() -> None:
        while not done.is_set():
            exchange(log, side)
        if log.stat().st_size == 0:
            exchange(log, side)
    with log.open("a", encoding="utf-8") as appender:
        thread = threading.Thread(target=swapper, daemon=True)
        thread.start()
        for i in range(3, 303):  # a poll a line: many looks while the names are exchanged
            appender.write(f"Dec 10 07:00:{i % 60:02d} web1 sshd[{i}]: Failed password for u{i} from 10.1.0.1 "
                           "port 22 ssh2\n")
            appender.flush()
            follower.poll()
        done.set()
        thread.join()
    follower.poll()
    originals = [str(e.get("event.original")) for e in sqlite_store.search(Query())]
    assert len(originals) == len(set(originals)) == 305  # auth.log 3 + 300, other.log 2


@pytest.mark.parametrize("then", ["other spelling", "record lost"])
def test_a_link_where_a_regular_file_was_read_stays_refused(tmp_path: Path, secret: Path, then: str) -> None:
    # R11g G2: the guard lived in a record keyed by the path's exact spelling: `logs/../logs/auth.log`
    # had no record, and neither had the path once its record was lost (an older data folder) after
    # its file's checkpoint had moved on to auth.log.1: the link was taken as named and read.
    logs, home = tmp_path / "logs", tmp_path / "home"
    logs.mkdir()
    log = logs / "auth.log"
    write(log, 0, 3)
    run(home, "ingest", str(log))
    log.rename(logs / "auth.log.1")
    log.symlink_to(secret)
    run(home, "ingest", str(log))  # refused; auth.log.1's checkpoint is there now
    if then == "record lost":
        for record in (home / "state" / "paths").glob("*.json"):
            record.unlink()
        named = str(log)
    else:
        named = str(logs / ".." / "logs" / "auth.log")
    done = run(home, "ingest", named)
    assert "where a regular file was read before: not read" in done.stderr
    assert secret_lines(home) == [] and len(stored(home)) == 3


def test_records_of_dated_rotated_names_gone_for_long_are_pruned(tmp_path: Path, secret: Path) -> None:
    # R11g G6: every dated name a glob ever matched (dateext: auth.log-20251201) kept a path record
    # for good: 13 records for 4 files after 12 rotations, read by every `govsoc status`.
    logs, home = tmp_path / "logs", tmp_path / "home"
    logs.mkdir()
    for name in ("auth.log", "auth.log.1", "auth.log-20251201", "auth.log-20251202"):
        write(logs / name, 0, 1)
    (logs / "auth.log-20251203").symlink_to(secret)  # refused: its record counts it
    run(home, "ingest", str(logs / "auth.log*"))
    folder = home / "state" / "paths"

    def recorded() -> set[str]:
        return {Path(json.loads(f.read_text(encoding="utf-8"))["path"]).name for f in folder.glob("*.json")}
    assert recorded() == {"auth.log", "auth.log.1", "auth.log-20251201", "auth.log-20251202", "auth.log-20251203"}
    for name in ("auth.log.1", "auth.log-20251201", "auth.log-20251203"):
        (logs / name).unlink()
    week_ago = time.time() - 8 * 86400
    for record in folder.iterdir():  # the records and the last prune's stamp
        os.utime(record, (week_ago, week_ago))
    run(home, "ingest", str(logs / "auth.log*"))
    # gone: the dated name without a file; kept: files still there, a numbered name (reused by each
    # rotation, bounded by rotate N), a record that counted a refusal (govsoc status shows it)
    assert recorded() == {"auth.log", "auth.log.1", "auth.log-20251202", "auth.log-20251203"}


@pytest.mark.parametrize("owner", [None])
def test_a_path_named_through_a_folder_link_follows_the_link_when_it_is_re_pointed(tmp_path: Path,
                                                                                   owner: int | None) -> None:
    # A deployment's log path (app/current/log/app.log, current -> releases/v1) goes through a link
    # chosen by whoever configured it: re-pointing it (releases/v2) is not a folder that became a link.
    # A deployer's link (not root's) binds the read by the deployer's rights: pytest's own folder
    # (0700) is not theirs to pass, so that case is test_a_link_another_user_put_to_their_own_logs_is_read.
    need(owner is None or os.geteuid() == 0, "a link another user owns needs root to make")
    home, app = tmp_path / "home", tmp_path / "app"
    for release in ("v1", "v2"):
        (app / "releases" / release / "log").mkdir(parents=True)
    write(app / "releases" / "v1" / "log" / "app.log", 0, 2)
    write(app / "releases" / "v2" / "log" / "app.log", 10, 3)
    (app / "current").symlink_to(app / "releases" / "v1", target_is_directory=True)
    if owner is not None:
        os.lchown(app / "current", owner, owner)
    log = app / "current" / "log" / "app.log"
    run(home, "ingest", str(log))
    (app / "current").unlink()
    (app / "current").symlink_to(app / "releases" / "v2", target_is_directory=True)
    if owner is not None:
        os.lchown(app / "current", owner, owner)
    done = run(home, "ingest", str(log))
    assert "its folder now leads to" not in done.stderr and len(stored(home)) == 5


def test_a_folder_swapped_for_a_link_after_the_check_is_not_read_through(tmp_path: Path, vault: Path,
                                                                         sqlite_store: SqliteStore,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    # R11g G1b's race: the folder check (realpath) and the open are two steps; a folder swapped for
    # a link between them was read through. The folder is opened by descriptor at the check and the
    # files of the read are opened in it: the log checked is read (2 new lines), not the link's.
    logs = tmp_path / "logs"
    (logs / "app").mkdir(parents=True)
    log = logs / "app" / "app.log"
    write(log, 0, 3)
    pipeline = Pipeline(sqlite_store, data_dir=tmp_path / "state")
    follow_module.read_path(pipeline, log, IngestOptions(), named=True)
    write(log, 3, 2)
    checked = follow_module.finish_predecessors

    def swap_then_finish(pipeline: Pipeline, path: Path, options: IngestOptions) -> object:
        (logs / "app").rename(logs / "app.old")
        (logs / "app").symlink_to(vault, target_is_directory=True)
        return checked(pipeline, path, options)
    monkeypatch.setattr(follow_module, "finish_predecessors", swap_then_finish)
    summaries = follow_module.read_path(pipeline, log, IngestOptions(), named=True)
    assert [(s.error, s.records) for s in summaries] == [(None, 2)]
    originals = [str(e.get("event.original")) for e in sqlite_store.search(Query())]
    assert len(originals) == 5 and not any("SECRET" in o for o in originals)


def _swap_for_link(folder: Path, vault: Path, owner: int | None = None) -> None:
    """Whoever may write the folder above ``folder`` renames it away and puts a link to ``vault``
    in its place (owned by ``owner`` when given: a link of root's is trusted, V13 V7)."""
    folder.rename(folder.with_name(folder.name + ".old"))
    folder.symlink_to(vault, target_is_directory=True)
    if owner is not None:
        os.lchown(folder, owner, owner)


def test_a_new_folder_swapped_for_a_link_after_a_glob_checked_it_is_not_read_through(
        tmp_path: Path, vault: Path, sqlite_store: SqliteStore, monkeypatch: pytest.MonkeyPatch) -> None:
    # V13 V3: the first look at a glob's new match has no record, so nothing after folder_link's
    # lstat walk checked the folder: swapped for a link between the check and the open (a new folder
    # name per try), the open by name went through it and the root-only lines were stored. The swap
    # is made at the start of the read (finish_predecessors), after every check.
    logs = tmp_path / "logs"
    (logs / "n1").mkdir(parents=True)
    write(logs / "n1" / "app.log", 0, 3)
    read = follow_module.finish_predecessors

    def swap_then_read(pipeline: Pipeline, path: Path, options: IngestOptions) -> object:
        _swap_for_link(logs / "n1", vault)
        return read(pipeline, path, options)
    monkeypatch.setattr(follow_module, "finish_predecessors", swap_then_read)
    Follower(Pipeline(sqlite_store, data_dir=tmp_path / "state"), [str(logs / "*" / "*.log")],
             lambda _p: IngestOptions()).poll()
    originals = [str(e.get("event.original")) for e in sqlite_store.search(Query())]
    assert len(originals) == 3 and not any("SECRET" in o for o in originals)  # the folder checked, read


def test_a_folder_swapped_for_a_link_between_its_check_and_its_open_is_not_opened(
        tmp_path: Path, vault: Path, sqlite_store: SqliteStore, monkeypatch: pytest.MonkeyPatch) -> None:
    # V13 V3, the point before the folder's descriptor exists: the walk from / (O_NOFOLLOW per
    # component) meets the link and refuses it; the poll says so, the other log is read.
    logs = tmp_path / "logs"
    (logs / "n1").mkdir(parents=True)
    (logs / "n2").mkdir()
    write(logs / "n1" / "app.log", 0, 3)
    write(logs / "n2" / "app.log", 10, 2)
    walk = follow_module.open_folder

    def swap_then_open(real: str, readers: frozenset[int] = frozenset()) -> int:
        if real == str(logs / "n1"):
            _swap_for_link(logs / "n1", vault)
        return walk(real, readers)
    monkeypatch.setattr(follow_module, "open_folder", swap_then_open)
    notices: list[str] = []
    Follower(Pipeline(sqlite_store, data_dir=tmp_path / "state", notice=notices.append),
             [str(logs / "*" / "*.log")], lambda _p: IngestOptions()).poll()
    originals = [str(e.get("event.original")) for e in sqlite_store.search(Query())]
    assert len(originals) == 2 and not any("SECRET" in o for o in originals)
    assert f"{logs / 'n1' / 'app.log'}: not read: cannot read: {logs / 'n1'} is no longer a folder" in "\n".join(
        notices)


def test_a_folder_below_a_folder_link_replaced_by_a_link_is_not_followed(tmp_path: Path, vault: Path) -> None:
    # V13 V9: a log named through a folder link (root's var -> realdata) kept no folder in its
    # record, so nothing was compared: the owner of realdata/logs ran `mv app app.old; ln -s
    # /root-only app` and the next run stored the secret. The record keeps the links on the way
    # at the first look; a folder that became a link since (not root's) is refused.
    need(os.geteuid() == 0, "a link another user owns needs root to make")
    home, real = tmp_path / "home", tmp_path / "realdata"
    (real / "logs" / "app").mkdir(parents=True)
    (tmp_path / "var").symlink_to(real, target_is_directory=True)
    log = tmp_path / "var" / "logs" / "app" / "app.log"
    write(log, 0, 3)
    run(home, "ingest", str(log))
    _swap_for_link(real / "logs" / "app", vault, owner=65534)
    for _ in range(2):
        done = run(home, "ingest", str(log))
        assert (f"{log}: its folder {tmp_path / 'var' / 'logs' / 'app'} is a symbolic link (to {vault}), where a "
                "folder was when a regular file was first read there: not read") in done.stderr
    assert secret_lines(home) == [] and len(stored(home)) == 3


def test_a_folder_that_cannot_be_resolved_is_that_paths_error_and_the_run_goes_on(tmp_path: Path,
                                                                                   sqlite_store: SqliteStore) -> None:
    # V13 V4: a folder swapped for a link while realpath looked at it (a link at lstat, no link at
    # readlink) raised OSError out of the folder check: "internal error", the whole run stopped and
    # --follow died. Made here without a race: the folder is a link to a zombie's /proc/PID/cwd,
    # which lstat says is a link and readlink cannot read (ENOENT), as in the swap.
    logs = tmp_path / "logs"
    (logs / "app").mkdir(parents=True)
    log, other = logs / "app" / "app.log", logs / "other.log"
    write(log, 0, 3)
    notices: list[str] = []
    pipeline = Pipeline(sqlite_store, data_dir=tmp_path / "state", notice=notices.append)
    follow_module.read_path(pipeline, log, IngestOptions(), named=True)  # its record holds its plain folder
    zombie = subprocess.Popen(["true"])
    try:
        while Path(f"/proc/{zombie.pid}/stat").read_text().split()[2] != "Z":
            time.sleep(0.01)
        (logs / "app").rename(logs / "app.old")
        (logs / "app").symlink_to(f"/proc/{zombie.pid}/cwd", target_is_directory=True)
        write(other, 3, 10)
        summaries = follow_module.read_path(pipeline, log, IngestOptions(), named=True)
        follow_module.read_path(pipeline, log, IngestOptions(final=False), named=True)  # a --follow poll
        follow_module.read_path(pipeline, other, IngestOptions(), named=True)
    finally:
        zombie.wait()
    why = f"cannot resolve its folder {logs / 'app'} (No such file or directory): a folder of the path changed"
    assert [s.error for s in summaries] == [f"{why} while it was looked at"]
    assert [n for n in notices if why in n] == [f"{log}: not read: {why} while it was looked at"]
    assert len(list(sqlite_store.search(Query()))) == 13  # the other path read: 3 before + 10


@pytest.mark.parametrize("link_owner", [0, 65534])
def test_a_log_folder_moved_behind_a_link_is_read_when_root_owns_the_link(tmp_path: Path, link_owner: int) -> None:
    # V13 V7: root moves the log folder to another disk and leaves a link (`mv /var/log /data/log;
    # ln -s /data/log /var/log`): every log under it was refused for good. As Linux's
    # fs.protected_symlinks: the changed folder is read when every link on the way is owned by root or
    # govsoc's user (the record takes the new folder, said once); a link owned by another user (the one
    # who may write the log's folder) is refused as before.
    need(os.geteuid() == 0, "a link another user owns needs root to make")
    home = tmp_path / "home"
    (tmp_path / "var" / "log" / "app").mkdir(parents=True)
    (tmp_path / "data").mkdir()
    log = tmp_path / "var" / "log" / "app" / "auth.log"
    write(log, 0, 3)
    run(home, "ingest", str(log))
    (tmp_path / "var" / "log").rename(tmp_path / "data" / "log")
    (tmp_path / "var" / "log").symlink_to(tmp_path / "data" / "log", target_is_directory=True)
    os.lchown(tmp_path / "var" / "log", link_owner, link_owner)
    write(log, 3, 2)
    first = run(home, "ingest", str(log))
    second = run(home, "ingest", str(log))
    moved = f"its folder now leads to {tmp_path / 'data' / 'log' / 'app'}, not to {tmp_path / 'var' / 'log' / 'app'}"
    if link_owner == 0:
        assert f"{moved}: read there" in first.stderr and "its folder now leads" not in second.stderr
        assert len(stored(home)) == 5  # the 2 new lines, once
    else:
        assert f"{moved} where a regular file was read before: not read" in first.stderr
        assert len(stored(home)) == 3


def test_an_evtx_file_is_read_from_the_folder_checked(tmp_path: Path, sqlite_store: SqliteStore,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    # The EVTX reader opened its path itself, by name (F11e's note): none of the checks of the read
    # held for it. Its folder swapped for a link to a root-only folder after the check, the records
    # of the file there (another log of that name) were stored. Now it opens as every log does.
    from govsoc.collectors.windows import EvtxFileSource
    from tests.collectors.windows.test_evtx_resume import SAMPLE
    other = CORPUS / ("sigma/regression_data/rules-emerging-threats/2025/Malware/Grixba/"
                      "proc_creation_win_malware_grixba_recon/af688c76-4ce4-4309-bfdd-e896f01acf27.evtx")
    logs, vault = tmp_path / "logs", tmp_path / "vault"
    (logs / "app").mkdir(parents=True)
    vault.mkdir(mode=0o700)
    log = logs / "app" / "Security.evtx"
    log.write_bytes(SAMPLE.read_bytes())
    (vault / "Security.evtx").write_bytes(other.read_bytes())
    read = follow_module.finish_predecessors

    def swap_then_read(pipeline: Pipeline, path: Path, options: IngestOptions) -> object:
        _swap_for_link(logs / "app", vault)
        return read(pipeline, path, options)
    monkeypatch.setattr(follow_module, "finish_predecessors", swap_then_read)
    follow_module.read_path(Pipeline(sqlite_store, data_dir=tmp_path / "state"), log,
                            IngestOptions(parser="windows.evtx"), named=True)
    stored_originals = {str(e.get("event.original")) for e in sqlite_store.search(Query())}
    assert stored_originals == {r.text() for r in EvtxFileSource(SAMPLE).records()}  # 7 records, the log's


@pytest.fixture
def read_only_records(tmp_path: Path) -> Iterator[Callable[[Path], None]]:
    """Makes a data folder's state/paths read-only (a read-only bind mount over it: EROFS, as on
    a read-only or full volume; root ignores file modes), undone after the test."""
    need(os.geteuid() == 0, "a read-only bind mount needs root")
    mounted: list[Path] = []

    def make(home: Path) -> None:
        folder = home / "state" / "paths"
        subprocess.run(["mount", "--bind", str(folder), str(folder)], check=True)
        mounted.append(folder)
        subprocess.run(["mount", "-o", "remount,bind,ro", str(folder)], check=True)
    yield make
    for folder in mounted:
        subprocess.run(["umount", str(folder)], check=True)


def test_path_records_that_cannot_be_written_are_said_and_their_guard_fails_closed(
        tmp_path: Path, secret: Path, read_only_records: Callable[[Path], None]) -> None:
    # V13 V5: on a read-only state/paths the records were not written and nothing said so; a
    # damaged record was said "replaced" at every run; and new.log, a regular file at a run that
    # could not record it, had its link (put there after logrotate's olddir moved the file away)
    # read by the next run as if named: the secret stored.
    home, logs = tmp_path / "home", tmp_path / "logs"
    logs.mkdir()
    logs.chmod(0o777)  # others may write the folder (V5's attacker): a link there needs the record (R11h R9)
    log, new = logs / "auth.log", logs / "new.log"
    write(log, 0, 3)
    run(home, "ingest", str(log))
    [record] = (home / "state" / "paths").glob("*.json")
    record.write_text(record.read_text(encoding="utf-8").replace('"first_look": "', '"first_look": "x'),
                      encoding="utf-8")
    read_only_records(home)
    new.touch()  # empty at its first look: no checkpoint at the path, only its record would say a file was there
    first = run(home, "ingest", str(log), str(new))
    assert first.stderr.count("path records cannot be written (Read-only file system)") == 1
    assert "is damaged (first_look: 'x" in first.stderr and ": replaced" not in first.stderr
    assert "not replaced (Read-only file system: kept for this run only)" in first.stderr
    assert "2 path records not written to" in first.stderr and len(stored(home)) == 3
    (tmp_path / "old").mkdir()
    new.rename(tmp_path / "old" / "new.log")
    new.symlink_to(secret)
    second = run(home, "ingest", str(new))
    assert (f"{new}: a symbolic link (to {secret}) at a path with no record, and records cannot be written "
            "(Read-only file system): not read") in second.stderr
    assert secret_lines(home) == [] and len(stored(home)) == 3


def test_a_folder_swapped_back_while_it_was_judged_is_not_said_moved(tmp_path: Path, vault: Path,
                                                                       sqlite_store: SqliteStore,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    # Seen in F11g's swap-loop run: realpath met the link to the root-only folder, the check of the
    # links' owners (V13 V7) met the folder swapped back: "its folder now leads to <vault>: read
    # there", and the record took that as a move. The swap back is made inside the owners' check.
    logs = tmp_path / "logs"
    (logs / "app").mkdir(parents=True)
    log = logs / "app" / "app.log"
    write(log, 0, 3)
    notices: list[str] = []
    pipeline = Pipeline(sqlite_store, data_dir=tmp_path / "state", notice=notices.append)
    follow_module.read_path(pipeline, log, IngestOptions(), named=True)
    write(log, 3, 2)
    (logs / "app").rename(logs / "app.real")
    (logs / "app").symlink_to(vault, target_is_directory=True)
    judge = follow_module._trusted

    def swap_back_then_judge(folder: Path) -> object:
        (logs / "app").unlink()
        (logs / "app.real").rename(logs / "app")
        return judge(folder)
    monkeypatch.setattr(follow_module, "_trusted", swap_back_then_judge)
    summaries = follow_module.read_path(pipeline, log, IngestOptions(), named=True)
    assert [n for n in notices if "leads to" in n] == []
    record = pipeline.paths.get(log)
    assert record is not None and record.folder == str(logs / "app")
    assert [(s.error, s.records) for s in summaries] == [(None, 2)]
    originals = [str(e.get("event.original")) for e in sqlite_store.search(Query())]
    assert len(originals) == 5 and not any("SECRET" in o for o in originals)


@pytest.fixture
def open_base(tmp_path: Path) -> Path:
    """A folder every user may pass (pytest's own base folder is root's, 0700): the tests of a link
    another user put must show what that user's rights allow, not what pytest's folder forbids."""
    base = Path(os.environ.get("TMPDIR", "/tmp")) / f"govsoc-links-{os.getpid()}-{tmp_path.name}"
    base.mkdir(mode=0o755)
    base.chmod(0o755)
    yield base
    subprocess.run(["rm", "-rf", str(base)], check=False)


def _vault_in(base: Path) -> Path:
    """A root-only folder (0700) holding app.log (0600) with the secret lines."""
    folder = base / "vault"
    folder.mkdir()
    (folder / "app.log").write_text(SECRET, encoding="utf-8")
    (folder / "app.log").chmod(0o600)
    folder.chmod(0o700)
    return folder


@pytest.mark.parametrize("case", ["inside-roots-link", "re-pointed", "first-look", "root-link-renamed-in",
                                  "root-folder-renamed-in"])
def test_a_link_another_user_may_have_put_reads_only_what_that_user_could(tmp_path: Path, open_base: Path,
                                                                          case: str) -> None:
    # R11h R1, R2, R10: govsoc (root) followed folder links whoever put them, so the user owning a
    # folder of a log's path had it store a root-only file. A link root or govsoc's user does not
    # vouch for (theirs, in a folder only they may write) now binds the read by the rights of
    # whoever may have put it: the user's own logs are read, a root-only folder is not.
    need(os.geteuid() == 0, "links another user owns need root to make")
    home, user = tmp_path / "home", 65534
    vault = _vault_in(open_base)
    app = open_base / "app"
    (app / "logs").mkdir(parents=True)
    write(app / "logs" / "app.log", 0, 2)
    os.chmod(app / "logs" / "app.log", 0o644)
    for folder in (app, app / "logs"):
        os.chown(folder, user, user)
    if case == "inside-roots-link":  # R1: root's var/log/app -> the user's app/logs
        (open_base / "var" / "log").mkdir(parents=True)
        (open_base / "var" / "log" / "app").symlink_to(app / "logs", target_is_directory=True)
        log = open_base / "var" / "log" / "app" / "app.log"
        run(home, "ingest", str(log))
        os.rename(app / "logs", app / "logs.old")
        (app / "logs").symlink_to(vault, target_is_directory=True)
        os.lchown(app / "logs", user, user)
    elif case == "re-pointed":  # R2 A: the user's own `current` link, re-pointed at a root-only folder
        (app / "current").symlink_to(app / "logs", target_is_directory=True)
        os.lchown(app / "current", user, user)
        log = app / "current" / "app.log"
        run(home, "ingest", str(log))
        (app / "current").unlink()
        (app / "current").symlink_to(vault, target_is_directory=True)
        os.lchown(app / "current", user, user)
    elif case == "first-look":  # R2 B: the link was there before govsoc's first look
        (app / "current").symlink_to(vault, target_is_directory=True)
        os.lchown(app / "current", user, user)
        log = app / "current" / "app.log"
    elif case == "root-link-renamed-in":  # R10: a link root owns, renamed into the user's folder
        (app / "current").symlink_to(vault, target_is_directory=True)
        log = app / "current" / "app.log"
    else:  # V14-3: root's folder holding root's link, renamed into the user's folder
        (app / "roots").mkdir(mode=0o755)
        (app / "roots" / "current").symlink_to(vault, target_is_directory=True)
        log = app / "roots" / "current" / "app.log"
    before = len(stored(home)) if (home / "events.db").exists() else 0
    done = subprocess.run([test_rotation_links.GOVSOC, "ingest", str(log)], capture_output=True, text=True,
                          timeout=120, env={**os.environ, "GOVSOC_HOME": str(home), "GOVSOC_CONFIG": ""})
    assert secret_lines(home) == []
    assert "not read" in done.stderr + done.stdout and "internal error" not in done.stderr + done.stdout
    assert len(stored(home)) == before  # nothing else was read in its place


def test_a_link_another_user_put_to_their_own_logs_is_read(tmp_path: Path, open_base: Path) -> None:
    # The other side of the rule: a deployer's `current` link to their own release is read, also
    # when re-pointed (tests above: a root-only target is not).
    need(os.geteuid() == 0, "links another user owns need root to make")
    home, user, app = tmp_path / "home", 65534, open_base / "app"
    for release in ("v1", "v2"):
        (app / "releases" / release).mkdir(parents=True)
    write(app / "releases" / "v1" / "app.log", 0, 2)
    write(app / "releases" / "v2" / "app.log", 10, 3)
    for path in [app, app / "releases", *(app / "releases").iterdir()]:
        os.chown(path, user, user)
    for release in ("v1", "v2"):
        os.chmod(app / "releases" / release / "app.log", 0o640)
        os.chown(app / "releases" / release / "app.log", user, user)
    (app / "current").symlink_to(app / "releases" / "v1", target_is_directory=True)
    os.lchown(app / "current", user, user)
    log = app / "current" / "app.log"
    run(home, "ingest", str(log))
    (app / "current").unlink()
    (app / "current").symlink_to(app / "releases" / "v2", target_is_directory=True)
    os.lchown(app / "current", user, user)
    run(home, "ingest", str(log))
    assert len(stored(home)) == 5


def test_a_root_link_in_a_folder_its_group_may_write_reads_a_root_only_log(tmp_path: Path, open_base: Path) -> None:
    # V14-1: Ubuntu's /var/log is root:syslog 0775; a root link there (/var/log/app -> /data/app)
    # counted as anyone's, so an ordinary 0640 log behind it was refused. A folder's group is the
    # system's choice of trusted writers: the link is root's, the log read.
    need(os.geteuid() == 0, "a root-owned group-writable folder needs root to make")
    home, log_folder, data = tmp_path / "home", open_base / "var" / "log", open_base / "data" / "app"
    log_folder.mkdir(parents=True)
    data.mkdir(parents=True)
    os.chown(log_folder, 0, 65534)
    log_folder.chmod(0o775)
    write(data / "app.log", 0, 3)
    (data / "app.log").chmod(0o640)
    (log_folder / "app").symlink_to(data, target_is_directory=True)
    run(home, "ingest", str(log_folder / "app" / "app.log"))
    assert len(stored(home)) == 3


@pytest.mark.parametrize("acl", ["denies", "grants"])
def test_the_rights_of_whoever_put_a_link_follow_the_access_acl(tmp_path: Path, open_base: Path, acl: str) -> None:
    # V14-2: the rights check read only the mode bits: an ACL denying the link's owner a 0755
    # folder / 0644 file (setfacl u:USER:---) let govsoc read what that user may not; an ACL
    # granting them a 0700 / 0600 one was refused. acl(5)'s access check decides now.
    need(os.geteuid() == 0, "links another user owns need root to make")
    need(subprocess.run(["setfacl", "--version"], capture_output=True).returncode == 0, "setfacl (package acl)")
    home, user, app = tmp_path / "home", 65534, open_base / "app"
    target = open_base / "target"
    target.mkdir()
    write(target / "app.log", 0, 3)
    if acl == "denies":
        target.chmod(0o755)
        (target / "app.log").chmod(0o644)
        subprocess.run(["setfacl", "-m", f"u:{user}:---", str(target)], check=True)
    else:
        target.chmod(0o700)
        (target / "app.log").chmod(0o600)
        subprocess.run(["setfacl", "-m", f"u:{user}:rx", str(target)], check=True)
        subprocess.run(["setfacl", "-m", f"u:{user}:r", str(target / "app.log")], check=True)
    app.mkdir()
    os.chown(app, user, user)
    (app / "current").symlink_to(target, target_is_directory=True)
    os.lchown(app / "current", user, user)
    subprocess.run([test_rotation_links.GOVSOC, "ingest", str(app / "current" / "app.log")], capture_output=True,
                   text=True, timeout=120, env={**os.environ, "GOVSOC_HOME": str(home), "GOVSOC_CONFIG": ""})
    read = len(stored(home)) if (home / "events.db").exists() else 0
    assert read == (0 if acl == "denies" else 3)
