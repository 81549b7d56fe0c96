"""Numbers as spreadsheets and data frames write them back (stage: classification; R15d-5).

A column of ID numbers or phones that went through Excel or pandas reaches a CSV file in a float's
rendering: pandas writes an integer column holding one missing value as floats (13812345678.0),
Excel writes a number of more than 11 digits in scientific form (1.10105E+17, or 15 significant
digits with a format such as 0.00000000000000E+00). The digits are degraded, not gone:

- ``N.0``: the whole number, exactly (a float holds 15-16 significant digits: an 11-digit mobile
  or a 15-digit ID survives). :func:`as_written` gives the value back as its digits, which the
  recognizers then judge as they judge any number;
- ``d.dddE+nn``: the number's leading significant digits, the rest zeros. Expanded to its digits
  it is the spreadsheet number the column classifier already knows (15 significant digits kept:
  the check character lost, columns.SIGNIFICANT); with fewer digits kept nothing of the number
  can be checked, and a column whose name says what it holds is then 'suspected' saying so.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from decimal import Decimal, InvalidOperation
from typing import Final

__all__ = ["as_written", "SCIENTIFIC"]

#: A whole number written as a float: 13812345678.0 (six or more digits: a count or an amount
#: such as 12.0 is left as it is, whatever it is).
_FLOAT_WHOLE: Final = re.compile(r"([0-9]{6,})\.0+")
#: A number in a spreadsheet's scientific form, 1.10105E+17 or 1.10105194912310E+17.
SCIENTIFIC: Final = re.compile(r"[1-9](?:\.[0-9]+)?[Ee]\+?([0-9]{1,2})")


def as_written(values: Sequence[str]) -> tuple[list[str], int]:
    """``values`` with floats' renderings of whole numbers of 6+ digits written as their digits,
    and how many were in scientific form (their digits past those kept are zeros)."""
    out: list[str] = []
    scientific = 0
    for value in values:
        if value[-2:] == ".0" or (value[-1:] == "0" and ".0" in value):
            m = _FLOAT_WHOLE.fullmatch(value)
            out.append(m.group(1) if m else value)
        elif ("E" in value or "e" in value) and value[:1].isdigit() and (m := SCIENTIFIC.fullmatch(value)) \
                and 6 <= int(m.group(1)) <= 19:
            try:
                out.append(str(int(Decimal(value))))
                scientific += 1
            except (InvalidOperation, ValueError):
                out.append(value)
        else:
            out.append(value)
    return out, scientific
