"""govsoc.classification: sensitive-data recognition, masking and grading (数据分类分级).

Stage between collectors/store and reports. Standards: GB/T 43697-2024 (data classification and
grading), PIPL art. 28 (sensitive personal information), GB 11643 / GB 32100 / GB 11714 (check
characters), GB/T 35273-2020 (personal information categories); practice and formats from
shared/reference/classification.md.

- :mod:`.recognizer`: the Recognizer interface (PATTERNS + validate, Presidio style) and the
  ``recognizers`` registry; :mod:`.recognizers` holds the built-ins.
- :mod:`.scanner`: many recognizers over many values with a prefilter.
- :mod:`.masking`: the one masking module every listing and report uses.
- :mod:`.checksums`, :mod:`.cn_codes`: check algorithms and code tables.
"""

from __future__ import annotations

from govsoc.classification.masking import mask, mask_account
from govsoc.classification.recognizer import Match, Pattern, Recognizer, recognizers, register
from govsoc.classification.scanner import Scanner

__all__ = ["Match", "Pattern", "Recognizer", "Scanner", "mask", "mask_account", "recognizers", "register"]
