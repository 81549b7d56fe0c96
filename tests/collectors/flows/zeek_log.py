"""Reading Zeek's logs as the corpus stores them (shared/corpus/zeek/README.md): TSV with
``#fields`` (and the BTest header line), or zeek-cut's one header row."""

from __future__ import annotations

from pathlib import Path


def read_zeek_log(path: Path) -> list[dict[str, str]]:
    """Rows as column -> text ('-' unset, '(empty)' an empty set), columns from the header."""
    fields: list[str] | None = None
    rows: list[dict[str, str]] = []
    separator = "\t"
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        if not line:
            continue
        if line.startswith("#"):
            if line.startswith("#fields"):
                fields = line.split(separator)[1:]
            continue
        values = line.split(separator)
        if fields is None:  # zeek-cut form: the first row names the columns
            fields = values
            continue
        rows.append(dict(zip(fields, values, strict=False)))
    return rows
