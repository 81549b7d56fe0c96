"""cell_names on one cell holding thousands of identifiers (review R15p-4): the time of the code
before (a search from the cell's start and a split of all the text before each identifier: 28.6 s
for 5,000 resident ID numbers in one cell) beside today's (a bounded window per identifier, the cell
split once), on the same cells, with their findings compared.

    python -m bench.cell_names                  # 5,000 ID numbers, separated by 、 and by line breaks
    python -m bench.cell_names --ids 2000       # quicker

:func:`before_beside` is cell_names._beside as it was at 7533265; tests/classification/
test_cell_names_long_cells.py compares it with today's on thousands of generated cells.
"""

from __future__ import annotations

import argparse
import re
import time
from collections.abc import Callable, Sequence

from govsoc.classification.cell_names import (
    _AFTER,
    _BEFORE,
    _LABEL_ENDS,
    _LIST_FIELD,
    _LIST_LABEL,
    _LIST_NAME,
    _LIST_OPENS,
    _LIST_SPLIT,
    _SEPARATOR,
    _beside,
    _dotted,
)
from govsoc.classification.checksums import resident_id_check_char
from govsoc.classification.identifier_names import is_person_name
from govsoc.classification.recognizer import Match, Recognizer, recognizers

__all__ = ["before_beside", "id_numbers", "main"]


def _before_labelled(rec: Recognizer) -> re.Pattern[str]:
    words = sorted((w for w in rec.CONTEXT if not w.isascii()), key=len, reverse=True)
    label = "(?:" + "|".join(map(re.escape, words or ["(?!)"])) + ")" + _LABEL_ENDS
    return re.compile(rf"(?<![\u4e00-\u9fa5·])([\u4e00-\u9fa5·]{{2,9}}?){_SEPARATOR}{{0,2}}{label}"
                      rf"{_SEPARATOR}{{0,2}}\Z")


def before_beside(value: str, names: Recognizer, identifiers: Sequence[Recognizer]) -> list[Match]:
    """cell_names._beside as it was at 7533265 (quadratic in a cell's identifiers)."""
    for rec in identifiers:
        for anchor in rec.find(value):
            found = (_before_labelled(rec).search(value, 0, anchor.start), _BEFORE.search(value, 0, anchor.start),
                     _AFTER.match(value, anchor.end))
            spans = [*((m.start(1), m.end(1)) for m in found if m is not None), *_before_listed(value, anchor.start)]
            for start, end in spans:
                token = value[start:end]
                if not is_person_name(token) and "·" not in token:
                    continue
                # the token's judgement is today's (a dotted name validated whole, R15p-9): only the windows differ
                hit = next((h for h in names.find(token, context=True) if (h.start, h.end) == (0, len(token))), None) \
                    or _dotted(token, names)
                if hit is not None:
                    return [Match(recognizer=hit.recognizer, start=start, end=end, masked=hit.masked,
                                  score=hit.score, reason=f"{hit.reason}: beside {rec.entity}")]
    return []


def _before_listed(value: str, end: int) -> list[tuple[int, int]]:
    opening = _LIST_OPENS.match(value, 0, end)
    at = opening.end() if opening else 0
    fields = _LIST_SPLIT.split(value[at:end])
    first = _LIST_NAME.fullmatch(fields[0])
    if first is None:
        return []
    *middle, last = fields[1:] or [""]
    if not all(_LIST_FIELD.fullmatch(f) for f in middle) \
            or last and not (_LIST_FIELD.fullmatch(last) or _LIST_LABEL.fullmatch(last)):
        return []
    return [(at + first.start(1), at + first.end(1))]


def id_numbers(n: int) -> list[str]:
    """``n`` distinct valid resident ID numbers (Beijing 东城区, born 1950-2005)."""
    out = []
    for i in range(n):
        body = f"110101{1950 + i % 56}{i % 12 + 1:02d}{i % 28 + 1:02d}{i // 1000 % 1000:03d}"
        out.append(body + resident_id_check_char(body))
    return out


def _timed(beside: Callable[..., list[Match]], cell: str, names: Recognizer,
           identifiers: Sequence[Recognizer]) -> tuple[float, list[Match]]:
    started = time.perf_counter()
    found = beside(cell, names, identifiers)
    return time.perf_counter() - started, found


def main(argv: Sequence[str] | None = None) -> None:
    """Print the code before's time and today's on cells of ``--ids`` ID numbers."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--ids", type=int, default=5000, help="ID numbers in the cell (default 5,000)")
    args = parser.parse_args(argv)
    names = recognizers.get("cn_person_name")()
    identifiers = [recognizers.get("cn_resident_id")(), recognizers.get("cn_mobile")()]
    numbers = id_numbers(args.ids)
    cells = {"、": "证件号码：" + "、".join(numbers), "line breaks": "证件号码：\n" + "\n".join(numbers),
             "roster, last named": "\n".join(numbers[:-1]) + "\n袁春，女，汉族，身份证号：" + numbers[-1]}
    print(f"{'cell of ' + format(args.ids, ',') + ' ID numbers':40s} {'before':>9s} {'now':>9s}  same findings")
    for label, cell in cells.items():
        before, old = _timed(before_beside, cell, names, identifiers)
        now, new = _timed(_beside, cell, names, identifiers)
        print(f"{label + f' ({len(cell):,} characters)':40s} {before:8.2f}s {now:8.2f}s  {old == new}")


if __name__ == "__main__":
    main()
