"""Check-character algorithms alone, on the test vectors of shared/reference/classification.md §5.8
(GB 11643, GB 32100, GB 11714, MOD 11,10, Luhn) and the ISO 3779 VIN example."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from govsoc.classification import checksums as c


@pytest.mark.parametrize("number", ["11010519491231002X", "440524188001010014"])
def test_resident_id_vectors(number: str) -> None:
    assert c.resident_id_ok(number)
    assert c.resident_id_check_char(number[:17]) == number[17]


@pytest.mark.parametrize("code", ["91350100M000100Y43", "914403001922038216", "9144030071526726XG",
                                  "91330100799655058B"])
def test_uscc_vectors(code: str) -> None:
    assert c.uscc_ok(code)


@pytest.mark.parametrize("code", ["192203821", "71526726X", "799655058"])
def test_organisation_code_vectors(code: str) -> None:
    assert c.organisation_code_ok(code)


@pytest.mark.parametrize("number", ["330106000129004", "440106000137161", "440126400014294"])
def test_registration_number_vectors(number: str) -> None:
    assert c.registration_number_ok(number)


def test_luhn_and_vin_vectors() -> None:
    assert c.luhn_ok("490154203237518")  # the IMEI of the reference
    assert c.luhn_ok("4111111111111111")  # the well-known Visa test number
    assert c.vin_ok("1M8GDM9AXKP042788")  # ISO 3779 worked example (check character X)


@given(st.from_regex(r"\A[1-8][0-9]{16}\Z"))
def test_exactly_one_resident_id_check_char_fits(body: str) -> None:
    fits = [x for x in "0123456789X" if c.resident_id_ok(body + x)]
    assert fits == [c.resident_id_check_char(body)]


@given(st.from_regex(r"\A[0-9]{15,18}\Z"))
def test_one_changed_digit_breaks_luhn(number: str) -> None:
    digit = (int(number[-1]) + 1) % 10
    assert not (c.luhn_ok(number) and c.luhn_ok(number[:-1] + str(digit)))


@given(st.from_regex(r"\A[0-9A-HJ-NPQRTUWXY]{17}\Z"))
def test_exactly_one_uscc_check_char_fits_when_the_org_code_does(body: str) -> None:
    fits = [x for x in c.USCC_ALPHABET if c.uscc_ok(body + x)]
    assert len(fits) <= 1


@given(st.text(max_size=30))
def test_checks_take_any_text(text: str) -> None:
    for check in (c.resident_id_ok, c.uscc_ok, c.organisation_code_ok, c.registration_number_ok, c.luhn_ok, c.vin_ok):
        assert check(text) in (True, False)
