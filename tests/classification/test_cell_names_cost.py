"""The work cell_names does on one long cell grows with its length, not with its square (issue 15, review R15ao:
RR15ao-5, MEDIUM).

On F15z one 480k-character cell 学生：王芳和李明和… took 10 s (0.32 s on 63fdf29): for each of its 80k names the
status-word check and _said_of copied the value up to the name (value[:hit.start]). Work is counted, not timed: the
characters copied out of the value by slicing it."""

from __future__ import annotations

import pytest

from govsoc.classification.cell_names import cell_names
from govsoc.classification.recognizers.person import PersonNameRecognizer

_NAMES = PersonNameRecognizer()


class _CountedStr(str):
    """A value that counts the characters its slices copy."""

    copied = 0

    def __getitem__(self, key: int | slice) -> str:  # type: ignore[override]
        part = str.__getitem__(self, key)
        _CountedStr.copied += len(part)
        return part


@pytest.mark.parametrize("value", [
    "学生：" + "王芳和李明和" * 2_000 + "王芳",  # RR15ao-5: names after one label, 4,001 of them
    "学生王芳和李明、" * 1_500,  # the glued chain 63fdf29 already read (1,500 first names after the role word)
    "患者：王芳住院，" * 1_500,  # a status word's label before each name
])
def test_one_long_cell_copies_no_more_than_a_few_times_its_length(value: str) -> None:
    _CountedStr.copied = 0
    found = cell_names([_CountedStr(value)], _NAMES)
    assert found.values == 1
    # a few short slices per name are fine; a copy of the value up to each name is not (F15z: ~2,000 times its length)
    assert _CountedStr.copied <= 10 * len(value)
