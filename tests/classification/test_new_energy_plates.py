"""New-energy plates (GA 36-2018 as reference §5.6 gives it: small ``[A-HJK][A-HJ-NP-Z0-9]\\d{4}``, large
``\\d{5}[A-HJK]``, after province and office letter) are plates, whatever their serial letter (R15t-2);
and the evaluation set holds every one of them, so that the recognizer's F1 measures them."""

from __future__ import annotations

import random
import re

import pytest

from govsoc.classification.cn_codes import PLATE_PROVINCES
from govsoc.classification.columns import ColumnClassifier, ColumnSample
from govsoc.classification.evaluation import labelled_values, score_values
from govsoc.classification.scanner import Scanner

SCANNER = Scanner()
LETTERS = "ABCDEFGHJK"  # D A B C E pure electric; F G H J K the others


def _plates(text: str) -> list[str]:
    return [text[m.start:m.end] for m in SCANNER.scan(text) if m.recognizer == "cn_licence_plate"]


@pytest.mark.parametrize("letter", LETTERS)
def test_small_new_energy_plate_of_every_serial_letter(letter: str) -> None:
    plate = f"粤B{letter}12345"
    assert _plates(f"车辆{plate}违停") == [plate]


@pytest.mark.parametrize("letter", LETTERS)
def test_large_new_energy_plate_of_every_serial_letter(letter: str) -> None:
    plate = f"京A12345{letter}"
    assert _plates(f"车辆{plate}违停") == [plate]


@pytest.mark.parametrize("text", [
    "京AL12345",   # L is no new-energy letter, and 8 characters are no ordinary plate
    "京A12345L",   # the same, last
    "京AI12345",   # I is never issued
    "京A1234567",  # a number after an office letter
])
def test_no_new_energy_plate(text: str) -> None:
    assert _plates(text) == []


def test_a_column_of_large_new_energy_plates_is_tagged() -> None:
    rng = random.Random(2)
    values = [rng.choice(PLATE_PROVINCES) + rng.choice("ABCDEFGHJK") + f"{rng.randrange(10 ** 5):05d}"
              + rng.choice(LETTERS) for _ in range(200)]
    decision = ColumnClassifier(SCANNER).decide(ColumnSample(dataset="t.csv", field="cph", values=values))
    assert (decision.status, decision.recognizer, decision.hits) == ("tagged", "cn_licence_plate", 200)


def test_the_evaluation_set_holds_every_new_energy_form() -> None:
    plates = [i.value for i in labelled_values(seed=15, per_type=400) if i.label == "cn_licence_plate"]
    small = {p[2] for p in plates if re.fullmatch(r".[A-Z][A-HJK][A-Z0-9]\d{4}", p)}
    large = {p[-1] for p in plates if re.fullmatch(r".[A-Z]\d{5}[A-HJK]", p)}
    assert small == set(LETTERS)
    assert large == set(LETTERS)


def test_the_plate_recognizer_reaches_f1_097_on_the_evaluation_set() -> None:
    scores = score_values(SCANNER, labelled_values(seed=15, per_type=250))
    assert scores["cn_licence_plate"].f1 >= 0.97
