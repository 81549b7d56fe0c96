"""The coordinate forms the gps recognizers tag are the forms masked in free text: one definition
(classification/coordinate_numbers.py) for recognizers/location.py and coordinate_forms.py, which
wrote them apart (issue 15). A form tagged as a value and left bare in a report's text, or masked
there and never tagged, is what two copies drift into."""

from __future__ import annotations

import re

import pytest

from govsoc.classification.free_text import mask_free_text
from govsoc.classification.recognizers.location import GpsDmsRecognizer, GpsRecognizer


@pytest.mark.parametrize("text, precise", [
    ("30°16'26.7\"N 120°9'18.3\"E", "26.7"),  # degrees, minutes, seconds with letters
    ("北纬30°16′26.7″ 东经120°09′18.3″", "26.7"),  # primes and Chinese words
    ("北纬30度16分26.7秒 东经120度9分18.3秒", "26.7"),  # 度分秒
    ("30°16.4450'N 120°9.3050'E", "4450"),  # degrees and decimal minutes
    ("N30.274085 E120.155070", "274085"),  # decimals with letters before
    ("30.274085N,120.155070E", "274085"),  # and after
    ("北纬30.274085 东经120.155070", "274085"),  # and words
    ("28.6801°N 121.8492°E", "6801"),  # RRR15ax-6: a degree sign between the decimal and its letter
    ("28.6801° N, 121.8492° E", "6801"),  # and a blank
    ("N 39.9042 E 116.4074", "9042"),  # a blank after each letter: E opens the longitude, it ends no latitude
    ("N 39.9042, E 116.4074", "9042"),
    ("北纬28.6801° 东经121.8492°", "6801"),  # a degree sign after each number that follows its word
])
def test_a_pair_the_recognizers_tag_is_masked_in_free_text(text: str, precise: str) -> None:
    recognizer = GpsDmsRecognizer() if re.search("['′分]", text) else GpsRecognizer()  # minutes: gps_dms
    assert [hit.recognizer for hit in recognizer.find(text)]  # tagged as a value
    assert precise not in mask_free_text(f"位置 {text} 已上报")  # and its precise part hidden in text



@pytest.mark.parametrize("text, precise", [
    ("28.6801°N", "6801"),  # RRR15bh-4: a lone coordinate with a degree sign before its letter
    ("28.6801° S", "6801"),
])
def test_a_lone_coordinate_with_a_degree_sign_is_masked_in_free_text(text: str, precise: str) -> None:
    assert precise not in mask_free_text(f"位置 {text} 已上报")


@pytest.mark.parametrize("text", [
    "cpu 12.3456 N/A",  # RRR15bh-3: 'not applicable' after a number is no hemisphere
    "cpu 12.3456  N/A",
    "load 12.3456° N/A",
])
def test_a_letter_abbreviating_not_applicable_is_no_hemisphere(text: str) -> None:
    assert mask_free_text(text) == text
    assert not list(GpsRecognizer().find(text))

@pytest.mark.parametrize("text, coordinate", [
    ("北纬30.2741 N/A", "北纬30.2741"),  # RRR15ay-8: 'not applicable' after it, no second coordinate
    ("北纬30.2741 E区", "北纬30.2741"),  # a block letter
    ("北纬30.2741，东经未测", "北纬30.2741"),  # the longitude word with no number: not measured
    ("N30.2741，东经未测", "N30.2741"),  # a letter before the number
    ("北纬30.2741，12.5米", "北纬30.2741"),  # a number after it that is no coordinate (a height)
    ("北纬30°16′27″ E区", "北纬30°16′27″"),  # degrees, minutes, seconds
    ("北纬30度16分27秒，东经未测", "北纬30度16分27秒"),
    ("30°16'27\"N S楼", "30°16'27\"N"),  # the letter after the number
])
def test_a_lone_coordinate_is_read_with_its_hemisphere_when_no_number_follows(text: str, coordinate: str) -> None:
    # a letter or word after one coordinate is the next coordinate's only with a number after it
    recognizer = GpsDmsRecognizer() if "°" in text or "度" in text else GpsRecognizer()
    assert [text[hit.start:hit.end] for hit in recognizer.find(text, context=True)] == [coordinate]


@pytest.mark.parametrize("text", [
    "北纬48.8566 东经2.3522",  # RRR15ax-5: Paris, refused whole as a pair: its latitude not alone
    "北纬48.8566, 2.3522",  # the second coordinate a bare decimal
    "北纬48°51′24″ 东经2°21′03″",  # and in degrees, minutes, seconds
    "北纬48°51′24″, 2°21′03″",
])
def test_the_first_of_a_pair_outside_china_is_not_read_alone(text: str) -> None:
    recognizer = GpsDmsRecognizer() if "°" in text else GpsRecognizer()
    assert not [hit for hit in recognizer.find(text) if "48" in text[hit.start:hit.end]]


@pytest.mark.parametrize("text", [
    "北纬39°54′ 东经116°24′",  # degrees and whole minutes: a minute of latitude is about 1.85 km, coarser
    "39°54'N 116°24'E",  # than the gps mask's own two decimals (about 1.1 km); precise is four decimals
    "北纬3度50分 东经112度17分",  # (about 11 m, reference §5.6 GPS row): coarse location, G2, not gps's G4
])
def test_degrees_and_whole_minutes_are_no_precise_coordinate(text: str) -> None:
    assert not list(GpsDmsRecognizer().find(text))
    assert not list(GpsRecognizer().find(text))


@pytest.mark.parametrize("text", [
    "方位角 N45°30'15\"E",  # a quadrant bearing: N…E around one angle, the E followed by no number
    "方位角 N45.5000 E",
    "N30.2741 S楼",  # a number between two letters with no second number is no coordinate to read
])
def test_a_letter_after_a_number_with_no_number_after_it_ends_that_number(text: str) -> None:
    assert not list(GpsDmsRecognizer().find(text)) and not list(GpsRecognizer().find(text))
