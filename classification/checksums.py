"""Check characters of the Chinese identifier standards (stage: classification).

Each function takes the identifier as upper-case ASCII (callers normalise first: NFKC, no
separators) and says whether its check character is right. The algorithms and test vectors are
those of shared/reference/classification.md §5.8:

- GB 11643-1999 citizen identity number: ISO 7064 MOD 11-2 over 17 digits, check 0-9 or X.
- GB 32100-2015 unified social credit code: weights 3^(i-1) mod 31 over an alphabet of 31.
- GB 11714-1997 organisation code: weights 3 7 9 10 5 8 4 2, mod 11, 10 -> X, 11 -> 0.
- 15-digit business registration number (pre-2015): ISO 7064 MOD 11,10.
- Luhn (ISO/IEC 7812): bank cards, IMEI.
- ISO 3779 / GB 16735 vehicle identification number: position 9 check.
"""

from __future__ import annotations

from operator import mul
from typing import Final

__all__ = [
    "resident_id_check_char", "resident_id_ok", "uscc_ok", "organisation_code_ok", "registration_number_ok",
    "luhn_ok", "vin_ok", "USCC_ALPHABET",
]

_RIC_WEIGHTS: Final = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_RIC_CHARS: Final = "10X98765432"
_RIC_ZERO: Final = 48 * sum(_RIC_WEIGHTS)
#: GB 32100 alphabet: digits and upper-case letters without I, O, S, V, Z (values 0..30).
USCC_ALPHABET: Final = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_VALUE: Final = {c: i for i, c in enumerate(USCC_ALPHABET)}
_USCC_WEIGHTS: Final = tuple(pow(3, i, 31) for i in range(17))
_ORG_WEIGHTS: Final = (3, 7, 9, 10, 5, 8, 4, 2)
_VIN_VALUE: Final = {**{str(d): d for d in range(10)},
                     **dict(zip("ABCDEFGH", range(1, 9), strict=True)), **dict(zip("JKLMN", range(1, 6), strict=True)),
                     "P": 7, "R": 9, **dict(zip("STUVWXYZ", range(2, 10), strict=True))}
_VIN_WEIGHTS: Final = (8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2)
# Luhn: the value a digit adds when it is doubled.
_DOUBLED: Final = (0, 2, 4, 6, 8, 1, 3, 5, 7, 9)
#: ASCII digit -> the value it adds doubled, as a bytes.translate table.
_DOUBLED_BYTES: Final = bytes(_DOUBLED[i - 48] if 48 <= i <= 57 else 0 for i in range(256))


def _digits(text: str) -> bool:
    # str.isdigit alone accepts superscripts and other scripts' digits ('²', '٣')
    return text.isascii() and text.isdigit()


def resident_id_check_char(body: str) -> str:
    """The MOD 11-2 check character of the first 17 digits of a citizen identity number."""
    if len(body) < 17:
        raise ValueError("an identity number body has 17 digits")
    # ASCII codes times the weights, less 48 ('0') times their sum: one C-level pass (hot path)
    total = sum(map(mul, body[:17].encode("ascii"), _RIC_WEIGHTS)) - _RIC_ZERO
    return _RIC_CHARS[total % 11]


def resident_id_ok(number: str) -> bool:
    """True when an 18-character identity number's last character is its MOD 11-2 check."""
    return len(number) == 18 and _digits(number[:17]) and resident_id_check_char(number) == number[17]


def organisation_code_ok(code: str) -> bool:
    """True for a 9-character GB 11714 organisation code (8 body characters + check)."""
    if len(code) != 9 or not code[:8].isalnum() or not code[:8].isascii():
        return False
    total = sum(int(c, 36) * w for c, w in zip(code[:8], _ORG_WEIGHTS, strict=True))
    check = 11 - total % 11
    return code[8] == ("X" if check == 10 else "0" if check == 11 else str(check))


def uscc_ok(code: str) -> bool:
    """True for an 18-character GB 32100 code whose check character and embedded organisation
    code (positions 9-17) are both right."""
    if len(code) != 18:
        return False
    try:
        total = sum(_USCC_VALUE[c] * w for c, w in zip(code[:17], _USCC_WEIGHTS, strict=True))
        last = _USCC_VALUE[code[17]]
    except KeyError:
        return False
    return (31 - total % 31) % 31 == last and organisation_code_ok(code[8:17])


def registration_number_ok(number: str) -> bool:
    """True for a 15-digit business registration number passing ISO 7064 MOD 11,10."""
    if len(number) != 15 or not _digits(number):
        return False
    p = 10
    for d in number[:14]:
        s = (p + int(d)) % 10 or 10
        p = 2 * s % 11
    return (p + int(number[14])) % 10 == 1


def luhn_ok(number: str) -> bool:
    """True when a digit string passes the Luhn check (ISO/IEC 7812)."""
    if not _digits(number):
        return False
    # bytes: the sums run in C (undoubled digits less 48 each; doubled ones through a table)
    encoded = number.encode("ascii")
    plain = encoded[-1::-2]
    total = sum(plain) - 48 * len(plain) + sum(encoded[-2::-2].translate(_DOUBLED_BYTES))
    return total % 10 == 0


def vin_ok(vin: str) -> bool:
    """True for a 17-character VIN whose ninth character is its ISO 3779 check (10 -> X)."""
    if len(vin) != 17:
        return False
    try:
        total = sum(_VIN_VALUE[c] * w for c, w in zip(vin, _VIN_WEIGHTS, strict=True))
    except KeyError:
        return False
    check = total % 11
    return vin[8] == ("X" if check == 10 else str(check))
