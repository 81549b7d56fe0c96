"""Saved results of the assessment stages (stage: core; issue 18 "Saved results" contract).

``govsoc classify`` and ``govsoc crypto-eval`` keep their latest result per subject (a data source,
a system) as one JSON file under ``<data dir>/results/<stage>/``, so that the compliance report can
read them without running the scans again::

    <data dir>/results/classification/<source>.json
    <data dir>/results/crypto_eval/<system>.json

A subject's file name is :func:`result_file_name` of its name (safe on every file system, and no two
names share a file); a new run replaces the file atomically (written aside, then renamed), so the
newest run wins and a reader never sees half a file. Files are written 0640 in 0750 folders
(:func:`write_file`, :func:`make_folder`), as the reports are. :func:`read_results` reads a folder back: one
result per subject, the newest by its time stamp when two files hold the same subject (a copy, an
``-o`` file put there by hand); files that are not JSON or not results are logged and skipped.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import secrets
import stat
from collections.abc import Callable, Mapping
from datetime import timedelta
from pathlib import Path
from typing import Any, Final

__all__ = ["RESULTS_DIR", "result_file_name", "write_result", "read_results", "make_folder", "write_file",
           "open_aside", "write_all", "remove_stale_asides", "ASIDE_NAME", "STALE_ASIDE", "FILE_MODE", "FOLDER_MODE"]

log = logging.getLogger(__name__)

#: The folder under the data directory that holds one sub-folder per stage.
RESULTS_DIR: Final = "results"
_HASHED: Final = re.compile(r"-[0-9a-f]{16}$")
_PLAIN_BYTES: Final = 120
#: Results and reports hold findings about the government's systems (and masked personal data): the
#: owner writes, the owner's group (auditors) reads, nobody else; whatever the process umask is.
FILE_MODE: Final = 0o640
FOLDER_MODE: Final = 0o750


def make_folder(folder: Path, mode: int = FOLDER_MODE) -> None:
    """Create ``folder`` and its missing parents with ``mode`` (not the umask's default); folders that
    exist already are left as they are (an ``-o`` folder someone else chose keeps its mode)."""
    missing = []
    for path in (folder, *folder.parents):
        if path.exists():
            break
        missing.append(path)
    folder.mkdir(parents=True, exist_ok=True)
    for path in missing:
        os.chmod(path, mode)


def open_aside(path: Path, mode: int = FILE_MODE) -> tuple[int, Path]:
    """A new empty file beside ``path`` to write it aside, and its descriptor (open for writing).
    Its name is hidden and unguessable, and it is created with O_CREAT|O_EXCL|O_NOFOLLOW: whoever
    can write the folder cannot plant a link there that makes us write (or chmod) another file.
    ``mode`` from the first byte on, whatever the umask."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    for _ in range(100):
        partial = path.with_name(f".{path.name}.{secrets.token_hex(8)}.tmp")
        try:
            fd = os.open(partial, flags, mode)
        except FileExistsError:  # someone else's file of that name (2^-64): another name
            continue
        try:
            os.fchmod(fd, mode)  # the umask may have taken bits away; never added any
        except BaseException:
            os.close(fd)
            partial.unlink(missing_ok=True)
            raise
        return fd, partial
    raise FileExistsError(f"no free temporary name beside {path}")


#: The names open_aside gives: '.', the target's name, '.', 16 hex digits, '.tmp'.
ASIDE_NAME: Final = re.compile(r"^\..+\.[0-9a-f]{16}\.tmp$")
#: An aside file this much older than a run that finds it is a killed run's leftover: a writer
#: keeps its own for the seconds a write and a rename take (a report run: while it renders).
STALE_ASIDE: Final = timedelta(hours=1)


def remove_stale_asides(folder: Path, *, before: float) -> list[Path]:
    """Remove the aside files a killed run left in ``folder``: only govsoc's own (ASIDE_NAME),
    regular files (never a link) of this user, last changed before ``before`` (a time.time()
    value). Returns what was removed; a file that cannot be read or removed is left alone."""
    removed: list[Path] = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    for entry in entries:
        if not ASIDE_NAME.match(entry.name):
            continue
        try:
            info = entry.stat(follow_symlinks=False)
            if not stat.S_ISREG(info.st_mode) or info.st_uid != os.geteuid() or info.st_mtime >= before:
                continue
            os.unlink(entry.path)
        except OSError:
            continue
        removed.append(Path(entry.path))
    if removed:
        log.info("removed %d temporary files a stopped run left in %s", len(removed), folder)
    return removed


def write_all(fd: int, data: bytes) -> None:
    """Write all of ``data`` to ``fd`` and flush it to the disk."""
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]
    os.fsync(fd)


def write_file(path: Path, data: bytes, mode: int = FILE_MODE) -> None:
    """Write ``path`` atomically (aside under an unguessable name, see open_aside, then renamed)
    with ``mode`` from the first byte on."""
    make_folder(path.parent)
    fd, partial = open_aside(path, mode)
    try:
        try:
            write_all(fd, data)
        finally:
            os.close(fd)
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)


def result_file_name(subject: str) -> str:
    """A file name for ``subject``'s result that no other subject maps to: the name itself when it is
    plain (letters and digits of any script, '-', '_'; at most 120 bytes), else a readable part and 16
    hex digits of its SHA-256 ("/data/a b", "/data/a_b" and "data_a_b" are three files; a path, a DSN,
    '..' or a control character never reaches the file system as such)."""
    plain = (bool(subject) and all(c.isalnum() or c in "-_" for c in subject)
             and len(subject.encode("utf-8")) <= _PLAIN_BYTES and not _HASHED.search(subject)
             and not subject.startswith("-")
             and not re.fullmatch(r"[0-9a-f]{16}", subject))
    if plain:
        return f"{subject}.json"
    # never a leading '-': a file "-rf.json" is an option to the shell tools that meet it (rm *)
    readable = re.sub(r"_+", "_", "".join(c if c.isalnum() or c in "-_" else "_" for c in subject)).strip("_")[-40:]
    readable = readable.lstrip("-_")
    # surrogatepass: a name holding a lone surrogate (a path's undecodable byte) still has its own digest
    digest = hashlib.sha256(subject.encode("utf-8", "surrogatepass")).hexdigest()[:16]
    return f"{readable}-{digest}.json" if readable else f"{digest}.json"


def write_result(folder: Path, subject: str, data: Mapping[str, Any]) -> Path:
    """Write ``data`` as ``folder/result_file_name(subject)``, replacing an older result atomically.
    A lone surrogate in a string (a JSON key ``"sfz\\udc00"`` a source read) is written as its JSON
    escape, which reads back as the same string: it has no UTF-8 form, and the run must not die
    at its last step, losing every other table's result."""
    path = folder / result_file_name(subject)
    text = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    # outside strings json.dumps writes ASCII only, so each escape lands inside a string
    write_file(path, text.encode("utf-8", "backslashreplace"))
    return path


def read_results(folder: Path, *, key: str, stamp: str, valid: Callable[[dict[str, Any]], bool],
                 unwrap: Callable[[Any], Any] | None = None,
                 keep: Callable[[dict[str, Any]], bool] | None = None) -> list[dict[str, Any]]:
    """Every result in ``folder`` that ``valid`` accepts, one per ``data[key]`` (the newest
    ``data[stamp]``, an ISO time, winning), sorted by that key; ``unwrap`` first takes each file's
    result out of an envelope (a 密评 ``-o`` file holds it under "evaluation"). Unreadable files and
    files ``valid`` refuses are logged and skipped; valid results ``keep`` refuses (a time range the
    caller wants) are left out without a word. A missing folder holds no result."""
    if not folder.is_dir():
        return []
    newest: dict[str, dict[str, Any]] = {}
    for path in sorted(folder.glob("*.json")):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
            log.warning("skipped %s: %s", path, e)
            continue
        if unwrap is not None:
            data = unwrap(data)
        if not (isinstance(data, dict) and isinstance(data.get(key), str) and valid(data)):
            log.warning("skipped %s: not a result of this kind", path)
            continue
        if keep is not None and not keep(data):
            continue
        held = newest.get(data[key])
        if held is None or str(data.get(stamp, "")) >= str(held.get(stamp, "")):
            newest[data[key]] = data
    return [newest[name] for name in sorted(newest)]
