"""Check characters of many candidates at once (stage: classification; issue 15 "speed").

The joined scan (``Recognizer.find_joined``) takes every candidate of a chunk out at once; most
candidates of an ordinary table or log are not identifiers (order numbers, timestamps, invoice
codes) and fail their check character. These functions compute the check of all of them in a
few numpy operations, the algorithms of :mod:`govsoc.classification.checksums`:

- :func:`luhn_may_pass` (ISO/IEC 7812, bank cards),
- :func:`mod31_may_pass` (GB 32100 unified social credit codes).

:func:`uscc_ok_many` is exact, not a screen: ``checksums.uscc_ok`` of every candidate (the MOD 31
check character and the embedded GB 11714 organisation code's), which the USCC recognizer's
``validate_many`` judges a chunk's new codes with.

Each answers False only where the scalar check in checksums.py is False, so a recognizer's
``screen`` may drop those candidates without calling ``validate``; a candidate they cannot judge
(a length or a character the scalar check would look at differently) is answered True and left
to ``validate``. tests/classification/test_check_vectors.py holds them to the scalar checks.
"""

from __future__ import annotations

from itertools import repeat
from operator import getitem
from typing import TYPE_CHECKING, Any, Final

from govsoc.classification.checksums import USCC_ALPHABET

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

__all__ = ["luhn_may_pass", "mod11_2_check_bytes", "mod31_may_pass", "uscc_ok_many"]

_CARD_WIDTH: Final = 19
_RIC_WEIGHTS: Final = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_RIC_CHARS: Final = b"10X98765432"


def _matrix(candidates: list[str], width: int, *, right: bool) -> tuple[npt.NDArray[np.uint8], npt.NDArray[np.bool_]]:
    """The candidates as rows of ``width`` ASCII bytes ('0'-padded on the left when ``right``,
    else cut or padded on the right) and whether each row holds its candidate exactly (its
    length fits and it is ASCII)."""
    import numpy as np

    lengths = np.fromiter(map(len, candidates), dtype=np.int64, count=len(candidates))
    fits = (lengths == width) if not right else (lengths <= width)
    rows = map(str.rjust if right else str.ljust, candidates, repeat(width), repeat("0"))
    # longer ones cut (they are not judged); a row no longer than width is kept as it is, not copied
    text = "".join(map(getitem, rows, repeat(slice(None, width))))
    data = text.encode("ascii", "replace")  # one byte per character: '?' for any other
    ascii_rows = np.fromiter(map(str.isascii, candidates), dtype=np.bool_, count=len(candidates))
    return np.frombuffer(data, dtype=np.uint8).reshape(len(candidates), width), fits & ascii_rows


def luhn_may_pass(candidates: list[str]) -> list[bool]:
    """False where ``checksums.luhn_ok`` is False for sure: an ASCII digit string of at most 19
    digits whose Luhn sum is not a multiple of 10."""
    import numpy as np

    if not candidates:
        return []
    rows, exact = _matrix(candidates, _CARD_WIDTH, right=True)
    digits = rows - np.uint8(48)  # anything but '0'-'9' wraps to 10..255
    is_digits = (digits <= 9).all(axis=1)
    from_right = digits[:, ::-1]
    doubled = np.array([0, 2, 4, 6, 8, 1, 3, 5, 7, 9] + [0] * 246, dtype=np.int64)[from_right[:, 1::2]]
    total = from_right[:, 0::2].astype(np.int64).sum(axis=1) + doubled.sum(axis=1)
    judged = exact & is_digits
    return ((total % 10 == 0) | ~judged).tolist()  # type: ignore[no-any-return]


def mod11_2_check_bytes(body: npt.NDArray[np.integer[Any]]) -> npt.NDArray[np.uint8]:
    """The GB 11643 MOD 11-2 check character, as an ASCII byte, of every row of 17 digit values
    (rows holding anything but 0-9 give a byte that means nothing): the resident ID recognizer's
    ``validate_many`` compares it with each candidate's last character, with its region and date."""
    import numpy as np

    total = body.astype(np.int64) @ np.array(_RIC_WEIGHTS, dtype=np.int64)
    return np.frombuffer(_RIC_CHARS, dtype=np.uint8)[total % 11]


#: ASCII byte -> GB 32100 value, 255 for a character outside the alphabet.
_USCC_VALUES: Final = bytes(USCC_ALPHABET.index(chr(b)) if chr(b) in USCC_ALPHABET else 255 for b in range(256))


def mod31_may_pass(candidates: list[str]) -> list[bool]:
    """False where the MOD 31 check of ``checksums.uscc_ok`` fails for sure: 18 characters of
    the GB 32100 alphabet whose last is not the check character of the first 17."""
    import numpy as np

    if not candidates:
        return []
    rows, exact = _matrix(candidates, 18, right=False)
    values = np.frombuffer(_USCC_VALUES, dtype=np.uint8)[rows]
    in_alphabet = (values != 255).all(axis=1)
    weights = np.array([pow(3, i, 31) for i in range(17)], dtype=np.int64)
    total = values[:, :17].astype(np.int64) @ weights
    judged = exact & in_alphabet
    return (((31 - total % 31) % 31 == values[:, 17]) | ~judged).tolist()  # type: ignore[no-any-return]


#: ASCII byte -> its value in base 36 (int(c, 36)): digits 0-9, letters 10-35; 0 for the rest
#: (rows holding them are out of the GB 32100 alphabet and judged False before).
_BASE36: Final = bytes(int(chr(b), 36) if chr(b).isascii() and chr(b).isalnum() else 0 for b in range(256))
_ORG_WEIGHTS: Final = (3, 7, 9, 10, 5, 8, 4, 2)


def uscc_ok_many(candidates: list[str]) -> list[bool]:
    """``checksums.uscc_ok`` of every candidate: 18 characters of the GB 32100 alphabet, the
    last the MOD 31 check character of the first 17, and characters 9-17 a GB 11714
    organisation code (MOD 11 over 8 characters in base 36; check 10 is 'X', 11 is '0')."""
    import numpy as np

    if not candidates:
        return []
    rows, exact = _matrix(candidates, 18, right=False)  # a length or a character uscc_ok refuses: not exact
    values = np.frombuffer(_USCC_VALUES, dtype=np.uint8)[rows]
    in_alphabet = (values != 255).all(axis=1)
    weights = np.array([pow(3, i, 31) for i in range(17)], dtype=np.int64)
    mod31 = (31 - (values[:, :17].astype(np.int64) @ weights) % 31) % 31 == values[:, 17]
    organisation = np.frombuffer(_BASE36, dtype=np.uint8)[rows[:, 8:16]].astype(np.int64) @ np.array(
        _ORG_WEIGHTS, dtype=np.int64)
    check = 11 - organisation % 11
    expected = np.where(check == 10, ord("X"), np.where(check == 11, ord("0"), ord("0") + check))
    return (exact & in_alphabet & mod31 & (expected == rows[:, 16])).tolist()  # type: ignore[no-any-return]
