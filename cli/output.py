"""Listings as a table (rich) or JSON (--format json), to stdout.

Log text is data. Everything a table shows goes into a rich ``Text`` (never a markup string), so
``[preauth]`` stays on screen and a user name ``[/bold]`` cannot break the output; control
characters are shown as ``\\xNN`` so that an escape sequence in a log line cannot drive the
terminal; and a value longer than a cell's limit is cut with a note saying how much was left
out and where to read it whole (a 5 MB line is one cell, not 50,000 terminal lines).
"""

from __future__ import annotations

import sys
from collections.abc import Collection, Iterable, Sequence
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import click
from rich.console import Console
from rich.table import Table
from rich.text import Text

from govsoc.cli.terminal import json_for_terminal
from govsoc.cli.terminal import printable as printable  # re-exported: listings import it from here

FORMAT_OPTION = click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table",
                             show_default=True, help="Output as a table or as JSON.")
#: Longest value a table cell shows, in characters.
CELL_LIMIT = 500


def shown(value: Any, limit: int = CELL_LIMIT, *, whole: str = "--format json") -> Text:
    """A value as safe terminal text: no markup, no control characters, at most ``limit``
    characters plus a note of what was cut and ``whole``, where to read it all."""
    # a Text value keeps its style (a summary dimmed as not being the data itself); its plain
    # text is escaped and cut as any other value's
    style = value.style if isinstance(value, Text) else ""
    text = value.plain if isinstance(value, Text) else as_text(value)
    if len(text) > limit:
        note = f" … [{len(text) - limit:,} more characters; {whole} shows all]"
        return Text(printable(text[:limit]), style=style) + Text(note, style="dim")
    return Text(printable(text), style=style)


def console(*, stderr: bool = False) -> Console:
    """A console that keeps whole rows when piped, rather than the 80 columns rich assumes
    without a terminal. Print only Text or renderables built from Text to it."""
    stream = sys.stderr if stderr else sys.stdout
    return Console(soft_wrap=False, width=None if stream.isatty() else 200, stderr=stderr)


def emit(rows: Iterable[dict[str, Any]], columns: Sequence[tuple[str, str]], fmt: str, *,
         title: str | None = None, unbroken: Collection[str] = ()) -> int:
    """Print rows; returns how many were printed. The columns whose keys are in ``unbroken``
    are never folded nor cut (ids a user copies into the next command: R49a-7); the others
    give way to them."""
    items = list(rows)
    if fmt == "json":
        click.echo(json_for_terminal(items, default=str))
        return len(items)
    table = Table(title=Text(title) if title else None, show_lines=False, header_style="bold")
    for key, header in columns:
        if key in unbroken:
            widest = max([len(header), *(len(as_text(item.get(key))) for item in items)])
            table.add_column(Text(header), no_wrap=True, min_width=widest)
        else:
            table.add_column(Text(header), overflow="fold")
    for item in items:
        table.add_row(*(shown(item.get(key)) for key, _ in columns))
    console().print(table)
    return len(items)


def local_time(ts: datetime, zone: str) -> str:
    """A time as analysts read it: in the configured zone (Asia/Shanghai), to the second. A
    stored time the zone's offset pushes past year 1 or 9999 is shown as stored, in UTC."""
    try:
        return ts.astimezone(ZoneInfo(zone)).strftime("%Y-%m-%d %H:%M:%S")
    except OverflowError:
        return ts.strftime("%Y-%m-%d %H:%M:%S") + (" UTC" if ts.utcoffset() is not None else "")


def as_text(value: Any) -> str:
    """A value as one line of text: lists joined with commas, None as nothing."""
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return ", ".join(map(as_text, value))
    return str(value)
