"""`govsoc ingest` on hostile input, as a stranger would try it: files it cannot read among
files it can, a gzip file cut short, file names that hold newlines and terminal escapes."""

from __future__ import annotations

import base64
import gzip
import json
import os
import queue
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from govsoc.collectors.pipeline import COPY_NOTE
from tests.cli.conftest import Run

LINE = "Dec 10 06:55:{s:02d} LabSZ sshd[{n}]: Failed password for root from 10.0.0.{n} port 22 ssh2\n"


def lines(count: int, start: int = 0) -> str:
    return "".join(LINE.format(s=n % 60, n=n) for n in range(start, start + count))


def test_one_unreadable_file_does_not_stop_the_others(govsoc: Run, tmp_path: Path) -> None:
    folder = tmp_path / "logs"
    folder.mkdir()
    (folder / "a.log").write_text(lines(3))
    (folder / "b.log.gz").write_bytes(b"\x1f\x8b" + b"not gzip at all" * 10)  # a damaged archive
    (folder / "c.log").write_text(lines(4, 100))
    code, out, _err = govsoc("ingest", str(folder))
    assert code == 1
    assert f"{folder / 'b.log.gz'}: not read: cannot read" in out
    assert "a.log: 3 records" in out and "c.log: 4 records" in out
    assert out.splitlines()[-1].startswith("7 accepted, 0 rejected")
    assert govsoc("events", "--count")[1].strip() == "7"


def test_a_gzip_file_cut_short_is_read_to_its_last_complete_line_then_finished(govsoc: Run, tmp_path: Path) -> None:
    # logrotate's delayed compression still writing the archive: read what is there, finish later
    text = lines(20000)
    whole = gzip.compress(text.encode())
    archive = tmp_path / "auth.log.1.gz"
    archive.write_bytes(whole[:len(whole) // 2])
    code, out, err = govsoc("ingest", str(archive))
    assert code == 0, err
    assert "stopped early, the rest is left for a later run" in out
    first = int(govsoc("events", "--count")[1])
    assert 0 < first < 20000
    archive.write_bytes(whole)
    assert govsoc("ingest", str(archive))[0] == 0
    assert int(govsoc("events", "--count")[1]) == 20000


def test_the_data_folder_inside_an_ingested_folder_is_never_read_as_a_log(govsoc: Run, tmp_path: Path,
                                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    """R58a-5: with the data folder under the folder ingested (data_dir /var/log/govsoc, `govsoc ingest
    /var/log`), each run read the checkpoints, the store's WAL and the spool the one before wrote,
    as logs: pipeline_error events on every run, a spool spooling itself. They are govsoc's own,
    never read, said once; named, one is an error."""
    logs = tmp_path / "logs"
    logs.mkdir()
    monkeypatch.setenv("GOVSOC_HOME", str(logs / "govsoc"))
    (logs / "a.log").write_text(lines(5))
    for run in range(3):
        (logs / "a.log").write_text(lines(5 + run))
        code, out, err = govsoc("ingest", str(logs))
        assert code == 0, out + err
        assert govsoc("events", "--count")[1].strip() == str(5 + run), out + err  # the log's lines alone
    assert list((logs / "govsoc" / "state" / "sources").glob("*.json"))  # there to be read
    assert f"{logs / 'govsoc'}: govsoc's own folder" in out + err  # said for the folder, not for each file in it
    assert govsoc("events", "--count")[1].strip() == "7"
    state = next((logs / "govsoc" / "state" / "sources").glob("*.json"))
    code, out, err = govsoc("ingest", str(state))
    assert code == 1 and "govsoc's own file" in out + err
    assert govsoc("events", "--count")[1].strip() == "7"


def test_a_log_truncated_in_place_is_said_truncated(govsoc: Run, tmp_path: Path) -> None:
    # R58a-8: `: > app.log` (same file, same inode) was said "moved to another folder ... or deleted", with
    # advice that cannot help; the lines written between the last run and the truncation are lost with it
    log = tmp_path / "app.log"
    log.write_text(lines(100))
    assert govsoc("ingest", str(log))[0] == 0
    with log.open("a") as out:
        out.write(lines(10, 100))
    inode = log.stat().st_ino
    with log.open("r+") as out:
        out.truncate(0)
    with log.open("a") as out:
        out.write(lines(5, 200))
    assert log.stat().st_ino == inode
    code, out, err = govsoc("ingest", str(log))
    assert code == 0, out + err
    assert "truncated in place" in out + err and "read to byte" in out + err
    assert "moved to another folder" not in out + err
    assert govsoc("events", "--count")[1].strip() == "105"


def test_file_names_are_shown_as_data(govsoc: Run, tmp_path: Path) -> None:
    hostile = tmp_path / "x\x1b]0;pwned\x07\x1b[31m\nred [bold].log"
    hostile.write_text(lines(2))
    code, out, _err = govsoc("ingest", str(hostile))
    assert code == 0
    assert "\x1b" not in out and "\x07" not in out
    assert len(out.splitlines()) == 2  # the file's line and the closing line, a newline in a name notwithstanding
    assert "\\x1b]0;pwned\\x07" in out and "[bold].log: 2 records" in out
    status = json.loads(govsoc("status", "--format", "json")[1])
    assert status["sources"][0]["source"] == str(hostile)  # JSON keeps the exact name
    table = govsoc("status")[1]
    assert "\x1b" not in table and "\x07" not in table


def test_a_store_that_cannot_be_opened_sends_the_run_to_the_spool(govsoc: Run, tmp_path: Path,
                                                                  unopenable_store: Path) -> None:
    # The store is down when the run starts (here: its folder cannot be created), not only in the
    # middle of it: the lines go to the spool and the next run with a working store writes them.
    blocker = unopenable_store
    log = tmp_path / "auth.log"
    log.write_text(lines(50))
    code, out, err = govsoc("ingest", str(log))
    assert code == 0, err
    assert "50 spooled until the store answers" in out and "store unavailable" in err
    # the file's line counts the spooled events as accepted, as the closing line does (R49a-7:
    # "50 records, 0 accepted (... 50 spooled ...)" above "50 accepted")
    assert f"{log}: 50 records, 50 accepted (0 new, 0 already stored, 50 spooled until the store answers)" in out
    spool = json.loads(govsoc("status", "--format", "json")[1])["spool"]
    assert spool["pending_bytes"] > 0 and spool["drained_events"] == 0
    assert out.splitlines()[-1] == (f"50 accepted, 0 rejected → nothing to keep; {spool['pending_bytes']} bytes of "
                                    f"events still spooled until the store answers (govsoc status)")
    blocker.unlink()
    code, out, _err = govsoc("ingest", str(log))
    assert code == 0 and "unchanged" in out
    # the run's closing line and `govsoc status` say where the 50 events went
    assert out.splitlines()[-1] == "0 accepted, 0 rejected → nothing to keep; 50 spooled events drained into the store"
    assert govsoc("events", "--count")[1].strip() == "50"
    spool = json.loads(govsoc("status", "--format", "json")[1])["spool"]
    assert (spool["pending_bytes"], spool["drained_events"], spool["corrupt_records"]) == (0, 50, 0)
    assert spool["last_drained"]
    assert "50 spooled events drained into the store so far" in govsoc("status")[1]


def test_invalid_utf8_keeps_its_bytes_recoverable(govsoc: Run, tmp_path: Path) -> None:
    # not UTF-8 and not GB18030 either: the text shown has U+FFFD, the exact bytes stay recoverable
    raw = b"Dec 10 06:55:46 LabSZ sshd[1]: Failed password for r\xffoot\xed\xa0\x80 from 10.0.0.1 port 22 ssh2"
    gbk = "Dec 10 06:55:47 LabSZ sshd[2]: 用户 张三 登录失败".encode("gbk")  # decodes without loss
    log = tmp_path / "mixed.log"
    log.write_bytes(raw + b"\n" + gbk + b"\n")
    assert govsoc("ingest", str(log))[0] == 0
    events = {e["log.offset"]: e for e in json.loads(govsoc("events", "--format", "json")[1])}
    assert base64.b64decode(events[0]["govsoc.original_base64"]) == raw
    assert "govsoc.original_base64" not in events[len(raw) + 1]
    assert govsoc("events", "--text", "张三", "--count")[1].strip() == "1"


def test_a_folder_of_many_files_does_not_reparse_every_checkpoint_per_file(
        govsoc: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # 2,000 small files took 801 s to ingest and 2,534 s to find unchanged: every file read
    # every checkpoint file three times. Each checkpoint is now parsed when it changes.
    from govsoc.collectors.checkpoints import RACY_SECONDS, Checkpoint

    folder = tmp_path / "hosts"
    folder.mkdir()
    count = 150
    for n in range(count):
        (folder / f"host{n:04d}.log").write_text(lines(2, n * 2))
    parsed = 0
    original = Checkpoint.from_json.__func__  # type: ignore[attr-defined]

    def counting(cls: type[Checkpoint], data: dict[str, object]) -> Checkpoint:
        nonlocal parsed
        parsed += 1
        return original(cls, data)  # type: ignore[no-any-return]

    monkeypatch.setattr(Checkpoint, "from_json", classmethod(counting))
    assert govsoc("ingest", str(folder))[0] == 0
    assert govsoc("events", "--count")[1].strip() == str(2 * count)
    first, parsed = parsed, 0
    # a checkpoint written less than RACY_SECONDS ago is read again (file times are coarse), so the
    # second run comes as a cron run would, later than that; it failed whenever the first run was fast
    time.sleep(RACY_SECONDS + 0.2)
    code, out, _err = govsoc("ingest", str(folder))
    assert code == 0 and out.count("unchanged since the last run") == count
    assert first < 10 * count  # was about 1.5 * count**2 per run
    # unchanged files: each checkpoint parsed once, not at each of its five look-ups (R11)
    assert parsed <= count + 5, parsed


def test_a_file_that_vanishes_between_listing_and_reading_is_reported(govsoc: Run, tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    # A file listed, then removed before it is read (a rotated generation logrotate removes while a run
    # lists the folder). Before R58a-5 this test used a spool segment drained before it was read: the
    # data folder is govsoc's own now, never read as logs.
    from govsoc.cli.commands import ingest as ingest_module

    folder = tmp_path / "logs"
    folder.mkdir()
    (folder / "auth.log").write_text(lines(5))
    (folder / "old.log").write_text(lines(3, 100))
    listed = ingest_module.expand

    def listing_then_removed(*args: Any, **kwargs: Any) -> list[Path]:
        found = listed(*args, **kwargs)
        (folder / "old.log").unlink()
        return found
    monkeypatch.setattr(ingest_module, "expand", listing_then_removed)
    code, out, err = govsoc("ingest", str(folder))
    assert "internal error" not in err
    assert code == 1 and "old.log" in out and "not read: cannot read" in out, out + err
    assert govsoc("events", "--count")[1].strip() == "5"


def test_a_file_keeps_the_parser_it_was_first_read_with(govsoc: Run, tmp_path: Path) -> None:
    # Without --parser, a known file is read on with the parser that read it first: detection
    # (its first lines) runs for new files only, not for each of thousands of unchanged ones,
    # and a file is never parsed half one way and half another.
    log = tmp_path / "app.log"
    log.write_text(lines(3))
    code, out, _ = govsoc("ingest", "--parser", "windows.winlogbeat", str(log))
    assert code == 0 and "3 unparsed kept as pipeline_error events" in out
    with log.open("a") as more:
        more.write(lines(1))
    code, out, _ = govsoc("ingest", str(log))
    assert code == 0 and "1 records" in out and "1 unparsed kept as pipeline_error events" in out
    other = tmp_path / "other.log"
    other.write_text(lines(2))  # a new file: detected (syslog), parsed as such
    code, out, _ = govsoc("ingest", str(other))
    assert code == 0 and "0 unparsed" in out


def test_a_folder_of_small_files_syncs_its_checkpoints_together(govsoc: Run, tmp_path: Path, home: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    # Each file's checkpoint was saved when registered and again when its lines were stored, each
    # save a fsync of the file and one of the folder: four a file, ~50 ms of a 5-line file's
    # 2,000-file folder (issue 11). Written a group at a time, a checkpoint costs one.
    folder = tmp_path / "logs"
    folder.mkdir()
    for n in range(40):
        (folder / f"host{n:02d}.log").write_text(lines(5, 10 * n))
    synced: list[int] = []
    real = os.fsync

    def counting(fd: int) -> None:
        synced.append(fd)
        real(fd)

    monkeypatch.setattr(os, "fsync", counting)
    code, out, _err = govsoc("ingest", str(folder))
    monkeypatch.setattr(os, "fsync", real)
    assert code == 0, out
    assert out.splitlines()[-1].startswith("200 accepted, 0 rejected")
    assert len(synced) <= 40 + 5, len(synced)
    # every file's checkpoint is written, at its end: an unchanged run reads nothing again
    saved = [json.loads(p.read_text()) for p in (home / "state" / "sources").glob("*.json")]
    assert sorted(c["offset"] for c in saved) == sorted(p.stat().st_size for p in folder.iterdir())
    code, out, _err = govsoc("ingest", str(folder))
    assert code == 0 and out.splitlines()[-1].startswith("0 accepted"), out


def test_the_parser_help_says_the_format_is_found_not_linux_auth(govsoc: Run, tmp_path: Path) -> None:
    # R11 F7: --help claimed "default linux.auth" while a file given without --parser has its
    # format found (collectors.detect); a user reading the help would force --parser for nothing.
    code, out, _ = govsoc("ingest", "--help")
    assert code == 0
    text = " ".join(out.split())
    assert "default linux.auth" not in text
    assert "format is found from its suffix, magic bytes or first lines" in text
    # and so it is: an access log given without --parser is read as one, not as auth lines
    log = tmp_path / "site.log"
    log.write_text('10.0.0.1 - - [10/Dec/2025:06:55:01 +0800] "GET / HTTP/1.1" 200 612 "-" "curl/8.0"\n')
    assert govsoc("ingest", str(log))[0] == 0
    status = json.loads(govsoc("status", "--format", "json")[1])
    assert [s["parser"] for s in status["sources"]] == ["apache.access"]


def test_a_full_disk_stops_the_run_with_disk_full_not_a_wait_forever(small_disk: Path, tmp_path: Path) -> None:
    # R11 F5: with the store and the spool on a full disk, `govsoc ingest` waited for the store
    # for ever ("spool full ... waiting for the store" every 2 s). It waits a bounded time for
    # room, then says DISK FULL and exits non-zero; the lines not stored are read by the next run.
    data = small_disk / "data"
    config = tmp_path / "govsoc.yaml"
    config.write_text(f"data_dir: {data}\ncollectors:\n  disk_full_wait_seconds: 2\n")
    log = tmp_path / "auth.log"
    log.write_text(lines(40000))  # 3.4 MB of lines: more than the 4 MiB disk holds as events
    env = {**os.environ, "GOVSOC_CONFIG": str(config)}
    command = [str(Path(sys.executable).with_name("govsoc")), "ingest", str(log)]
    started = time.monotonic()
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode != 0 and time.monotonic() - started < 240
    assert "DISK FULL" in done.stderr and str(small_disk) in done.stderr, done.stderr
    assert "Traceback" not in done.stderr and "internal error" not in done.stderr, done.stderr
    # room again: the next run stores every line, each once
    subprocess.run(["mount", "-o", "remount,size=256m", str(small_disk)], check=True)
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    count = subprocess.run([command[0], "events", "--count"], env=env, capture_output=True, text=True, timeout=120)
    assert count.stdout.strip() == "40000", (count.stdout, count.stderr)


def test_follow_says_once_per_line_that_an_unterminated_line_waits(tmp_path: Path) -> None:
    # R11j-8: `govsoc ingest --follow` said "0 records ...; 30 bytes of an unterminated last line
    # left for later" at every poll (ten a second here) for as long as the application kept its
    # line open. Once per line now: the line growing says nothing new, the next line is said.
    log = tmp_path / "auth.log"
    log.write_text(lines(5) + LINE.format(s=0, n=9)[:30])
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    follower = subprocess.Popen([str(Path(sys.executable).with_name("govsoc")), "ingest", "--follow", "--interval",
                                 "0.1", "--stop-after", "120", str(log)], env=env, stdout=subprocess.PIPE,
                                stderr=subprocess.DEVNULL, text=True)
    said: queue.Queue[str] = queue.Queue()
    reader = threading.Thread(target=lambda: [said.put(line) for line in follower.stdout or ()], daemon=True)
    reader.start()
    out: list[str] = []

    def until(text: str) -> None:
        deadline = time.monotonic() + 60
        while not any(text in line for line in out):
            out.append(said.get(timeout=max(0.1, deadline - time.monotonic())))

    try:
        until("left for later")
        with log.open("a") as grown:  # the same line, longer
            grown.write(LINE.format(s=0, n=9)[30:50])
        time.sleep(1.5)  # some ten polls
        with log.open("a") as completed:  # completed, and the next line begun
            completed.write(LINE.format(s=0, n=9)[50:] + LINE.format(s=1, n=10)[:20])
        until("1 records")
        time.sleep(1.5)
        follower.send_signal(signal.SIGINT)
        follower.wait(timeout=60)
    finally:
        if follower.poll() is None:
            follower.kill()
            follower.wait()
    reader.join(timeout=10)
    if follower.stdout is not None:
        follower.stdout.close()
    while not said.empty():
        out.append(said.get())
    assert follower.returncode == 0, out
    waits = [line for line in out if "left for later" in line]
    assert len(waits) == 2, out
    assert "30 bytes of an unterminated last line" in waits[0] and "20 bytes" in waits[1], waits


def test_a_copy_of_a_log_is_said_once_a_run(govsoc: Run, tmp_path: Path) -> None:
    # R11q-10: a glob's match that is a copy of its log (logrotate's `copy`) is looked at as a
    # match and again as the log's generation: its note came twice a run, 2N lines for N copies
    folder = tmp_path / "logs"
    folder.mkdir()
    (folder / "app.log").write_text(lines(10))
    govsoc("ingest", str(folder / "app.log*"))
    for copy in ("app.log.1", "app.log.2"):
        (folder / copy).write_text(lines(10))  # as logrotate's copy leaves it: the log's bytes
    code, out, _err = govsoc("ingest", str(folder / "app.log*"))
    assert code == 0
    notes = [line for line in out.splitlines() if "a copy of a log" in line]
    assert sorted(notes) == [f"{folder / copy}: {COPY_NOTE}" for copy in ("app.log.1", "app.log.2")], out
