"""One probe conversation: connect, send bytes, read until the answer is enough, closed or late.

Probes never raise for what the network does (refused, reset, silent, slow): the Exchange says
what happened, because "the server closed without a byte" is itself evidence (an RFC 8998 server
refusing a hello does exactly that).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass

__all__ = ["Exchange", "exchange", "MAX_ANSWER"]

#: Bytes read at most from one answer (a certificate chain fits easily).
MAX_ANSWER = 256 * 1024


@dataclass(frozen=True, slots=True, kw_only=True)
class Exchange:
    """What one conversation produced."""

    received: bytes
    connected: bool
    closed: bool = False      # the peer closed (FIN or reset) before we were satisfied
    timed_out: bool = False
    error: str | None = None  # connect failure or reset, as text

    @property
    def silent_close(self) -> bool:
        """Connected, then closed without sending anything."""
        return self.connected and self.closed and not self.received


async def exchange(host: str, port: int, data: bytes, *, timeout: float,
                   enough: Callable[[bytes], bool] = lambda b: bool(b), first_wait: float | None = None) -> Exchange:
    """Send ``data`` (may be empty: read the greeting) and read until ``enough(received)``."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    try:
        reader, writer = await asyncio.wait_for(asyncio.open_connection(host, port), timeout)
    except (OSError, TimeoutError) as e:
        return Exchange(received=b"", connected=False, timed_out=isinstance(e, TimeoutError),
                        error=str(e) or type(e).__name__)
    received = b""
    closed = timed_out = False
    error = None
    try:
        if data:
            writer.write(data)
            await writer.drain()
        while not enough(received) and len(received) < MAX_ANSWER:
            left = deadline - loop.time()
            if first_wait is not None and not received:
                left = min(left, first_wait)
            if left <= 0:
                timed_out = True
                break
            try:
                chunk = await asyncio.wait_for(reader.read(65536), left)
            except TimeoutError:
                timed_out = True
                break
            if not chunk:
                closed = True
                break
            received += chunk
    except (ConnectionError, OSError) as e:
        closed, error = True, str(e) or type(e).__name__
    finally:
        writer.close()
        try:
            await asyncio.wait_for(writer.wait_closed(), 0.5)
        except (ConnectionError, OSError, TimeoutError):
            pass
    return Exchange(received=received, connected=True, closed=closed, timed_out=timed_out, error=error)
