"""Format auto-detection (collectors.detect): per file by suffix, magic and first lines; per
line within syslog; --parser still forces a parser."""

from __future__ import annotations

import gzip
import json
import re
from pathlib import Path
from typing import Any

import pytest

from govsoc.collectors import detect, ingest_file
from govsoc.collectors.base import default_parser
from govsoc.collectors.detect import detect_lines, detect_parser
from govsoc.store.base import Query
from govsoc.store.sqlite import SqliteStore

# composed: one line of each syslog header layout, as a relay that merges sources writes them
MIXED = [
    "Nov 30 03:20:38 gate sshd[812]: Failed password for root from 198.51.100.7 port 40022 ssh2",
    "2026-11-30T03:20:39.413282+08:00 gate sshd-session[813]: Failed password for root from 198.51.100.7 "
    "port 40023 ssh2",
    "<38>1 2026-11-30T03:20:40+08:00 gate sshd 814 - - Failed password for root from 198.51.100.7 port 40024 ssh2",
]
# composed: a Winlogbeat document reduced to the keys that identify it
WINLOGBEAT = json.dumps({"@timestamp": "2026-11-30T03:20:38.000Z", "event": {"code": "4625"},
                         "winlog": {"channel": "Security", "event_id": 4625, "computer_name": "dc01"}})


@pytest.mark.parametrize(("lines", "expected"), [
    (MIXED, "linux.auth"),                                     # every syslog layout is linux.auth
    ([WINLOGBEAT, WINLOGBEAT], "windows.winlogbeat"),          # NDJSON with a winlog object
    ([WINLOGBEAT, *MIXED], "linux.auth"),                      # the majority decides
    (["", "   ", MIXED[0]], "linux.auth"),                     # blank lines do not count
    (["hello", "world"], "linux.auth"),                        # nobody recognises it: the fallback
    (['{"a": 1}'], "linux.auth"),                              # JSON, but not Winlogbeat's
])
def test_detect_lines(lines: list[str], expected: str) -> None:
    assert detect_lines(lines) == expected


def test_detect_files(tmp_path: Path, corpus: Path) -> None:
    ndjson = tmp_path / "security.json"
    ndjson.write_text(WINLOGBEAT + "\n", encoding="utf-8")
    rotated = tmp_path / "auth.log.2.gz"
    rotated.write_bytes(gzip.compress((corpus / "loghub/Linux/Linux_2k.log").read_bytes()))
    evtx = tmp_path / "exported"
    evtx.write_bytes(b"ElfFile\x00" + bytes(100))
    assert detect_parser(ndjson) == default_parser(ndjson) == "windows.winlogbeat"
    assert detect_parser(rotated) == "linux.auth"              # read through gzip
    assert detect_parser(evtx) == "windows.evtx"               # by magic, without the suffix
    assert detect_parser(tmp_path / "missing.evtx") == "windows.evtx"  # by suffix, unread
    assert detect_parser(tmp_path / "missing.log") == "linux.auth"     # unreadable: the fallback


def test_a_mixed_syslog_file_is_read_line_by_line(tmp_path: Path) -> None:
    log = tmp_path / "relay.log"
    log.write_text("\n".join(MIXED) + "\n", encoding="utf-8")
    store = SqliteStore(tmp_path / "events.db")
    try:
        summary = ingest_file(log, parser_id=default_parser(log), store=store, data_dir=tmp_path / "state",
                              timezone="Asia/Shanghai", year=2026)
        assert (summary.records, summary.parse_failures) == (3, 0)
        events = sorted(store.search(Query()), key=lambda e: e.timestamp)
        assert [e.get("source.port") for e in events] == [40022, 40023, 40024]
        assert [e.timestamp.second for e in events] == [38, 39, 40]
        assert {e.get("event.action") for e in events} == {"ssh_login"}
    finally:
        store.close()


def test_the_cli_detects_and_parser_still_forces(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    from govsoc.cli import main

    for name in ("GOVSOC_CONFIG", "GOVSOC_ES_URL", "GOVSOC_ES_USER", "GOVSOC_ES_API_KEY"):
        monkeypatch.delenv(name, raising=False)
    ndjson = tmp_path / "security.json"
    ndjson.write_text(WINLOGBEAT + "\n", encoding="utf-8")
    monkeypatch.setenv("GOVSOC_HOME", str(tmp_path / "a"))
    assert main(["ingest", str(ndjson)]) == 0
    assert "0 unparsed" in capsys.readouterr().out          # detected: windows.winlogbeat
    monkeypatch.setenv("GOVSOC_HOME", str(tmp_path / "b"))
    main(["ingest", "--parser", "linux.auth", str(ndjson)])
    assert "1 unparsed" in capsys.readouterr().out          # forced: not syslog


class _Counted:
    """A compiled pattern that counts the searches and matches asked of it."""

    def __init__(self, pattern: re.Pattern[str], calls: list[str], name: str) -> None:
        self.pattern, self.calls, self.name = pattern, calls, name

    def search(self, *args: Any) -> re.Match[str] | None:
        self.calls.append(self.name)
        return self.pattern.search(*args)

    def match(self, *args: Any) -> re.Match[str] | None:
        self.calls.append(self.name)
        return self.pattern.match(*args)


@pytest.mark.parametrize(("line", "expected", "asked"), [
    # a host's line (most of a relay's file): no device regex runs, each needs a literal it lacks
    ("Dec 10 06:55:46 LabSZ sshd[24200]: Failed password for invalid user webmaster from 173.234.31.186 "
     "port 38926 ssh2", None, []),
    # an H3C line: its information-center marker is searched once, not once for Huawei and again for H3C
    ("<190>May 5 02:59:34 2018 H3C %%10FILTER/6/FILTER_ZONE_IPV4_EXECUTION: SrcZoneName(1025)=Trust;"
     "DstZoneName(1035)=Untrust;Type(1067)=ACL", "h3c", ["_INFOCENTER"]),
    # a Hillstone line: only the regexes whose literal it holds
    ("<190>Jun  9 16:42:25 2036132163010042(root) 44243622 Traffic@FLOW: SESSION: 10.10.1.2:52000->"
     "10.10.2.3:80(TCP), application HTTP, policy 1", "hillstone.stoneos", ["_HILLSTONE"]),
])
def test_line_parser_runs_only_the_regexes_a_line_can_match(monkeypatch: pytest.MonkeyPatch, line: str,
                                                            expected: str | None, asked: list[str]) -> None:
    # issue 13's benchmark: syslog.mixed tried every vendor's regex in turn on every line, the
    # information-center search twice
    calls: list[str] = []
    for name in ("_INFOCENTER", "_H3C_BUFFER", "_HUAWEI_BARE", "_SANGFOR", "_HILLSTONE", "_TOPSEC", "_NSFOCUS",
                 "_DBAPP"):
        monkeypatch.setattr(detect, name, _Counted(getattr(detect, name), calls, name))
    assert detect.line_parser(line) == expected
    assert calls == asked
