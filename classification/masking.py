"""Masking (脱敏) of personal data shown in reports.

Reports mask personal data unless the reader asks otherwise (--unmasked). The foundation masks
account names; the classification issue adds ID numbers, phones, bank cards, names
and postal addresses in the same style (keep the first character, hide the rest).
"""

from __future__ import annotations


def mask_account(name: str) -> str:
    """``admin`` -> ``a****``: enough to tell accounts apart in a list, not to read them."""
    if len(name) <= 1:
        return "*"
    return name[0] + "*" * min(len(name) - 1, 8)

