"""FreeTextMasker.hits on one long text (F15c, issue 15): the time of the code before (every new hit
asked against every earlier one, the label before an identifier searched from the text's start:
87.7 s for 120,000 characters of ID numbers; the ASCII word around each digit run walked again for
each run: 88 s for 30,000 characters of ``x13812345678``, R15z-1) beside today's
(govsoc.classification.spans, a bounded window, each word judged once), on the same texts, with
their hits compared. The hostile shapes are texts too: mobiles glued into one word (``glued``),
a hexadecimal word (``hex``) and labels run together with no separator (``labels``).

    python -m bench.free_text                   # 30,000 characters (the code before takes minutes at 120,000)
    python -m bench.free_text --chars 120000    # the size F15c measured

:func:`as_before` runs today's masker with the code before's overlap test and search
(tests/classification/test_free_text_long.py compares the two on generated texts).
"""

from __future__ import annotations

import argparse
import contextlib
import random
import re
import time
from collections.abc import Callable, Iterable, Iterator, Sequence

from govsoc.classification import digit_runs, free_text, pinyin_names, structured_values
from govsoc.classification.checksums import resident_id_check_char
from govsoc.classification.free_text import FreeTextMasker
from govsoc.classification.recognizer import Match

__all__ = ["NaiveCodes", "NaiveSpans", "as_before", "main", "texts"]

_PEOPLE = ("张伟", "王芳", "李娜", "刘洋", "陈静", "杨磊", "赵敏", "黄婷", "周杰", "吴霞", "欧阳娜娜", "李四")
#: What stands between a name and its number, up to the longest (的身份证号码 and two separators each side).
_LABEL_SHAPES = ("的手机号码：", "，身份证号码：", "的身份证号码", "、 的身份证号码（ ", "手机", " 电话 ", "的",
                 "，联系电话：", "证件号码", "_", "：", "的护照号码", "（银行卡号）", "）、的证件号码：【")


class NaiveSpans:
    """The overlap test as it was at 8916a2a: every span asked in turn (quadratic over a text)."""

    def __init__(self, taken: Iterable[Match] = ()) -> None:
        self.taken = list(taken)

    def free(self, start: int, end: int) -> bool:
        return all(end <= t.start or t.end <= start for t in self.taken)

    def add(self, hit: Match) -> None:
        self.taken.append(hit)

    def keep(self, out: list[Match], hit: Match) -> None:
        out.append(hit)
        self.add(hit)


class NaiveCodes:
    """digit_runs' code test as it was at 67c161f: the ASCII word around the digits walked for
    each digit run (quadratic over a word of many runs)."""

    def __init__(self, text: str) -> None:
        self.text = text

    def inside(self, start: int, end: int) -> bool:
        text = self.text
        while start > 0 and text[start - 1].isascii() and text[start - 1].isalnum():
            start -= 1
        while end < len(text) and text[end].isascii() and text[end].isalnum():
            end += 1
        word = text[start:end]
        return (re.fullmatch(_USCC, word.upper()) is not None
                or (len(word) >= 16 and re.fullmatch("[0-9a-fA-F]+", word) is not None))


#: GB 32100's shape of a unified social credit code.
_USCC = r"[1-9ANY][1-9]\d{6}[0-9A-HJ-NPQRTUWXY]{10}"


def _read_whole(masker: FreeTextMasker, kind: str, text: str, value: tuple[int, int],
                asked: dict[str, int]) -> list[Match]:
    """FreeTextMasker._value_hits as it was before R15z-2: every key's value read whole."""
    start, end = value
    return list(masker.keyed[kind].find(text[start:end], context=True))


@contextlib.contextmanager
def as_before() -> Iterator[None]:
    """While open, the masker tests overlaps, searches labels, judges words and reads keys' values as
    the code before did."""
    modules = (free_text, digit_runs, structured_values, pinyin_names)
    saved = ([vars(m)["Spans"] for m in modules], free_text._LABEL_REACH, digit_runs._Codes, free_text._WINDOW,
             vars(FreeTextMasker)["_value_hits"])
    try:
        for m in modules:
            setattr(m, "Spans", NaiveSpans)  # noqa: B010
        setattr(free_text, "_LABEL_REACH", 1 << 62)  # noqa: B010
        setattr(digit_runs, "_Codes", NaiveCodes)  # noqa: B010
        setattr(free_text, "_WINDOW", 1 << 62)  # noqa: B010  (every key's value read whole, R15z-2)
        setattr(FreeTextMasker, "_value_hits", _read_whole)  # noqa: B010
        yield
    finally:
        for m, spans in zip(modules, saved[0], strict=True):
            setattr(m, "Spans", spans)  # noqa: B010
        setattr(free_text, "_LABEL_REACH", saved[1])  # noqa: B010
        setattr(digit_runs, "_Codes", saved[2])  # noqa: B010
        setattr(free_text, "_WINDOW", saved[3])  # noqa: B010
        setattr(FreeTextMasker, "_value_hits", saved[4])  # noqa: B010


def _resident_id(rng: random.Random) -> str:
    body = f"110101{rng.randint(1950, 2005)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}{rng.randint(0, 999):03d}"
    return body + resident_id_check_char(body)


def texts(chars: int, seed: int = 7) -> dict[str, str]:
    """Texts of about ``chars`` characters: ID numbers in a list, a roster, remarks, a mixed log."""
    rng = random.Random(seed)
    parts: dict[str, Callable[[], str]] = {
        "ids": lambda: _resident_id(rng) + "、",
        "roster": lambda: f"{rng.choice(_PEOPLE)}，女，汉族，身份证号：{_resident_id(rng)}\n",
        "remarks": lambda: (f"经办人{rng.choice(_PEOPLE)}核实，户主{rng.choice(_PEOPLE)}患病，"
                            f"联系人{rng.choice(_PEOPLE)}。"),
        "log": lambda: rng.choice([f"user=zhang{rng.randint(0, 99)} tel=13{rng.randint(0, 999999999):09d} ",
                                   f'{{"name":"{rng.choice(_PEOPLE)}"}} ', "password=abc123 ",
                                   f"{rng.choice(_PEOPLE)}13{rng.randint(0, 999999999):09d}；"]),
        # a name, a label and its separators, then the number (张伟的手机号码：138…): R15z-3
        "labelled": lambda: (f"{rng.choice(_PEOPLE)}{rng.choice(_LABEL_SHAPES)}"
                             f"{rng.choice([_resident_id(rng), f'13{rng.randint(0, 999999999):09d}'])}"
                             f"{rng.choice(['。', '；', ' ', ''])}"),
        # hostile shapes (R15z-1, R15z-2): mobiles glued into one ASCII word, one hexadecimal word,
        # labels run together with no blank or comma
        "glued": lambda: f"x13{rng.randint(0, 999999999):09d}",
        "hex": lambda: f"a13{rng.randint(0, 999999999):09d}",
        "labels": lambda: "身份证号码：",
    }
    out = {}
    for kind, part in parts.items():
        pieces, n = [], 0
        while n < chars:
            pieces.append(part())
            n += len(pieces[-1])
        out[kind] = "".join(pieces)[:chars]
    return out


def main(argv: Sequence[str] | None = None) -> None:
    """Print the code before's time and today's on texts of ``--chars`` characters."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--chars", type=int, default=30000, help="characters per text (default 30,000)")
    args = parser.parse_args(argv)
    masker = FreeTextMasker()
    title = f"text of {args.chars:,} characters"
    print(f"{title:28s} {'hits':>6s} {'before':>9s} {'now':>9s}  same hits")
    for kind, text in texts(args.chars).items():
        started = time.perf_counter()
        with as_before():
            old = masker.hits(text)
        before = time.perf_counter() - started
        started = time.perf_counter()
        new = masker.hits(text)
        now = time.perf_counter() - started
        print(f"{kind:28s} {len(new):6d} {before:8.2f}s {now:8.2f}s  {old == new}", flush=True)


if __name__ == "__main__":
    main()
