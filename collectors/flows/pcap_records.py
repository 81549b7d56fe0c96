"""Classic pcap records judged (libpcap's file format, draft-ietf-opsawg-pcap): each record's
captured and original lengths and its time checked, the reason a record header cannot be right,
and whether bytes could be the next record header when resynchronising after a damaged one
(collectors.flows.pcap reads through them).
"""

from __future__ import annotations

import struct

from govsoc.collectors.flows.capture import BAD_TIME, MAX_BLOCK, MAX_PACKET, Chunk, Problems


def _record_lengths(problems: Problems, chunk: Chunk, snaplen: int) -> None:
    """Records read although a length in their header is wrong, each a problem naming the
    packet: a captured length over the file's snap length (libpcap reads up to its largest
    packet whatever the snap length says, and so does govsoc) or over the packet's original
    length (a packet cannot hold more than was on the wire; libpcap and tshark read it all the
    same). The packet is read whole; its flow is kept."""
    caplens, wirelens = chunk.caplens, chunk.wirelens
    snap = snaplen or MAX_PACKET  # 0: no snap length recorded
    if isinstance(caplens, list):
        damaged = [i for i, caplen in enumerate(caplens) if caplen > snap or caplen > wirelens[i]]
    else:  # the compiled walker's arrays
        import numpy as np

        damaged = np.flatnonzero((caplens > snap) | (caplens > wirelens)).tolist()
    for i in damaged:
        caplen, wirelen = int(caplens[i]), int(wirelens[i])
        if caplen > snap:
            problems.add(chunk.first_number + i, int(chunk.offsets[i]), f"captured length {caplen} over the "
                         f"file's snap length {snaplen}: read whole", "record over the snap length")
        if caplen > wirelen:
            problems.add(chunk.first_number + i, int(chunk.offsets[i]), f"captured length {caplen} over the "
                         f"original length {wirelen}: read whole", "captured over the original length")


def _record_times(problems: Problems, chunk: Chunk, base: int, record: struct.Struct, nanos: bool,
                  previous: int | None) -> int | None:
    """Packets whose sub-second field is out of range (1,000,000 µs or 10^9 ns and over; the
    walks mark them BAD_TIME): the packet is read (its lengths are sane; libpcap and libwiretap
    read it too), reported with its number and the field, and given the time of the packet
    before it, so that a bogus time never moves its flow (the whole second when no packet came
    before). Returns the time of the chunk's last packet."""
    times = chunk.times
    if isinstance(times, list):
        bad = [i for i, t in enumerate(times) if t == BAD_TIME]
    else:  # the compiled walker's arrays
        import numpy as np

        bad = np.flatnonzero(times == BAD_TIME).tolist()
    unit = "nanoseconds" if nanos else "microseconds"
    for i in bad:
        offset = int(chunk.offsets[i])
        seconds, fraction, _, _ = record.unpack_from(chunk.data, offset - base)
        before = previous if i == 0 else int(times[i - 1])
        carried = seconds * 1_000_000_000 if before is None else before
        times[i] = carried
        problems.add(chunk.first_number + i, offset,
                     f"{unit} field {fraction} out of range: read, with the time of "
                     + ("its second" if before is None else "the packet before it"), "sub-second time out of range")
    return int(times[-1]) if len(times) else previous


def _bad_header(caplen: int, wirelen: int, fraction: int, snaplen: int, limit: int) -> str:
    """Why a classic pcap record header was refused, naming the limit it was checked against:
    the file's snap length, libpcap's largest packet (a smaller snap length is not enforced by
    libpcap either) or govsoc's largest record (memory stays bounded whatever the header says)."""
    if caplen > limit:
        if limit == snaplen:
            return f"record length {caplen} over the snap length {snaplen}"
        if limit == MAX_PACKET:
            return (f"record length {caplen} over libpcap's largest packet {MAX_PACKET} "
                    f"(the snap length {snaplen} is smaller)")
        return f"record length {caplen} over the largest record read, {limit} bytes (snap length {snaplen})"
    return f"captured length {caplen} over the original length {wirelen}"


def _plausible(record: struct.Struct, data: bytes, at: int, limit: int, nanos: bool, previous: int) -> bool:
    seconds, fraction, caplen, wirelen = record.unpack_from(data, at)
    if caplen > limit or caplen > wirelen or wirelen > MAX_BLOCK or (fraction >= (10**9 if nanos else 10**6)):
        return False
    return previous == 0 or abs(seconds - previous) < 86400 * 7
