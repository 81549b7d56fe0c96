"""bench.classify's registry corpus: its unified social credit codes are valid, as the corpus means
them (a company's code in 20 % of rows). Before, the generator's GB 11714 check table was shifted
by one (check 10 gave '9', 1 gave 'X'): 168 of 2,000 codes were valid, so the registry figure
measured USCC candidates refused rather than found."""

from __future__ import annotations

import random

import pytest

from bench import classify as bench
from govsoc.classification.checksums import organisation_code_ok, uscc_ok


@pytest.mark.parametrize(("body", "code"), [
    ("19220382", "192203821"),  # reference §5.8 vector 19220382-1
    ("71526726", "71526726X"),  # check 10 -> X (§5.8 vector 71526726-X)
    ("79965505", "799655058"),  # §5.8 vector 79965505-8
    ("00000000", "000000000"),  # S = 0: check 11 -> 0
])
def test_the_organisation_code_follows_gb_11714(body: str, code: str) -> None:
    assert bench.organisation_code(body) == code


def test_every_generated_uscc_is_valid() -> None:
    rng = random.Random(15)
    codes = [bench._uscc(rng) for _ in range(2000)]
    assert all(organisation_code_ok(code[8:17]) for code in codes)
    assert all(uscc_ok(code) for code in codes)


def test_the_registry_corpus_holds_its_codes_valid() -> None:
    cells = bench.registry_rows(20_000)
    # the USCC column: authority + kind and region as _uscc draws them (no ID number starts so)
    codes = [c for c in cells if len(c) == 18 and c[:2] in ("91", "92", "93", "12")
             and c[2:8] in ("330102", "330106", "320102", "110105")]
    assert len(codes) > 100
    assert all(uscc_ok(code) for code in codes)
