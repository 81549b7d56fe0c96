"""A receiver restart keeps what exporters announced (review 14b finding 6; collectors.netflow.
state): sampling rates from options records, and templates, per exporter and domain, saved with
the receiver's state. Real datagrams over loopback: a receiver learns a NetFlow v9 sampler (RFC
3954 8: FLOW_SAMPLER_ID 48, FLOW_SAMPLER_RANDOM_INTERVAL 50, 1 in 100) and an IPFIX selector (RFC
5476 6.5.2.1: samplingPacketInterval 1, samplingPacketSpace 99, 1 in 100) with their templates,
stops; a new receiver on the same port then gets data records alone, from the same exporter
sockets, as an exporter that sends options and templates only on its timer would send them: they
are decoded at once and scaled by 100, as the standards define the rates."""

from __future__ import annotations

import json
import socket
import threading
import time
from pathlib import Path

from govsoc.collectors.netflow import state
from govsoc.collectors.netflow.decoder import NetflowDecoder
from govsoc.collectors.netflow.receiver import NetflowReceiver
from govsoc.collectors.pipeline import Pipeline
from govsoc.store.base import Query
from govsoc.store.sqlite import SqliteStore
from tests.collectors.netflow.test_decoder import flow_set, ipfix, v9
from tests.collectors.netflow.test_sampling import (
    IPFIX_DATA,
    IPFIX_OPTIONS,
    V9_DATA,
    V9_OPTIONS,
    _ipfix_flow,
    _ipfix_selector,
    _v9_flow,
    _v9_sampler,
)


def _run(port: int, folder: Path, store: SqliteStore, data_dir: Path, sends: list[tuple[socket.socket, bytes]]
         ) -> NetflowReceiver:
    """One receiver's life on 127.0.0.1:``port`` (0: any), its state in ``folder``: the datagrams
    sent, every one read, then stopped as `govsoc listen` stops it."""
    receiver = NetflowReceiver("127.0.0.1", port)
    stop = threading.Event()
    serving = threading.Thread(target=receiver.serve, args=(Pipeline(store, data_dir=data_dir),),
                               kwargs={"stop": stop, "flush_seconds": 0.1, "counters_folder": folder})
    serving.start()
    try:
        for sock, datagram in sends:
            sock.sendto(datagram, receiver.address)
        deadline = time.monotonic() + 30  # loopback loses nothing; wait until all are in
        while receiver.counters.datagrams < len(sends) and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        stop.set()
        serving.join()
        receiver.close()
    assert receiver.counters.datagrams == len(sends)
    return receiver


def _stored(store: SqliteStore) -> dict[str, tuple[int, int, object]]:
    return {str(e.get("source.ip")): (int(e.get("network.bytes")), int(e.get("network.packets")),  # type: ignore[call-overload]
                                      e.get("netflow.sampling_rate"))
            for e in store.search(Query(terms={"netflow.type": ("netflow_flow",)}))}


def test_sampling_rates_and_templates_survive_a_restart(tmp_path: Path) -> None:
    folder = tmp_path / "state" / "receivers"
    store = SqliteStore(tmp_path / "events.db")
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as router, \
                socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            router.bind(("127.0.0.1", 0))  # an exporter keeps its address and port across our restart
            probe.bind(("127.0.0.1", 0))
            first = _run(0, folder, store, tmp_path, [
                (router, v9(5, flow_set(1, V9_OPTIONS), flow_set(0, V9_DATA), flow_set(300, _v9_sampler(1, 100)),
                            flow_set(256, _v9_flow("10.0.0.1", 1, 40, 2)))),
                (probe, ipfix(1, flow_set(3, IPFIX_OPTIONS), flow_set(2, IPFIX_DATA),
                              flow_set(400, _ipfix_selector(7, interval=1, space=99)),
                              flow_set(401, _ipfix_flow("10.1.0.1", 7, 50, 1)))),
            ])
            port = first.address[1]
            saved = json.loads(state.state_path(folder, first.name).read_text(encoding="utf-8"))
            assert len(saved["sampling"]) == 2 and len(saved["templates"]) == 4  # 2 data, 2 options templates
            second = _run(port, folder, store, tmp_path, [
                (router, v9(5, flow_set(256, _v9_flow("10.0.0.2", 1, 40, 2)))),
                (probe, ipfix(1, flow_set(401, _ipfix_flow("10.1.0.2", 7, 50, 1)), sequence=1)),
            ])
        assert second.name == first.name
        assert dict(second.parser.decoder.problems) == {}  # no data set waited for a template, none unscaled
        assert _stored(store) == {
            "10.0.0.1": (4_000, 200, 100), "10.1.0.1": (5_000, 100, 100),  # before the restart
            "10.0.0.2": (4_000, 200, 100), "10.1.0.2": (5_000, 100, 100),  # after it
        }
    finally:
        store.close()


def test_a_template_past_its_lifetime_is_not_restored(tmp_path: Path) -> None:
    # RFC 7011 8.4: a template not refreshed within its lifetime is gone; saved state does not
    # bring it back, while the sampling rate (no lifetime: options records hold until changed) is
    decoder = NetflowDecoder(template_lifetime=1800.0)
    decoder.decode(v9(5, flow_set(1, V9_OPTIONS), flow_set(0, V9_DATA), flow_set(300, _v9_sampler(1, 100))),
                   "192.0.2.1:2055", 0.0)
    data = state.dump(decoder, 1000.0)  # both templates 1,000 s old
    data["saved"] = "2000-01-01T00:00:00+00:00"  # and saved long ago
    fresh = NetflowDecoder(template_lifetime=1800.0)
    assert state.restore(fresh, json.loads(json.dumps(data)), 50.0) == 2  # the rate and the sequence stream
    assert len(fresh.templates) == 0 and fresh.sampling == {("192.0.2.1:2055", 5, ("sampler_id", 1)): 100}
    assert fresh.sequence.saved() == [["192.0.2.1:2055", 9, 5, 1, 1, None, 0, None]]


def test_a_damaged_state_file_is_ignored(tmp_path: Path) -> None:
    path = tmp_path / "netflow-x.decoder.json"
    path.write_text("{not json", encoding="utf-8")
    decoder = NetflowDecoder()
    assert state.load(decoder, path) == 0 and decoder.sampling == {} and len(decoder.templates) == 0


def test_sequence_numbers_survive_a_restart_so_what_was_sent_meanwhile_is_counted_lost(tmp_path: Path) -> None:
    # review r14d: the streams' sequence numbers were not saved, so the data records an IPFIX
    # exporter sent while the receiver was down (RFC 7011 3.1: the header counts data records
    # sent before the message) were never counted as lost
    folder = tmp_path / "state" / "receivers"
    store = SqliteStore(tmp_path / "events.db")
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            probe.bind(("127.0.0.1", 0))
            exporter = f"127.0.0.1:{probe.getsockname()[1]}"
            first = _run(0, folder, store, tmp_path, [
                (probe, ipfix(1, flow_set(2, IPFIX_DATA), flow_set(401, _ipfix_flow("10.1.0.1", 7, 50, 1)),
                              sequence=0)),
                (probe, ipfix(1, flow_set(401, _ipfix_flow("10.1.0.2", 7, 50, 1)), sequence=1)),
            ])
            assert first.parser.decoder.sequence.total(10) == 0
            # records 2, 3 and 4 went out while no receiver listened; the next says 5 came before it
            second = _run(first.address[1], folder, store, tmp_path, [
                (probe, ipfix(1, flow_set(401, _ipfix_flow("10.1.0.6", 7, 50, 1)), sequence=5)),
            ])
        assert second.parser.decoder.sequence.total(10) == 3
        errors = [e.get("error.message") for e in store.search(Query(terms={"event.kind": ("pipeline_error",)}))]
        gaps = [line for text in errors for line in text.split("; ") if "sequence number" in line]
        assert gaps == [f"{exporter} domain 1: sequence number 5, 2 expected: 3 data records "
                        f"lost before this message"], errors
    finally:
        store.close()
