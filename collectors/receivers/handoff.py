"""The bounded queue between the network side of the receivers and the delivery thread.

Network threads put each received message; the delivery thread takes them in batches. The
queue is bounded in messages and in bytes. When it is full, a UDP message is refused (the
receiver counts it as ``overload``: UDP has no way to slow a sender down), while a TCP or TLS
message is always taken and its connection stops reading (``put`` says so): the sender's
kernel buffers fill and TCP's own flow control slows it, so nothing it sent is lost. The first
take that brings the queue back under half its bounds calls ``on_room`` once, which resumes the
paused connections.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable
from typing import Any

__all__ = ["Handoff", "Message"]

#: (receiver key, sender host, sender port, bytes, frame flag, received at (epoch seconds)).
Message = tuple[Any, str, int, bytes, "str | None", float]


class Handoff:
    """A bounded, thread-safe queue of received messages (see the module docstring)."""

    def __init__(self, max_messages: int = 200_000, max_bytes: int = 128 << 20) -> None:
        self.max_messages = max_messages
        self.max_bytes = max_bytes
        self._items: deque[Message] = deque()
        self._bytes = 0
        self._ready = threading.Condition()
        self._stream_paused = False
        #: How many times streams were told to stop reading (back-pressure engaged).
        self.pauses = 0
        self.on_room: Callable[[], None] = lambda: None

    def __len__(self) -> int:
        return len(self._items)

    def offer(self, message: Message) -> bool:
        """Queue a datagram's message; False (not queued) when the queue is full."""
        with self._ready:
            if len(self._items) >= self.max_messages or self._bytes >= self.max_bytes:
                return False
            self._items.append(message)
            self._bytes += len(message[3])
            self._ready.notify()
        return True

    def put(self, messages: list[Message]) -> bool:
        """Queue a stream's messages (always); True when the queue is now full and the stream
        must stop reading until ``on_room`` is called."""
        with self._ready:
            self._items.extend(messages)
            self._bytes += sum(len(m[3]) for m in messages)
            self._ready.notify()
            full = len(self._items) >= self.max_messages or self._bytes >= self.max_bytes
            if full:
                self.pauses += not self._stream_paused
                self._stream_paused = True
        return full

    def take(self, limit: int, timeout: float, linger: float = 0.05) -> list[Message]:
        """Up to ``limit`` messages, waiting at most ``timeout`` seconds for the first one and
        then up to ``linger`` seconds for the batch to fill (a store write costs about the same
        for ten events as for a thousand: small batches would make the store the bottleneck)."""
        room = False
        with self._ready:
            if not self._items:
                self._ready.wait(timeout)
            if self._items and len(self._items) < limit:
                deadline = time.monotonic() + linger
                while len(self._items) < limit and not self._stream_paused:
                    left = deadline - time.monotonic()
                    if left <= 0:
                        break
                    self._ready.wait(left)
            count = min(limit, len(self._items))
            taken = [self._items.popleft() for _ in range(count)]
            self._bytes -= sum(len(m[3]) for m in taken)
            if self._stream_paused and len(self._items) <= self.max_messages // 2 and \
                    self._bytes <= self.max_bytes // 2:
                self._stream_paused, room = False, True
        if room:
            self.on_room()
        return taken

    def wait_empty(self, timeout: float) -> bool:
        """Wait until the queue is empty (the delivery thread took everything)."""
        deadline = time.monotonic() + timeout
        while self._items and time.monotonic() < deadline:
            time.sleep(0.01)
        return not self._items
