"""Gate a column of values at once (stage: classification; issue 15 "speed, by prefiltering").

The scanner's prefilter asks, for every value, which recognizers' SHAPES its character classes
hold (seventeen digits in a row for an ID number, an ``@`` for an e-mail address). Asked one value
at a time that costs a few Python operations per value, which is most of the time spent on a table
where most values are names, codes, dates and amounts. Here a whole chunk is gated by C code:

1. the values are joined with NUL (``SEP``) into one text, each value folded as
   :func:`~govsoc.classification.recognizer.normalize` folds it (same length, so offsets stay);
   only the values holding a character outside ASCII and the CJK ideographs are looked at;
2. the text is encoded to ASCII with every other character replaced by ``?``, mapped to classes
   by ``bytes.translate`` and split at the separators: one class string (a *signature*) per value;
3. each signature is looked up in a per-plan dictionary of the recognizers whose shapes it holds
   (``map`` over ``dict.__getitem__``): ID numbers, phones, words and amounts repeat their
   signatures, so a miss (computed once) is rare.

Only the values with a candidate reach Python code of their own, and there the same recognizers
run as in :meth:`Scanner.scan`, so the findings are the same. A chunk in which a value holds the
separator itself is not joined (``chunk_text`` returns None) and is scanned one value at a time.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Sequence
from functools import cache
from itertools import accumulate, repeat
from operator import add, is_not
from typing import TYPE_CHECKING, Any, Final, NamedTuple

from govsoc.classification.invisible import INVISIBLE, code_points, visible
from govsoc.classification.recognizer import Recognizer, normalize

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

__all__ = ["SEP", "class_of", "chunk_text", "ChunkText", "shown_chunk", "foldable",
           "signatures", "starts", "offset_array", "probe", "Candidate", "Bit", "ShapeGate", "joinable"]

#: Joins the values of a chunk. No pattern or shape holds it, and a value holding it is not joined.
SEP: Final = "\x00"


def class_of(c: str) -> str:
    """The prefilter class of an ASCII character: digits ``0``, letters ``a``, space and ``-``
    ``s``; ``.``, ``@`` and ``:`` as they are; anything else ``x``."""
    if c.isdigit():
        return "0"
    if c.isalpha():
        return "a"
    if c in " -":
        return "s"
    return c if c in ".@:" else "x"


#: ASCII byte -> class byte; the separator stays itself (and splits), '?' (what stands for a
#: character that is not ASCII) is "x" like other punctuation: no shape holds either.
_CLASS_BYTES: Final = bytes([0] + [ord(class_of(chr(i))) for i in range(1, 128)] + [ord("x")] * 128)


class ChunkText(NamedTuple):
    """A chunk's values joined by SEP (``blob``), the same folded (``text``, as long), each value
    folded (``folded``, None when folding changed none) and the indexes of those holding an
    invisible character (``hidden``)."""

    blob: str
    text: str
    folded: list[str] | None
    hidden: list[int]


def chunk_text(values: Sequence[str], fold_hidden: bool = True) -> ChunkText | None:
    """The values joined by SEP, the same folded as normalize() folds each value (both of one
    length: offsets of one are offsets of the other), each value folded (None when folding changed
    none: the values stand for themselves, and the scanner need not split the folded text again),
    or None when a value holds SEP; and the indexes of the values that hold an invisible character
    (invisible.INVISIBLE), in order. Those are among the values :func:`foldable` names (an
    invisible character is neither ASCII nor a CJK ideograph), so only they are searched: the
    scanner needs no pass of its own over every value's code points (F15u). Without
    ``fold_hidden`` the hidden values are left unfolded: the scanner reads them again without
    their invisible characters (:func:`shown_chunk`) and folds that text instead.

    Only the values holding a character outside ASCII and the CJK unified ideographs are
    folded: a value of those characters alone is NFKC-normalised and holds no dash, so
    normalize() gives it back unchanged (tests/classification/test_batch_fast_path.py checks
    every such character). Most Chinese values are of those characters: a table of names and
    addresses with one full-width colon in it is folded one value, not 8,192."""
    blob = SEP.join(values)
    if blob.count(SEP) != len(values) - 1:
        return None
    if blob.isascii():
        return ChunkText(blob, blob, None, [])
    suspects, starts_at = foldable(blob)
    hidden = [index for index in suspects if INVISIBLE.search(values[index]) is not None]
    parts: list[str] | None = None
    changed: list[int] = []
    for index in suspects if fold_hidden or not hidden else sorted(set(suspects).difference(hidden)):
        folded_value = normalize(values[index])  # as long as the value: offsets stay
        if folded_value != values[index]:
            if parts is None:
                parts = list(values)
            parts[index] = folded_value
            changed.append(index)
    if parts is None:
        return ChunkText(blob, blob, None, hidden)
    # the folded text is the joined one with the changed values put in (each as long as before)
    pieces: list[str] = []
    at = 0
    for index in changed:
        start = starts_at[index]
        pieces += (blob[at:start], parts[index])
        at = start + len(parts[index])
    pieces.append(blob[at:])
    return ChunkText(blob, "".join(pieces), parts, hidden)


def shown_chunk(values: Sequence[str], chunk: ChunkText) -> tuple[list[str], ChunkText, dict[int, list[int]]]:
    """The chunk ``chunk`` (:func:`chunk_text` of ``values``) with its hidden values read as
    ``Scanner.scan`` reads them, without their invisible characters (invisible.visible): the
    values, their ChunkText (no value hidden) and, by index, where each shown value's characters
    stand in its value (for invisible.placed). Only the hidden values are read again: the
    others keep their folded form, and the texts are joined again by C code."""
    shown = list(values)
    folded = list(values if chunk.folded is None else chunk.folded)
    kept: dict[int, list[int]] = {}
    for index in chunk.hidden:
        text, kept[index] = visible(values[index]) or (values[index], [])
        shown[index] = text
        folded[index] = text if text.isascii() else normalize(text)  # as long as the text: offsets stay
    return shown, ChunkText(SEP.join(shown), SEP.join(folded), folded, []), kept


#: Characters that normalize() leaves alone wherever they stand: ASCII and the CJK unified
#: ideographs (NFKC-stable, combining class 0, the second character of no composition).
_KEPT_RANGES: Final = ((0x0000, 0x007F), (0x4E00, 0x9FFF))


def foldable(blob: str) -> tuple[list[int], dict[int, int]]:
    """The indexes of the values of ``blob`` (values joined by SEP) that hold a character
    outside :data:`_KEPT_RANGES`, in order, and each one's offset in ``blob``. Found by numpy
    over the text's code points: no Python step per value or per character."""
    import numpy as np

    points = code_points(blob)
    (_, ascii_end), (cjk_start, cjk_end) = _KEPT_RANGES
    # points below the block wrap round to large numbers: one comparison for both sides of it
    odd = np.flatnonzero((points > ascii_end) & ((points - np.uint32(cjk_start)) > np.uint32(cjk_end - cjk_start)))
    if not odd.size:
        return [], {}
    seps = np.flatnonzero(points == 0)
    suspects = np.unique(np.searchsorted(seps, odd))  # separators before a point: its value's index
    begins = np.concatenate((np.zeros(1, dtype=np.intp), seps + 1))[suspects]
    listed = suspects.tolist()
    return listed, dict(zip(listed, begins.tolist(), strict=True))


def signatures(text: str) -> list[bytes]:
    """The class string of every value of a joined (folded) text, as bytes."""
    return text.encode("ascii", "replace").translate(_CLASS_BYTES).split(b"\x00")


def starts(values: Sequence[str]) -> list[int]:
    """Offset of every value in ``SEP.join(values)``."""
    # the lengths before each value plus one separator each, summed in C
    return list(map(add, accumulate(map(len, values[:-1]), initial=0), range(len(values)))) if values else []


def offset_array(values: Sequence[str]) -> npt.NDArray[np.intp]:
    """:func:`starts` as a numpy array (what :meth:`Recognizer.find_joined` looks matches up in)."""
    import numpy as np

    ends = np.fromiter(map(len, values), dtype=np.intp, count=len(values)).cumsum()
    offsets = np.zeros(len(values), dtype=np.intp)
    offsets[1:] = ends[:-1] + np.arange(1, len(values), dtype=np.intp)
    return offsets


#: A candidate recognizer of a value: the recognizer, one expression that finds where any of its
#: patterns that apply matches (a cheap "will find() find anything" test), its context flag, and
#: whether its find() is the base class's (then find_folded of the folded value stands for it).
Candidate = tuple[Recognizer, "re.Pattern[str]", bool, bool]


_NUMBERED_BACKREF: Final = re.compile(r"\\[1-9]|\(\?\(")
_ALWAYS: Final = re.compile("")


def probe(rec: Recognizer, context: bool) -> re.Pattern[str] | None:
    """One expression that matches where any pattern of ``rec`` that applies (context-only ones
    only with context) matches; None when none applies."""
    regexes = [p.regex for p in rec.PATTERNS if context or not p.context_only]
    if not regexes:
        return None
    if len(regexes) == 1:
        return re.compile(regexes[0], rec.FLAGS)
    if any(_NUMBERED_BACKREF.search(r) for r in regexes[1:]):
        return _ALWAYS  # joined, its group numbers would move
    # group names may repeat across patterns: the alternatives are renamed apart
    renamed = [re.sub(r"\(\?P([<=])(\w+)", rf"(?P\g<1>\g<2>_{n}", r) for n, r in enumerate(regexes)]
    return re.compile("|".join(f"(?:{r})" for r in renamed), rec.FLAGS)


_PARSER: Final[Any] = importlib.import_module("re._parser")  # the standard library's parser (sre_parse)


def _matches_nul(items: list[tuple[Any, Any]]) -> bool | None:
    """Whether a character set of the parse tree holds SEP; None when it cannot be told."""
    negate, holds = False, False
    for op, av in items:
        name = op.name
        if name == "NEGATE":
            negate = True
        elif name.startswith("LITERAL"):
            holds |= av == 0
        elif name.startswith("RANGE"):
            holds |= av[0] <= 0 <= av[1]
        elif name == "CATEGORY":
            holds |= "NOT" in av.name  # \D \S \W hold NUL; \d \s \w do not
        else:
            return None
    return holds != negate


def _nul_free(tree: Any) -> bool:
    """True when no part of a parsed expression can match SEP and none tests a position
    (anchors, word boundaries): then every attempt that would touch a separator fails as it
    fails at the end of a lone value, and the expression finds in joined values exactly what
    it finds in each value."""
    for op, av in tree:
        name = op.name
        if name.startswith("LITERAL"):
            if av == 0:
                return False
        elif name == "IN":
            if _matches_nul(av) is not False:
                return False
        elif name == "NOT_LITERAL":  # [^x]: every character but x
            if av != 0:
                return False
        elif name == "BRANCH":
            if not all(_nul_free(branch) for branch in av[1]):
                return False
        elif name == "SUBPATTERN":
            if not _nul_free(av[3]):
                return False
        elif name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
            if not _nul_free(av[2]):
                return False
        elif name == "ATOMIC_GROUP":
            if not _nul_free(av):
                return False
        elif name in ("ASSERT", "ASSERT_NOT"):
            if not _nul_free(av[1]):
                return False
        elif name != "GROUPREF":  # a back-reference repeats a group checked on its own
            return False  # ANY, NOT_LITERAL, AT, conditionals, anything unknown
    return True


def joinable(rec: Recognizer, context: bool) -> bool:
    """Whether the scanner may run ``rec`` once over the joined values of a chunk
    (:meth:`Recognizer.find_joined`) instead of value by value: its find is the base class's
    and no pattern that applies can match the separator (:func:`_nul_free`)."""
    if type(rec).find is not Recognizer.find or type(rec).find_folded is not Recognizer.find_folded:
        return False
    return all(_regex_nul_free(p.regex, rec.FLAGS) for p in rec.PATTERNS if context or not p.context_only)


@cache
def _regex_nul_free(regex: str, flags: int) -> bool:
    """:func:`_nul_free` of ``regex`` parsed with ``flags``, parsed once a process: the answer is
    the expression's alone, and each new Scanner asked it again of every pattern (8 parses of the
    standard library's Python parser a plan, ~3 % of a 100,000-value table round)."""
    try:
        return _nul_free(_PARSER.parse(regex, flags))
    except Exception:  # (a parser of another Python version: run value by value)
        return False


class ShapeGate(dict[bytes, tuple[Candidate, ...]]):
    """Signature -> the candidates (in plan order) one of whose shapes the signature holds.
    Filled on demand; long signatures (long cells) are answered without being kept. ``masks``
    gives the same as bit masks (bit i: the i-th row of ``shaped``), which the scanner selects a
    recognizer's values with in C (``map(and_, ...)``)."""

    __slots__ = ("shaped", "gate", "joined", "masks", "slots")

    #: Signatures longer than this are not kept (long free text rarely repeats; a log message's
    #: often does: the words' lengths and the addresses' shapes come back).
    KEEP: Final = 256
    #: Entries kept before the dictionary starts again (bounds memory: at most ~5 MB of keys).
    LIMIT: Final = 20_000

    def __init__(self, shaped: tuple[tuple[Recognizer, tuple[str, ...]], ...], gate: tuple[str, ...],
                 context: frozenset[str]) -> None:
        super().__init__()
        rows = []
        for rec, shapes in shaped:
            regex = probe(rec, rec.id in context)
            if regex is not None:
                folded = type(rec).find is Recognizer.find
                rows.append(((rec, regex, rec.id in context, folded), tuple(s.encode("ascii") for s in shapes)))
        self.shaped = tuple(rows)
        #: The candidates the scanner runs over a whole chunk's joined text (see :func:`joinable`).
        self.joined: frozenset[Candidate] = frozenset(c for c, _ in rows if joinable(c[0], c[2]))
        self.gate = tuple(s.encode("ascii") for s in gate)
        #: Per row, its first bit in ``masks`` and the shapes and layout of each bit (:data:`Bit`):
        #: one bit per pattern (in ``_searching`` order) when a pattern of the recognizer has its
        #: own shapes or layout (Pattern.shapes, Pattern.layout), else one bit for all of them.
        self.slots: tuple[tuple[int, tuple[Bit, ...]], ...] = _slots(rows)
        self.masks = _Masks(self)

    def __missing__(self, signature: bytes) -> tuple[Candidate, ...]:
        found: tuple[Candidate, ...] = ()
        if any(g in signature for g in self.gate):
            found = tuple(c for c, shapes in self.shaped if any(s in signature for s in shapes))
        if len(signature) <= self.KEEP:
            if len(self) >= self.LIMIT:
                self.clear()
            self[signature] = found
        return found


#: A bit of ShapeGate.masks: the pattern's own shapes (None: the recognizer's) and its layout
#: (None: any), both tested against a value's framed class string.
Bit = tuple[tuple[bytes, ...] | None, "re.Pattern[bytes] | None"]


def _slots(rows: list[tuple[Candidate, tuple[bytes, ...]]]) -> tuple[tuple[int, tuple[Bit, ...]], ...]:
    out = []
    base = 0
    for (rec, _, _, _), _ in rows:
        own = tuple((None if p.shapes is None else tuple(s.encode("ascii") for s in p.shapes),
                     None if p.layout is None else re.compile(p.layout.encode("ascii")))
                    for p, _ in rec._searching)
        bits: tuple[Bit, ...] = own if any(o != (None, None) for o in own) else ((None, None),)
        out.append((base, bits))
        base += len(bits)
    return tuple(out)


class _Masks(dict[bytes, int]):
    """Signature -> bit mask of a ShapeGate's answer, kept as the gate keeps its answers: for
    each candidate row, its bits (ShapeGate.slots) of the patterns whose own shapes (if any)
    the signature holds and whose layout (if any) it matches. A signature not seen before is
    answered by one expression per condition (the gate's shapes, each row's, each bit's own)
    rather than by a substring test per shape: a table meets hundreds of new signatures."""

    __slots__ = ("shapes", "gate", "rows", "bits")

    def __init__(self, shapes: ShapeGate) -> None:
        super().__init__()
        self.shapes = shapes
        self.gate = _any_of(shapes.gate)
        self.rows = tuple(_any_of(row_shapes) or _NEVER for _, row_shapes in shapes.shaped)
        #: (its row, its value in the mask, its own shapes as one expression or None, its layout or None)
        self.bits = tuple((row, 1 << bit, None if own is None else _any_of(own), layout)
                          for row, (base, bits) in enumerate(shapes.slots)
                          for bit, (own, layout) in enumerate(bits, base))

    def __missing__(self, signature: bytes) -> int:
        mask = 0
        if self.gate is not None and self.gate.search(signature) is not None:
            rows = list(map(is_not, map(_SEARCH, self.rows, repeat(signature)), repeat(None)))
            framed = b"^" + signature + b"$"  # a pattern's own shapes and layout may name the value's edges
            for row, value, own, layout in self.bits:
                if rows[row] and (own is None or own.search(framed) is not None) and (
                        layout is None or layout.search(framed) is not None):
                    mask |= value
        if len(signature) <= ShapeGate.KEEP:
            if len(self) >= ShapeGate.LIMIT:
                self.clear()
            self[signature] = mask
        return mask


_NEVER: Final = re.compile(b"(?!)")
_SEARCH: Final = re.Pattern.search


def _any_of(shapes: tuple[bytes, ...]) -> re.Pattern[bytes] | None:
    """One expression that finds any of ``shapes`` (substrings); None for none."""
    return re.compile(b"|".join(map(re.escape, shapes))) if shapes else None
