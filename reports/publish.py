"""Publishing reports with their signatures (issue 18 "Integrity"): every report file is
written to a hidden file beside its target and signed from those bytes; only when every file and
every signature is made are the signature files, then the reports, renamed into place. So a
failure while rendering or signing (the key, a full disk) leaves the folder as it was, and a
report is never seen without the signature made for it (a signature is renamed before its
report, and a reader of the folder sees either the old pair or the new one's signature first,
which `govsoc verify` reports as a changed file, never as a valid one).
"""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path

from govsoc.core.results import FILE_MODE, make_folder
from govsoc.reports.signing import SigningKey, signature_path, signature_text

__all__ = ["publish"]


def _aside(path: Path) -> Path:
    return path.with_name(f".{path.name}.{os.getpid()}.publish")


def _write_aside(path: Path, data: bytes) -> Path:
    partial = _aside(path)
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, FILE_MODE)
    try:
        os.fchmod(fd, FILE_MODE)  # the umask may have taken bits away; never added any
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
        os.fsync(fd)
    finally:
        os.close(fd)
    return partial


def publish(files: list[tuple[Path, bytes]], key: SigningKey | None, *, now: datetime | None = None) -> list[Path]:
    """Write each (path, bytes) report, signed with ``key`` (None: unsigned, on purpose; the
    caller said so and marked the report). Every file and signature is made aside first; only
    then are the signatures and the reports renamed into place, so a failure (the key, the disk)
    leaves the folder as it was. An unsigned report takes away a signature file left from an
    earlier report of the same name (it would no longer match). Returns the report paths."""
    pending: list[Path] = []
    moves: list[tuple[Path, Path]] = []
    try:
        for path, data in files:
            make_folder(path.parent)
            if key is not None:
                sig = signature_path(path)
                text = signature_text(data, path.name, key, now=now)
                pending.append(_write_aside(sig, text.encode("utf-8")))
                moves.append((pending[-1], sig))
            pending.append(_write_aside(path, data))
            moves.append((pending[-1], path))
        if key is None:  # an unsigned report never sits beside an older report's signature
            for path, _ in files:
                signature_path(path).unlink(missing_ok=True)
        for partial, target in moves:  # a signature before its report: a report never shows up unsigned
            os.replace(partial, target)
    finally:
        for partial in pending:
            partial.unlink(missing_ok=True)
    return [path for path, _ in files]
