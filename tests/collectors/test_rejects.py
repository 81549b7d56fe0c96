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
    """Puts the line's second word in test.port: a number, or an object when it is not one. The
    store coerces ECS fields itself, so the refusal here is a mapping conflict it cannot fix."""

    dataset = "test.ports"

    def parse(self, record: RawRecord, context: ParseContext) -> Iterator[Event]:
        word = record.text().split()[1]
        yield Event(id="set-by-the-pipeline", timestamp=context.reference, dataset=self.dataset,
                    fields={"message": record.text(), "event.original": record.text(),
                            "test.port": int(word) if word.isdigit() else {"word": word}})


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
    assert "test.port" in reject["reason"] and reject["id"] == make_id(
        fingerprint(log.read_bytes()), 5, record_digest(b"b twenty-two"))
    assert elastic_store.count(Query()) == 2
