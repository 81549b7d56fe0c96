"""SQL BLOB values (issue 15 review R15-6): SQLite is typeless and legacy applications keep text
in BLOBs, GBK bytes too. A BLOB that is text is classified; one that is not (an image, a hash) is
counted and named per column, so the summary never says 0 skipped of values it left out."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

from govsoc.classification.grading import load_scheme
from govsoc.classification.inventory import build_inventory
from govsoc.classification.sources import open_source
from tests.classification.test_sources import EXPECTED, ROWS


def test_text_in_blobs_is_classified_and_binary_counted(tmp_path: Path) -> None:
    path = tmp_path / "legacy.db"
    db = sqlite3.connect(path)
    db.execute("create table people (xm blob, sfzh blob, sjhm blob, photo blob)")
    db.executemany("insert into people values (?, ?, ?, ?)",
                   [(name.encode("gbk"),                 # a GBK name: not UTF-8, GB18030 text
                     number.encode("utf-8"),             # an ID number as UTF-8 bytes
                     phone.encode("utf-8"),
                     b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + hashlib.sha256(number.encode()).digest())  # binary
                    for name, number, phone, _ in ROWS])
    db.commit()
    db.close()
    source = open_source(str(path))
    inventory = build_inventory(source.tables(), source=source.name, scheme=load_scheme("gbt43697"), sample_size=1000)
    tagged = {f.field: f.recognizer for t in inventory.tables for f in t.fields if f.status == "tagged"}
    assert tagged == EXPECTED
    (skip,) = inventory.skipped
    assert skip.location.field == "people.photo" and f"{len(ROWS)} of {len(ROWS)}" in skip.reason
    assert inventory.skipped_count == 1  # one column left out, whatever its rows (R15d-26)
