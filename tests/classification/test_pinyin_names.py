"""Names in pinyin and Latin letters (classification.pinyin_names): what reads as a name, and
where in a text one is masked (issue 15 review, Part B findings 2 and 3)."""

from __future__ import annotations

import pytest

from govsoc.classification.pinyin_names import is_pinyin_name, person_name_value


@pytest.mark.parametrize(("value", "name"), [
    ("zhangwei", True),      # surname zhang + one syllable, one word
    ("ZhangWei", True),      # camel case
    ("ouyangna", True),      # a compound surname (欧阳)
    ("Zhang Wei", True),     # surname word and given-name word
    ("Wei Zhang", True),     # the other order (English-language systems)
    ("ZHANG Xiaoming", True),  # a passport's upper-case surname, a two-syllable given name
    ("chen", False),         # a surname alone (che + the syllable-less 'n' is no name)
    ("api", False),          # one-letter surname readings (阿 a) are not used
    ("apache", False),       # nor for a service account
    ("huawei", False),       # a vendor's default account (NOT_PINYIN_NAMES)
    ("root", False), ("admin", False), ("oracle", False), ("nginx", False), ("test", False),
    ("Zhang Wei Ming", False),  # three words are no pinyin name
    ("zhang3", False),       # a digit
])
def test_what_reads_as_a_pinyin_name(value: str, name: bool) -> None:
    assert is_pinyin_name(value) is name


@pytest.mark.parametrize(("value", "name"), [
    ("John Smith", True),      # two capitalised words under a key naming a person
    ("Mary Ann Lee", True),    # three
    ("zhangsan", True),        # pinyin
    ("web-server", False),     # one lower-case word that is no pinyin name
    ("report.pdf", False),
    ("eth0", False),
    ("JOHN", False),           # one word that is no pinyin name
])
def test_what_a_person_key_holds(value: str, name: bool) -> None:
    assert person_name_value(value) is name
