"""NetFlow v5, v9 and IPFIX (issue 14): govsoc's own decoder, ECS mapping, the ``netflow``
parser and the UDP receiver that feeds it into the ingest pipeline."""

from __future__ import annotations

from govsoc.collectors.netflow.decoder import DecodeResult, ExportHeader, FlowRecord, NetflowDecoder, Problem
from govsoc.collectors.netflow.parser import NetflowParser
from govsoc.collectors.netflow.templates import NetflowError

__all__ = ["DecodeResult", "ExportHeader", "FlowRecord", "NetflowDecoder", "NetflowError", "NetflowParser",
           "Problem"]
