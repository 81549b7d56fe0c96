"""A gzip-compressed capture (tcpdump -z gzip, trace.pcap.gz) is read through gzip, as logs are
(review R14 F7 MEDIUM: it was refused as "not a pcap or pcapng file"): the same flows, under the
same identity (ingesting the plain capture after it stores nothing new), and a compressed file
cut short keeps the flows before the cut and says where the content ended."""

from __future__ import annotations

import gzip
from pathlib import Path

from bench.flows import generate
from govsoc.collectors.pipeline import IngestOptions, Pipeline
from govsoc.store.base import Query
from govsoc.store.sqlite import SqliteStore


def _ingest(pipeline: Pipeline, path: Path) -> tuple[int, int, list[str]]:
    summary = pipeline.ingest_file(path, IngestOptions(parser="network.pcap"))
    return summary.receipt.created, summary.records, summary.first_failures


def test_a_gzip_capture_is_the_same_capture(tmp_path: Path) -> None:
    plain = tmp_path / "trace.pcap"
    generate(plain, 3000)
    packed = tmp_path / "trace.pcap.gz"
    packed.write_bytes(gzip.compress(plain.read_bytes()))
    store = SqliteStore(tmp_path / "events.db")
    try:
        pipeline = Pipeline(store, data_dir=tmp_path / "data")
        created, records, failures = _ingest(pipeline, packed)
        assert created == records > 50 and failures == []
        assert _ingest(pipeline, plain)[0] == 0  # the same flows, the same ids: stored once
        reference = SqliteStore(tmp_path / "plain.db")
        try:
            Pipeline(reference, data_dir=tmp_path / "plain").ingest_file(plain, IngestOptions(parser="network.pcap"))
            ours = sorted((e.id, e.get("network.community_id"), e.get("network.packets"))
                          for e in store.search(Query(terms={"event.kind": ("event",)})))
            theirs = sorted((e.id, e.get("network.community_id"), e.get("network.packets"))
                            for e in reference.search(Query(terms={"event.kind": ("event",)})))
            assert ours == theirs
        finally:
            reference.close()
    finally:
        store.close()


def test_a_gzip_capture_cut_short_keeps_the_flows_before_the_cut(tmp_path: Path) -> None:
    plain = tmp_path / "trace.pcap"
    generate(plain, 3000)
    packed = gzip.compress(plain.read_bytes())
    cut = tmp_path / "cut.pcap.gz"
    cut.write_bytes(packed[:len(packed) // 2])
    store = SqliteStore(tmp_path / "events.db")
    try:
        created, _, failures = _ingest(Pipeline(store, data_dir=tmp_path / "data"), cut)
        assert created > 10
        assert any("gzip: compressed capture cut short or damaged after" in f for f in failures), failures
        errors = [str(e.get("message")) for e in store.search(Query(terms={"event.kind": ("pipeline_error",)}))]
        assert any("the rest is not read" in text for text in errors)
    finally:
        store.close()
