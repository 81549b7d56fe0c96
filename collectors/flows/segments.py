"""The network segment a packet travelled in, as one int64 word of the flow key (review 14b
finding 8): its 802.1Q/802.1ad VLAN tags and the VXLAN, Geneve and GTP-U tunnels around it, so
that one 5-tuple in two VLANs, two GTP-U bearers or one VNI between two pairs of tunnel
endpoints is two flows, while both directions of one flow keep one key.

- VLAN tags (IEEE 802.1Q 9.6: 12-bit VID; QinQ, 802.1ad, stacks them): the whole stack is in the
  key, as Suricata (``vlan.use-for-tracking``, on by default) and Zeek's ``vlan_fivetuple``
  connection key do. A stack of at most two tags, outside any tunnel (all the compiled kernel of
  collectors.flows.native reads itself), has an exact code below 2^26: :func:`vlan_code`.
- VXLAN (RFC 7348 5.) and Geneve (RFC 8926 3.): the VNI and the unordered pair of outer IP
  addresses (the VTEPs). Not the outer UDP ports: the source port is an entropy hash of the inner
  headers (RFC 7348 5., RFC 8926 3.3), so it differs between a flow's two directions.
- GTP-U (3GPP TS 29.281 5.1): a TEID "unambiguously identifies a tunnel endpoint in the
  receiving GTP-U protocol entity", so it names one end of a bearer, and each direction carries
  the receiving end's own TEID (uplink the SGW/UPF's, downlink the eNodeB/gNodeB's; they are
  allocated apart and signalled only in GTP-C, TS 29.274). A key holding the raw TEID would cut
  every bearer's flows in two halves. So the ends are paired from the traffic: a packet to a
  known end (receiver address, TEID) takes that end's bearer; a packet to a new end whose inner
  packet answers one seen the other way over the same two addresses (its 5-tuple reversed) on a
  bearer not yet paired joins that bearer (the oldest such, when two bearers carried the same
  5-tuple); any other new end starts a bearer named after it. The key holds the bearer's name
  and the unordered pair of outer addresses.

A capture whose two directions carry different VLAN tags (a router between two VLANs, seen at a
port that gets each direction once: shared/corpus/zeek's ldap traces, 81 one way and 80 back)
would give two half flows, as Suricata and nfstream give; the flow table pairs them instead
(collectors.flows.table.FlowTable, and the compiled engine's second table), so such a flow is
still one flow both ways, as Zeek (keyed by the 5-tuple alone) has it.

Codes of anything beyond two VLAN tags outside tunnels are a 62-bit BLAKE2b digest with bit 62
set (never an exact VLAN code; stable across processes, so carried flows keep their keys); a
collision, at odds of 2^-62 per pair of segments, would merge two segments' flows. The pairing
tables are bounded (MAX_ENDS); past it the oldest entries are forgotten, and a bearer seen again
after that may be named anew, splitting its flows at that point.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from typing import Any

#: Bit set on every digest code (exact VLAN codes stay below 2^26).
DIGEST_BIT = 1 << 62
#: GTP-U ends, and flows of bearers not yet paired, remembered at once (each table).
MAX_ENDS = 1 << 17
#: Bearers kept waiting for their other end per inner 5-tuple (oldest forgotten first).
MAX_WAITING = 8

#: One tunnel level of a packet's context: ("vxlan"/"geneve", lower address, higher address, VNI)
#: or ("gtpu", sender, receiver, TEID) before its bearer is known.
Entry = tuple[Any, ...]


def vlan_code(vlan: tuple[int, ...]) -> int:
    """The exact key word of at most two VLAN tags (count, outer VID, inner VID); 0 for none."""
    if not vlan:
        return 0
    return (len(vlan) << 24) | (vlan[0] << 12) | (vlan[1] if len(vlan) > 1 else 0)


@lru_cache(maxsize=4096)
def digest_code(vlan: tuple[int, ...], context: tuple[Entry, ...]) -> int:
    """The key word of a VLAN stack and resolved tunnel levels (repr is stable: ints, bytes, str)."""
    digest = hashlib.blake2b(repr((vlan, context)).encode("ascii"), digest_size=8).digest()
    return DIGEST_BIT | (int.from_bytes(digest, "big") >> 2)


class Segments:
    """The GTP-U bearer pairing of one capture (collectors.flows.decode holds one per reader)."""

    __slots__ = ("ends", "half", "paired")

    def __init__(self) -> None:
        #: (levels before it, receiver address, TEID) -> the bearer's name (its first end)
        self.ends: dict[tuple[Any, ...], tuple[Any, ...]] = {}
        #: (levels before it, proto, src, sport, dst, dport, outer sender, outer receiver) of a
        #: packet on a bearer whose other end is unknown -> those bearers, oldest first
        self.half: dict[tuple[Any, ...], tuple[tuple[Any, ...], ...]] = {}
        #: bearers both of whose ends are known
        self.paired: dict[tuple[Any, ...], None] = {}

    def code(self, vlan: tuple[int, ...], context: tuple[Entry, ...], proto: int, src: bytes, sport: int,
             dst: bytes, dport: int) -> int:
        """The key word of a packet (its inner 5-tuple given) inside ``context``'s tunnels."""
        if not any(entry[0] == "gtpu" for entry in context):
            return digest_code(vlan, context)
        resolved: list[Entry] = []
        for entry in context:
            if entry[0] != "gtpu":
                resolved.append(entry)
                continue
            _, sender, receiver, teid = entry
            prefix = tuple(resolved)
            bearer = self._bearer(prefix, sender, receiver, teid, (proto, src, sport, dst, dport))
            low, high = sorted((sender, receiver))
            resolved.append(("gtpu", low, high, bearer))
        return digest_code(vlan, tuple(resolved))

    def _bearer(self, prefix: tuple[Entry, ...], sender: bytes, receiver: bytes, teid: int,
                inner: tuple[int, bytes, int, bytes, int]) -> tuple[Any, ...]:
        end = (prefix, receiver, teid)
        bearer = self.ends.get(end)
        proto, src, sport, dst, dport = inner
        if bearer is None:
            answered = self.half.get((prefix, proto, dst, dport, src, sport, receiver, sender), ())
            # the oldest bearer still waiting for its other end: when two bearers carried the same
            # 5-tuple (two UEs given one address from two PDN pools), answers come in the order asked
            bearer = next((b for b in answered if b not in self.paired), None)
            if bearer is None:
                bearer = end
            else:
                _bounded(self.paired, bearer, None)
            _bounded(self.ends, end, bearer)
        if bearer not in self.paired:
            key = (prefix, proto, src, sport, dst, dport, sender, receiver)
            waiting = self.half.get(key, ())
            if bearer not in waiting:
                _bounded(self.half, key, (*waiting[-(MAX_WAITING - 1):], bearer))
        return bearer

    def state(self) -> dict[str, list[Any]]:
        """The tables as lists of pairs (collectors.flows.carry writes them as JSON)."""
        return {"ends": list(self.ends.items()), "half": list(self.half.items()), "paired": list(self.paired)}

    def restore(self, state: dict[str, list[Any]]) -> None:
        """Put back what ``state`` gave (values already rebuilt as tuples and bytes)."""
        self.ends = {tuple(k): tuple(v) for k, v in state["ends"]}
        self.half = {tuple(k): tuple(tuple(b) for b in v) for k, v in state["half"]}
        self.paired = {tuple(k): None for k in state["paired"]}


def _bounded(table: dict[Any, Any], key: Any, value: Any) -> None:
    """``table[key] = value``, forgetting the oldest entry past MAX_ENDS (dicts keep insertion order)."""
    table[key] = value
    if len(table) > MAX_ENDS:
        del table[next(iter(table))]
