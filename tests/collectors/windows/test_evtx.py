"""EVTX files through the windows.evtx collector: every record of SigmaHQ's regression samples
read, its event data identical to SigmaHQ's own JSON rendering of the sample, Sysmon and Security
events normalised as Elastic's Windows integration does, stable ids, and `govsoc ingest` choosing
the collector by the .evtx suffix."""

from __future__ import annotations

import json
import shutil
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from govsoc.cli.main import main
from govsoc.collectors import Pipeline
from govsoc.collectors.base import ParseContext, RawRecord, default_parser
from govsoc.collectors.windows import EvtxFileSource, WindowsEvtxParser
from govsoc.collectors.windows.winlog import text
from govsoc.core.errors import ParseError
from govsoc.core.event import Event
from govsoc.store.base import Query
from govsoc.store.sqlite import SqliteStore
from tests.conftest import CORPUS

SAMPLES = CORPUS / "sigma/regression_data"
CONTEXT = ParseContext(timezone=ZoneInfo("UTC"), reference=datetime.now(UTC))
RUN_KEY = SAMPLES / "rules/windows/process_creation/proc_creation_win_reg_add_run_key"
ANYDESK = SAMPLES / "rules/windows/file/file_event/file_event_win_anydesk_artefact"
LOCAL_LOGON = SAMPLES / "rules/windows/builtin/security/win_security_explicit_credential_local_logon"


def read(path: Path) -> list[Event]:
    parser = WindowsEvtxParser()
    return [event for record in EvtxFileSource(path).records() for event in parser.parse(record, CONTEXT)]


def only(folder: Path) -> Path:
    found = sorted(folder.glob("*.evtx"))
    assert len(found) == 1
    return found[0]


@pytest.fixture(scope="module")
def samples(corpus: Path) -> list[Path]:
    found = sorted(SAMPLES.rglob("*.evtx"))
    assert len(found) >= 200
    return found


#: Samples whose JSON rendering differs from the EVTX in the letter case of a value: the file
#: says "C:\Windows\Explorer.EXE" (as Windows names explorer's image), the rendering ".exe".
RENDERING_DIFFERS = {"proc_creation_win_susp_right_to_left_override": ("ParentCommandLine",)}


def rendered_records(path: Path) -> list[dict[str, Any]]:
    """The records of SigmaHQ's JSON rendering of a sample: JSON documents one after another."""
    content, decoder, found, at = path.read_text(encoding="utf-8"), json.JSONDecoder(), [], 0
    while at < len(content.rstrip()):
        document, at = decoder.raw_decode(content, at)
        found.append(document["Event"])
        while at < len(content) and content[at].isspace():
            at += 1
    return found


def test_every_sample_reads_and_keeps_the_event_data_sigmahq_rendered(samples: list[Path]) -> None:
    """Every record against the .json SigmaHQ ships beside the sample: every EventData name and
    value (as a string, as Winlogbeat writes them), channel, id, computer and time."""
    compared = 0
    for sample in samples:
        events = {e.get("winlog.record_id"): e for e in read(sample)}
        assert events, sample
        rendered = sample.with_suffix(".json")
        for reference in rendered_records(rendered) if rendered.is_file() else []:
            event = events[str(reference["System"]["EventRecordID"])]
            # The rendering trims the trailing blank Windows leaves after a quoted command line;
            # govsoc keeps the value as Windows stored it, so ends are compared trimmed.
            data = {k: text(v).strip() for k, v in (reference.get("EventData") or {}).items() if k != "#attributes"}
            mine = {k[len("winlog.event_data."):]: v.strip() for k, v in event.fields.items()
                    if k.startswith("winlog.event_data.")}
            for name in RENDERING_DIFFERS.get(sample.parent.name, ()):
                assert mine[name].lower() == data[name].lower()
                mine[name] = data[name]
            assert mine == data, sample
            assert event.get("winlog.channel") == reference["System"]["Channel"]
            assert event.get("event.code") == str(reference["System"]["EventID"])
            assert event.get("host.name") == reference["System"]["Computer"]
            assert event.timestamp == datetime.fromisoformat(
                reference["System"]["TimeCreated"]["#attributes"]["SystemTime"].replace("Z", "+00:00"))
            compared += 1
    assert compared >= 230


def subset(event: Event, expected: dict[str, Any]) -> dict[str, Any]:
    return {name: event.get(name) for name in expected}


def test_sysmon_process_creation_as_elastic_maps_it(corpus: Path) -> None:
    (event,) = [e for e in read(only(RUN_KEY)) if e.get("event.code") == "1"]
    expected = {
        "event.dataset": "windows.sysmon_operational", "event.module": "sysmon", "event.kind": "event",
        "event.provider": "Microsoft-Windows-Sysmon", "event.category": ["process"], "event.type": ["start"],
        "winlog.provider_name": "Microsoft-Windows-Sysmon", "winlog.computer_name": "ar-win-1",
        "winlog.record_id": "256890", "winlog.user.identifier": "S-1-5-18", "host.name": "ar-win-1",
        "process.executable": "C:\\Windows\\System32\\reg.exe", "process.name": "reg.exe", "process.pid": 6032,
        "process.command_line": 'REG   ADD "HKCU\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Run" /V "softoz" '
                                '/t REG_SZ /F /D "C:\\Users\\admin\\AppData\\Roaming\\sihostt.exe"',
        "process.working_directory": "C:\\Users\\Administrator\\Downloads\\testdata\\",
        "process.parent.executable": "C:\\Windows\\System32\\cmd.exe", "process.parent.name": "cmd.exe",
        "user.name": "Administrator", "user.domain": "AR-WIN-1", "winlog.event_data.User": "AR-WIN-1\\Administrator",
        "winlog.event_data.TerminalSessionId": "2", "process.hash.md5": "eb20e119aaf500e2752dc5a588b54c12",
    }
    assert subset(event, expected) == expected
    assert event.timestamp == datetime(2025, 10, 22, 20, 35, 26, 43284, tzinfo=UTC)
    assert json.loads(event.get("event.original"))["Event"]["System"]["EventRecordID"] == 256890


def test_security_event_as_elastic_maps_it(corpus: Path) -> None:
    (event,) = read(only(LOCAL_LOGON))
    expected = {
        "event.dataset": "system.security", "event.code": "4648", "winlog.channel": "Security",
        "event.action": "logged-in-explicit", "user.name": "testuser", "user.domain": "swachchhanda",
        "process.pid": 0x378, "process.executable": "C:\\Users\\xodih\\OneDrive\\Desktop\\LegacyHive.exe",
        "source.ip": None, "winlog.event_data.IpAddress": "-", "winlog.keywords": ["Audit Success"],
    }
    assert subset(event, expected) == expected


def test_ids_belong_to_the_records_not_the_file(corpus: Path, tmp_path: Path) -> None:
    """A copy under another name (an exported or collected log) gives the same ids."""
    original = only(ANYDESK)
    copy = tmp_path / "Sysmon-export.evtx"
    shutil.copy(original, copy)
    first, again, copied = read(original), read(original), read(copy)
    assert [e.id for e in first] == [e.id for e in again] == [e.id for e in copied]
    assert len({e.id for e in first}) == len(first) > 1


def test_what_is_not_evtx_is_a_parse_error_with_the_file(tmp_path: Path) -> None:
    path = tmp_path / "auth.log.evtx"
    path.write_text("Nov 30 00:00:01 host sshd[1]: hello\n")
    with pytest.raises(ParseError, match="not an EVTX file") as caught:
        list(EvtxFileSource(path).records())
    assert caught.value.location is not None and caught.value.location.path == str(path)
    with pytest.raises(ParseError):
        list(WindowsEvtxParser().parse(RawRecord(data=b'{"Event": {}}', origin="t", offset=1), CONTEXT))


def test_a_damaged_record_is_counted_and_the_others_kept(corpus: Path, tmp_path: Path) -> None:
    original = only(ANYDESK)
    data = bytearray(original.read_bytes())
    # A record starts with "**\0\0", its size (4 bytes) and its EventRecordID (8 bytes).
    last = _record_at(data, 5)
    data[last + 4: last + 8] = b"\xff" * 4  # record 5 claims a size beyond its chunk
    damaged = tmp_path / "damaged.evtx"
    damaged.write_bytes(bytes(data))
    source = EvtxFileSource(damaged)
    ids = [record.offset for record in source.records()]
    assert ids == [1, 2, 3, 4] and source.unreadable == 1
    assert "record number 5" in source.errors[0]


def _record_at(data: bytearray, record_id: int) -> int:
    at = -1
    while (at := data.find(b"**\x00\x00", at + 1)) >= 0:
        if int.from_bytes(data[at + 8: at + 16], "little") == record_id:
            return at
    raise AssertionError(f"no record {record_id}")


def test_govsoc_ingest_picks_the_evtx_collector_by_suffix(corpus: Path, tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    assert default_parser(Path("Security.EVTX")) == "windows.evtx"
    monkeypatch.setenv("GOVSOC_HOME", str(tmp_path / "home"))
    for name in ("GOVSOC_CONFIG", "GOVSOC_ES_URL"):
        monkeypatch.delenv(name, raising=False)
    sample = only(RUN_KEY)
    expected = len(read(sample))
    assert main(["ingest", str(sample)]) == 0
    first = capsys.readouterr().out
    assert f"{expected} records, {expected} accepted ({expected} new" in first
    assert main(["ingest", str(sample)]) == 0  # unchanged: its checkpoint says so, nothing is read
    assert f"unchanged since the last run (checkpoint at record {expected})" in capsys.readouterr().out


def test_pipeline_stores_evtx_events(corpus: Path, tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "events.db")
    summary = Pipeline(store, data_dir=tmp_path / "data").ingest_file(only(LOCAL_LOGON),
                                                                     options=_options("windows.evtx"))
    assert summary.receipt.created == 1 and summary.parse_failures == 0
    (stored,) = store.search(Query(terms={"winlog.event_data.TargetUserName": ("testuser",)}))
    assert stored.get("event.code") == "4648" and stored.get("log.file.path") == str(only(LOCAL_LOGON).resolve())
    store.close()


def _options(parser: str) -> Any:
    from govsoc.collectors import IngestOptions
    return IngestOptions(parser=parser)
