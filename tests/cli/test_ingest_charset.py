"""`govsoc ingest --charset` and ``collectors.sources[].charset`` (R11v-2): a GBK file whose short
lines are valid UTF-8 too is stored with the right hanzi only when its source says gbk."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli.conftest import Run

#: GBK bytes valid as UTF-8 too: 魏巍 CE BA CE A1 ("κΡ"), 鲁迅 C2 B3 D1 B8 ("³Ѹ").
NAMES = ("魏巍", "鲁迅")
LINE = "Dec 10 06:55:0{n} LabSZ sshd[{n}]: Invalid user {name} from 10.0.0.{n}\n"


def gbk_log(path: Path) -> Path:
    path.write_bytes("".join(LINE.format(n=n, name=name) for n, name in enumerate(NAMES, 1)).encode("gbk"))
    return path


def user_names(govsoc: Run) -> set[str]:
    code, out, err = govsoc("events", "--format", "json", "-n", "100")
    assert code == 0, err
    return {e["user.name"] for e in json.loads(out)}


def test_charset_option(govsoc: Run, tmp_path: Path) -> None:
    code, _out, err = govsoc("ingest", "--parser", "linux.auth", "--charset", "gbk", str(gbk_log(tmp_path / "a.log")))
    assert code == 0, err
    assert user_names(govsoc) == set(NAMES)


def test_without_the_option_auto_reads_utf8_first(govsoc: Run, tmp_path: Path) -> None:
    assert govsoc("ingest", "--parser", "linux.auth", str(gbk_log(tmp_path / "a.log")))[0] == 0
    assert user_names(govsoc) == {n.encode("gbk").decode("utf-8") for n in NAMES}


def test_charset_option_refuses_an_unknown_charset(govsoc: Run, tmp_path: Path) -> None:
    code, _out, err = govsoc("ingest", "--charset", "cp936", str(gbk_log(tmp_path / "a.log")))
    assert code == 2 and "--charset" in err and "cp936" in err


def test_charset_of_a_configured_source(govsoc: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    log = gbk_log(tmp_path / "device.log")
    config = tmp_path / "govsoc.yaml"
    config.write_text(f"data_dir: {tmp_path / 'data'}\ncollectors:\n  sources:\n    - paths: ['{log}']\n"
                      f"      parser: linux.auth\n      charset: gbk\n", encoding="utf-8")
    monkeypatch.setenv("GOVSOC_CONFIG", str(config))
    code, _out, err = govsoc("ingest")
    assert code == 0, err
    assert user_names(govsoc) == set(NAMES)


def test_the_command_line_wins_over_the_configured_source(govsoc: Run, tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    log = gbk_log(tmp_path / "device.log")
    config = tmp_path / "govsoc.yaml"
    config.write_text(f"data_dir: {tmp_path / 'data'}\ncollectors:\n  sources:\n    - paths: ['{log}']\n"
                      f"      parser: linux.auth\n      charset: utf-8\n", encoding="utf-8")
    monkeypatch.setenv("GOVSOC_CONFIG", str(config))
    assert govsoc("ingest", "--charset", "gbk", str(log))[0] == 0
    assert user_names(govsoc) == set(NAMES)


def test_a_bad_charset_in_the_configuration_names_file_line_and_field(govsoc: Run, tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    config = tmp_path / "govsoc.yaml"
    config.write_text(f"data_dir: {tmp_path / 'data'}\ncollectors:\n  sources:\n    - paths: ['/x/*.log']\n"
                      "      charset: cp936\n", encoding="utf-8")
    monkeypatch.setenv("GOVSOC_CONFIG", str(config))
    code, _out, err = govsoc("ingest")
    assert code == 2
    assert f"{config}:5:16 collectors.sources.0.charset" in err and "'gbk'" in err


def test_follow_reads_with_the_charset(govsoc: Run, tmp_path: Path) -> None:
    log = gbk_log(tmp_path / "a.log")
    code, _out, err = govsoc("ingest", "--follow", "--interval", "0.1", "--stop-after", "0.5", "--parser",
                             "linux.auth", "--charset", "gbk", str(log))
    assert code == 0, err
    assert user_names(govsoc) == set(NAMES)


def test_a_file_opened_by_a_utf8_bom_is_utf8_under_gbk(govsoc: Run, tmp_path: Path) -> None:
    # R11af-1: Notepad's "UTF-8 with BOM"; a one-shot run reads the first lines, a follower resumes
    # mid-file. Before: the lines after the BOM's were read GB18030 first, 魏巍 stored as 榄忓穽.
    log = tmp_path / "a.log"
    first = "Dec 10 06:55:00 LabSZ sshd[9]: Server listening on 0.0.0.0 port 22.\n"  # holds the BOM
    log.write_bytes(b"\xef\xbb\xbf" + (first + LINE.format(n=1, name=NAMES[0])).encode("utf-8"))
    assert govsoc("ingest", "--parser", "linux.auth", "--charset", "gbk", str(log))[0] == 0
    with log.open("ab") as more:
        more.write(LINE.format(n=2, name=NAMES[1]).encode("utf-8"))
    code, _out, err = govsoc("ingest", "--follow", "--interval", "0.1", "--stop-after", "0.5", "--parser",
                             "linux.auth", "--charset", "gbk", str(log))
    assert code == 0, err
    code, out, err = govsoc("events", "--format", "json", "-n", "100")
    assert code == 0, err
    assert {e.get("user.name") for e in json.loads(out)} - {None} == set(NAMES)
