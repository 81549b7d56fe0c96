"""Suricata: the EVE JSON output (eve)."""

from __future__ import annotations

from govsoc.collectors.suricata import eve as _eve  # noqa: F401  (registers the parser)
