"""A folder linked into a scanned folder is read, each real folder once; what is neither a file nor a
folder is named (issue 15 review R15e-18: a linked folder's 6 tables of PII were "0 skipped")."""

from __future__ import annotations

import os
from pathlib import Path

from govsoc.classification.grading import load_scheme
from govsoc.classification.inventory import Inventory, build_inventory
from govsoc.classification.sources import open_source
from govsoc.classification.sources.files import FileSource
from tests.classification.test_sources import NAMES, PHONES, ids

NUMBERS = ids(40)
EXPECTED = {"xm": "cn_person_name", "sfzh": "cn_resident_id", "sjhm": "cn_mobile"}


def _people(path: Path) -> None:
    path.write_text("xm,sfzh,sjhm\n" + "".join(f"{NAMES[i % 8]},{NUMBERS[i]},{PHONES[i]}\n" for i in range(40)),
                    encoding="utf-8")


def _scan(target: Path) -> Inventory:
    source = open_source(str(target))
    return build_inventory(source.tables(), source=source.name, scheme=load_scheme("gbt43697"), sample_size=1000)


def test_a_linked_folder_is_read_once_and_loops_are_named(tmp_path: Path) -> None:
    scanned, elsewhere = tmp_path / "scan", tmp_path / "p"
    scanned.mkdir()
    elsewhere.mkdir()
    _people(scanned / "base.csv")
    _people(elsewhere / "linked.csv")
    (scanned / "linkdir").symlink_to(elsewhere, target_is_directory=True)  # 各乡镇 -> /mnt/...
    (scanned / "again").symlink_to(elsewhere, target_is_directory=True)    # the same folder by a second link
    (elsewhere / "up").symlink_to(scanned, target_is_directory=True)       # a link back: a loop
    source = FileSource(scanned, sample=1000)
    assert source.count() == len(list(source.tables())) == 3  # base.csv, linked.csv, the paths not read
    inventory = _scan(scanned)
    read = {t.table: {f.field: f.recognizer for f in t.fields if f.status == "tagged"} for t in inventory.tables}
    assert read == {"base.csv": EXPECTED, "linked.csv": EXPECTED}
    (linked,) = [t for t in inventory.tables if t.table == "linked.csv"]
    assert linked.dataset == str(scanned / "again" / "linked.csv")  # the first link in path order reads it
    assert [(s.location.path, s.reason) for s in inventory.skipped] == [
        (str(scanned / "again" / "up"), f"a link to {scanned.resolve()}, a folder already read: not read again"),
        (str(scanned / "linkdir"), f"a link to {elsewhere.resolve()}, a folder already read: not read again"),
    ]
    assert inventory.skipped_count == 2


def test_what_is_not_a_file_is_named(tmp_path: Path) -> None:
    _people(tmp_path / "base.csv")
    os.mkfifo(tmp_path / "pipe.csv")  # reading it would wait for a writer
    (tmp_path / "zero.csv").symlink_to("/dev/zero")
    (tmp_path / "gone.csv").symlink_to(tmp_path / "nowhere.csv")
    inventory = _scan(tmp_path)
    assert [t.table for t in inventory.tables] == ["base.csv"]
    assert [(Path(s.location.path).name, s.reason) for s in inventory.skipped] == [
        ("gone.csv", "a link to nothing (its target is missing, or a loop): not read"),
        ("pipe.csv", "a FIFO (named pipe), not a file: not read"),
        ("zero.csv", "a link to a character device, not a file: not read"),
    ]
