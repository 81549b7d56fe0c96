"""Characters a reader does not see (stage: classification; shared/reference/classification.md §7):
the zero-width space, non-joiner and joiner (U+200B-U+200D), the word joiner (U+2060) and the
invisible operators after it, the BOM as a zero-width no-break space (U+FEFF), the soft hyphen
(U+00AD), the Mongolian vowel separator (U+180E) and the direction marks and embeddings
(U+200E-U+200F, U+202A-U+202E, U+2066-U+206F, U+061C): Unicode format characters, which no
font draws in a number. An ID or phone number written with one (pasted from a web page or a chat,
or put there to slip past a filter) reads as the number, and is judged as one (R15b-16): the text is
scanned without them, and each hit placed back on the text, its span reaching over them, so the
mask covers them too.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import replace
from typing import Final

from govsoc.classification.recognizer import Match

__all__ = ["INVISIBLE", "visible", "placed"]

INVISIBLE: Final = re.compile("[\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff]")


def visible(text: str) -> tuple[str, list[int]] | None:
    """(``text`` without its invisible characters, the index in ``text`` of each character kept),
    or None when it holds none (an ASCII text never does)."""
    if text.isascii() or INVISIBLE.search(text) is None:
        return None
    kept = [i for i, c in enumerate(text) if INVISIBLE.fullmatch(c) is None]
    return "".join(map(text.__getitem__, kept)), kept


def placed(hits: Iterable[Match], kept: Sequence[int]) -> list[Match]:
    """``hits`` in the text without invisible characters, placed on the text whose kept characters
    are at ``kept``: from their first character's place to just after their last."""
    return [replace(m, start=kept[m.start], end=kept[m.end - 1] + 1) for m in hits]
