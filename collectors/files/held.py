"""The file last read at each followed log path, held open between polls (`govsoc ingest --follow`).

A follower that keeps the file it read open reads it to its end after it was renamed, whatever
its new name or folder (Filebeat's ``close_renamed: false``, its default): logrotate's ``olddir``
moves a rotated log into another folder (R11h R4), a deployment's re-pointed ``current`` link
leaves the old release's log behind (R11h R11), and neither is beside the path where the rotated
files are looked for by name. The held descriptor is the file itself, not a name: the rest read
from it is the rest of the file read before (checked by device and inode against its checkpoint),
never another file put at its old name.

One descriptor a followed path, given back when the path's file is finished or replaced.
"""

from __future__ import annotations

import os

__all__ = ["HeldFiles"]


class HeldFiles:
    """A descriptor of the file last read at each followed log path (keyed by the path's
    normalised spelling), found again by its (device, inode)."""

    def __init__(self) -> None:
        self._held: dict[str, tuple[int, int, int]] = {}

    def hold(self, path: str, fd: int) -> None:
        """Keep ``fd`` (this object closes it) as the file at ``path``; the one held before for it
        is closed, unless it is the same file (then ``fd`` is)."""
        st = os.fstat(fd)
        old = self._held.get(path)
        if old is not None and (old[1], old[2]) == (st.st_dev, st.st_ino):
            os.close(fd)
            return
        self.release(path)
        self._held[path] = (fd, st.st_dev, st.st_ino)

    def of(self, device: int | None, inode: int | None) -> int | None:
        """The descriptor held of the file (``device``, ``inode``), or None."""
        return next((fd for fd, dev, ino in self._held.values() if (dev, ino) == (device, inode)), None)

    def release(self, path: str) -> None:
        """Close the descriptor held for ``path``, if any."""
        held = self._held.pop(path, None)
        if held is not None:
            os.close(held[0])

    def release_file(self, fd: int) -> None:
        """Close the held descriptor ``fd`` (its file was read to its end)."""
        for path in [p for p, held in self._held.items() if held[0] == fd]:
            self.release(path)

    def keep_only(self, paths: set[str]) -> None:
        """Close the descriptors held for paths not in ``paths`` (no longer followed: a glob matches
        them no more), so a deleted file's space is not kept."""
        for path in [p for p in self._held if p not in paths]:
            self.release(path)

    def close(self) -> None:
        """Close every descriptor held."""
        for path in list(self._held):
            self.release(path)

    def __len__(self) -> int:
        return len(self._held)
