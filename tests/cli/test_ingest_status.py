"""`govsoc ingest FILE|DIR|GLOB` and `govsoc status`: counters, checkpoint and lag per source."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli.conftest import Run


def sshd(i: int) -> bytes:
    return f"Dec 10 06:00:{i % 60:02d} h sshd[{i}]: Failed password for u{i} from 10.0.0.{i % 250} port {i} ssh2\n" \
        .encode()


def test_status_shows_each_source(govsoc: Run, tmp_path: Path) -> None:
    logs = tmp_path / "logs"
    logs.mkdir()
    (logs / "a.log").write_bytes(b"".join(sshd(i) for i in range(30)) + b"not syslog\n")
    (logs / "b.log").write_bytes(b"".join(sshd(i) for i in range(100, 110)))
    code, out, _ = govsoc("ingest", str(logs / "*.log"))
    assert code == 0 and out.endswith("41 accepted, 0 rejected → nothing to keep\n")
    with (logs / "b.log").open("ab") as more:
        more.write(sshd(111) + sshd(112))  # not read yet: lag
    code, out, _ = govsoc("status", "--format", "json")
    rows = {Path(r["source"]).name: r for r in json.loads(out)["sources"]}
    a, b = rows["a.log"], rows["b.log"]
    assert (a["records"], a["accepted"], a["stored"], a["parse_failures"], a["rejected"], a["spooled"]) == \
        (31, 31, 31, 1, 0, 0)
    assert (a["checkpoint"], a["lag_bytes"]) == ((logs / "a.log").stat().st_size, 0)
    assert (b["records"], b["line"], b["lag_bytes"]) == (10, 10, len(sshd(111) + sshd(112)))
    code, out, _ = govsoc("status")
    assert code == 0 and "a.log" in out and "spool: 0 of" in out
    code, out, _ = govsoc("ingest", str(logs))
    assert "b.log: 2 records, 2 accepted (2 new" in out and "a.log: unchanged since the last run" in out


def test_configured_sources_and_per_source_year(govsoc: Run, tmp_path: Path) -> None:
    log = tmp_path / "old.log"
    log.write_bytes(sshd(1))
    config = tmp_path / "govsoc.yaml"
    config.write_text(f"data_dir: {tmp_path / 'data'}\ncollectors:\n  sources:\n"
                      f"    - paths: ['{tmp_path}/*.log']\n      year: 2005\n      timezone: UTC\n", encoding="utf-8")
    code, out, err = govsoc("--config", str(config), "ingest")
    assert code == 0, err
    code, out, _ = govsoc("--config", str(config), "events", "--format", "json", "--from", "2005-01-01T00:00:00Z",
                          "--to", "2006-01-01T00:00:00Z")
    (event,) = json.loads(out)
    assert event["@timestamp"].startswith("2005-12-10T06:00:01")


def test_a_stored_unterminated_last_line_is_no_lag(govsoc: Run, tmp_path: Path) -> None:
    # A one-shot run stores an unterminated last line (flagged partial) and keeps its checkpoint
    # before it, so that the completed line replaces it: the line is read, not lag.
    log = tmp_path / "auth.log"
    log.write_bytes(sshd(1) + sshd(2).rstrip(b"\n"))
    code, out, _ = govsoc("ingest", str(log))
    assert code == 0 and "1 unterminated last line stored, flagged partial" in out
    (row,) = json.loads(govsoc("status", "--format", "json")[1])["sources"]
    assert (row["partial"], row["checkpoint"], row["lag_bytes"]) == (True, len(sshd(1)), 0)
    with log.open("ab") as more:
        more.write(b"\n" + sshd(3))  # the line completed and one more: lag is what is new
    (row,) = json.loads(govsoc("status", "--format", "json")[1])["sources"]
    assert row["lag_bytes"] == 1 + len(sshd(3))


def test_events_drained_from_the_spool_are_shown_stored(govsoc: Run, tmp_path: Path,
                                                        unopenable_store: Path) -> None:
    # R11 F4: a file spooled while the store was down showed "stored 0, spooled 50" for good:
    # the run that drained the 50 events into the store never told the source's counters.
    blocker = unopenable_store
    log = tmp_path / "auth.log"
    log.write_bytes(b"".join(sshd(i) for i in range(50)))
    other = tmp_path / "other.log"
    other.write_bytes(b"".join(sshd(i) for i in range(100, 120)))
    assert govsoc("ingest", str(log), str(other))[0] == 0
    rows = {Path(r["source"]).name: r for r in json.loads(govsoc("status", "--format", "json")[1])["sources"]}
    assert [(r["stored"], r["spooled"], r["accepted"]) for r in (rows["auth.log"], rows["other.log"])] == \
        [(0, 50, 50), (0, 20, 20)]
    blocker.unlink()  # the store can be opened again: the next run drains the spool into it
    with other.open("ab") as more:
        more.write(sshd(121))
    code, out, err = govsoc("ingest", str(other))
    assert code == 0 and "70 spooled events drained into the store" in out, (out, err)
    assert govsoc("events", "--count")[1].strip() == "71"
    rows = {Path(r["source"]).name: r for r in json.loads(govsoc("status", "--format", "json")[1])["sources"]}
    a, b = rows["auth.log"], rows["other.log"]
    assert (a["records"], a["stored"], a["created"], a["spooled"], a["accepted"]) == (50, 50, 50, 0, 50)
    assert (b["records"], b["stored"], b["created"], b["spooled"], b["accepted"]) == (21, 21, 21, 0, 21)


def test_ingest_and_status_count_groups_of_non_text_lines_alike(govsoc: Run, tmp_path: Path) -> None:
    # R11j-2: for the same hostile lines the ingest line said "15 runs of non-text lines among
    # the unparsed" and govsoc status "15 logged lines with control bytes and raw newlines".
    # Two hostile logged lines (raw newlines in a field), each between text lines: two groups.
    log = tmp_path / "auth.log"
    hostile = b"Dec 10 07:00:00 h sshd[9]: Invalid user \x01\x02\n\x03\x04\n\x05 from 10.9.9.9 port 4444\n"
    log.write_bytes(sshd(1) + hostile + sshd(2) + hostile + sshd(3))
    said = "2 groups of non-text lines kept as garbled pipeline_error events, read on after each"
    code, out, _ = govsoc("ingest", str(log))
    assert code == 0 and said in out, out
    code, out, _ = govsoc("status")
    assert code == 0 and f"garbled: {log}: {said}" in out.replace("\n", " "), out


def test_ingest_and_status_say_crash_padding_as_runs_and_torn_lines(govsoc: Run, tmp_path: Path) -> None:
    # R11n-4: both said "N NUL padding bytes skipped" (status: a bare counter), which asserted a
    # crash where a field's run was taken for one: now the runs and the torn lines, alike
    log = tmp_path / "auth.log"
    head = b"".join(sshd(i) for i in range(60))
    head += b"Dec 10 06:01:00 h sshd[7]: x" + b"y" * (-(len(head) + 29 + 20) % 4096) + b"\n"
    torn = b"Dec 10 06:01:01 h sshd[8]: Failed pass"  # torn at a block boundary, 900 bytes zeroed
    log.write_bytes(head + torn[:20] + b"\x00" * 900 + sshd(99) + b"\x00" * 40 + sshd(100))
    said = "2 NUL runs taken as crash padding (torn lines: 1; 940 bytes skipped)"
    code, out, _ = govsoc("ingest", str(log))
    assert code == 0 and said in out, out
    code, out, _ = govsoc("status")
    assert code == 0 and f"padding: {log}: {said}" in out.replace("\n", " "), out


def test_lag_of_a_log_rotated_since_its_last_read_is_in_its_rotated_file(govsoc: Run, tmp_path: Path,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """R58a-2: after logrotate's create (app.log -> app.log.1, a new empty app.log) the lines not
    read yet are in app.log.1, which the next ingest reads; status said "-" (unknown)."""
    log = tmp_path / "app.log"
    log.write_bytes(b"".join(sshd(i) for i in range(20)))
    assert govsoc("ingest", "--year", "2025", str(log))[0] == 0
    more = b"".join(sshd(i) for i in range(20, 25))
    with log.open("ab") as out:
        out.write(more)
    log.rename(tmp_path / "app.log.1")
    log.write_bytes(b"")
    (row,) = json.loads(govsoc("status", "--format", "json")[1])["sources"]
    assert (row["lag_bytes"], row["lag_file"]) == (len(more), str(tmp_path / "app.log.1"))
    monkeypatch.setenv("COLUMNS", "250")  # the table's row on one line
    code, out, _ = govsoc("status")
    assert code == 0 and f"{len(more)} B in app.log.1 (rotated), " in out, out
    code, out, _ = govsoc("ingest", "--year", "2025", str(log))
    assert code == 0 and "5 records" in out, out  # the next run reads them there
    (row,) = json.loads(govsoc("status", "--format", "json")[1])["sources"]
    assert row["lag_bytes"] == 0
