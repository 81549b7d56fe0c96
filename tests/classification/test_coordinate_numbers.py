"""The coordinate forms the gps recognizers tag are the forms masked in free text: one definition
(classification/coordinate_numbers.py) for recognizers/location.py and coordinate_forms.py, which
wrote them apart (issue 15). A form tagged as a value and left bare in a report's text, or masked
there and never tagged, is what two copies drift into."""

from __future__ import annotations

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
])
def test_a_pair_the_recognizers_tag_is_masked_in_free_text(text: str, precise: str) -> None:
    recognizer = GpsDmsRecognizer() if "°" in text or "度" in text else GpsRecognizer()
    assert [hit.recognizer for hit in recognizer.find(text)]  # tagged as a value
    assert precise not in mask_free_text(f"位置 {text} 已上报")  # and its precise part hidden in text
