"""NetFlow/IPFIX benchmark (issue 14): data records decoded per second by govsoc's decoder, per
version, beside scapy's NetFlow dissection and a bare struct loop over the same datagrams in the
same run, printed as ratios.

    python -m bench.netflow                        # 300,000 records per version
    python -m bench.netflow --records 30000 --repeat 2   # quicker

The datagrams are built here as exporters send them (30 records each, about 1,200 bytes): v5,
and v9 and IPFIX with one template of 14 fields (addresses, uptime start/end, octets, packets,
interfaces, ports, protocol, TCP flags, IP version, TOS: the elements softflowd and most
routers export), the template in the first datagram only. Rows per version:

* ``govsoc decode``: NetflowDecoder.decode (header, sets, template lookup per exporter and
  domain, values by element name with addresses as text);
* ``govsoc decode+ECS``: and record_fields for every record (the ECS event fields);
* ``scapy``: scapy.layers.netflow: ``NetflowHeader(bytes)`` per datagram, and for v9/IPFIX
  ``netflowv9_defragment`` to apply the template (measured on ``--scapy-records`` records);
* ``struct loop``: the ceiling, ``struct.iter_unpack`` of each data set with the one template's
  layout known in advance (tuples of integers and raw bytes, nothing named or converted).

Each figure is the best of ``--repeat`` rounds with garbage collection off while timing.
"""

from __future__ import annotations

import argparse
import gc
import struct
import time
from collections.abc import Callable

from govsoc.collectors.netflow.decoder import NetflowDecoder
from govsoc.collectors.netflow.ecs import record_fields

EXPORTER = "192.0.2.1:2055"
PER_DATAGRAM = 30
#: (element, length): softflowd's and most routers' flow elements
FIELDS = ((8, 4), (12, 4), (22, 4), (21, 4), (1, 4), (2, 4), (10, 4), (14, 4), (7, 2), (11, 2), (4, 1), (6, 1),
          (60, 1), (5, 1))
RECORD = struct.Struct("!4s4sIIIIIIHHBBBB")
V5_RECORD = struct.Struct("!4s4s4sHHIIIIHHBBBBHHBBH")


def _record(n: int) -> bytes:
    return RECORD.pack(bytes([10, n >> 16 & 255, n >> 8 & 255, n & 255]), bytes([192, 0, 2, n & 255]), 1_000,
                       2_000 + n % 1000, 40 + n % 1500, 1 + n % 30, 1, 2, 1024 + n % 60000, 443, 6, 0x1B, 4, 0)


def _set(set_id: int, body: bytes) -> bytes:
    return struct.pack("!HH", set_id, len(body) + 4) + body


def _template() -> bytes:
    return struct.pack("!HH", 256, len(FIELDS)) + b"".join(struct.pack("!HH", e, n) for e, n in FIELDS)


def build(version: int, records: int) -> list[bytes]:
    """``records`` data records of ``version`` in datagrams of 30, the template first."""
    datagrams = []
    for first in range(0, records, PER_DATAGRAM):
        count = min(PER_DATAGRAM, records - first)
        if version == 5:
            header = struct.pack("!HHIIIIBBH", 5, count, 10_000, 1_700_000_000, 0, first, 0, 0, 0)
            body = b"".join(V5_RECORD.pack(bytes([10, 0, n >> 8 & 255, n & 255]), bytes([192, 0, 2, n & 255]),
                                           bytes(4), 1, 2, 1 + n % 30, 40 + n % 1500, 1_000, 2_000, 1024 + n % 60000,
                                           443, 0, 0x1B, 6, 0, 0, 0, 24, 24, 0)
                            for n in range(first, first + count))
            datagrams.append(header + body)
            continue
        sets = [_set(0 if version == 9 else 2, _template())] if first == 0 else []
        sets.append(_set(256, b"".join(_record(n) for n in range(first, first + count))))
        payload = b"".join(sets)
        if version == 9:
            header = struct.pack("!HHIIII", 9, count + len(sets) - 1, 10_000, 1_700_000_000, first, 1)
        else:
            header = struct.pack("!HHIII", 10, 16 + len(payload), 1_700_000_000, first, 1)
        datagrams.append(header + payload)
    return datagrams


def govsoc_decode(datagrams: list[bytes]) -> int:
    decoder = NetflowDecoder()
    return sum(len(decoder.decode(d, EXPORTER, now=0.0).records) for d in datagrams)


def govsoc_ecs(datagrams: list[bytes]) -> int:
    decoder, count = NetflowDecoder(), 0
    for datagram in datagrams:
        for record in decoder.decode(datagram, EXPORTER, now=0.0).records:
            record_fields(record)
            count += 1
    return count


def scapy_decode(datagrams: list[bytes]) -> int:
    from scapy.layers.netflow import NetflowDataflowsetV9, NetflowHeader, NetflowRecordV5, netflowv9_defragment

    packets = [NetflowHeader(d) for d in datagrams]
    if datagrams and datagrams[0][:2] == b"\x00\x05":
        return sum(1 for p in packets for _ in p.iterpayloads() if isinstance(_, NetflowRecordV5))
    count = 0
    for packet in netflowv9_defragment(packets):  # type: ignore[no-untyped-call]
        dataset = packet.getlayer(NetflowDataflowsetV9)
        if dataset is not None:
            count += len(dataset.records)
    return count


def struct_loop(datagrams: list[bytes]) -> int:
    count = 0
    for datagram in datagrams:
        version = datagram[1]
        if version == 5:
            count += sum(1 for _ in V5_RECORD.iter_unpack(datagram[24:]))
            continue
        at = 20 if version == 9 else 16
        while at + 4 <= len(datagram):
            set_id, length = struct.unpack_from("!HH", datagram, at)
            if set_id == 256:
                count += sum(1 for _ in RECORD.iter_unpack(datagram[at + 4:at + length]))
            at += length
    return count


def best(run: Callable[[list[bytes]], int], datagrams: list[bytes], repeat: int) -> tuple[float, int]:
    """Records per second (best of ``repeat``) and the records counted."""
    rates, count = [], 0
    for _ in range(repeat):
        gc.disable()
        started = time.perf_counter()
        count = run(datagrams)
        elapsed = time.perf_counter() - started
        gc.enable()
        rates.append(count / elapsed)
    return max(rates), count


def main() -> None:
    """Build the datagrams, time each decoder, print the table."""
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--records", type=int, default=300_000, help="data records per version")
    options.add_argument("--scapy-records", type=int, default=6_000, help="records scapy decodes (it is slow)")
    options.add_argument("--repeat", type=int, default=3)
    args = options.parse_args()
    print(f"{'version':<8} {'decoder':<20} {'records/s':>12} {'x scapy':>9} {'/ struct':>9}")
    for version, name in ((5, "v5"), (9, "v9"), (10, "IPFIX")):
        datagrams = build(version, args.records)
        scapy_rate, scapy_count = best(scapy_decode, datagrams[:max(1, args.scapy_records // PER_DATAGRAM)],
                                       max(1, args.repeat - 1))
        struct_rate, struct_count = best(struct_loop, datagrams, args.repeat)
        rows = [("govsoc decode", *best(govsoc_decode, datagrams, args.repeat)),
                ("govsoc decode+ECS", *best(govsoc_ecs, datagrams, args.repeat)),
                ("scapy", scapy_rate, scapy_count), ("struct loop", struct_rate, struct_count)]
        for label, rate, count in rows:
            expected = args.records if label != "scapy" else min(args.records, args.scapy_records)
            assert count == expected, f"{label} {name}: {count} records, expected {expected}"
            print(f"{name:<8} {label:<20} {rate:>12,.0f} {rate / scapy_rate:>8.1f}x {rate / struct_rate:>8.2f}x")


if __name__ == "__main__":
    main()
