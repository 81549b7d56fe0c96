"""softflowd's IPFIX template refreshes against govsoc's loss accounting (review R14 F1 HIGH).

softflowd 1.1.0 resends its templates after every 16 messages, with one options data record
(its sampling options, set 256) before the flow records, and leaves that options record out of
the IPFIX sequence number (RFC 7011 3.1 counts every data record). govsoc counted it, took the
refresh message for one record "late" and the message after it for a loss of the whole
refresh's records. A capture long enough to reach a refresh is replayed by softflowd itself
over loopback to a real receiver: nothing lost, no gap; then the same datagrams less one flow
message, sent over loopback again: that message's records are reported lost, exactly."""

from __future__ import annotations

import struct
import threading
from collections import Counter
from pathlib import Path

from bench.flows import generate
from govsoc.collectors.netflow import NetflowDecoder
from govsoc.collectors.netflow.receiver import NetflowReceiver
from govsoc.collectors.pipeline import Pipeline
from govsoc.store.base import Query
from govsoc.store.sqlite import SqliteStore
from tests.collectors.netflow.peers import serve_datagrams, softflowd_export, tee


def _sets(datagram: bytes) -> list[tuple[int, int]]:
    """(set id, set length) of each set of an IPFIX message."""
    sets, offset = [], 16
    while offset + 4 <= len(datagram):
        set_id, length = struct.unpack_from("!HH", datagram, offset)
        sets.append((set_id, length))
        offset += max(length, 4)
    return sets


def _replay(pcap: Path, work: Path, store: SqliteStore) -> tuple[NetflowReceiver, list[bytes]]:
    receiver = NetflowReceiver("127.0.0.1", 0)
    stop = threading.Event()
    serving = threading.Thread(target=receiver.serve, args=(Pipeline(store, data_dir=work / "govsoc"),),
                               kwargs={"stop": stop})
    serving.start()
    try:
        with tee([receiver.address[1]]) as (port, kept):
            softflowd_export(pcap, "10", port, work, "-a")
    finally:
        stop.set()
        serving.join()
        receiver.close()
    return receiver, kept


def test_template_refreshes_are_not_losses_and_a_real_loss_still_is(tmp_path: Path) -> None:
    pcap = tmp_path / "long.pcap"
    generate(pcap, 12_000)
    store = SqliteStore(tmp_path / "events.db")
    try:
        receiver, kept = _replay(pcap, tmp_path, store)
        refreshes = [i for i, d in enumerate(kept) if i and any(s == 2 for s, _ in _sets(d))]
        assert refreshes, f"{len(kept)} messages: too short to reach a template refresh"
        assert all(any(s == 256 for s, _ in _sets(kept[i])) for i in refreshes)  # the options record with it
        decoder = receiver.parser.decoder
        assert decoder.problems["sequence-gap"] == 0 and decoder.sequence.lost == Counter()
        assert decoder.sequence.late == decoder.sequence.restarts == 0
        assert all(s.options_counted is False for s in decoder.sequence.streams.values())
        assert store.count(Query(terms={"event.kind": ("pipeline_error",)})) == 0
    finally:
        store.close()
    # one message of flow records only, after the first refresh, never arrives: its records
    # (as a fresh decoder reads them in order) are what the next message must report lost
    reader = NetflowDecoder()
    decoded = [reader.decode(d, "127.0.0.1:9", 0.0).records for d in kept]
    gone = next(i for i in range(refreshes[0] + 1, len(kept) - 1)
                if decoded[i] and not any(r.options for r in decoded[i]) and all(s >= 256 for s, _ in _sets(kept[i])))
    again = tmp_path / "again"
    again.mkdir()
    store, receiver, _, _ = serve_datagrams(kept[:gone] + kept[gone + 1:], again)
    try:
        decoder = receiver.parser.decoder
        assert decoder.problems["sequence-gap"] == 1
        assert sum(decoder.sequence.lost.values()) == len(decoded[gone])
        errors = list(store.search(Query(terms={"event.kind": ("pipeline_error",)})))
        assert len(errors) == 1 and f": {len(decoded[gone])} data records lost before" in str(errors[0].get("message"))
    finally:
        store.close()


def test_every_lost_or_reordered_softflowd_message_is_counted_by_its_records(tmp_path: Path) -> None:
    # review R14b N4/N5: softflowd's IPFIX numbers records through its message and leaves its
    # options record out; until messages told both, a gap was counted by the RFCs' reading and
    # never judged again: losing its 2nd message counted 31 records where it held 28, the one
    # before a template refresh 27 where it held 28, and its first messages swapped in transit a
    # false loss of 31 or 3. Real softflowd, over loopback; then each message left out in turn
    # (a loss of exactly its records: by softflowd's numbering, its options record not among them),
    # and each pair swapped (no loss)
    pcap = tmp_path / "longer.pcap"
    generate(pcap, 20_000)
    with tee([]) as (port, kept):
        softflowd_export(pcap, "10", port, tmp_path)
    whole = NetflowDecoder()
    records = [whole.decode(d, "127.0.0.1:9", 0.0).records for d in kept]
    refreshes = [i for i, d in enumerate(kept) if i and any(s == 2 for s, _ in _sets(d))]
    assert len(refreshes) >= 2 and refreshes[-1] < len(kept) - 1, f"{len(kept)} messages: too few refreshes"

    def losses(datagrams: list[bytes]) -> tuple[int, int]:
        decoder = NetflowDecoder()
        for datagram in datagrams:
            decoder.decode(datagram, "127.0.0.1:9", 0.0)
        return sum(decoder.sequence.lost.values()), decoder.problems["sequence-gap"]

    for gone in range(1, len(kept) - 1):  # the first and last messages: nothing to judge them by
        counted = sum(1 for r in records[gone] if not r.options)
        assert losses(kept[:gone] + kept[gone + 1:]) == (counted, 1), gone
    for first in range(len(kept) - 1):
        assert losses(kept[:first] + [kept[first + 1], kept[first]] + kept[first + 2:]) == (0, 0), first
