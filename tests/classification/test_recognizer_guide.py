"""docs/adding-a-recognizer.md: its example recognizer is real code that registers, validates its
check character and works in the scanner."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from govsoc.classification.recognizer import recognizers
from govsoc.classification.scanner import Scanner

GUIDE = Path(__file__).resolve().parents[2] / "docs" / "adding-a-recognizer.md"


@pytest.fixture(scope="module")
def scanner() -> Iterator[Scanner]:
    code = re.search(r"```python\n(.*?)```", GUIDE.read_text(encoding="utf-8"), re.DOTALL)
    assert code is not None and len(code[1].splitlines()) <= 60
    exec(compile(code[1], str(GUIDE), "exec"), {"__name__": "guide_example"})  # noqa: S102  (our own docs)
    try:
        yield Scanner(["hk_identity_card", "cn_resident_id"])
    finally:
        recognizers._items.pop("hk_identity_card", None)  # keep the registry to the built-ins


@pytest.mark.parametrize("value, found", [
    ("A123456(3)", True),        # the worked example: 36*9 + 10*8 + ... = 481, 11 - 481 % 11 = 3
    ("持证人 A123456(3)", True),  # inside Chinese text
    ("A123456(4)", False),       # wrong check character
    ("AB987654(A)", None),       # two letters: decided by the algorithm below
])
def test_guide_recognizer(scanner: Scanner, value: str, found: bool | None) -> None:
    values = {" ": 36, **{c: i for i, c in enumerate("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ")}}
    if found is None:  # compute independently of the guide's code
        body = value[:-3].rjust(8)
        check = (11 - sum(values[c] * w for c, w in zip(body, range(9, 1, -1), strict=True)) % 11) % 11
        found = value[-2] == ("A" if check == 10 else str(check))
    hits = scanner.scan(value)
    assert ([m.recognizer for m in hits] == ["hk_identity_card"]) == found
    if found:
        assert hits[0].masked.startswith(value[value.index("A"):][:2]) and "****" in hits[0].masked
