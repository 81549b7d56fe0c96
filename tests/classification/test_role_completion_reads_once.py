"""A name after a role word is read once (issue 15 review R15ah-5).

_completes_role (业主 + 任丽, not 业主任 + 丽: R15q-2) read the name at a role word's next character to decide, and
_name_spans read the same name again to take it: a file name of 业主任 repeated was 2-3 times slower than before
the rule (0.28 -> 0.74 s for 2,000 repeats). The reading is now handed on. Counted, not timed: the number of
readings of each position is what the cost is made of, and a count does not depend on the machine."""

from __future__ import annotations

from collections import Counter

import pytest

from govsoc.classification import identifier_names

#: role runs (why): each position of the run read for a name at most once
RUNS = [
    "业主任" * 100,  # 业主 + 任: 任 could complete 主任 or open a name; no name follows either
    "车主任伟" * 100,  # 车主 + 任伟, a name (R15q-2): read by the rule, then taken
    "业主任丽反映漏水" * 50,  # the same in a remark's words
]


@pytest.mark.parametrize("run", RUNS)
def test_each_position_after_a_role_word_is_read_once(run: str, monkeypatch: pytest.MonkeyPatch) -> None:
    reads: Counter[tuple[int, bool]] = Counter()
    read = identifier_names._name_at

    def counted(text: str, start: int, depth: int = 0, *, role: bool = False) -> int:
        if depth == 0 and text == run:
            reads[(start, role)] += 1
        return read(text, start, depth, role=role)

    monkeypatch.setattr(identifier_names, "_name_at", counted)
    identifier_names.mask_person_names(run)
    assert [key for key, times in reads.items() if times > 1] == []
