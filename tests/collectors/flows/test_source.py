"""`govsoc ingest trace.pcap`: the format found from the magic number, flows stored as ECS
events with Zeek's counts, and a re-ingest (or a copy of the file) storing nothing twice."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from govsoc.cli.main import main
from govsoc.collectors import Pipeline
from govsoc.collectors.base import default_parser
from govsoc.collectors.pipeline import IngestOptions
from govsoc.store.base import Query
from govsoc.store.sqlite import SqliteStore

from .test_zeek_agreement import zeek_rows


def test_govsoc_ingest_finds_a_pcap_by_its_magic_and_stores_it_once(corpus: Path, tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    trace = tmp_path / "capture.bin"  # no telling suffix: the magic number decides
    shutil.copy(corpus / "zeek" / "traces" / "ssh" / "ssh.pcap", trace)
    assert default_parser(trace) == "network.pcap"
    monkeypatch.setenv("GOVSOC_HOME", str(tmp_path / "home"))
    for name in ("GOVSOC_CONFIG", "GOVSOC_ES_URL"):
        monkeypatch.delenv(name, raising=False)
    baseline = corpus / "zeek" / "baselines" / "scripts.base.protocols.ssh.basic" / "conn.log"
    connections = len(zeek_rows(baseline, "zeek-tsv"))
    assert main(["ingest", str(trace)]) == 0
    assert f"{connections} records, {connections} accepted ({connections} new" in capsys.readouterr().out
    assert main(["ingest", str(trace)]) == 0
    assert "unchanged since the last run" in capsys.readouterr().out
    copy = tmp_path / "again.pcap"
    shutil.copy(trace, copy)
    assert main(["ingest", str(copy)]) == 0
    assert f"(0 new, {connections} already stored" in capsys.readouterr().out


def test_flow_events_carry_zeeks_counts_as_ecs(corpus: Path, tmp_path: Path) -> None:
    trace = corpus / "zeek" / "traces" / "ssh" / "ssh.pcap"
    store = SqliteStore(tmp_path / "events.db")
    Pipeline(store, data_dir=tmp_path / "data").ingest_file(trace, IngestOptions(parser=None))
    rows = zeek_rows(corpus / "zeek" / "baselines" / "scripts.base.protocols.ssh.basic" / "conn.log", "zeek-tsv")
    row = next(r for r in rows if r["conn_state"] == "SF" and r["proto"] == "tcp")
    (event,) = store.search(Query(terms={"source.port": (int(row["id.orig_p"]),),
                                         "source.ip": (row["id.orig_h"],)}))
    assert event.get("destination.ip") == row["id.resp_h"]
    assert event.get("source.packets") == int(row["orig_pkts"])
    assert event.get("source.bytes") == int(row["orig_ip_bytes"])
    assert event.get("destination.bytes") == int(row["resp_ip_bytes"])
    assert event.get("govsoc.flow.source_payload_bytes") == int(row["orig_bytes"])
    assert event.get("govsoc.flow.conn_state") == "SF" and event.get("event.outcome") == "success"
    assert event.get("network.transport") == "tcp" and event.get("event.category") == ["network"]
    assert str(event.get("network.community_id")).startswith("1:")
    assert event.get("network.protocol") == "ssh"  # the zeek row's service
    assert row["service"] == "ssh"
    store.close()


def test_a_fifo_is_refused_naming_the_path_and_why(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    # review 14 finding 13: `mkfifo f; govsoc ingest -p network.pcap f` said "no such file"
    fifo = tmp_path / "capture.pcap"
    os.mkfifo(fifo)
    monkeypatch.setenv("GOVSOC_HOME", str(tmp_path / "home"))
    for name in ("GOVSOC_CONFIG", "GOVSOC_ES_URL"):
        monkeypatch.delenv(name, raising=False)
    assert main(["ingest", "-p", "network.pcap", str(fifo)]) == 2
    err = capsys.readouterr().err
    assert f"{fifo}: not a regular file (a pipe, FIFO or device)" in err
    assert "no such file" not in err
