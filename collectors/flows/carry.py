"""What a read of a capture still being written leaves for the next one (review 14 finding 4):
the flows open at its end, the IP fragments held for datagrams not yet whole (review 14b finding
1: a datagram whose fragments straddle two reads), the flow table's next sweep, the problems so
far and where the reader stopped, as JSON kept in the source's checkpoint (collectors.flows.source), so that a
re-ingest of the grown capture reads only the new packets and continues those flows.

Stage: collectors. Flows and held datagrams are written slot by slot (Flow, TcpConnection,
Endpoint and Datagram declare ``__slots__``): bytes as base64, tuples tagged, only those four
classes rebuilt. What is carried is bounded (CARRY_FLOWS flows, CARRY_BYTES payload sample bytes,
CARRY_FRAGMENT_BYTES held fragment bytes): past any, nothing is
carried and the next read starts again from the beginning of the capture, which gives the same
records, only slower.
"""

from __future__ import annotations

import base64
import numbers
from typing import Any

from govsoc.collectors.flows.flow import Flow
from govsoc.collectors.flows.fragments import Datagram, Reassembler
from govsoc.collectors.flows.pcap import Problem, Problems
from govsoc.collectors.flows.segments import Segments
from govsoc.collectors.flows.tcp import Endpoint, TcpConnection

#: At most this many open flows, and payload samples of this many bytes, are carried.
CARRY_FLOWS = 20_000
CARRY_BYTES = 8 << 20
#: At most this many captured bytes of fragments held for incomplete datagrams are carried.
CARRY_FRAGMENT_BYTES = 4 << 20
#: At most this many GTP-U bearer pairing entries (collectors.flows.segments) are carried.
CARRY_SEGMENTS = 20_000
_CLASSES: dict[str, type[Any]] = {"Flow": Flow, "TcpConnection": TcpConnection, "Endpoint": Endpoint,
                                  "Datagram": Datagram}


def _dump(value: Any) -> Any:
    if isinstance(value, bytes):
        return {"b": base64.b64encode(value).decode("ascii")}
    if isinstance(value, tuple):
        return {"t": [_dump(v) for v in value]}
    if isinstance(value, list):
        return [_dump(v) for v in value]
    if type(value).__name__ in _CLASSES and type(value) is _CLASSES[type(value).__name__]:
        return {"o": type(value).__name__, "s": {name: _dump(getattr(value, name)) for name in value.__slots__}}
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, numbers.Integral):  # a packet time from the compiled engine (numpy int64)
        return int(value)
    raise TypeError(f"cannot carry a {type(value).__name__}")


def _load(value: Any) -> Any:
    if isinstance(value, list):
        return [_load(v) for v in value]
    if isinstance(value, dict):
        if "b" in value:
            return base64.b64decode(value["b"])
        if "t" in value:
            return tuple(_load(v) for v in value["t"])
        cls = _CLASSES[value["o"]]
        obj = object.__new__(cls)
        for name in cls.__slots__:
            # a counter added since the state was saved (Flow.unsampled) starts at 0
            setattr(obj, name, _load(value["s"].get(name, 0)))
        return obj
    return value


def dump_flows(flows: list[Flow]) -> list[Any] | None:
    """The flows as JSON values, or None when they are more than is carried."""
    if len(flows) > CARRY_FLOWS or sum(flow.sample_bytes for flow in flows) > CARRY_BYTES:
        return None
    return [_dump(flow) for flow in flows]


def load_flows(data: list[Any]) -> list[Flow]:
    """The flows ``dump_flows`` wrote."""
    flows = [_load(item) for item in data]
    if not all(isinstance(flow, Flow) for flow in flows):
        raise ValueError("not flows")
    return flows


def dump_problems(problems: Problems) -> dict[str, Any]:
    """The problems so far: those kept in full, and the counts by kind."""
    # int(): the compiled engine numbers packets and offsets with numpy integers
    return {"kept": [[int(p.packet), int(p.offset), p.reason] for p in problems.kept], "counts": dict(problems.counts),
            "uncounted": {k: int(v) for k, v in problems.uncounted.items()}}


def load_problems(data: dict[str, Any], problems: Problems) -> None:
    """Put the problems ``dump_problems`` wrote into ``problems``."""
    problems.kept[:] = [Problem(int(packet), int(offset), str(reason)) for packet, offset, reason in data["kept"]]
    problems.counts.clear()
    problems.counts.update({str(k): int(v) for k, v in data["counts"].items()})
    problems.uncounted.clear()
    problems.uncounted.update({str(k): int(v) for k, v in data.get("uncounted", {}).items()})


class HeldFragments:
    """What a Reassembler held at the end of a read, taken before the end of the capture gave
    it up: the datagrams still incomplete (arrival order) and the keys of those dropped for
    overlapping fragments, with when."""

    __slots__ = ("held", "dropped", "held_bytes")

    def __init__(self, reassembler: Reassembler) -> None:
        self.held = list(reassembler.held.items())
        self.dropped = list(reassembler.dropped.items())
        self.held_bytes = reassembler.held_bytes


def dump_fragments(fragments: HeldFragments) -> dict[str, Any] | None:
    """The held fragments as JSON values, or None when they are more than is carried."""
    if fragments.held_bytes > CARRY_FRAGMENT_BYTES:
        return None
    return {"held": [[_dump(key), _dump(datagram)] for key, datagram in fragments.held],
            "dropped": [[_dump(key), when] for key, when in fragments.dropped]}


def load_fragments(data: dict[str, Any], reassembler: Reassembler) -> None:
    """Put the fragments ``dump_fragments`` wrote back into ``reassembler``, as they were held."""
    held = {_load(key): _load(datagram) for key, datagram in data["held"]}
    if not all(isinstance(key, tuple) and isinstance(d, Datagram) for key, d in held.items()):
        raise ValueError("not held fragments")
    dropped = {_load(key): int(when) for key, when in data["dropped"]}
    if not all(isinstance(key, tuple) for key in dropped):
        raise ValueError("not dropped fragment keys")
    reassembler.held = held
    reassembler.dropped = dropped
    reassembler.held_bytes = sum(datagram.held for datagram in held.values())


def dump_segments(segments: Segments) -> list[Any] | None:
    """The GTP-U bearer pairing as JSON values (a flow carried on a bearer must meet its reverse
    packets on the same key), or None when it is more than is carried."""
    state = segments.state()
    if sum(len(v) for v in state.values()) > CARRY_SEGMENTS:
        return None
    return [_dump(state["ends"]), _dump(state["half"]), _dump(state["paired"])]


def load_segments(data: list[Any], segments: Segments) -> None:
    """Put the pairing ``dump_segments`` wrote back into ``segments``."""
    ends, half, paired = (_load(item) for item in data)
    if not all(isinstance(x, list) for x in (ends, half, paired)):
        raise ValueError("not a bearer pairing")
    segments.restore({"ends": ends, "half": half, "paired": paired})
