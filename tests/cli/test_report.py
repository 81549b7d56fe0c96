"""`govsoc report situation|compliance`: a day of sshd lines ingested, detected and reported
through the command line, in several formats, signed; without a usable key nothing is written
(unless --unsigned, and then the report says so)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from govsoc.cli import main
from govsoc.reports import signing

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


@pytest.fixture
def signed_day(day: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    assert run(capsys, "keys", "init", "--signer", "auditor")[0] == 0
    return day


def test_situation_report_of_a_day_in_two_formats_signed(day: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "keys", "init", "--signer", "auditor")[0] == 0
    code, out, err = run(capsys, "report", "situation", "--at", "2026-11-29T12:00:00+08:00",
                         "--format", "json", "--format", "html")
    assert code == 0, err
    paths = [Path(line) for line in out.split()]
    assert [p.name for p in paths] == ["situation-2026-11-29.json", "situation-2026-11-29.html"]
    data = json.loads(paths[0].read_text(encoding="utf-8"))
    assert data["data"]["events"] == 4 and data["data"]["by_dataset"] == {"linux.auth": 4}
    assert data["period"] == {"start": "2026-11-29T00:00:00+08:00", "end": "2026-11-30T00:00:00+08:00",
                              "status": "complete"}
    assert "root" not in json.dumps(data["sections"], ensure_ascii=False)  # accounts masked by default
    for path in paths:
        assert path.with_name(path.name + ".sig").is_file()
        assert run(capsys, "verify", str(path))[0] == 0
    # a changed report no longer verifies
    paths[0].write_text(paths[0].read_text(encoding="utf-8").replace('"events": 4', '"events": 5'), encoding="utf-8")
    assert run(capsys, "verify", str(paths[0]))[0] != 0


def test_compliance_report_of_a_custom_period_to_one_file(signed_day: Path, tmp_path: Path,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "out" / "c.json"
    code, out, err = run(capsys, "report", "compliance", "--from", "2026-11-29T00:00:00+08:00",
                         "--to", "2026-11-30T00:00:00+08:00", "--format", "json", "-o", str(target), "--lang", "en")
    assert code == 0, err
    assert out.strip() == str(target)
    assert sorted(p.name for p in target.parent.iterdir()) == ["c.json", "c.json.sig"]  # signed under its name
    assert run(capsys, "verify", str(target))[0] == 0
    data = json.loads(target.read_text(encoding="utf-8"))
    assert data["title"] == "Compliance report"
    assert data["data"]["log_audit"]["datasets"]["linux.auth"]["events"] == 4
    assert data["data"]["log_audit"]["uncovered"] == []  # the shipped sshd rules read linux.auth


def test_a_custom_period_needs_both_ends(govsoc_home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "report", "situation", "--period", "custom", "--from", "2026-11-29")
    assert code == 2 and "--from and --to" in err


def test_alert_summary_of_a_day(signed_day: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # two more failures from the same address: five within seconds, one brute-force alert (the
    # single failures raise none of their own: the correlations' base rule, Sigma's generate: false)
    more = tmp_path / "more.log"
    more.write_text("".join(f"2026-11-29T09:00:0{i}+08:00 portal-web-01 sshd[81{i}]: Failed password for root from "
                            f"203.0.113.7 port 5002{i} ssh2\n" for i in (3, 4)), encoding="utf-8")
    assert run(capsys, "ingest", "--parser", "linux.auth", str(more))[0] == 0
    assert run(capsys, "detect")[0] == 0
    code, out, err = run(capsys, "report", "alerts", "--period", "day", "--at", "2026-11-29T12:00:00+08:00",
                         "--format", "json", "--format", "md")
    assert code == 0, err
    data = json.loads(Path(out.split()[0]).read_text(encoding="utf-8"))["data"]
    assert data["by_level"]["high"] == 1 and data["alerts"] == sum(data["by_level"].values()) == 1
    assert "SSH Brute Force From One Source" in Path(out.split()[1]).read_text(encoding="utf-8")


def test_a_custom_period_inside_a_day_keeps_the_day_report(govsoc_home: Path, tmp_path: Path,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    # review r18c finding 11: the hour's report took the day's name and replaced its signature
    assert run(capsys, "keys", "init")[0] == 0
    folder = tmp_path / "out"
    code, out, err = run(capsys, "report", "situation", "--at", "2026-11-29T12:00:00+08:00", "--format", "json",
                         "--folder", str(folder))
    assert code == 0, err
    day_report = Path(out.strip())
    before = day_report.read_bytes(), day_report.with_name(day_report.name + ".sig").read_bytes()
    code, out, err = run(capsys, "report", "situation", "--from", "2026-11-29T09:00", "--to", "2026-11-29T10:00",
                         "--format", "json", "--folder", str(folder))
    assert code == 0, err
    assert Path(out.strip()).name == "situation-2026-11-29T0900--2026-11-29T1000.json"
    assert (day_report.read_bytes(), day_report.with_name(day_report.name + ".sig").read_bytes()) == before
    for path in (day_report, Path(out.strip())):
        assert run(capsys, "verify", str(path))[0] == 0


@pytest.mark.parametrize(("args", "message"), [
    # review r18c finding 12: each of these used to write the last whole day without a word
    (("situation", "--from", "2026-11-20T00:00"), "--from alone"),
    (("situation", "--to", "2026-11-20T00:00"), "--to alone"),
    (("situation", "--period", "day", "--from", "2026-11-20", "--to", "2026-11-21"), "no meaning with --period day"),
    (("situation", "--period", "custom", "--at", "2026-11-20", "--from", "2026-11-20", "--to", "2026-11-21"),
     "no meaning with --period custom"),
    (("alerts", "-o", "a.html", "--folder", "f"), "give one of them"),
    # review r18d finding 7: a period no datetime can hold was an internal error (exit 1): in
    # Beijing time 0001-01-01 00:00 is before 0001-01-01 in UTC; the day before 0001-01-02 and the
    # month after 9999-12 are outside the years too
    (("situation", "--period", "custom", "--from", "0001-01-01", "--to", "0001-01-02"), "outside the years 0001-9999"),
    (("situation", "--period", "day", "--at", "0001-01-01"), "outside the years 0001-9999"),
    (("situation", "--period", "month", "--at", "9999-12-15"), "outside the years 0001-9999"),
    # review r18d finding 6: sub-second bounds were kept, yet named and printed to the second, so
    # two periods shared a file name and 21:10:00-21:10:00.5 read as zero-length
    (("situation", "--period", "custom", "--from", "2026-11-29T21:10:00", "--to", "2026-11-29T21:10:00.5"),
     "whole seconds"),
    (("situation", "--period", "custom", "--from", "2026-11-29T21:10:00.2", "--to", "2026-11-29T21:10:01"),
     "whole seconds"),
])
def test_an_option_that_would_be_ignored_is_refused(govsoc_home: Path, capsys: pytest.CaptureFixture[str],
                                                    args: tuple[str, ...], message: str) -> None:
    code, out, err = run(capsys, "report", *args, "--unsigned")
    assert code == 2 and message in err and not out, err
    assert "UNSIGNED" not in err  # refused before the warning (review r18c finding 17)


def test_the_alert_list_writes_every_format_into_the_folder(govsoc_home: Path, tmp_path: Path,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "outa"
    code, out, err = run(capsys, "report", "alerts", "--format", "md", "--format", "json", "--format", "html",
                         "--folder", str(folder), "--unsigned")
    assert code == 0, err
    assert [Path(p).name for p in out.split()] == ["alerts.md", "alerts.json", "alerts.html"]
    assert all(Path(p).parent == folder for p in out.split())


def test_a_bounded_alert_list_is_named_and_shown_by_its_bounds(govsoc_home: Path, tmp_path: Path,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    # R49a-6: every alert list was alerts.<format>, whatever --from/--to asked, and its cover
    # showed its alerts' span (none: "无 — 无"): November's signed list verified in December's
    # place, and each run replaced the last one
    folder = tmp_path / "lists"
    months = (("--from", "2026-11-01T00:00:00+08:00", "--to", "2026-12-01T00:00:00+08:00"),
              ("--from", "2026-12-01T00:00:00+08:00", "--to", "2027-01-01T00:00:00+08:00"))
    names = []
    for bounds in months:
        code, out, err = run(capsys, "report", "alerts", *bounds, "--format", "json", "--folder", str(folder),
                             "--unsigned")
        assert code == 0, err
        names.append(Path(out.split()[0]).name)
    assert names == ["alerts-2026-11-01T0000--2026-12-01T0000.json", "alerts-2026-12-01T0000--2027-01-01T0000.json"]
    december = json.loads((folder / names[1]).read_text(encoding="utf-8"))
    assert december["period"]["start"] == "2026-12-01T00:00:00+08:00"
    assert december["period"]["end"] == "2027-01-01T00:00:00+08:00"
    code, out, err = run(capsys, "report", "alerts", "--from", "2026-11-29T09:30:15+08:00", "--format", "json",
                         "--folder", str(folder), "--unsigned")
    assert code == 0 and Path(out.split()[0]).name == "alerts-from-2026-11-29T093015.json", err


def test_an_inverted_period_is_told_in_the_times_given(govsoc_home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "report", "situation", "--from", "2026-11-29T10:00", "--to", "2026-11-29T09:00",
                       "--unsigned")
    assert code == 2 and "2026-11-29T10:00:00+08:00" in err and "UNSIGNED" not in err, err


SITUATION = ("report", "situation", "--at", "2026-11-29T12:00:00+08:00", "--format", "json", "--format", "html")


def test_without_a_key_the_report_fails_and_says_how_to_make_one(govsoc_home: Path, tmp_path: Path,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    out_folder = tmp_path / "out"
    code, out, err = run(capsys, *SITUATION, "--folder", str(out_folder))
    assert code == 2 and "govsoc keys init" in err and "--unsigned" in err and not out
    assert not out_folder.exists()
    code, out, err = run(capsys, "report", "-o", str(out_folder / "alerts.html"))  # the alert list too
    assert code == 2 and "govsoc keys init" in err and not out_folder.exists()


def test_unsigned_on_request_warns_and_the_report_says_so(day: Path, tmp_path: Path,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    out_folder = tmp_path / "out"
    assert run(capsys, "keys", "init")[0] == 0
    assert run(capsys, *SITUATION, "--folder", str(out_folder))[0] == 0
    assert (out_folder / "situation-2026-11-29.json.sig").is_file()
    # the same report again, unsigned on purpose: the old signature goes (it would no longer match)
    code, out, err = run(capsys, *SITUATION, "--folder", str(out_folder), "--unsigned")
    assert code == 0 and "UNSIGNED" in err
    json_file, html_file = (Path(line) for line in out.split())
    assert sorted(p.name for p in out_folder.iterdir()) == ["situation-2026-11-29.html", "situation-2026-11-29.json"]
    meta = json.loads(json_file.read_text(encoding="utf-8"))["meta"]
    assert meta["integrity"].startswith("未签名")
    assert "未签名" in html_file.read_text(encoding="utf-8")
    code, _, err = run(capsys, "verify", str(json_file))
    assert code == 1 and "not signed" in err
    code, out, err = run(capsys, "report", "--lang", "en", "--format", "md", "-o", str(tmp_path / "a.md"), "--unsigned")
    assert code == 0 and "UNSIGNED" in err and "UNSIGNED" in (tmp_path / "a.md").read_text(encoding="utf-8")


def _readable(keys: Path) -> None:
    os.chmod(keys / signing.KEY_FILE, 0o644)


def _corrupt(keys: Path) -> None:
    (keys / signing.KEY_FILE).write_text("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n")


def _not_readable(keys: Path) -> None:
    (keys / signing.KEY_FILE).unlink()  # a folder in its place: unreadable as a file, even for root
    (keys / signing.KEY_FILE).mkdir()


@pytest.mark.parametrize(("spoil", "message"), [
    (_readable, "chmod 600"),            # a key others can read (the review's repro)
    (_corrupt, "signing.key"),           # not a key any more
    (_not_readable, "signing.key"),      # cannot be read
])
def test_an_unusable_key_leaves_nothing_behind(govsoc_home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                               spoil: object, message: str) -> None:
    assert run(capsys, "keys", "init")[0] == 0
    spoil(govsoc_home / "keys")  # type: ignore[operator]
    out_folder = tmp_path / "out"
    code, out, err = run(capsys, *SITUATION, "--folder", str(out_folder))
    assert code == 2 and message in err and not out
    assert not out_folder.exists() or list(out_folder.iterdir()) == []


def test_a_wrong_passphrase_leaves_nothing_behind_and_a_passphrase_file_must_be_private(
        govsoc_home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(signing.PASSPHRASE_ENV, "right one")
    assert run(capsys, "keys", "init")[0] == 0
    monkeypatch.setenv(signing.PASSPHRASE_ENV, "wrong one")
    out_folder = tmp_path / "out"
    code, _, err = run(capsys, *SITUATION, "--folder", str(out_folder))
    assert code == 2 and "wrong passphrase" in err and not out_folder.exists()
    # the passphrase from a file instead: refused while others may read it, used once it is 0600
    monkeypatch.delenv(signing.PASSPHRASE_ENV)
    secret = tmp_path / "passphrase"
    secret.write_text("right one\n", encoding="utf-8")
    os.chmod(secret, 0o640)
    monkeypatch.setenv(signing.PASSPHRASE_FILE_ENV, str(secret))
    code, _, err = run(capsys, *SITUATION, "--folder", str(out_folder))
    assert code == 2 and "chmod 600" in err and "right one" not in err and not out_folder.exists()
    os.chmod(secret, 0o600)
    code, out, err = run(capsys, *SITUATION, "--folder", str(out_folder))
    assert code == 0, err
    assert all(run(capsys, "verify", path)[0] == 0 for path in out.split())


def test_a_report_is_issued_again_when_events_of_its_period_arrive_late(
        govsoc_home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # review r18d finding 12: a daily report stayed "complete" while its day's events kept arriving
    def ingest(lines: str, name: str) -> None:
        log = tmp_path / name
        log.write_text(lines, encoding="utf-8")
        assert run(capsys, "ingest", "--parser", "linux.auth", str(log))[0] == 0

    ingest(LINES, "auth.log")  # four events on 2026-11-29
    out_dir = tmp_path / "out"
    base = ("report", "situation", "--period", "day", "--format", "json", "--unsigned", "--folder", str(out_dir))
    code, out, err = run(capsys, *base, "--at", "2026-11-29T12:00")
    assert code == 0, err
    day29 = out_dir / "situation-2026-11-29.json"
    assert json.loads(day29.read_text(encoding="utf-8"))["data"]["events"] == 4
    # two more events of the 29th arrive after its report (a spool replayed), one of the 30th
    ingest("".join(f"2026-11-29T23:5{i}:00+08:00 portal-web-02 sshd[90{i}]: Accepted password for ops from 10.1.2.4 "
                   f"port 5010{i} ssh2\n" for i in range(2)) +
           "2026-11-30T08:00:00+08:00 portal-web-02 sshd[910]: Accepted password for ops from 10.1.2.4 "
           "port 50110 ssh2\n", "late.log")
    code, out, err = run(capsys, *base, "--at", "2026-11-30T12:00", "--reissue-late", "7")
    assert code == 0, err
    assert [Path(p).name for p in out.split()] == ["situation-2026-11-30.json", "situation-2026-11-29.json"]
    again = json.loads(day29.read_text(encoding="utf-8"))
    assert again["data"]["events"] == 6
    assert "又存入本期事件 2 个、告警 0 条" in again["meta"]["reissued"] and "事件 4 个" in again["meta"]["reissued"]
    # nothing more arrived: the 29th is not issued a third time (nor the 28th, never issued)
    code, out, err = run(capsys, *base, "--at", "2026-11-30T12:00", "--reissue-late", "7")
    assert code == 0 and [Path(p).name for p in out.split()] == ["situation-2026-11-30.json"], err
