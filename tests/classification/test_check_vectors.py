"""Bulk check characters (govsoc.classification.check_vectors) against the scalar checks of
checksums.py, and the joined scan's use of them: a candidate they drop is one validate drops,
and validate is not asked about candidates whose check character is wrong."""

from __future__ import annotations

import random
import sys
from collections.abc import Callable
from types import FrameType

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from govsoc.classification.check_vectors import luhn_may_pass, mod11_2_check_bytes, mod31_may_pass, uscc_ok_many
from govsoc.classification.checksums import USCC_ALPHABET, luhn_ok, resident_id_check_char, resident_id_ok, uscc_ok
from govsoc.classification.recognizer import Match, new_match
from govsoc.classification.recognizers.finance import BankCardRecognizer
from govsoc.classification.recognizers.identity import ResidentIdRecognizer
from govsoc.classification.recognizers.organisation import UsccRecognizer
from govsoc.classification.scanner import Scanner

CHECKS: list[tuple[Callable[[list[str]], list[bool]], Callable[[str], bool], str]] = [
    (luhn_may_pass, luhn_ok, "0123456789"),
    (mod31_may_pass, uscc_ok, USCC_ALPHABET),
]


@pytest.mark.parametrize("bulk, scalar, alphabet", CHECKS, ids=["luhn", "mod31"])
def test_bulk_checks_drop_only_what_the_scalar_check_fails(bulk: Callable[[list[str]], list[bool]],
                                                          scalar: Callable[[str], bool], alphabet: str) -> None:
    rng = random.Random(43697)
    # mostly the alphabet, sometimes a stray letter, full-width digit, space or CJK character
    chars = alphabet * 20 + "xXIOa１ 张-"
    # half of them of the lengths the checks judge (16 and 19 digits, 18 characters)
    lengths = [rng.choice((16, 18, 19, rng.randrange(0, 23))) for _ in range(20_000)]
    candidates = ["".join(rng.choice(chars) for _ in range(n)) for n in lengths]
    candidates += ["", "0" * 18, "9" * 25]
    answers = bulk(candidates)
    assert len(answers) == len(candidates)
    assert not [c for c, a in zip(candidates, answers, strict=True) if not a and scalar(c)]
    assert sum(not a for a in answers) >= 100  # they do judge: many fail their check character


# Published vectors: GB 11643's example number, a GB 32100 code (reference §5.8), Luhn test cards.
@pytest.mark.parametrize("bulk, good", [
    (mod31_may_pass, "91350100M000100Y43"),     # GB 32100 example code (reference §5.8)
    (luhn_may_pass, "4111111111111111"),        # Visa test card
    (luhn_may_pass, "5555555555554444"),        # Mastercard test card
    (luhn_may_pass, "6011111111111117"),        # Discover test card
])
def test_bulk_checks_keep_valid_numbers_and_drop_one_wrong_check_character(
        bulk: Callable[[list[str]], list[bool]], good: str) -> None:
    last = good[-1]
    wrong = good[:-1] + ("1" if last != "1" else "2")
    assert bulk([good, wrong]) == [True, False]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(alphabet="0123456789", min_size=17, max_size=17), min_size=1, max_size=30))
def test_mod11_2_check_bytes_agree_with_the_scalar_check_character(bodies: list[str]) -> None:
    import numpy as np

    rows = np.frombuffer("".join(bodies).encode(), dtype=np.uint8).reshape(len(bodies), 17) - np.uint8(48)
    assert bytes(mod11_2_check_bytes(rows)).decode() == "".join(resident_id_check_char(b) for b in bodies)


def _calls(code: object, run: Callable[[], object]) -> int:
    count = 0

    def profile(frame: FrameType, event: str, arg: object) -> None:
        nonlocal count
        if event == "call" and frame.f_code is code:
            count += 1

    sys.setprofile(profile)
    try:
        run()
    finally:
        sys.setprofile(None)
    return count


def _mod31_ok(code: str) -> bool:
    """GB 32100's check character alone: weights 3^i mod 31, check (31 - sum mod 31) mod 31."""
    if len(code) != 18 or any(c not in USCC_ALPHABET for c in code):
        return False
    total = sum(USCC_ALPHABET.index(c) * pow(3, i, 31) for i, c in enumerate(code[:17]))
    return USCC_ALPHABET[(31 - total % 31) % 31] == code[17]


def test_the_joined_scan_validates_only_candidates_with_a_right_check_character() -> None:
    """Counting work, not time: card-like order numbers failing Luhn, 18-digit numbers with a wrong
    MOD 11-2 character and USCC-like codes with a wrong MOD 31 character never reach validate;
    the valid ones do, and are found."""
    rng = random.Random(15)
    cards, ids, codes = [], [], []
    while len(cards) < 300:
        number = "622202" + "".join(rng.choice("0123456789") for _ in range(10))
        if not luhn_ok(number):
            cards.append(number)
    while len(ids) < 300:
        number = "110105" + f"19{rng.randrange(50, 99)}0{rng.randrange(1, 9)}1{rng.randrange(0, 9)}" + \
            "".join(rng.choice("0123456789") for _ in range(4))
        if not resident_id_ok(number):
            ids.append(number)
    while len(codes) < 300:
        code = "91330106" + "".join(rng.choice(USCC_ALPHABET) for _ in range(10))
        if not uscc_ok(code):
            codes.append(code)
    good = ["6011111111111117", "11010519491231002X", "91350100M000100Y43"]
    values = cards + ids + codes + good
    scanner = Scanner(["cn_bank_card", "cn_resident_id", "cn_uscc"])
    # a value is a candidate of several recognizers (an 18-digit number is card-like too): the
    # bound is the values whose check character that recognizer's check accepts
    for recognizer, check in ((BankCardRecognizer, luhn_ok), (ResidentIdRecognizer, resident_id_ok),
                              (UsccRecognizer, _mod31_ok)):
        calls = _calls(recognizer.validate.__code__, lambda: list(scanner.scan_many(values)))
        passing = sum(check(v) for v in values)
        assert calls <= passing < 100, recognizer
    found = {values[i]: {m.recognizer for m in hits} for i, hits in scanner.scan_many(values)}
    assert found == {"6011111111111117": {"cn_bank_card"}, "11010519491231002X": {"cn_resident_id"},
                     "91350100M000100Y43": {"cn_uscc"}}


def _uscc(rng: random.Random) -> str:
    """A code with right check characters: 8 alphabet characters, their GB 11714 check, then the
    GB 32100 MOD 31 character of the 17."""
    head = rng.choice("19ANY") + rng.choice("123") + rng.choice(("110105", "330106", "440305", "510104", "100000"))
    body = "".join(rng.choice(USCC_ALPHABET) for _ in range(8))
    total = sum(int(c, 36) * w for c, w in zip(body, (3, 7, 9, 10, 5, 8, 4, 2), strict=True))
    check = 11 - total % 11
    code17 = head + body + ("X" if check == 10 else "0" if check == 11 else str(check))
    total = sum(USCC_ALPHABET.index(c) * pow(3, i, 31) for i, c in enumerate(code17))
    return code17 + USCC_ALPHABET[(31 - total % 31) % 31]


def test_uscc_ok_many_is_uscc_ok_of_each() -> None:
    """Exact, not a screen: the MOD 31 and the organisation code's check of every candidate at
    once equal checksums.uscc_ok, on right codes, codes with one character changed (either
    check breaks), lower case, other lengths and characters outside the alphabet."""
    rng = random.Random(32100)
    right = [_uscc(rng) for _ in range(3000)]
    assert all(map(uscc_ok, right))
    others = USCC_ALPHABET + "IOSVZa１张 "
    changed = [c[:k] + rng.choice(others) + c[k + 1:] for c in right for k in [rng.randrange(18)]]
    odd = ["", "91350100M000100Y43", "91350100m000100y43", "91350100M000100Y4", "91350100M000100Y431", "0" * 18]
    candidates = right + changed + odd
    rng.shuffle(candidates)
    assert uscc_ok_many(candidates) == list(map(uscc_ok, candidates))
    assert 3000 < sum(uscc_ok_many(candidates)) < 5000  # both answers are given


def test_the_joined_scan_checks_a_chunks_codes_together() -> None:
    """The USCC recognizer judges a chunk's new codes with uscc_ok_many: no uscc_ok call per
    code; the hits equal find()'s of each value."""
    rng = random.Random(11714)
    values = [_uscc(rng) for _ in range(600)] + [f"办结 {n}" for n in range(80)]
    scanner = Scanner(["cn_uscc"])
    calls = _calls(uscc_ok.__code__, lambda: list(scanner.scan_many(values)))
    assert calls == 0
    fresh = UsccRecognizer()
    found = dict(Scanner(["cn_uscc"]).scan_many(values))
    assert found == {i: hits for i, v in enumerate(values) if (hits := list(fresh.find(v)))}
    assert len(found) == 600


def test_new_match_is_the_dataclass() -> None:
    made = new_match("ipv4", 3, 10, "1.2.3.*", 0.6, "why")
    expected = Match(recognizer="ipv4", start=3, end=10, masked="1.2.3.*", score=0.6, reason="why")
    assert made == expected and hash(made) == hash(expected) and repr(made) == repr(expected)
    assert type(made) is Match
