"""`govsoc classify`: the inventory JSON, masked listing, errors as one line (no secrets)."""

from __future__ import annotations

import csv
import json
import random
import re
from pathlib import Path

import pytest

from govsoc.classification.checksums import resident_id_check_char
from tests.cli.conftest import Run


def _people(path: Path) -> list[str]:
    bodies = [f"1101051970{(i % 12) + 1:02d}{(i % 28) + 1:02d}{i:03d}" for i in range(30)]
    numbers = [b + resident_id_check_char(b) for b in bodies]
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["xm", "sfzh", "yhkh", "bz"])
        for i, number in enumerate(numbers):
            writer.writerow([["张伟", "王芳", "李娜"][i % 3], number, "6222021234567890128", "正常"])
    return numbers


def test_classify_writes_the_inventory_and_lists_masked_values(govsoc: Run, tmp_path: Path) -> None:
    numbers = _people(tmp_path / "people.csv")
    out = tmp_path / "inv.json"
    code, stdout, stderr = govsoc("classify", str(tmp_path / "people.csv"), "-o", str(out), "--scheme", "zhejiang")
    assert code == 0, stderr
    inventory = json.loads(out.read_text(encoding="utf-8"))
    (table,) = inventory["tables"]
    fields = {f["field"]: f for f in table["fields"]}
    assert fields["sfzh"]["recognizer"] == "cn_resident_id" and fields["sfzh"]["level_label"] == "L4 敏感数据"
    assert fields["yhkh"]["recognizer"] == "cn_bank_card" and fields["yhkh"]["pipl_sensitive"]
    assert fields["bz"]["status"] == "none"
    assert (fields["sfzh"]["mask_rule"], fields["sfzh"]["review"]) == ("id_card", "auto")
    assert table["level"] == "G4" and inventory["scheme"]["name"] == "zhejiang"
    # no raw value anywhere: not in the listing, not in the JSON
    text = stdout + out.read_text(encoding="utf-8")
    assert not any(n in text for n in numbers) and "6222021234567890128" not in text
    assert "110105********" in stdout and "6222 **** **** 0128" in stdout


@pytest.mark.parametrize("dsn", ["postgresql://u:hunter2@127.0.0.1:1/db",
                                 # R15g-20: the query's password was accepted (and digested into the keys)
                                 "postgresql://u@/db?host=/tmp&port=1&password=hunter2",
                                 "postgresql://u@127.0.0.1:1/db?sslpassword=hunter2",
                                 "mysql://u@127.0.0.1:1/db?passwd=hunter2", "mysql://u@127.0.0.1:1/db?PASSWORD=hunter2"])
def test_classify_refuses_a_password_in_the_dsn(govsoc: Run, dsn: str) -> None:
    code, stdout, stderr = govsoc("classify", dsn)
    assert code == 2 and "GOVSOC_DB_PASSWORD" in stderr and "hunter2" not in stderr + stdout


def test_classify_unknown_scheme_names_the_built_ins(govsoc: Run, tmp_path: Path) -> None:
    _people(tmp_path / "p.csv")
    code, _, stderr = govsoc("classify", str(tmp_path / "p.csv"), "--scheme", "nowhere")
    assert code == 2 and "gbt43697" in stderr and "zhejiang" in stderr


def test_classify_a_folder_past_an_oversized_cell(govsoc: Run, tmp_path: Path) -> None:
    folder = tmp_path / "exports"
    folder.mkdir()
    numbers = _people(folder / "b.csv")
    with (folder / "a.csv").open("w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows([["id", "attachment"], ["1", "QUJD" * 40_000], ["2", "x"]])
    out = tmp_path / "inv.json"
    code, stdout, stderr = govsoc("classify", str(folder), "-o", str(out))
    assert code == 0, stderr
    assert f"skipped {folder / 'a.csv'}:2:2 attachment: cell of 160,000 characters" in stderr
    inventory = json.loads(out.read_text(encoding="utf-8"))
    assert inventory["summary"]["skipped"] == 1 and "1 skipped" in stdout
    (b,) = [t for t in inventory["tables"] if t["table"] == "b.csv"]
    assert {f["field"]: f["recognizer"] for f in b["fields"]}["sfzh"] == "cn_resident_id"
    assert not any(n in stdout + stderr for n in numbers)


def test_classify_shows_control_characters_in_names_never_sends_them(govsoc: Run, tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    numbers = _people(tmp_path / "p.csv")
    hostile = ["\x1b[2J\x1b]0;owned\x07sfzh", "sfzh\tfake\nline", "[bold red]sfzh[/bold red]", "\x9bsfzh"]
    with (folder / "\x1b[31mred.csv").open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(hostile)
        writer.writerows([n] * len(hostile) for n in numbers)
    (folder / "\x1b[1mbad.xlsx").write_bytes(b"not a workbook")  # reported on stderr
    code, stdout, stderr = govsoc("classify", str(folder), "-o", str(tmp_path / "inv.json"))
    assert code == 0, stderr
    for text in (stdout, stderr):
        assert not any(c in text for c in "\x1b\x07\x9b")
    assert "\\x1b[31mred.csv" in stdout and "\\x1b[1mbad.xlsx" in stderr
    lines = stdout.splitlines()
    assert "  \\x1b[2J\\x1b]0;owned\\x07sfzh\t" in stdout and "  sfzh\\tfake\\nline\t" in stdout
    assert "  [bold red]sfzh[/bold red]\t" in stdout  # no markup is interpreted: printed as written
    assert sum(1 for line in lines if line.startswith("  ")) == len(hostile)  # one line per field, no more
    code, _, stderr = govsoc("classify", str(tmp_path / "\x1b[2Jnowhere"))
    assert code == 2 and "\x1b" not in stderr and "\\x1b[2Jnowhere" in stderr


def test_classify_saves_the_inventory_where_reports_read_it(govsoc: Run, tmp_path: Path, home: Path) -> None:
    from govsoc.classification.inventory import RESULTS_SUBDIR, load_inventories

    _people(tmp_path / "people.csv")
    code, stdout, stderr = govsoc("classify", str(tmp_path / "people.csv"))
    assert code == 0, stderr
    (saved,) = (home / RESULTS_SUBDIR).glob("*.json")
    assert str(saved) in stdout
    (inventory,) = load_inventories(home / RESULTS_SUBDIR)
    assert inventory["source"] == str(tmp_path / "people.csv") and inventory["summary"]["tagged"] == 3  # xm, sfzh, yhkh


def test_a_folder_typed_two_ways_is_one_saved_source(govsoc: Run, tmp_path: Path, home: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    from govsoc.classification.inventory import RESULTS_SUBDIR

    (tmp_path / "exports").mkdir()
    _people(tmp_path / "exports" / "people.csv")
    monkeypatch.chdir(tmp_path)
    assert govsoc("classify", "exports")[0] == 0
    assert govsoc("classify", str(tmp_path / "exports"))[0] == 0  # the newest run replaces the first
    (saved,) = (home / RESULTS_SUBDIR).iterdir()
    assert json.loads(saved.read_text(encoding="utf-8"))["source"] == str(tmp_path / "exports")


@pytest.mark.parametrize("sample", [1000, 2500, 4000])
def test_classify_judges_as_many_values_as_sample_says(govsoc: Run, tmp_path: Path, sample: int) -> None:
    # R15b-26: --sample over 1000 was taken for rows and then silently cut to 1,000 values a column
    bodies = [f"1101051970{(i % 12) + 1:02d}{(i % 28) + 1:02d}{i % 1000:03d}" for i in range(4000)]
    with (tmp_path / "big.csv").open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["sfzh", "bz"])
        writer.writerows([b + resident_id_check_char(b), "正常"] for b in bodies)
    out = tmp_path / "inv.json"
    code, _, stderr = govsoc("classify", str(tmp_path / "big.csv"), "--sample", str(sample), "-o", str(out))
    assert code == 0, stderr
    inventory = json.loads(out.read_text(encoding="utf-8"))
    fields = {f["field"]: f for f in inventory["tables"][0]["fields"]}
    assert inventory["sample_size"] == sample and fields["sfzh"]["sampled"] == sample


def test_classify_help_says_what_sample_bounds(govsoc: Run) -> None:
    code, stdout, _ = govsoc("classify", "--help")
    assert code == 0 and "100,000" in stdout and "values judged per column" in stdout


def test_a_suspected_order_number_column_lists_masked_examples(govsoc: Run, tmp_path: Path) -> None:
    # R15at-9: 11-digit order numbers under 单号 were tagged 手机号; now suspected, and the reviewer sees masked
    # examples in the listing and the inventory as for a tagged column (RRR15ay-3: an empty examples column)
    rng = random.Random(15)
    orders = ["1" + rng.choice("3578") + "".join(rng.choice("0123456789") for _ in range(9)) for _ in range(300)]
    with (tmp_path / "orders.csv").open("w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows([["单号", "bz"], *([o, "正常"] for o in orders)])
    out = tmp_path / "inv.json"
    code, stdout, stderr = govsoc("classify", str(tmp_path / "orders.csv"), "-o", str(out))
    assert code == 0, stderr
    (field,) = json.loads(out.read_text(encoding="utf-8"))["tables"][0]["fields"][:1]
    assert (field["field"], field["status"], field["recognizer"]) == ("单号", "suspected", "cn_mobile")
    assert len(field["masked_examples"]) == 3 and all(re.fullmatch(r"1\d\d\*{4}\d{4}", e)
                                                      for e in field["masked_examples"])
    (row,) = [line for line in stdout.splitlines() if line.startswith("  单号\t")]
    assert row.split("\t")[1] == "suspected" and row.split("\t")[-1] == " ".join(field["masked_examples"])
    assert not any(o in stdout + out.read_text(encoding="utf-8") for o in orders)
