"""File sources (stage: classification): CSV, TSV, JSON lines, XLSX and SQLite files.

Each file is one table (each sheet, for XLSX; each table, for SQLite). Rows are sampled with a
seeded reservoir (Algorithm R) so that a large file's sample covers it all, not its head, and
the same file gives the same sample twice. CSV/TSV are read as UTF-8 (with or without BOM) or,
when that fails, GB18030 (what Chinese Excel and WPS export).
"""

from __future__ import annotations

import csv
import json
import random
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, Final

from govsoc.classification.columns import ColumnSample
from govsoc.classification.sources.base import TableSample
from govsoc.core.errors import ConfigError, Location

__all__ = ["FileSource", "SUFFIXES", "flatten", "reservoir", "record_columns"]

#: suffix -> reader name
SUFFIXES: Final = {".csv": "csv", ".tsv": "tsv", ".jsonl": "jsonl", ".ndjson": "jsonl", ".xlsx": "xlsx",
                   ".db": "sqlite", ".sqlite": "sqlite", ".sqlite3": "sqlite"}
SEED: Final = 15


def reservoir(items: Iterable[Any], size: int, seed: int = SEED) -> tuple[list[Any], int]:
    """A uniform sample of at most ``size`` items and the number of items seen (Algorithm R)."""
    rng = random.Random(seed)
    kept: list[Any] = []
    seen = 0
    for seen, item in enumerate(items, 1):
        if len(kept) < size:
            kept.append(item)
        else:
            slot = rng.randrange(seen)
            if slot < size:
                kept[slot] = item
    return kept, seen


def flatten(value: Any, prefix: str = "") -> Iterator[tuple[str, str]]:
    """(dotted path, text) for every scalar in a JSON value; list elements share ``path[]``."""
    if isinstance(value, dict):
        for key, inner in value.items():
            yield from flatten(inner, f"{prefix}.{key}" if prefix else str(key))
    elif isinstance(value, list):
        for inner in value:
            yield from flatten(inner, f"{prefix}[]")
    elif value is not None and not isinstance(value, bool):
        yield prefix, str(value)


def _columns(dataset: str, header: list[str], rows: list[list[str]], total: int) -> tuple[ColumnSample, ...]:
    return tuple(ColumnSample(dataset=dataset, field=name or f"column_{i + 1}", rows=total,
                              values=[r[i].strip() for r in rows if i < len(r) and r[i] and r[i].strip()])
                 for i, name in enumerate(header))


def record_columns(records: list[dict[str, Any]], dataset: str, total: int) -> tuple[ColumnSample, ...]:
    fields: dict[str, list[str]] = {}
    for record in records:
        for path, text in flatten(record):
            fields.setdefault(path, []).append(text)
    return tuple(ColumnSample(dataset=dataset, field=path, values=values, rows=total)
                 for path, values in fields.items())


class FileSource:
    """A file, or every supported file in a folder."""

    def __init__(self, path: Path, *, sample: int) -> None:
        self.path = path
        self.sample = sample
        self.name = str(path)
        if path.is_file() and path.suffix.lower() not in SUFFIXES:
            raise ConfigError(f"cannot classify {path.suffix or 'this'} files (known: {', '.join(sorted(SUFFIXES))})",
                              location=Location(path=str(path)))

    def _files(self) -> list[Path]:
        if self.path.is_file():
            return [self.path]
        return sorted(p for p in self.path.rglob("*") if p.is_file() and p.suffix.lower() in SUFFIXES)

    def count(self) -> int | None:
        """The number of files (a sheet or SQLite table more makes the bar end early, not wrong)."""
        return len(self._files())

    def tables(self) -> Iterator[TableSample]:
        """Every file's tables."""
        for path in self._files():
            kind = SUFFIXES[path.suffix.lower()]
            try:
                yield from getattr(self, f"_{kind}")(path)
            except (OSError, UnicodeDecodeError, json.JSONDecodeError, csv.Error) as e:
                raise ConfigError(f"cannot read: {e}", location=Location(path=str(path))) from e

    def _delimited(self, path: Path, delimiter: str) -> Iterator[TableSample]:
        # streamed, never read whole (exports run to gigabytes); the charset is decided on the
        # first MiB, and a stray undecodable byte further on becomes U+FFFD, not a failed scan
        with path.open("rb") as raw:
            head = raw.read(1 << 20)
        encoding = "utf-8-sig" if _decodes(head, "utf-8") else "gb18030"
        with path.open(encoding=encoding, errors="replace", newline="") as f:
            reader = csv.reader(f, delimiter=delimiter)
            header = next(reader, [])
            rows, total = reservoir(reader, self.sample)
        yield TableSample(dataset=str(path), table=path.name, rows=total,
                          columns=_columns(str(path), header, rows, total))

    def _csv(self, path: Path) -> Iterator[TableSample]:
        return self._delimited(path, ",")

    def _tsv(self, path: Path) -> Iterator[TableSample]:
        return self._delimited(path, "\t")

    def _jsonl(self, path: Path) -> Iterator[TableSample]:
        with path.open(encoding="utf-8") as f:
            lines, total = reservoir((line for line in f if line.strip()), self.sample)
        records = [r for r in (json.loads(line) for line in lines) if isinstance(r, dict)]
        yield TableSample(dataset=str(path), table=path.name, rows=total,
                          columns=record_columns(records, str(path), total))

    def _xlsx(self, path: Path) -> Iterator[TableSample]:
        try:
            import openpyxl
        except ImportError as e:
            raise ConfigError("XLSX files need openpyxl: pip install 'govsoc[classify]'") from e
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
        try:
            for sheet in book.worksheets:
                cells = ([_cell(c) for c in row] for row in sheet.iter_rows(values_only=True))
                header = next(cells, [])
                rows, total = reservoir(cells, self.sample)
                yield TableSample(dataset=str(path), table=f"{path.name}:{sheet.title}", rows=total,
                                  columns=_columns(str(path), header, rows, total))
        finally:
            book.close()

    def _sqlite(self, path: Path) -> Iterator[TableSample]:
        from govsoc.classification.sources.sql import SqlSource

        yield from SqlSource(f"sqlite:///{path.resolve()}", sample=self.sample).tables()


def _decodes(head: bytes, encoding: str) -> bool:
    try:
        head.decode(encoding)
    except UnicodeDecodeError as e:
        return e.start >= len(head) - 3  # only a character cut by the 1 MiB boundary
    return True


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # 13800138000.0 in a spreadsheet is the phone number 13800138000
    return str(value)
