"""Loss accounting from header sequence numbers (collectors.netflow.sequence), modulo 2^32: what
each version counts (v5 flows, v9 export packets, IPFIX data records), counters that wrap, late
and repeated messages, exporters that restart. The real exporter's numbering is followed in
test_softflowd.py."""

from __future__ import annotations

import struct
from collections import Counter
from pathlib import Path

from govsoc.collectors.netflow import NetflowDecoder
from govsoc.collectors.netflow.sequence import REORDER_WINDOW, SequenceTracker
from govsoc.store.base import Query
from tests.collectors.netflow.peers import serve_datagrams

from .test_decoder import EXPORT, FIVE_TUPLE, A, five_tuple, flow_set, ipfix, template

TOP = 0xFFFFFFFF


def v5(sequence: int, count: int) -> bytes:
    """A v5 packet of ``count`` records (Cisco's header: flow_sequence at byte 16)."""
    header = struct.pack("!HHIIIIBBH", 5, count, 10_000, EXPORT, 0, sequence, 0, 0, 0)
    record = struct.pack("!4s4s4sHHIIIIHHBBBBHHBBH", bytes([10, 0, 0, 1]), bytes([10, 0, 0, 2]), bytes(4), 0, 0,
                         1, 60, 0, 0, 40000, 80, 0, 0, 6, 0, 0, 0, 0, 0, 0)
    return header + record * count


def v9(sequence: int) -> bytes:
    """A v9 packet with nothing but its header (RFC 3954 5.1: the sequence counts packets)."""
    return struct.pack("!HHIIII", 9, 0, 10_000, EXPORT, sequence, 7)


def records(n: int) -> bytes:
    return flow_set(256, b"".join(five_tuple("10.0.0.1", "10.0.0.2", 40000 + i, 443, 100, 1) for i in range(n)))


def test_ipfix_counts_data_records_and_wraps() -> None:
    decoder = NetflowDecoder()
    # RFC 7011 3.1: the sequence counts data records, template records excluded, modulo 2^32
    assert not decoder.decode(ipfix(1, flow_set(2, template(256, *FIVE_TUPLE)), sequence=TOP - 1), A, 0).problems
    assert not decoder.decode(ipfix(1, records(3), sequence=TOP - 1), A, 0).problems  # 4294967294 + 3 wraps to 1
    assert not decoder.decode(ipfix(1, records(2), sequence=1), A, 0).problems
    result = decoder.decode(ipfix(1, records(1), sequence=7), A, 0)  # 3 expected: records 3..6 never came
    assert [p.kind for p in result.problems] == ["sequence-gap"]
    assert "sequence number 7, 3 expected: 4 data records lost" in result.problems[0].reason
    assert len(result.records) == 1  # the message itself is decoded as usual
    assert decoder.sequence.lost == Counter({(A, 10, 1): 4})
    assert decoder.problems["sequence-gap"] == 1


def test_v9_counts_packets_and_v5_counts_flows_across_the_wrap() -> None:
    decoder = NetflowDecoder()
    for sequence in (TOP - 1, TOP, 0, 1):
        assert not decoder.decode(v9(sequence), A, 0).problems
    assert [p.kind for p in decoder.decode(v9(3), A, 0).problems] == ["sequence-gap"]  # packet 2 lost
    assert not decoder.decode(v5(TOP - 9, 30), A, 0).problems
    assert not decoder.decode(v5(20, 30), A, 0).problems  # 4294967286 + 30 flows = 20 after the wrap
    assert [p.reason.split(": ")[-1] for p in decoder.decode(v5(60, 1), A, 0).problems] == [
        "10 flows lost before this message"]
    assert decoder.sequence.lost == Counter({(A, 9, 7): 1, (A, 5, 0): 10})
    assert decoder.sequence.total(9) == 1


def test_an_exporter_that_numbers_through_its_message_is_learnt() -> None:
    # softflowd 1.1.0's IPFIX: each message carries the count of records up to its own last one
    # (minus one), not before it: learnt from the second message, losses measured the same way
    tracker = SequenceTracker()
    assert tracker.see(A, 10, 0, 23, 24) is None
    assert not tracker.see(A, 10, 0, 54, 31).lost  # 23 + 31, where RFC 7011 would say 47
    assert tracker.streams[(A, 10, 0)].counts_through
    assert not tracker.see(A, 10, 0, 57, 3).lost
    assert tracker.see(A, 10, 0, 67, 5).lost == 5  # 57 + 5 expected: five records missing
    assert tracker.lost == Counter({(A, 10, 0): 5}) and tracker.late == 0


def test_late_repeated_and_restarted_numbers_are_not_losses() -> None:
    tracker = SequenceTracker()
    tracker.see(A, 9, 1, 100, 1)
    late = tracker.see(A, 9, 1, 99, 1)  # an old message arrives late (or again)
    assert late is not None and late.late and not late.lost
    assert not tracker.see(A, 9, 1, 101, 1).lost  # still expecting what followed 100
    restart = tracker.see(A, 9, 1, 101 - REORDER_WINDOW - 5, 1)  # far behind: the exporter began again
    assert restart is not None and restart.restart and not restart.lost
    assert not tracker.see(A, 9, 1, 102 - REORDER_WINDOW - 5, 1).lost
    assert tracker.lost == Counter() and (tracker.late, tracker.restarts) == (1, 1)


def test_streams_are_apart_and_an_unknown_advance_resynchronises() -> None:
    decoder = NetflowDecoder()
    # data before its template: how many records it holds is unknown until the template comes,
    # so the next message of that stream sets the expectation again instead of raising a gap
    assert not decoder.decode(ipfix(1, records(2), sequence=50), A, 0).problems
    assert not decoder.decode(ipfix(1, flow_set(2, template(256, *FIVE_TUPLE)), sequence=52), A, 0).problems
    learn = flow_set(2, template(256, *FIVE_TUPLE))
    assert not decoder.decode(ipfix(2, learn, records(1), sequence=0), A, 0).problems  # another domain, its own count
    assert not decoder.decode(ipfix(1, records(1), sequence=52), A, 0).problems
    assert not decoder.decode(ipfix(2, records(1), sequence=1), A, 0).problems
    assert decoder.sequence.lost == Counter() and len(decoder.sequence.streams) == 2


def test_reordered_v9_datagrams_within_the_window_are_not_a_loss(tmp_path: Path) -> None:
    # review R14 F10: sequence 1, 3, 2 (the last two swapped on the way) left a permanent
    # "1 export packets lost"; sent over loopback to a real receiver, the late packet now fills
    # the gap: nothing counted lost, and the loss event stored earlier is corrected by another
    store, receiver, _, _ = serve_datagrams([v9(1), v9(3), v9(2)], tmp_path)
    try:
        decoder = receiver.parser.decoder
        assert decoder.sequence.lost == Counter() and decoder.problems["sequence-gap"] == 0
        assert decoder.sequence.late == 1
        texts = [str(e.get("message")) for e in store.search(Query(terms={"event.kind": ("pipeline_error",)}))]
        assert any("1 export packets lost before this message" in t for t in texts)
        assert any("sequence number 2 came late: its 1 export packets reported lost are not lost" in t for t in texts)
    finally:
        store.close()


def test_a_late_message_fills_only_its_part_of_a_gap() -> None:
    # v9: 10, then 14 (11, 12, 13 missing), then 12 late: two packets still lost; IPFIX the same
    # by records: 5 records at 100, then 120 (105..119 missing), then 5 records at 110 late
    decoder = NetflowDecoder()
    for sequence in (10, 14, 12):
        decoder.decode(v9(sequence), A, 0)
    assert decoder.sequence.lost == Counter({(A, 9, 7): 2}) and decoder.problems["sequence-gap"] == 1
    decoder.decode(v9(11), A, 0)
    decoder.decode(v9(13), A, 0)
    assert decoder.sequence.lost == Counter() and decoder.problems["sequence-gap"] == 0
    tracker = SequenceTracker()
    tracker.see(A, 10, 1, 100, 5)
    assert tracker.see(A, 10, 1, 120, 5).lost == 15
    late = tracker.see(A, 10, 1, 110, 5)
    assert late is not None and late.late and (late.recovered, late.missing) == (5, 10)
    assert tracker.lost == Counter({(A, 10, 1): 10})
    assert tracker.see(A, 10, 1, 90, 5).recovered == 0  # older than the gap: a repeat, nothing to fill


def test_softflowds_first_template_refresh_reordered_by_one_place_is_not_a_loss() -> None:
    # review R14b N4: softflowd numbers through its messages and leaves the options record of
    # each template refresh uncounted; its first refresh (20 flow records + 1 options record)
    # overtaken by the message after it (30 records) was a gap of 20 that the late refresh,
    # taken to hold 21 numbers, never filled: a permanent false loss
    tracker = SequenceTracker()
    tracker.see(A, 10, 0, 23, 24)
    tracker.see(A, 10, 0, 54, 31)
    tracker.see(A, 10, 0, 82, 28)
    assert tracker.see(A, 10, 0, 132, 30).lost == 20  # the message after the refresh, first
    late = tracker.see(A, 10, 0, 102, 21, options=1)  # the refresh: 82 + 20 flow records
    assert late is not None and late.late and (late.recovered, late.missing) == (20, 0)
    assert tracker.lost == Counter() and tracker.streams[(A, 10, 0)].options_counted is False
    assert not tracker.see(A, 10, 0, 152, 21, options=1).lost  # the next refresh: in order
