"""Peers for the protocol tests: tshark (Wireshark's dissector, Debian package tshark) reads a
trace and prints the payloads and its own view of each packet, and Zeek's baseline logs are
read as text; the decoders under test are compared with both. Under CI=true a missing tshark
fails the test."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from tests.conftest import need


def tshark_rows(trace: Path, display_filter: str, fields: list[str]) -> list[dict[str, list[str]]]:
    """One dict per packet tshark's ``display_filter`` keeps: field -> its values (a field
    that occurs in an outer and an inner layer has both, outer first)."""
    need(shutil.which("tshark") is not None, "tshark is missing (scripts/system-packages.sh installs it)")
    # Teredo is found by a heuristic that tshark leaves off by default (Zeek decodes it)
    args = ["tshark", "-n", "-o", "teredo.heuristic_teredo:TRUE", "-r", str(trace), "-Y", display_filter,
            "-T", "fields", "-E", "separator=\t",
            "-E", "occurrence=a", "-E", "aggregator=,"]
    for name in fields:
        args += ["-e", name]
    out = subprocess.run(args, capture_output=True, text=True, check=True, timeout=120).stdout
    rows = []
    for line in out.splitlines():
        values = line.split("\t")
        rows.append({name: [v for v in value.split(",") if v] for name, value in zip(fields, values, strict=True)})
    return rows


def zeek_text_rows(log: Path) -> list[dict[str, str]]:
    """The rows of a Zeek baseline log as text ({column: cell}), from its ``#fields`` line or,
    for zeek-cut output, its first line of column names."""
    fields: list[str] = []
    rows = []
    for line in log.read_text().splitlines():
        if line.startswith("#fields"):
            fields = line.split("\t")[1:]
        elif line.startswith(("uid\t", "ts\t")):
            fields = line.split("\t")
        elif line and not line.startswith("#"):
            rows.append(dict(zip(fields, line.split("\t"), strict=True)))
    return rows
