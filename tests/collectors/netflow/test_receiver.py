"""The UDP receiver through the pipeline into a real SQLite store: a datagram received twice is
stored once (event ids from exporter, sequence number and datagram digest), a damaged one is
stored as a pipeline_error event naming the exporter and the reason, and data whose template
never came is reported when the receiver stops."""

from __future__ import annotations

import socket
import struct
import threading
import time
from pathlib import Path

from govsoc.collectors.netflow.receiver import NetflowReceiver
from govsoc.collectors.pipeline import Pipeline
from govsoc.store.base import Query
from govsoc.store.sqlite import SqliteStore
from tests.collectors.netflow.test_decoder import flow_set, ipfix, template


def test_receiver_stores_once_and_reports_problems(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "events.db")
    receiver = NetflowReceiver("127.0.0.1", 0)
    stop = threading.Event()
    serving = threading.Thread(target=receiver.serve, args=(Pipeline(store, data_dir=tmp_path),),
                               kwargs={"stop": stop, "flush_seconds": 0.1})
    serving.start()
    # IPFIX sequence numbers count the data records sent before (RFC 7011 3.1): no loss here
    learn = ipfix(3, flow_set(2, template(256, (8, 4), (12, 4), (1, 4), (2, 4))), sequence=0)
    data = ipfix(3, flow_set(256, bytes([10, 0, 0, 1, 10, 0, 0, 2]) + struct.pack("!II", 500, 5)), sequence=0)
    damaged = ipfix(3, struct.pack("!HH", 256, 0), sequence=1)  # a set of length 0
    orphan = ipfix(3, flow_set(999, b"\0" * 16), sequence=1)  # no template 999 ever comes
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as exporter:
            exporter.bind(("127.0.0.1", 0))
            for datagram in (learn, data, data, damaged, orphan):  # the data datagram twice
                exporter.sendto(datagram, receiver.address)
                time.sleep(0.05)
            port = exporter.getsockname()[1]
        time.sleep(0.5)
    finally:
        stop.set()
        serving.join()
        receiver.close()
    try:
        flows = list(store.search(Query(terms={"netflow.type": ("netflow_flow",)})))
        assert [(e.get("source.ip"), e.get("network.bytes"), e.get("observer.ip")) for e in flows] == [
            ("10.0.0.1", 500, "127.0.0.1")]
        errors = sorted(e.get("error.message") for e in store.search(Query(terms={"event.kind": ("pipeline_error",)})))
        assert len(errors) == 2
        assert errors[0].startswith(f"127.0.0.1:{port} domain 3: data set for template 999 (16 bytes) never got")
        assert errors[1].startswith(f"127.0.0.1:{port} domain 3: set 256 at byte 16: length 0")
        assert receiver.counters.datagrams == 5
        assert dict(receiver.parser.decoder.problems) == {"set-length": 1, "no-template": 1}
    finally:
        store.close()
