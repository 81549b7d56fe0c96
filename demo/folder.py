"""The demo's folder: what `govsoc demo` wrote there, so that a new run removes that and nothing else.

A demo run writes city/, data/, reports/ and govsoc.yaml into its folder. The marker file
(``.govsoc-demo``) lists, once the run has finished, every file and folder the run left there.
A new run into the same folder removes exactly those; it refuses (and names them) when the
folder holds anything else: a file the user put there, a report another command wrote, a link.
Nothing the demo did not write is ever deleted (review r18d finding 11).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from govsoc.core.errors import ConfigError

__all__ = ["MARKER", "prepare", "seal"]

#: A folder holding this file is a demo folder; the file lists what the demo wrote there.
MARKER = ".govsoc-demo"
#: Files SQLite keeps beside a database while it is open or after a crash: written by govsoc too.
_SQLITE_SIDECARS = ("-wal", "-shm", "-journal")
#: How many foreign paths a refusal names.
_NAMED = 5


def _entries(folder: Path) -> tuple[list[str], list[str]]:
    """Files (and links) and folders under ``folder``, relative, links never followed."""
    files: list[str] = []
    dirs: list[str] = []
    for root, dirnames, filenames in os.walk(folder, followlinks=False):
        base = Path(root)
        for name in list(dirnames):
            path = base / name
            if path.is_symlink():  # a link to a folder is an entry of its own, never walked into
                files.append(path.relative_to(folder).as_posix())
                dirnames.remove(name)
            else:
                dirs.append(path.relative_to(folder).as_posix())
        files.extend((base / name).relative_to(folder).as_posix() for name in filenames)
    return sorted(files), sorted(dirs)


def seal(folder: Path) -> None:
    """Record in the marker every file and folder now in ``folder``: the finished run's own."""
    files, dirs = _entries(folder)
    manifest = {"govsoc_demo": 1, "complete": True, "files": [f for f in files if f != MARKER], "dirs": dirs}
    (folder / MARKER).write_text(json.dumps(manifest, ensure_ascii=False, indent=0), encoding="utf-8")


def _manifest(folder: Path) -> tuple[set[str], set[str]]:
    """The files and folders an earlier, finished run recorded; ConfigError when it recorded none."""
    try:
        manifest = json.loads((folder / MARKER).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError):
        manifest = None
    if not isinstance(manifest, dict) or manifest.get("complete") is not True:
        raise ConfigError(f"{folder} holds an earlier demo that did not record its files (a run that was cut "
                          "short, or an older govsoc): nothing removed; delete the folder yourself or name another "
                          "folder (--folder)")
    return set(manifest.get("files", [])), set(manifest.get("dirs", []))


def _split(folder: Path, files: set[str], dirs: set[str]) -> tuple[list[str], list[str], list[str]]:
    """What is in ``folder``: the earlier run's files and folders, and what it did not write. Only
    entries found in the folder count, so a marker naming paths outside it removes nothing there."""
    present, present_dirs = _entries(folder)
    ours = files | {f + s for f in files for s in _SQLITE_SIDECARS}
    foreign = [p for p in present if p not in ours and p != MARKER] + [d + "/" for d in present_dirs if d not in dirs]
    return [p for p in present if p in ours], [d for d in present_dirs if d in dirs], foreign


def prepare(folder: Path) -> None:
    """Make ``folder`` ready for a run: missing or empty, or an earlier finished demo's, whose files
    (and only those) are removed. A folder that holds anything else is refused, nothing removed."""
    if folder.exists() and any(folder.iterdir()):
        if not (folder / MARKER).is_file() or (folder / MARKER).is_symlink():
            raise ConfigError(f"{folder} is not empty and holds no earlier demo: name another folder (--folder)")
        files, dirs = _manifest(folder)
        own_files, own_dirs, foreign = _split(folder, files, dirs)
        if foreign:
            more = len(foreign) - _NAMED
            named = ", ".join(foreign[:_NAMED]) + (f" and {more} more" if more > 0 else "")
            raise ConfigError(f"{folder} holds an earlier demo and {len(foreign)} file(s) or folder(s) the demo did "
                              f"not write ({named}): nothing removed; move them away or name another folder (--folder)")
        for name in own_files:
            (folder / name).unlink()
        for name in sorted(own_dirs, key=lambda d: d.count("/"), reverse=True):  # deepest first
            (folder / name).rmdir()
    folder.mkdir(parents=True, exist_ok=True)
    (folder / MARKER).write_text(json.dumps({"govsoc_demo": 1, "complete": False}) + "\n", encoding="utf-8")
