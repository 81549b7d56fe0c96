"""Record files (EVTX, pcap) whose folder is exchanged while they are read (R11h R5): every open
and stat of the read goes through the folder descriptor checked at the start, so the file looked
at is read whole; an OS error of one file is that file's error, never the run's."""

from __future__ import annotations

from pathlib import Path

import pytest

from govsoc.collectors import IngestOptions, Pipeline
from govsoc.collectors import follow as follow_module
from govsoc.store.sqlite import SqliteStore
from tests.conftest import CORPUS, need

DATA = Path(__file__).parent.parent / "data" / "collectors"
#: (file, parser): a capture and a SigmaHQ regression EVTX, the two record-file readers
RECORD_FILES = [
    (DATA / "flows" / "veth_fragments.pcap", "network.pcap"),  # the pcap source's state/recognise
    (CORPUS / "sigma/regression_data/rules/windows/builtin/security/"
     "win_security_explicit_credential_local_logon", "windows.evtx"),  # the EVTX source
]


def _file(source: Path) -> Path:
    if source.is_dir():
        need(source.is_dir(), f"the shared corpus is missing at {source}")
        (found,) = sorted(source.glob("*.evtx"))
        return found
    return source


@pytest.mark.parametrize(("source", "parser"), RECORD_FILES, ids=["pcap", "evtx"])
def test_a_record_file_whose_folder_is_exchanged_during_the_read_is_read_from_the_folder_checked(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, source: Path, parser: str) -> None:
    # R11h R5: after the descriptor open, _ingest_record_file stat'ed the path by name, and the pcap
    # source stat'ed/opened it by name: a folder exchanged meanwhile (no link at all) ended the run
    # with `internal error: FileNotFoundError`, the other files of the run unread.
    record_file = _file(source)
    expected = Pipeline(SqliteStore(tmp_path / "control.db"), data_dir=tmp_path / "control").ingest_file(
        record_file, IngestOptions(parser=parser)).receipt.created
    assert expected > 0
    app = tmp_path / "logs" / "app"
    app.mkdir(parents=True)
    path = app / record_file.name
    path.write_bytes(record_file.read_bytes())
    store = SqliteStore(tmp_path / "events.db")
    pipeline = Pipeline(store, data_dir=tmp_path / "state")
    checked = follow_module.finish_predecessors

    def exchange_then_finish(pipeline: Pipeline, path: Path, options: IngestOptions) -> object:
        app.rename(tmp_path / "logs" / "app.moved")  # what renameat2(RENAME_EXCHANGE) with an empty folder gives
        app.mkdir()
        return checked(pipeline, path, options)
    monkeypatch.setattr(follow_module, "finish_predecessors", exchange_then_finish)
    summaries = follow_module.read_path(pipeline, path, IngestOptions(parser=parser), named=True)
    assert [(s.error, s.receipt.created) for s in summaries] == [(None, expected)]
    store.close()

