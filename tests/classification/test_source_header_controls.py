"""A header whose names hold a control character (issue 15 review R15d-37): '姓名\\t\\x1b[31mred',
'身份证号\\n13812345678', '手机号\\r' made the header a data row (rows=41, fields column_N): the phone
number on the second line of a name is a value, so the row was not a header. A cell whose text
before a control character names a known column is judged as that name; the names stay as written
(and masked where shown)."""

from __future__ import annotations

from pathlib import Path

import pytest

from govsoc.classification.grading import load_scheme
from govsoc.classification.inventory import build_inventory
from govsoc.classification.sources import open_source
from tests.classification.test_sources import NAMES, PHONES, ids


@pytest.mark.parametrize("header", [
    ['姓名\t\x1b[31mred', '身份证号\n13812345678', '手机号\r'],  # R15d's hostile/evilhdr.csv
    ['姓名', '身份证号\n（18位）', '手机号'],                      # Alt+Enter before a note in the name
])
def test_a_header_with_control_characters_is_the_header(tmp_path: Path, header: list[str]) -> None:
    rows = [",".join(f'"{name}"' for name in header)]
    rows += [f"{NAMES[i % 8]},{n},{PHONES[i]}" for i, n in enumerate(ids(40))]
    (tmp_path / "h.csv").write_text("\r\n".join(rows) + "\r\n", encoding="utf-8")
    source = open_source(str(tmp_path / "h.csv"))
    inventory = build_inventory(source.tables(), source=source.name, scheme=load_scheme("gbt43697"), sample_size=1000)
    (table,) = inventory.tables
    assert table.rows == 40
    assert [f.recognizer for f in table.fields] == ["cn_person_name", "cn_resident_id", "cn_mobile"]
    assert "13812345678" not in str(inventory.to_dict())  # the number in a name is masked
