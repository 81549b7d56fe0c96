"""Places in file names shown as they are (R15i-8): a 街道 after its district was read as an address's
street (街 + 道) and masked whole (萧山区宁围街道.csv -> 萧山区****.csv: a folder of per-街道 rosters listed
as identical lines), and lakes, old towns and a prefecture written without its unit as names
(艾比湖 -> 艾**, 丽江古城 -> 丽江古**, 巴音郭楞 -> 巴**郭**); a person's name after any of them stays masked."""

from __future__ import annotations

from pathlib import Path

import pytest

from govsoc.classification.grading import load_scheme
from govsoc.classification.inventory import build_inventory
from govsoc.classification.recognizers.location import AddressRecognizer
from govsoc.classification.sources import open_source


@pytest.mark.parametrize("stem, shown", [
    # a 街道 after its district, the finding's files: sub-districts are places as 镇 and 乡 are
    ("萧山区宁围街道", "萧山区宁围街道"),
    ("柯城区信安街道", "柯城区信安街道"),
    ("西湖区蒋村街道", "西湖区蒋村街道"),
    ("拱墅区米市巷街道", "拱墅区米市巷街道"),
    # the 街道 named as its district is
    ("白云区白云街道", "白云区白云街道"),
    # its office and a list of its 社区: no address either
    ("柯城区花园街道办事处", "柯城区花园街道办事处"),
    ("柯城区荷花街道社区名单", "柯城区荷花街道社区名单"),
    # a lake, an old town (new in 1753270's names: 古城 after 丽江 read as a name), a prefecture
    ("艾比湖", "艾比湖"),
    ("丽江古城", "丽江古城"),
    ("巴音郭楞", "巴音郭楞"),
    # a person's name after any of those places is still masked
    ("柯城区府山街道王小明低保", "柯城区府山街道王**低保"),
    ("丽江古城王小明档案", "丽江古城王**档案"),
    ("巴音郭楞王小明", "巴音郭楞王**"),
    ("龙游县王小明低保申请", "龙游县王**低保申请"),
    # an address down to a house number in a file name is still masked by the address rule
    ("萧山区宁围街道8号", "萧山区****"),
])
def test_a_place_in_a_file_name_is_shown_as_it_is(tmp_path: Path, stem: str, shown: str) -> None:
    (tmp_path / f"{stem}.csv").write_text("序号,项目,金额\n1,办公用品,100\n", encoding="utf-8")
    source = open_source(str(tmp_path))
    inventory = build_inventory(source.tables(), source=source.name, scheme=load_scheme("gbt43697"), sample_size=1000)
    assert [Path(t.table).name for t in inventory.tables] == [f"{shown}.csv"]


@pytest.mark.parametrize("text, address", [
    # units down to the 街道 only: a place (GB/T 2260 乡级), as 萧山区宁围镇 is
    ("萧山区宁围街道", False),
    # a house number after it: an address
    ("萧山区宁围街道8号", True),
    # a 社区 and a building below it: an address
    ("西湖区蒋村街道文新社区3幢", True),
    # a street (街) and a number under a district: an address, as before
    ("朝阳区三里屯街12号", True),
])
def test_a_sub_district_is_no_street(text: str, address: bool) -> None:
    assert (AddressRecognizer().validate(text) is not None) == address
