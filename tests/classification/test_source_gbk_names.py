"""File and folder names written in GBK (review R15n-9): a Windows share or an unzipped archive names
王小明身份证.csv by its GBK bytes, which reach Python surrogateescape'd. The inventory saved them as
\\xNN escapes that decode to the name: the person was neither recognised nor masked, in the listing,
the JSON inventory or the report, and the auditor read escapes. Each such part of a path is now read
as GB18030 when its bytes decode cleanly (the lead's decision), masked as any name in a path is
(王**身份证.csv, by the masking module's name rule), and keyed by its own bytes, so that a GBK name and
a UTF-8 name that read alike stay two files; a name that is no GB18030 keeps its escapes."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from govsoc.classification.inventory import RESULTS_SUBDIR, load_inventories
from govsoc.classification.sources.base import decoded_name
from govsoc.cli import main
from tests.classification.test_sources import PHONES, ids

#: the persons named in the file names below: none may be shown in clear
NAMES = ("王小明", "李秀英", "张三丰", "欧阳娜")
#: an escape of a byte, as the listing, JSON (\\) or Markdown (\\\\) writes it
ESCAPE = re.compile(r"\\+x[0-9a-f]{2}")


def gbk(text: str) -> str:
    """What a name whose bytes are GBK is to Python (os.listdir): surrogateescape'd bytes."""
    return os.fsdecode(text.encode("gbk"))


@pytest.mark.parametrize(("name", "shown"), [
    # common characters: both bytes above 0x80 (some pairs happen to be UTF-8: 小 is D0 A1, С)
    (gbk("王小明身份证.csv"), "王小明身份证.csv"),
    # GBK's extension area, a second byte in ASCII (赟 DA 53, 玥 AB 68): one part, read whole
    (gbk("李赟玥.csv"), "李赟玥.csv"),
    # a GB18030 four-byte character (digits as its second and fourth bytes)
    (os.fsdecode("㐀家.csv".encode("gb18030")), "㐀家.csv"),
    # a path: each part alone, a UTF-8 part left as it is
    (f"/share/户籍科/{gbk('张三丰档案')}/phones.csv", "/share/户籍科/张三丰档案/phones.csv"),
    # a workbook's sheet (Unicode in the file) after its GBK file name: the sheet is not read as GB18030
    (f"{gbk('李秀英')}.xlsx:孙芳军", "李秀英.xlsx:孙芳军"),
    (f"sqlite:////share/{gbk('欧阳娜')}.db", "sqlite:////share/欧阳娜.db"),
    # bytes that are no GB18030: escaped as before (Latin-1 café, a lone lead byte, 0x80, 0xFF)
    (os.fsdecode(b"caf\xe9.csv"), r"caf\xe9.csv"),
    (os.fsdecode(b"a\x80b.csv"), r"a\x80b.csv"),
    (os.fsdecode(b"\xff.csv"), r"\xff.csv"),
    # GBK's user-defined (private use) area: no text, escaped
    (os.fsdecode(b"\xaa\xa1.csv"), r"\xaa\xa1.csv"),
    # a GB18030 four-byte sequence for a control character (U+0080): escaped
    (os.fsdecode(b"\x81\x30\x81\x30.csv"), r"\x810\x810.csv"),
    # UTF-8 names as they are
    ("王小明身份证.csv", "王小明身份证.csv"),
    # UTF-8 parts of two characters that GB18030 would also read (R15w-1: 王芳 -> 鐜嬭姵, 共享 garbled,
    # names shown unmasked): each UTF-8 part left as it is, whatever a GBK part beside it
    (f"/share/共享/王芳/{gbk('张三')}.csv", "/share/共享/王芳/张三.csv"),
    (f"{gbk('名单')}.xlsx:王芳", "名单.xlsx:王芳"),
    (f"/data/张伟/{gbk('李娜')}.csv", "/data/张伟/李娜.csv"),
    # a line separator is no text of a name (R15w-4): escaped
    (os.fsdecode("a\u2028b".encode("gb18030")) + ".csv", r"a\x816\xa65b.csv"),
])
def test_a_name_part_that_is_not_utf8_is_read_as_gb18030(name: str, shown: str) -> None:
    assert decoded_name(name) == shown


def _share(top: Path) -> Path:
    """A share as a Windows machine left it: a CSV, a workbook and a folder named in GBK."""
    (top / gbk("张三丰档案")).mkdir(parents=True)
    (top / gbk("王小明身份证.csv")).write_text("sfzh\n" + "\n".join(ids(40)) + "\n", encoding="utf-8")
    (top / gbk("张三丰档案") / "phones.csv").write_text("sjhm\n" + "\n".join(PHONES) + "\n", encoding="utf-8")
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["sfzh"])
    for number in ids(40):
        sheet.append([number])
    book.save(top / gbk("李秀英.xlsx"))
    (top / gbk("欧阳娜") / "x").mkdir(parents=True)  # an empty folder named in GBK: nothing to list
    return top


def _classify(target: Path, home: Path, capsys: pytest.CaptureFixture[str],
              output: Path | None = None) -> tuple[str, str]:
    code = main(["classify", str(target), *(["-o", str(output)] if output else [])])
    out, err = capsys.readouterr()
    assert code == 0, err
    return out, err


def _clear(text: str) -> list[str]:
    """What ``text`` shows that it must not: a person's name in clear, an escaped byte, a surrogate."""
    return [n for n in NAMES if n in text] + ESCAPE.findall(text) + re.findall("[\udc80-\udcff]", text)


def test_gbk_file_names_are_masked_in_the_listing_the_inventory_and_the_report(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    home = tmp_path / "home"
    monkeypatch.setenv("GOVSOC_HOME", str(home))
    top = _share(tmp_path / "share")
    out, err = _classify(top, home, capsys, tmp_path / "out.json")
    assert "王**身份证.csv  rows=40" in out and "李**.xlsx:Sheet  rows=40" in out and "phones.csv  rows=40" in out
    assert "3 tables, 3 fields: 3 tagged, 0 suspected, 0 skipped" in out  # nothing left out: notes only
    assert _clear(out) == [] and _clear(err) == []
    assert err.count("govsoc: note") == 2 and "read as GB18030" in err
    saved = (tmp_path / "out.json").read_text(encoding="utf-8")
    (stored,) = load_inventories(home / RESULTS_SUBDIR)
    for text in (saved, json.dumps(stored, ensure_ascii=False)):
        assert _clear(text) == []
    tables = sorted(t["dataset"].removeprefix(str(top)) for t in json.loads(saved)["tables"])
    assert tables == ["/张**档案/phones.csv", "/李**.xlsx", "/王**身份证.csv"]
    reports = tmp_path / "reports"
    code = main(["report", "compliance", "--unsigned", "--format", "html", "--format", "md", "--folder",
                 str(reports)])
    out, err = capsys.readouterr()
    assert code == 0, err
    for path in sorted(reports.iterdir()):
        text = path.read_text(encoding="utf-8")
        assert "王**身份证.csv" in text.replace("\\*", "*") and "李**.xlsx" in text.replace("\\*", "*"), path
        assert _clear(text) == [], path


def _keys(inventory: dict[str, Any]) -> tuple[str, list[str]]:
    return inventory["source_keys"][0], [t["dataset_keys"][0] for t in inventory["tables"]]


def test_a_gbk_name_and_a_utf8_name_that_read_alike_are_two_files(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    home = tmp_path / "home"
    monkeypatch.setenv("GOVSOC_HOME", str(home))
    top = tmp_path / "share"
    top.mkdir()
    twins = [top / gbk("王小明身份证.csv"), top / "王小明身份证.csv"]
    for twin, numbers in zip(twins, (ids(40), ids(80)[40:]), strict=True):
        twin.write_text("sfzh\n" + "\n".join(numbers) + "\n", encoding="utf-8")
    out, _ = _classify(top, home, capsys, tmp_path / "folder.json")
    assert out.count("王**身份证.csv  rows=40") == 2
    folder = json.loads((tmp_path / "folder.json").read_text(encoding="utf-8"))
    _, datasets = _keys(folder)
    assert len(set(datasets)) == 2
    # each scanned alone: two sources, two saved results, neither replacing the other
    sources = []
    for i, twin in enumerate(twins):
        _classify(twin, home, capsys, tmp_path / f"{i}.json")
        alone = json.loads((tmp_path / f"{i}.json").read_text(encoding="utf-8"))
        assert alone["source"] == f"{top}/王**身份证.csv"
        sources.append(_keys(alone)[0])
    assert len(set(sources)) == 2 and set(sources) == set(datasets)
    # saved under their keys: the folder's result and one for each file, none overwritten
    assert len(list((home / RESULTS_SUBDIR).rglob("*.json"))) == 3


def test_a_name_that_is_no_gb18030_keeps_its_escapes_and_is_counted(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("GOVSOC_HOME", str(tmp_path / "home"))
    top = tmp_path / "share"
    top.mkdir()
    (top / os.fsdecode(b"caf\xe9.csv")).write_text("sjhm\n" + "\n".join(PHONES) + "\n", encoding="utf-8")
    out, err = _classify(top, tmp_path / "home", capsys)
    assert r"caf\xe9.csv  rows=40" in out and "1 tables, 1 fields: 1 tagged, 0 suspected, 1 skipped" in out
    assert r"govsoc: skipped " in err and r"caf\xe9.csv: name is not UTF-8" in err
