"""A bounds-checked reader for length-prefixed wire formats (TLS/TLCP vectors, SSH packets).

Every read past the end, and every trailing byte a caller does not expect, raises ParseError with
the name of the structure being read, so that decoders built on it fail only with ParseError.
"""

from __future__ import annotations

from govsoc.core.errors import Location, ParseError

__all__ = ["Reader"]


class Reader:
    """Reads big-endian integers and length-prefixed vectors from a bytes object."""

    __slots__ = ("data", "pos", "what")

    def __init__(self, data: bytes, what: str) -> None:
        self.data = data
        self.pos = 0
        self.what = what

    def fail(self, message: str) -> ParseError:
        """A ParseError naming the structure and the byte offset."""
        return ParseError(f"{message} at byte {self.pos}", location=Location(field=self.what))

    @property
    def remaining(self) -> int:
        """Bytes not read yet."""
        return len(self.data) - self.pos

    def take(self, n: int) -> bytes:
        """The next ``n`` bytes."""
        if n < 0 or self.pos + n > len(self.data):
            raise self.fail(f"truncated: wanted {n} bytes, {self.remaining} left")
        out = self.data[self.pos:self.pos + n]
        self.pos += n
        return out

    def uint(self, size: int) -> int:
        """A big-endian unsigned integer of ``size`` bytes."""
        return int.from_bytes(self.take(size), "big")

    def vector(self, length_size: int, minimum: int = 0) -> bytes:
        """A vector prefixed by its length in ``length_size`` bytes."""
        n = self.uint(length_size)
        if n < minimum:
            raise self.fail(f"vector of {n} bytes, at least {minimum} required")
        return self.take(n)

    def uints(self, length_size: int, item_size: int, minimum: int = 0) -> tuple[int, ...]:
        """A length-prefixed list of fixed-size integers."""
        body = self.vector(length_size, minimum)
        if len(body) % item_size:
            raise self.fail(f"list of {len(body)} bytes is not a multiple of {item_size}")
        return tuple(int.from_bytes(body[i:i + item_size], "big") for i in range(0, len(body), item_size))

    def rest(self) -> bytes:
        """Everything not read yet."""
        return self.take(self.remaining)

    def end(self) -> None:
        """Require that everything was read."""
        if self.remaining:
            raise self.fail(f"{self.remaining} unexpected trailing bytes")
