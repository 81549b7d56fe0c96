"""ingest_masking._keyed_number's pre-check (_may_hold_a_key, tested once for each run of
overlapping key windows) only saves key searches: it changes no answer (RRR15bq-2)."""

from __future__ import annotations

import random

import pytest

from govsoc.classification import ingest_masking


def _keyed_number_searching_every_candidate(text: str) -> bool:
    """_keyed_number without its pre-check (_may_hold_a_key): a key search for each candidate."""
    shape = text.encode("ascii").translate(ingest_masking._CLASSES)
    if ingest_masking._SEVEN not in shape:
        return False
    low = text.lower()
    for at in ingest_masking._candidates(shape):
        key = ingest_masking._KEYED.search(low, ingest_masking._key_search_from(low, at),
                                           at + ingest_masking._KEY_BEFORE)
        if key and key.start() <= at:
            return True
    return False


def _texts_with_overlapping_key_windows(count: int) -> list[str]:
    """Keys, values and fillers run together, aimed at the edges of the pre-check's windows: keys
    250-300 blanks before their value, runs of candidates that overlap or just do not, keyless
    candidates before a keyed one in the same run, more than KEYS_READ candidates, upper case."""
    keys = ["passport", "PASSPORT", "Passport No.", "hzh", "idno", "ID No", "id number", "sfz", "tel", "TEL",
            "phone", "Mobile", "sjh", "lxdh", "telephone", "xm", "name", "addr", "cph"]
    seps = ["=", ": ", " ", "\t", "\"", "#", "='", " no. "]
    values = ["E12345678", "EA1234567", "110105491231002", "0571-88881234", "(0571)88881234", "+86 0571 88881234",
              "x1234567", "12345678", "1234567", "A7654321", "%E7%8E%8B"]
    fills = ["", " ", " " * 30, " " * 250, " " * 260, " " * 300, "x" * 40, "a" * 60, "ok ", "user x1234567 ",
             "12345678 " * 3]
    pick = random.Random(15)
    texts = []
    for _ in range(count):
        parts = []
        for _ in range(pick.randint(1, 20)):
            if pick.random() < 0.5:
                fill = pick.choice(fills) if pick.random() < 0.3 else ""
                parts.append(pick.choice(keys) + pick.choice(seps) + fill + pick.choice(values))
            else:
                parts.append(pick.choice(fills + values))
            parts.append(pick.choice([" ", "", "&", ",", pick.choice(fills)]))
        texts.append("".join(parts))
    return texts


def test_the_key_pre_check_changes_no_answer_of_keyed_number() -> None:
    """RRR15bq-2: _may_hold_a_key, tested once for a run of overlapping windows, only saves key
    searches: _keyed_number answers as the same function searching at every candidate, on texts
    where a keyless candidate comes first in a run (x1234567 ... passport=E12345678) and a key
    sits 250-300 blanks before its value. Both answers occur (neither side is all False)."""
    texts = ["x1234567 " + "a" * 60 + " passport=E12345678", "passport=" + " " * 260 + "E12345678",
             *_texts_with_overlapping_key_windows(400)]
    expected = [_keyed_number_searching_every_candidate(t) for t in texts]
    assert 0 < sum(expected) < len(texts)
    assert [t for t, want in zip(texts, expected, strict=True) if ingest_masking._keyed_number(t) is not want] == []


@pytest.mark.parametrize(("text", "keyed"), [
    ("x1234567 " + "a" * 60 + " passport=E12345678", True),  # 00000000 and a0000000 both find E12345678
    # 8 numbers after a letter, each found by two probes, then a landline after its key: the 16
    # candidates read are 16 places, not 8 places twice, so the landline's key is searched
    ("x12345678 " * 8 + "tel=0571-8888123 ok", True),
])
def test_a_candidate_is_read_once(text: str, keyed: bool) -> None:
    """RRR15bq-6: a place two probes find is one candidate; a repeat used a KEYS_READ slot and a
    second key search."""
    starts = ingest_masking._candidates(text.encode("ascii").translate(ingest_masking._CLASSES))
    assert len(starts) == len(set(starts))
    assert ingest_masking._keyed_number(text) is keyed
