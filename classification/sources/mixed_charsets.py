"""Files of lines in two charsets (stage: classification; a part of sources/files.py).

`cat` of two systems' exports, one GBK (Chinese Excel, WPS) and one UTF-8, in either order, is no
text in either charset: read as one, over 1 % of it was undecodable and the file refused (charset.
NotText), 60 people none classified (R15g-10). Each of its lines is text in one of the two. MIXED, a
codec registered here, reads such a file line by line: a line in UTF-8 where it decodes strictly,
else in GB18030 (LF and CR are bytes of no multi-byte character in either, so lines split alike).
:func:`mixed_lines` says whether a file is such a join and where each part is.
"""

from __future__ import annotations

import codecs
from pathlib import Path
from typing import Any, Final

__all__ = ["MIXED", "mixed_lines", "mixed_note"]


#: The codec of a file of lines in two charsets: each line UTF-8 where it decodes
#: strictly, else GB18030 (its undecodable bytes handled as the errors argument says).
MIXED: Final = "govsoc-utf-8-or-gb18030"
#: Line numbers kept of each charset's lines (for the note).
_HELD: Final = 1000


def _mixed_line(line: bytes, errors: str) -> str:
    try:
        return line.decode("utf-8")
    except UnicodeDecodeError:
        return line.decode("gb18030", errors)


class _MixedDecoder(codecs.IncrementalDecoder):
    """MIXED, line by line: LF and CR are single bytes of no multi-byte character in either charset."""

    def __init__(self, errors: str = "strict") -> None:
        super().__init__(errors)
        self.pending = b""

    def decode(self, data: bytes, final: bool = False) -> str:  # type: ignore[override]
        data = self.pending + bytes(data)
        cut = len(data) if final else max(data.rfind(b"\n"), data.rfind(b"\r")) + 1
        self.pending = data[cut:]
        return "".join(_mixed_line(line, self.errors) for line in data[:cut].splitlines(keepends=True))

    def reset(self) -> None:
        self.pending = b""

    def getstate(self) -> tuple[bytes, int]:
        return self.pending, 0

    def setstate(self, state: tuple[bytes, int]) -> None:
        self.pending = state[0]


def _mixed_decode(data: Any, errors: str = "strict") -> tuple[str, int]:  # Any: the codec protocol's Buffer
    data = bytes(data)
    return _MixedDecoder(errors).decode(data, final=True), len(data)


def _mixed_encode(text: str, errors: str = "strict") -> tuple[bytes, int]:
    return text.encode("utf-8", errors), len(text)


codecs.register(lambda name: codecs.CodecInfo(_mixed_encode, _mixed_decode, name=MIXED,
                                              incrementaldecoder=_MixedDecoder)
                if name == MIXED.replace("-", "_") or name == MIXED else None)


def mixed_note(lines: tuple[list[int], list[int]]) -> str:
    """What is said of a file read as MIXED, its ``lines`` as mixed_lines gives them."""
    utf8, gb = (_ranges(kind) for kind in lines)
    return (f"lines in two charsets (two exports joined?): {utf8} read as UTF-8, {gb} as GB18030 (of the lines "
            "holding other than ASCII): each line read in the charset it decodes in")


def _ranges(numbers: list[int]) -> str:
    """``numbers`` (ascending) as line ranges, the first three: "lines 31-61", "lines 2, 5-9 …"."""
    spans: list[list[int]] = []
    for n in numbers:
        if spans and n == spans[-1][1] + 1:
            spans[-1][1] = n
        else:
            spans.append([n, n])
    shown = ", ".join(f"{a}" if a == b else f"{a}-{b}" for a, b in spans[:3])
    return f"line{'s' if len(numbers) > 1 else ''} {shown}{' …' if len(spans) > 3 else ''}"


def mixed_lines(path: Path) -> tuple[list[int], list[int]] | None:
    """(UTF-8 lines, GB18030 lines) of ``path``, numbered from 1 by LF, up to the first _HELD of each:
    its non-ASCII lines that decode as UTF-8, and those that do not but do as GB18030; None unless
    it has lines of both (two exports joined) and every non-ASCII line is one or the other."""
    utf8: list[int] = []
    gb: list[int] = []
    with path.open("rb") as raw:
        for number, line in enumerate(raw, 1):
            if line.isascii():
                continue
            try:
                line.decode("utf-8")
                kind = utf8
            except UnicodeDecodeError:
                try:
                    line.decode("gb18030")
                except UnicodeDecodeError:
                    return None
                kind = gb
            if len(kind) < _HELD:
                kind.append(number)
    return (utf8, gb) if utf8 and gb else None
