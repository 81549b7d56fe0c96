"""Personal data that reached the inventory by another way than a value (issue 15 review R15d-2,
-3, -4): a person's name heading a column (a 登记表 or a transposed table read as a table), a
database column's comment holding an example ID number and phone, and a file named 张三_<ID>.csv,
masked in "dataset" but raw in "source" and in the saved result's file name. Every output is
grepped: the listing (stdout, stderr), the -o file, the saved result and its file name, and the
compliance report in HTML, JSON and Markdown."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from govsoc.classification.checksums import luhn_ok, resident_id_check_char
from govsoc.cli import main
from tests.classification.conftest import postgres_table

NAMES = [a + b + c for a, b, c in zip("黄林马郭罗徐孙杨何赵" * 3, "伟杰芳勇明军娟超艳平" * 3,
                                      "芳桂强霞秀兰磊涛刚敏" * 2 + "华英国红建文玉海春松", strict=True)]
BODIES = [f"1101051965{(i % 12) + 1:02d}{(i % 28) + 1:02d}{i:03d}" for i in range(len(NAMES))]
IDS = [b + resident_id_check_char(b) for b in BODIES]
MOBILES = [f"1391234{i:04d}" for i in range(len(NAMES))]
CARDS = [next(f"622848{i:012d}{d}" for d in "0123456789" if luhn_ok(f"622848{i:012d}{d}")) for i in range(len(NAMES))]


def _everything(tmp_path: Path, capsys: pytest.CaptureFixture[str], target: str) -> str:
    """All that `govsoc classify TARGET -o` and a compliance report over its result show, file names included."""
    home = tmp_path / "home"
    output = tmp_path / "out.json"
    code = main(["classify", target, "-o", str(output)])
    out, err = capsys.readouterr()
    assert code == 0, err
    now = datetime.now(UTC).replace(microsecond=0)
    code = main(["report", "compliance", "--from", (now - timedelta(days=1)).isoformat(),
                 "--to", (now + timedelta(days=1)).isoformat(), "--unsigned",
                 "--format", "html", "--format", "json", "--format", "md"])
    reports, report_err = capsys.readouterr()
    assert code == 0, report_err
    texts = [out, err, output.read_text(encoding="utf-8"), report_err]
    texts += [f"{p.name}\n{p.read_text(encoding='utf-8')}" for p in sorted(home.rglob("*.json"))]
    texts += [Path(p).read_text(encoding="utf-8") for p in reports.split()]
    assert len(texts) >= 8  # the saved result and three reports were read
    return "\n".join(texts)


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("GOVSOC_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("GOVSOC_CONFIG", "")
    return tmp_path / "home"


def test_a_form_read_as_a_table_shows_no_name_from_its_header(tmp_path: Path, home: Path,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    # R15d-2: 个人信息登记表 in blocks; the first block's 姓名,<name>,性别,男 was taken for the header
    # and 黄伟芳 printed as a field name in the listing, the inventory and the report
    lines = ["个人信息登记表,,,"]
    for name, number, mobile, card in zip(NAMES, IDS, MOBILES, CARDS, strict=True):
        lines += [f"姓名,{name},性别,男", f"身份证号,{number},联系电话,{mobile}",
                  f"家庭住址,北京市东城区景山街道{len(lines)}号,银行卡号,{card}", ",,,"]
    (tmp_path / "form.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    text = _everything(tmp_path, capsys, str(tmp_path / "form.csv"))
    assert NAMES[0] not in text and NAMES[0][0] + "**" in text
    assert not any(v in text for v in IDS + MOBILES + CARDS)


def test_a_transposed_table_shows_no_name_from_its_first_row(tmp_path: Path, home: Path,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    # R15d-2: a 横向表, row 1 姓名,<30 names>: 30 fields named by the people's full names
    rows = [["姓名", *NAMES], ["身份证号", *IDS], ["手机号", *MOBILES], ["银行卡号", *CARDS]]
    (tmp_path / "transposed.csv").write_text("\n".join(",".join(r) for r in rows) + "\n", encoding="utf-8")
    text = _everything(tmp_path, capsys, str(tmp_path / "transposed.csv"))
    assert not [name for name in NAMES if name in text]
    assert not any(v in text for v in IDS + MOBILES + CARDS)


@pytest.mark.parametrize("rows", [len(NAMES), 0])
def test_headings_beside_a_column_of_names_stay_as_they_are(tmp_path: Path, home: Path,
                                                            capsys: pytest.CaptureFixture[str], rows: int) -> None:
    # the other side: 姓名 over a column of names (or over nothing: a template) is a real header;
    # 关系, 国籍 and 原因 are read by the person-name recognizer as names (关, 国, 原 are surnames)
    # once context is given, so a context taken from the row alone would mask every heading after 姓名
    lines = ["姓名,关系,国籍,原因"] + [f"{name},配偶,中国,迁入" for name in NAMES[:rows]]
    (tmp_path / "family.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    text = _everything(tmp_path, capsys, str(tmp_path / "family.csv"))
    assert all(f'"field": "{h}"' in text for h in ("姓名", "关系", "国籍", "原因"))


def test_a_file_named_by_its_person_is_masked_in_source_and_result_name(tmp_path: Path, home: Path,
                                                                         capsys: pytest.CaptureFixture[str]) -> None:
    # R15d-4: "source" and the saved result's file name held 张三_<ID>.csv in clear
    path = tmp_path / f"张三_{IDS[0]}.csv"
    path.write_text("sjhm\n" + "\n".join(MOBILES) + "\n", encoding="utf-8")
    text = _everything(tmp_path, capsys, str(path))
    assert IDS[0] not in text and "张三" not in text
    assert f"张**_{IDS[0][:6]}********{IDS[0][-4:]}.csv" in text


def test_postgresql_column_comments_are_masked(tmp_path: Path, home: Path, postgres: dict[str, str],
                                               capsys: pytest.CaptureFixture[str],
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    # R15d-3: comments with an example value went raw into the inventory
    monkeypatch.setenv("GOVSOC_DB_PASSWORD", postgres["password"])
    comments = {"sfzh": f"公民身份号码，如 {IDS[1]}（张三）", "xm": f"姓名 例：王小明 {MOBILES[1]}"}
    with postgres_table(postgres, ("xm", "sfzh", "sjh"), list(zip(NAMES, IDS, MOBILES, strict=True)), comments):
        shown = _everything(tmp_path, capsys, postgres["url"])
    assert "公民身份号码，如" in shown  # the comment is there, masked
    for raw in (IDS[1], "张三", "王小明", MOBILES[1], *NAMES, *IDS, *MOBILES):
        assert raw not in shown, raw


def test_a_name_glued_to_a_phone_in_a_heading_is_masked(tmp_path: Path, home: Path,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    # R15d-2: a column named 李四13812345678 over phones was shown 李四138****5678: the column's own
    # masking hid the phone, so the free-text masker no longer saw the name beside it
    with sqlite3.connect(tmp_path / "people.sqlite") as db:
        db.execute(f'create table rk (xm text, "李四{MOBILES[0]}" text)')
        db.executemany("insert into rk values (?, ?)", zip(NAMES, MOBILES, strict=True))
    db.close()
    text = _everything(tmp_path, capsys, str(tmp_path / "people.sqlite"))
    assert "李四" not in text and f"李**{MOBILES[0][:3]}****{MOBILES[0][-4:]}" in text
