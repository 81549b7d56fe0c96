"""Which columns link two tables (R15h-2): a key identifies a record in one table (unique there,
not a running 1..n number, not a date, not a category) and the other's values come from its set.
Unrelated rosters that share a numbering, a date or a 单位 column are graded each alone."""

from __future__ import annotations

import csv
import uuid
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.classification.test_linked_tables import person, scan, table
from tests.classification.test_linked_tables_scale import ident

UNITS = ["民政局", "人社局", "公安局"]


def rosters(folder: Path, key: str, value: Callable[[int], str], other_key: str | None = None) -> Path:
    """roster.csv (key, 姓名) of people 0..49 and certs.csv (key, 身份证号码) of people 500..549."""
    folder.mkdir()
    for name, heading, column, first in (("roster.csv", key, 0, 0), ("certs.csv", other_key or key, 1, 500)):
        with open(folder / name, "w", newline="", encoding="utf-8") as f:
            out = csv.writer(f)
            out.writerow([heading, "姓名" if column == 0 else "身份证号码"])
            out.writerows([value(i), person(first + i)[column]] for i in range(50))
    return folder


def written(folder: Path, files: dict[str, list[list[str]]]) -> Path:
    """``folder`` holding each CSV file of ``files`` (name -> rows)."""
    folder.mkdir()
    for name, rows in files.items():
        with open(folder / name, "w", newline="", encoding="utf-8") as f:
            csv.writer(f).writerows(rows)
    return folder


@pytest.mark.parametrize(("key", "value"), [
    ("序号", lambda i: str(i + 1)),  # the brief's case: both rosters number their rows 1..50
    ("编号", lambda i: str(i + 1)),  # 编号 1..n is a row number too, however headed
    ("编号", lambda i: f"{i + 1:04d}"),  # zero-padded 0001..0050: still 1..n
    ("id", lambda i: str(i + 1)),  # every CSV's own id (was read as csv_id in both files)
    ("日期", lambda i: f"2024-{i // 28 + 1:02d}-{i % 28 + 1:02d}"),  # a date column: 50 distinct days
    ("登记日期", lambda i: f"2024年{i // 28 + 1}月{i % 28 + 1}日"),  # dates written in Chinese
    ("部门", lambda i: f"第{i + 1}科"),  # a department heading: a group of people, however many
    ("单位", lambda i: UNITS[i % 3]),  # three offices, repeated: a category, no key
])
def test_unrelated_rosters_are_not_linked(tmp_path: Path, key: str, value: Callable[[int], str]) -> None:
    inventory = scan(rosters(tmp_path / "f", key, value))
    certs, roster = table(inventory, "certs.csv"), table(inventory, "roster.csv")
    assert (certs.level, roster.level) == ("G3", "G2"), certs.basis
    assert "linked to" not in certs.basis


def test_a_unit_code_repeated_over_its_staff_links_no_person(tmp_path: Path) -> None:
    # units.csv lists 20 units by code with each head's name; staff.csv 400 people's ID numbers by unit code:
    # the code is unique in units.csv and staff's codes all come from it, but it names a unit, not a person
    folder = written(tmp_path / "f", {
        "units.csv": [["单位编码", "负责人"], *([f"U{i:03d}", person(i)[0]] for i in range(20))],
        "staff.csv": [["单位编码", "身份证号码"], *([f"U{i % 20:03d}", person(i)[1]] for i in range(400))]})
    inventory = scan(folder)
    staff = table(inventory, "staff.csv")
    assert staff.level == "G3" and "linked to" not in staff.basis


@pytest.mark.parametrize(("key", "other_key", "value"), [
    ("person_id", None, lambda i: f"P{7 * i + 13:06d}"),  # a person key shared under one heading
    ("编号", None, lambda i: f"A{i:04d}"),  # 编号 of a person, not a row number: A0000..A0049
    ("id", "roster_id", lambda i: str(i + 1)),  # roster.id 1..n named by certs.roster_id: a key by its name
    ("人员编号", None, lambda i: str(i + 1)),  # a 人员库 export's own 1..n under a heading naming its records (R15i-1)
    ("档案编号", None, lambda i: f"{i + 1:04d}"),  # 0001..0050 under 档案编号: the same
    ("user_no", None, lambda i: str(i + 1)),  # and in English
    ("id", None, lambda i: str(uuid.UUID(int=7919 * i + 1))),  # one entity's UUIDs split by columns (R15i-22)
])
def test_a_person_key_still_links(tmp_path: Path, key: str, other_key: str | None, value: Callable[[int], str]) -> None:
    inventory = scan(rosters(tmp_path / "f", key, value, other_key))
    certs = table(inventory, "certs.csv")
    assert certs.level == "G4" and f"by {other_key or key} = {key}" in certs.basis
    assert table(inventory, "roster.csv").level == "G4"


def test_a_persons_log_repeating_their_number_links_to_the_roster(tmp_path: Path) -> None:
    # R15i-18: a 门禁 log of 50 people x 25 swipes by 工号 (the swiper's ID number on each row) beside
    # the 花名册 (工号, 姓名): 4ed701a took a key on 20 sampled rows and more for a unit's code (2级 /
    # 3级); a heading numbering people is a person's key however often their log repeats it (the unit
    # code over its staff stays a category: test_a_unit_code_repeated_over_its_staff_links_no_person)
    folder = written(tmp_path / "f", {
        "花名册.csv": [["工号", "姓名"], *([f"A{i:04d}", person(i)[0]] for i in range(50))],
        "门禁记录.csv": [["工号", "刷卡时间", "身份证号码"],
                     *([f"A{i:04d}", f"2024-03-{d + 1:02d} 08:0{i % 10}", person(i)[1]]
                       for d in range(25) for i in range(50))]})
    inventory = scan(folder)
    assert (table(inventory, "门禁记录.csv").level, table(inventory, "花名册.csv").level) == ("G4", "G4")


@pytest.mark.parametrize(("key", "people", "linked"), [
    # R15i-19: 200 enterprises' codes, each over 5 employees' different ID numbers: the code names a
    # group, and no person has both the legal representative's name and an employee's ID number
    ("统一社会信用代码", lambda i: [5 * i + k for k in range(5)], False),
    # the same with 2 employees an enterprise: still different people under one code
    ("统一社会信用代码", lambda i: [2 * i, 2 * i + 1], False),
    # one person's 5 cards by 卡号 (the same ID number on each row): the key is the person's, linked
    ("卡号", lambda i: [i] * 5, True),
    # a person's documents: 1 in 4 holds two numbers (fk_cert.py of R15i, which held): the exception
    # in a table of people's documents, where the members of a group are the rule
    ("person_id", lambda i: [i, 1000 + i] if i % 4 == 0 else [i], True),
])
def test_a_key_repeated_over_different_people_links_none_of_them(
        tmp_path: Path, key: str, people: Callable[[int], list[int]], linked: bool) -> None:
    codes = [f"91330802{7 * i + 3:010d}" for i in range(200)]
    folder = written(tmp_path / "f", {
        "企业名录.csv": [[key, "法定代表人"], *([c, person(i)[0]] for i, c in enumerate(codes))],
        "参保人员.csv": [[key, "员工身份证号码"],
                     *([c, ident(p)] for i, c in enumerate(codes) for p in people(i))]})
    inventory = scan(folder)
    levels = (table(inventory, "参保人员.csv").level, table(inventory, "企业名录.csv").level)
    assert levels == (("G4", "G4") if linked else ("G3", "G2")), table(inventory, "参保人员.csv").basis
