"""How a JSON file's text opens (stage: classification; a part of sources/json_records.py): whether
it is JSON lines under a .json name, an array, an object, longer than a limit; each look puts the
file back at its start, so that the reader then reads it as what it is.
"""

from __future__ import annotations

import json
from typing import TextIO

__all__ = ["longer", "opens_array", "second_value_line"]


def second_value_line(f: TextIO) -> int | None:
    """The line of the second value when the text is JSON lines: its first line (up to a MiB) is a
    whole JSON value and a later line is not blank; else None. ``f`` is put back at its start."""
    try:
        first = f.readline(1 << 20)
        number = 1
        while first and not first.strip():
            first, number = f.readline(1 << 20), number + 1
        if not first.endswith("\n"):
            return None  # one line (a compact JSON text), or a line too long to try
        try:
            json.loads(first, parse_int=str)
        except (ValueError, RecursionError):
            return None  # "{" or "[" of an indented text: the text goes on below
        for later, line in enumerate(iter(lambda: f.readline(1 << 20), ""), number + 1):
            if line.strip():
                return later
        return None
    finally:
        f.seek(0)


def longer(f: TextIO, limit: int) -> bool:
    """Whether the text is longer than ``limit`` characters, read a MiB at a time; ``f`` is put back at its start."""
    size = 0
    while size <= limit and (text := f.read(1 << 20)):
        size += len(text)
    f.seek(0)
    return size > limit


def opens_array(f: TextIO, bracket: str = "[") -> bool:
    """Whether the text's first character that is not whitespace is ``bracket`` ('[', or '{' for an
    object); ``f`` is put back at its start."""
    while True:
        text = f.read(1 << 12)
        stripped = text.lstrip(" \t\n\r")
        if stripped or not text:
            f.seek(0)
            return stripped.startswith(bracket)
