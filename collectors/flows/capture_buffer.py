"""The block buffers a capture is read through (collectors.flows.pcap): bytes read a block at
a time, one record at most carried over; the array variant, for the compiled record walker, reads
into a reused numpy buffer.
"""

from __future__ import annotations

import io
from typing import BinaryIO


class _Buffer:
    """A window on the stream: ``data`` holds the bytes from file offset ``base`` on."""

    def __init__(self, stream: BinaryIO, data: bytes, block_bytes: int) -> None:
        self.stream, self.data, self.base, self.block_bytes = stream, data, 0, block_bytes
        self.eof = False

    def fill(self, position: int, need: int) -> int:
        """Make ``need`` bytes from buffer position ``position`` available if the file has them,
        dropping what lies before it; returns the new position of the same byte."""
        if position + need <= len(self.data) or self.eof:
            return position
        self.base += position
        self.data = self.data[position:]
        while len(self.data) < need and not self.eof:
            more = self.stream.read(max(self.block_bytes, need - len(self.data)))
            if not more:
                self.eof = True
            self.data += more
        return 0


class _ArrayBuffer(_Buffer):
    """The same window kept in one reused numpy array, filled with ``readinto`` (the compiled
    walker's reader): no bytes object per block and no concatenation, one copy from the file.
    ``data`` is a view on the array, valid until the next ``fill``: whoever keeps packet bytes
    past their chunk copies them (collectors.flows.native does)."""

    def __init__(self, stream: BinaryIO, block_bytes: int) -> None:
        import numpy as np

        super().__init__(stream, b"", block_bytes)
        self.store = np.empty(2 * block_bytes, dtype=np.uint8)
        self.data = self.store[:0]  # type: ignore[assignment]
        self.readinto = getattr(stream, "readinto", None)

    def fill(self, position: int, need: int) -> int:
        """As _Buffer.fill, into the array (grown when a record needs more than it holds)."""
        import numpy as np

        if position + need <= len(self.data) or self.eof:
            return position
        self.base += position
        kept = len(self.data) - position
        room = max(2 * self.block_bytes, kept + need)
        if room > len(self.store):
            store = np.empty(room, dtype=np.uint8)
            store[:kept] = self.data[position:]
            self.store = store
        else:
            self.store[:kept] = self.data[position:]  # overlapping ranges: numpy copies safely
        size = kept
        while size < need or size < self.block_bytes:
            view = memoryview(self.store)[size:size + max(self.block_bytes, need - size)]  # type: ignore[arg-type]
            got = self._read_into(view)
            if not got:
                self.eof = True
                break
            size += got
        self.data = self.store[:size]  # type: ignore[assignment]
        return 0

    def _read_into(self, view: memoryview) -> int:
        if self.readinto is not None:
            try:
                return int(self.readinto(view) or 0)
            except (NotImplementedError, io.UnsupportedOperation):  # io.RawIOBase's default, say
                self.readinto = None
        more = self.stream.read(len(view))
        view[:len(more)] = more
        return len(more)
