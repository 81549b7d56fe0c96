"""The files under a scanned folder (stage: classification; a part of sources/files.py).

Path.rglob does not follow a link to a folder: a folder linked into the scanned one (current ->
2024/, 各乡镇 -> /mnt/...) was passed over without a word (R15e-18), as were FIFOs, devices and
broken links named .csv. :func:`walk` follows each link to a folder once, by its real path: a link
to a folder already read (or into one), or to a folder holding the scanned one (a loop), is
named and not followed; whatever is neither a file nor a folder is named with what it is.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from govsoc.classification.sources.base import quoted

__all__ = ["Walked", "walk"]


@dataclass(slots=True)
class Walked:
    """A folder's files (links to files among them), and what was not read with why."""

    files: list[Path] = field(default_factory=list)
    passed: list[tuple[Path, str]] = field(default_factory=list)


def walk(root: Path) -> Walked:
    """The files under ``root``, each followed link to a folder's too, sorted by path."""
    found = Walked()
    read: list[Path] = []  # real paths of the folders walked
    pending = [root]
    while pending:
        top = pending.pop(0)
        real = top.resolve()
        why = _seen(real, read)
        if why:
            found.passed.append((top, why))
            continue
        read.append(real)
        for path in sorted(top.rglob("*")):  # follows no link to a folder: those are queued
            if path.is_file():
                found.files.append(path)
            elif path.is_dir():
                if path.is_symlink():
                    pending.append(path)
            else:
                found.passed.append((path, _special(path)))
    found.files.sort()
    found.passed.sort()
    return found


def _seen(real: Path, read: list[Path]) -> str | None:
    """Why the folder at ``real`` is not walked (read already, or holding a folder read), or None."""
    for done in read:
        if real.is_relative_to(done):
            return f"a link to {quoted(str(real))}, a folder already read: not read again"
        if done.is_relative_to(real):
            return f"a link to {quoted(str(real))}, a folder holding one already read (a loop): not followed"
    return None


#: What a path that is neither a file nor a folder is, by the test that tells it.
_KINDS = (("is_fifo", "a FIFO (named pipe)"), ("is_char_device", "a character device"),
          ("is_block_device", "a block device"), ("is_socket", "a socket"))


def _special(path: Path) -> str:
    kind = next((name for test, name in _KINDS if getattr(path, test)()), None)
    if kind is None:
        return "a link to nothing (its target is missing, or a loop): not read"
    return f"{'a link to ' if path.is_symlink() else ''}{kind}, not a file: not read"
