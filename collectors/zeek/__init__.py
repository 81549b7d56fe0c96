"""Zeek logs: the ASCII TSV container and JSON lines (tsv), their ECS mapping (ecs), the ``zeek``
parser (parser)."""

from __future__ import annotations

from govsoc.collectors.zeek import parser as _parser  # noqa: F401  (registers the parser)
from govsoc.collectors.zeek.tsv import ZeekHeader, decode_row, read_log

__all__ = ["ZeekHeader", "decode_row", "read_log"]
