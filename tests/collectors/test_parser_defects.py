"""A parser's defect met on one record never takes down the read (the brief: bad input gets a
clear error naming what and where, is counted, and never takes down the rest). An sshd line whose
port has 5,000 digits made linux.auth's int() raise ValueError, which the ingest kept only for
ParseError: `govsoc ingest` ended with "internal error: ValueError: Exceeds the limit (4300
digits) ..." (exit 1) and never read the next line. An auditd EXECVE record with argc=300000000
made linux.auditd count to argc for its arguments: minutes a line."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

GOVSOC = str(Path(sys.executable).with_name("govsoc"))


def govsoc(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GOVSOC_")} | {"GOVSOC_HOME": str(home)}
    return subprocess.run([GOVSOC, *args], capture_output=True, text=True, timeout=120, env=env)


def stored(home: Path) -> list[dict[str, object]]:
    done = govsoc(home, "events", "--format", "json", "-n", "100")
    assert done.returncode == 0, done.stderr
    return sorted(json.loads(done.stdout), key=lambda event: int(str(event["log.offset"])))


def test_a_record_a_parser_fails_on_is_kept_named_and_counted_and_the_read_goes_on(tmp_path: Path) -> None:
    log, home = tmp_path / "auth.log", tmp_path / "home"
    log.write_text(
        f"Dec 10 06:55:46 LabSZ sshd[24200]: Failed password for root from 1.2.3.4 port {'9' * 5000} ssh2\n"
        "Dec 10 06:55:47 LabSZ sshd[24201]: Failed password for root from 1.2.3.5 port 22 ssh2\n"
    )
    done = govsoc(home, "ingest", str(log))
    assert done.returncode == 0, done.stderr
    assert "2 records, 2 accepted (2 new, 0 already stored), 1 unparsed" in done.stdout, done.stdout
    assert f"{log}:1: the linux.auth parser failed on this record (ValueError: " in done.stderr, done.stderr
    assert "Traceback" not in done.stderr
    first, second = stored(home)
    assert first["event.kind"] == "pipeline_error" and "9" * 5000 in str(first["event.original"])
    assert "the linux.auth parser failed on this record" in str(first["error.message"])
    assert second["source.ip"] == "1.2.3.5" and second["source.port"] == 22


def test_an_execve_records_arguments_are_those_it_holds_whatever_its_argc(tmp_path: Path) -> None:
    log, home = tmp_path / "audit.log", tmp_path / "home"
    log.write_text(
        'type=EXECVE msg=audit(1364481363.243:24287): argc=300000000000 a0="ls" a1="-l"\n'
        'type=EXECVE msg=audit(1364481363.243:24288): argc=2 a0="cat" a1="/etc/shadow" a2="x"\n'
        'type=EXECVE msg=audit(1364481363.243:24289): argc=3 a0="id" a2="-u" a1_len=4 a01="no"\n'
    )
    done = govsoc(home, "ingest", "-p", "linux.auditd", str(log))  # the old code never ended
    assert done.returncode == 0, done.stderr
    assert [event["process.args"] for event in stored(home)] == [["ls", "-l"], ["cat", "/etc/shadow"], ["id", "-u"]]
