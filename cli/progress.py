"""Progress bars on stderr, shown only on a terminal so that logs and pipes stay clean."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.progress import Progress


def progress(*, bytes_mode: bool = False) -> Progress:
    """A transient progress display on stderr (disabled when stderr is not a terminal)."""
    from rich.console import Console  # rich is imported by the commands that show a display
    from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn

    # Descriptions are file names and rule titles: data, never markup.
    columns = [TextColumn("{task.description}", markup=False), BarColumn()]
    columns.append(DownloadColumn() if bytes_mode else TextColumn("{task.completed}/{task.total}"))
    columns.append(TimeRemainingColumn())
    return Progress(*columns, console=Console(stderr=True), transient=True, disable=not sys.stderr.isatty())
