"""Listings as a table (rich) or JSON (--format json), to stdout."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import click
from rich.console import Console
from rich.table import Table

FORMAT_OPTION = click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table",
                             show_default=True, help="Output as a table or as JSON.")


def emit(rows: Iterable[dict[str, Any]], columns: Sequence[tuple[str, str]], fmt: str, *,
         title: str | None = None) -> int:
    """Print rows; returns how many were printed."""
    items = list(rows)
    if fmt == "json":
        click.echo(json.dumps(items, ensure_ascii=False, indent=2, default=str))
        return len(items)
    table = Table(title=title, show_lines=False, header_style="bold")
    for _, header in columns:
        table.add_column(header, overflow="fold")
    for item in items:
        table.add_row(*(_cell(item.get(key)) for key, _ in columns))
    # Piped output keeps whole rows rather than the 80 columns rich assumes without a terminal.
    Console(soft_wrap=False, width=None if sys.stdout.isatty() else 200).print(table)
    return len(items)


def local_time(ts: datetime, zone: str) -> str:
    """A time as analysts read it: in the configured zone (Asia/Shanghai), to the second."""
    return ts.astimezone(ZoneInfo(zone)).strftime("%Y-%m-%d %H:%M:%S")


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return ", ".join(map(str, value))
    return str(value)
