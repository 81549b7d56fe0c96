"""Events a store refuses are counted and written, with the reason, to a rejects file."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from govsoc.collectors import ingest_file
from govsoc.collectors.base import ParseContext, RawRecord, parsers, record_digest
from govsoc.collectors.files.identity import fingerprint
from govsoc.core.event import Event, make_id
from govsoc.store.base import Query, Store


@parsers.register("test.port_as_text")
class PortAsTextParser:
    """Puts the line's second word in a top-level field, testport: a number, or an object when it
    is not one. The store coerces ECS fields itself, and below a top-level object a key may hold a
    scalar in one event and an object in another (R58a-12); a top-level field that does both is a
    mapping conflict Elasticsearch refuses."""

    dataset = "test.ports"

    def parse(self, record: RawRecord, context: ParseContext) -> Iterator[Event]:
        word = record.text().split()[1]
        yield Event(id="set-by-the-pipeline", timestamp=context.reference, dataset=self.dataset,
                    fields={"message": record.text(), "event.original": record.text(),
                            "testport": int(word) if word.isdigit() else {"word": word}})


@pytest.mark.es
def test_refused_events_go_to_the_rejects_file(elastic_store: Store, tmp_path: Path) -> None:
    log = tmp_path / "ports.log"
    log.write_text("a 22\nb twenty-two\nc 443\n", encoding="utf-8")
    summary = ingest_file(log, parser_id="test.port_as_text", store=elastic_store, data_dir=tmp_path)
    assert (summary.receipt.created, len(summary.receipt.rejected)) == (2, 1)
    assert summary.rejects_path == tmp_path / "rejects" / "ports.log.rejects.jsonl"
    assert f"1 rejected -> {summary.rejects_path}" in summary.line()
    (reject,) = [json.loads(line) for line in summary.rejects_path.read_text(encoding="utf-8").splitlines()]
    assert reject["original"] == "b twenty-two" and reject["at"] == f"{log.absolute()}:2"
    assert summary.first_rejects[0].startswith(f"{log.absolute()}:2: ")
    assert "testport" in reject["reason"] and reject["id"] == make_id(
        fingerprint(log.read_bytes()), 5, record_digest(b"b twenty-two"))
    assert elastic_store.count(Query()) == 2


@pytest.mark.es
def test_a_run_whose_events_the_store_refused_exits_3(elastic_store: Store, tmp_path: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    """The run finishes and says where the refused events went, but does not say success (R58a-12:
    Elasticsearch refused 3 of 10 CloudTrail records and `govsoc ingest` exited 0)."""
    from govsoc.cli import main

    log, config = tmp_path / "ports.log", tmp_path / "govsoc.yaml"
    log.write_text("a 22\nb twenty-two\nc 443\n", encoding="utf-8")
    settings = elastic_store.settings  # type: ignore[attr-defined]
    config.write_text(f"data_dir: {tmp_path / 'home'}\nstore:\n  backend: elasticsearch\n  elasticsearch:\n"
                      f"    url: {settings.url}\n    index_prefix: {settings.index_prefix}\n"
                      f"    number_of_replicas: 0\n", encoding="utf-8")
    code = main(["--config", str(config), "ingest", "--parser", "test.port_as_text", str(log)])
    out, err = capsys.readouterr()
    assert code == 3, (out, err)
    assert "2 accepted, 1 rejected → " in out and f"{log.absolute()}:2: " in err
    assert main(["--config", str(config), "ingest", "--parser", "test.port_as_text", str(log)]) == 0  # read before
