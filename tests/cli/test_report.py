"""`govsoc report situation|compliance`: a day of sshd lines ingested, detected and reported
through the command line, in several formats, signed when a key exists."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from govsoc.cli import main

# Three failed logins and one accepted, on 2026-11-29 in Beijing time (the report's day).
LINES = "".join(
    f"2026-11-29T09:00:0{i}+08:00 portal-web-01 sshd[81{i}]: Failed password for root from 203.0.113.7 "
    f"port 5002{i} ssh2\n" for i in range(3)) + \
    "2026-11-29T09:01:00+08:00 portal-web-01 sshd[820]: Accepted password for ops from 10.1.2.3 port 50100 ssh2\n"


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def day(govsoc_home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    log = tmp_path / "auth.log"
    log.write_text(LINES, encoding="utf-8")
    assert run(capsys, "ingest", "--parser", "linux.auth", str(log))[0] == 0
    assert run(capsys, "detect")[0] in (0, 1)
    return govsoc_home


def test_situation_report_of_a_day_in_two_formats_signed(day: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "keys", "init", "--signer", "auditor")[0] == 0
    code, out, err = run(capsys, "report", "situation", "--at", "2026-11-29T12:00:00+08:00",
                         "--format", "json", "--format", "html")
    assert code == 0, err
    paths = [Path(line) for line in out.split()]
    assert [p.name for p in paths] == ["situation-2026-11-29.json", "situation-2026-11-29.html"]
    data = json.loads(paths[0].read_text(encoding="utf-8"))
    assert data["data"]["events"] == 4 and data["data"]["by_dataset"] == {"linux.auth": 4}
    assert data["period"] == {"start": "2026-11-29T00:00:00+08:00", "end": "2026-11-30T00:00:00+08:00"}
    assert "root" not in json.dumps(data["sections"], ensure_ascii=False)  # accounts masked by default
    for path in paths:
        assert path.with_name(path.name + ".sig").is_file()
        assert run(capsys, "verify", str(path))[0] == 0
    # a changed report no longer verifies
    paths[0].write_text(paths[0].read_text(encoding="utf-8").replace('"events": 4', '"events": 5'), encoding="utf-8")
    assert run(capsys, "verify", str(paths[0]))[0] != 0


def test_compliance_report_of_a_custom_period_to_one_file(day: Path, tmp_path: Path,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "out" / "c.json"
    code, out, err = run(capsys, "report", "compliance", "--from", "2026-11-29T00:00:00+08:00",
                         "--to", "2026-11-30T00:00:00+08:00", "--format", "json", "-o", str(target), "--lang", "en")
    assert code == 0, err
    assert out.strip() == str(target)
    data = json.loads(target.read_text(encoding="utf-8"))
    assert data["title"] == "Compliance report"
    assert data["data"]["log_audit"]["datasets"]["linux.auth"]["events"] == 4
    assert data["data"]["log_audit"]["uncovered"] == []  # the shipped sshd rules read linux.auth


def test_a_custom_period_needs_both_ends(govsoc_home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "report", "situation", "--period", "custom", "--from", "2026-11-29")
    assert code == 2 and "--from and --to" in err


def test_alert_summary_of_a_day(day: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "report", "alerts", "--period", "day", "--at", "2026-11-29T12:00:00+08:00",
                         "--format", "json", "--format", "md")
    assert code == 0, err
    data = json.loads(Path(out.split()[0]).read_text(encoding="utf-8"))["data"]
    # each of the three failed logins is one "SSH Login Failed" alert (low)
    assert data["by_level"]["low"] == 3 and data["alerts"] == sum(data["by_level"].values())
    assert "SSH Login Failed" in Path(out.split()[1]).read_text(encoding="utf-8")
