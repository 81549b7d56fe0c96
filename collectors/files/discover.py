"""Which files `govsoc ingest FILE|DIR|GLOB` means, in the order to read them.

A folder means the files in it (recursively), a glob its matches (``**`` included). Files are
read oldest first (by modification time), so a rotated family (``auth.log.2.gz``, ``auth.log.1``,
``auth.log``) is stored in the order it was written.
"""

from __future__ import annotations

import glob
import os
from collections.abc import Iterable
from pathlib import Path

from govsoc.core.errors import ConfigError


def expand(patterns: Iterable[str], *, missing_ok: bool = False) -> list[Path]:
    """The files ``patterns`` name, oldest first; ConfigError for a pattern matching nothing
    (unless ``missing_ok``, as when following files that may not exist yet)."""
    found: dict[Path, float] = {}
    for pattern in patterns:
        path = Path(pattern).expanduser()
        if path.is_dir():
            matches = [p for p in sorted(path.rglob("*")) if p.is_file()]
        elif path.is_file():
            matches = [path]
        elif path.exists():  # a pipe, FIFO, socket or device (/dev/stdin of `cat x.pcap | govsoc ingest`)
            raise ConfigError(f"{pattern}: not a regular file (a pipe, FIFO or device): ingest reads files it can "
                              "identify and re-read; save the data to a file first (`govsoc capture` reads live "
                              "traffic)")
        else:
            matches = [Path(m) for m in sorted(glob.glob(str(path), recursive=True)) if os.path.isfile(m)]
        if not matches and not missing_ok:
            raise ConfigError(f"no such file, folder or matching files: {pattern}")
        for match in matches:
            try:
                found.setdefault(match.absolute(), match.stat().st_mtime)
            except OSError:
                continue
    return sorted(found, key=lambda p: (found[p], str(p)))


def rotated_siblings(path: Path) -> list[Path]:
    """Files beside ``path`` whose names extend it (``auth.log.1``, ``auth.log-20251210.gz``):
    where a rotated predecessor of ``path`` may now be."""
    try:
        entries = list(os.scandir(path.parent))
    except OSError:
        return []
    return sorted(Path(e.path) for e in entries
                  if e.name != path.name and e.name.startswith(path.name) and e.is_file())
