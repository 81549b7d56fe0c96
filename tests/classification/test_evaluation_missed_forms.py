"""The evaluation says why a recognizer misses (RRR15bp-6): the forms of the values it missed, per
recognizer, as the negatives' false positives are told by kind; and the coordinates the labelled set
draws are coordinates: a latitude and a longitude. A latitude alone (北纬25.265933, 北纬44度6分54秒) is
a parallel round the earth, no place (PIPL art. 28 行踪轨迹 is a position); the gps recognizers take
one alone only under a column saying coordinates (RRR15ax-5, RRR15ay-1)."""

from __future__ import annotations

import pytest

from govsoc.classification.evaluation import Labelled, labelled_values, missed_forms
from govsoc.classification.scanner import Scanner

SCANNER = Scanner()


def test_missed_forms_are_counted_per_recognizer_by_form() -> None:
    items = [Labelled("北纬25.265933", "gps", False), Labelled("北纬31.230416", "gps", False),
             Labelled("北纬25.2659 东经116.3971", "gps", False),  # taken: no miss
             Labelled("北纬44度6分54秒", "gps_dms", False), Labelled("v1.2.3", None, False, "version")]
    assert missed_forms(SCANNER, items) == {"gps": {"北纬9.9": 2}, "gps_dms": {"北纬9度9分9秒": 1}}


@pytest.mark.parametrize("seed", [15, 16])
def test_the_labelled_coordinates_are_all_taken(seed: int) -> None:
    # the sets drew 74-80 lone latitudes for gps and 83-106 for gps_dms: recall 0.905 and 0.79
    items = [i for i in labelled_values(seed=seed, per_type=400) if i.label in ("gps", "gps_dms")]
    assert len(items) >= 1200
    assert missed_forms(SCANNER, items) == {}


@pytest.mark.parametrize("context, missed", [
    (True, {}),                       # under a gps column the recognizer takes a latitude alone (gps_context)
    (False, {"gps": {"北纬9.9": 1}}),  # with no column saying so it is a parallel, no place: missed
])
def test_missed_forms_scan_with_the_items_context(context: bool, missed: dict[str, dict[str, int]]) -> None:
    # RRR15bu-5 (M10): an item labelled with context is scanned with it, as the evaluation scores it
    assert missed_forms(SCANNER, [Labelled("北纬39.904214", "gps", context)]) == missed


@pytest.mark.parametrize("seed", [15, 16])
def test_lone_latitudes_stay_measured_as_positives_under_a_coordinate_column(seed: int) -> None:
    # RRR15bu-6: a latitude alone is no position by itself, but a column saying coordinates makes it
    # one (gps_context); the set keeps that form, scanned with context, so the table still measures it
    items = labelled_values(seed=seed, per_type=400)
    lone = [i for i in items if i.label in ("gps", "gps_dms") and "北纬" in i.value and "东经" not in i.value]
    assert {i.label for i in lone} == {"gps", "gps_dms"}, lone[:3]
    assert len(lone) >= 100 and all(i.context for i in lone), lone[:3]
    assert missed_forms(SCANNER, lone) == {}
    # the same values scanned bare are all missed: a parallel, no place
    assert sum(missed_forms(SCANNER, [Labelled(i.value, i.label, False) for i in lone]).get("gps", {}).values()) > 0
