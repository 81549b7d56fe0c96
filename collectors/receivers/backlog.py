"""The receivers' shutdown spool: messages taken off the wire but not yet parsed when the
receivers stop, written as they arrived (collectors.spool's checksummed records), and parsed
and stored at the next start.

Parsing is what a backlog costs (15-45 µs a message: 200,000 queued messages took 73 s to parse
into the event spool at a daemon's stop). Writing them unparsed costs a copy and one fsync, so a
stop returns after at most the batch it was parsing, whatever the backlog. Each message keeps
the identity it was given when it was accepted (its receiver run's id and its receive sequence
number, collectors.receivers.delivery), so the events of a replayed message have the ids they
would have had: a replay that is interrupted and run again stores each message once.

A record's payload: a JSON header (receiver name and transport, identity, sequence, sender
host and port, frame flag, receive time), a newline, and the message's bytes.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from govsoc.collectors.spool import DEFAULT_MAX_BYTES, Codec, Spool

__all__ = ["Unparsed", "backlog_spool"]


@dataclass(frozen=True, slots=True)
class Unparsed:
    """One accepted message as it arrived, with the identity it was given."""

    receiver: str
    transport: str
    identity: str
    sequence: int
    host: str
    port: int
    data: bytes
    flag: str | None
    at: float


def _payload(message: Unparsed) -> bytes:
    header = {"r": message.receiver, "t": message.transport, "i": message.identity, "n": message.sequence,
              "h": message.host, "p": message.port, "f": message.flag, "a": message.at}
    return json.dumps(header, ensure_ascii=False, separators=(",", ":")).encode("utf-8") + b"\n" + message.data


def _message(payload: bytes) -> Unparsed:
    head, newline, data = payload.partition(b"\n")
    if not newline:
        raise ValueError("no header")
    header = json.loads(head.decode("utf-8"))
    flag = header["f"]
    return Unparsed(receiver=str(header["r"]), transport=str(header["t"]), identity=str(header["i"]),
                    sequence=int(header["n"]), host=str(header["h"]), port=int(header["p"]), data=data,
                    flag=None if flag is None else str(flag), at=float(header["a"]))


UNPARSED = Codec(_payload, _message)


def backlog_spool(event_spool_folder: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> Spool:
    """The shutdown spool beside the pipeline's event spool (``<spool>/received``)."""
    return Spool(Path(event_spool_folder) / "received", max_bytes, codec=UNPARSED)
