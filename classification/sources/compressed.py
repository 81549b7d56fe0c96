"""Compressed files under a text suffix (stage: classification; a part of sources/files.py).

An export gzipped or zipped and left with its .csv or .jsonl name (``gzip -S .csv``, a download
saved under the page's name) is bytes, not text: read as text it gave the csv module's own message
about "universal-newline mode" (R15d-28). The format's magic number (its first bytes, as file(1)
reads them) names it, and the file is refused with what to run.
"""

from __future__ import annotations

from pathlib import Path
from typing import Final

from govsoc.core.errors import ConfigError, Location

__all__ = ["MAGIC", "refuse_compressed"]

#: first bytes -> (format, what to run); the magic numbers of the formats' own specifications
MAGIC: Final = {
    b"\x1f\x8b\x08": ("gzip", "gunzip -k"),  # RFC 1952 §2.3.1: ID1 ID2, CM 8 (deflate)
    b"PK\x03\x04": ("zip", "unzip"),  # APPNOTE.TXT 4.3.7: local file header
    b"PK\x05\x06": ("zip (empty)", "unzip"),  # end of central directory first: an empty archive
    b"BZh": ("bzip2", "bunzip2 -k"),
    b"\xfd7zXZ\x00": ("xz", "unxz -k"),
    b"(\xb5/\xfd": ("zstd", "unzstd"),
    b"7z\xbc\xaf\x27\x1c": ("7z", "7z x"),
    b"Rar!\x1a\x07": ("rar", "unrar x"),
}
#: bzip2's block magic (pi's digits, BCD) after "BZh" and the block size digit: "BZh" alone is text
_BZIP2_BLOCK: Final = b"1AY&SY"


def refuse_compressed(path: Path) -> None:
    """Raise ConfigError naming the compression when ``path`` starts with a compressed format's magic."""
    with path.open("rb") as raw:
        head = raw.read(16)
    for magic, (kind, run) in MAGIC.items():
        if head.startswith(magic) and (magic != b"BZh" or head[4:10] == _BZIP2_BLOCK):
            raise ConfigError(f"compressed: {kind}, not text; decompress it first ({run} {path.name}) and "
                              "classify what it holds", location=Location(path=str(path)))
