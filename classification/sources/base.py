"""The shape every classification source yields (stage: classification)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Protocol

from govsoc.classification.columns import ColumnSample

__all__ = ["TableSample", "Source"]


@dataclass(frozen=True, slots=True, kw_only=True)
class TableSample:
    """One table's sampled columns. ``rows`` is the table's size (None when unknown)."""

    dataset: str
    table: str
    rows: int | None
    columns: tuple[ColumnSample, ...]
    comment: str = ""


class Source(Protocol):
    """Yields sampled tables; ``name`` is safe to print (no credentials)."""

    name: str

    def tables(self) -> Iterator[TableSample]:
        """The tables, sampled."""
        ...  # pragma: no cover

    def count(self) -> int | None:
        """How many tables ``tables`` will yield, when known in advance (for progress)."""
        ...  # pragma: no cover
