"""Tables linked past their samples (R15h-15): 20,000 people split into a names table and an ID
table by person_id share about 50 of their 1,000 sampled keys, and were graded apart (3级). The
file reader sketches every row's keys (sources.key_sketch: at most SKETCH hashes a column, no value)."""

from __future__ import annotations

import csv
import random
import zlib
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest

from govsoc.classification.checksums import resident_id_check_char
from govsoc.classification.sources.key_sketch import LOOK, SKETCH, KeySketcher
from tests.classification.test_linked_tables import person, scan, table

PEOPLE = 20_000


def ident(i: int) -> str:
    """A valid ID number for person ``i`` (GB 11643 check digit)."""
    body = f"{110101 + i % 8}{1950 + i % 50}{i % 12 + 1:02d}{i % 28 + 1:02d}{i % 1000:03d}"
    return body + resident_id_check_char(body)


def split(folder: Path, people: int, other_keys: int = 0) -> Path:
    """names.csv (person_id, 姓名, 性别) and ids.csv (person_id, 身份证号码) of ``people``, the ID rows
    shuffled; their keys offset by ``other_keys`` (another population's)."""
    folder.mkdir()
    order = list(range(people))
    random.Random(15).shuffle(order)
    with open(folder / "names.csv", "w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows([["person_id", "姓名", "性别"],
                                 *([f"P{i:07d}", person(i % 1000)[0], "男女"[i % 2]] for i in range(people))])
    with open(folder / "ids.csv", "w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows([["person_id", "身份证号码"],
                                 *([f"P{i + other_keys:07d}", ident(i)] for i in order)])
    return folder


def test_twenty_thousand_people_split_by_a_key_are_linked(tmp_path: Path) -> None:
    # the finding: ids.csv 3级, names.csv 2级 (50 of 1,000 sampled keys shared)
    inventory = scan(split(tmp_path / "f", PEOPLE))
    ids, names = table(inventory, "ids.csv"), table(inventory, "names.csv")
    assert (ids.level, names.level) == ("G4", "G4")
    assert "linked to table names.csv by person_id = person_id" in ids.basis


def test_two_populations_of_the_size_are_not_linked(tmp_path: Path) -> None:
    # the same sizes and heading, keys of other people (P0020000..): nothing shared, graded apart
    inventory = scan(split(tmp_path / "f", PEOPLE, other_keys=PEOPLE))
    assert (table(inventory, "ids.csv").level, table(inventory, "names.csv").level) == ("G3", "G2")


def test_sheets_linked_past_their_samples(tmp_path: Path) -> None:
    # a workbook of 3,000 people in two sheets, the second shuffled, read with samples of 100 rows
    from govsoc.classification.grading import load_scheme
    from govsoc.classification.inventory import build_inventory
    from govsoc.classification.sources import open_source

    book = openpyxl.Workbook()
    basic = book.active
    assert basic is not None
    basic.title = "基本信息"
    certs = book.create_sheet("证件信息")
    basic.append(["编号", "姓名"])
    certs.append(["编号", "身份证号"])
    order = list(range(3000))
    random.Random(15).shuffle(order)
    for i, j in zip(range(3000), order, strict=True):
        basic.append([f"A{i:05d}", person(i % 1000)[0]])
        certs.append([f"A{j:05d}", ident(j)])
    book.save(tmp_path / "split.xlsx")
    source = open_source(str(tmp_path / "split.xlsx"), sample=100)
    inventory = build_inventory(source.tables(), source=source.name, scheme=load_scheme("gbt43697"), sample_size=100)
    assert table(inventory, "证件信息").level == "G4" and table(inventory, "基本信息").level == "G4"


@pytest.mark.parametrize(("values", "low", "high"), [
    (100, 100, 100),  # under SKETCH hashes: the count is exact
    (20_000, 17_000, 23_000),  # past it: the k-th smallest hash estimates the count (KMV, about 6 % error)
])
def test_a_sketch_counts_and_keeps_no_value(values: int, low: int, high: int) -> None:
    sketcher = KeySketcher()
    for i in range(values * 2):  # each value twice, and a blank cell
        sketcher.add([f"P{i % values:07d}", ""])
    key, blank = sketcher.sketches(["person_id", "备注"])
    assert low <= key.distinct <= high and key.rows == values * 2
    assert len(key.hashes) == min(values, SKETCH) and blank.hashes == frozenset()
    # only hashes, the smallest of the values': none of the values themselves
    assert all(isinstance(h, int) for h in key.hashes)
    smallest = sorted(zlib.crc32(f"P{i:07d}".encode(), 2**32 - 1) for i in range(values))[:SKETCH]
    assert key.hashes == frozenset(smallest)


@pytest.mark.parametrize(("offset", "linked"), [
    # R15i-21: a 100-person spot check drawn from a 40,000-person register: every key of the extract
    # is in the register, yet the register's bottom-256 sketch holds none of these 100 (0.64 expected;
    # 3 are among its 1,024 smallest hashes, key_sketch.DEEP)
    (0, True),
    # the same extract of people the register does not hold (keys P0040000..): nothing contained
    (PEOPLE * 2, False),
])
def test_a_small_extract_of_a_large_register_is_linked(tmp_path: Path, offset: int, linked: bool) -> None:
    folder = tmp_path / "f"
    folder.mkdir()
    with open(folder / "names.csv", "w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows([["person_id", "姓名"],
                                 *([f"P{i:07d}", person(i % 1000)[0]] for i in range(PEOPLE * 2))])
    drawn = random.Random(22).sample(range(PEOPLE * 2), 100)
    with open(folder / "抽查.csv", "w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows([["person_id", "身份证号码"], *([f"P{i + offset:07d}", ident(i)] for i in drawn)])
    inventory = scan(folder)
    levels = (table(inventory, "抽查.csv").level, table(inventory, "names.csv").level)
    assert levels == (("G4", "G4") if linked else ("G3", "G2")), table(inventory, "抽查.csv").basis


@pytest.mark.parametrize(("cell", "sketched"), [
    (lambda i: f"P{i:07d}", True),  # a key: nearly all distinct codes
    (lambda i: str(7919 * i + 1), True),  # integers of any width: a key as well (person.id), kept
    (lambda i: f"{i * 37 % 10007}.{i % 100:02d}", False),  # amounts (1234.56): no key, not hashed (R15i-13)
    (lambda i: f"2024-{i % 12 + 1:02d}-{i % 28 + 1:02d}", False),  # dates: every table of a year shares them
    (lambda i: "男女"[i % 2], False),  # a category of two values over the first LOOK rows
    (lambda i: "", True),  # blank so far: it may fill later, kept
])
def test_columns_that_cannot_be_keys_are_left_out(cell: Callable[[int], str], sketched: bool) -> None:
    sketcher = KeySketcher()
    for i in range(LOOK * 5):
        sketcher.add([f"K{i:06d}", cell(i)])
    key, other = sketcher.sketches(["编号", "列"])
    assert key.rows == LOOK * 5 and len(key.hashes) == SKETCH
    assert (other.rows == LOOK * 5) is sketched
