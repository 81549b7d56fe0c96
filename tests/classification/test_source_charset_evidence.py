"""The charset of a delimited file without a BOM is decided on the evidence of its non-ASCII bytes,
not on its head (issue 15 review R15b-3, R15b-21, R15b-24): UTF-8 text with a stray byte before
its first Chinese row stays UTF-8, GBK text whose first Chinese character is also a valid UTF-8
pair (石 = CA AF) is GB18030, and a U+FFFD that valid UTF-8 holds is text, not a replaced byte."""

from __future__ import annotations

import codecs
import csv
import io
from pathlib import Path

import pytest
from faker import Faker
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from govsoc.classification.grading import load_scheme
from govsoc.classification.inventory import Inventory, build_inventory
from govsoc.classification.sources import open_source
from tests.classification.test_sources import EXPECTED, ROWS

#: over the 1 MiB head: ASCII rows, the Chinese cells empty (an export sorted by an empty column)
ASCII_HEAD = "".join(f",,,SKU-{n}-{'x' * 60}\r\n" for n in range(16_000))


def _inventory(target: Path) -> Inventory:
    source = open_source(str(target), sample=100_000)  # every row: the people are 40 of 16,000
    return build_inventory(source.tables(), source=source.name, scheme=load_scheme("gbt43697"), sample_size=100_000)


def _rows(rows: list[tuple[str, ...]]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    return out.getvalue()


def _tagged(inventory: Inventory) -> dict[str, str | None]:
    return {f.field: f.recognizer for t in inventory.tables for f in t.fields if f.status == "tagged"}


def test_a_stray_byte_before_the_first_utf8_chinese_row_is_counted_not_re_read(tmp_path: Path) -> None:
    # R15b-3: 1.2 MiB of ASCII, a cp1252 'é' on line 16,002, then the names: all UTF-8 but that byte
    head = "xm,sfzh,sjhm,sku\r\n" + ASCII_HEAD
    assert len(head.encode()) > 1 << 20
    data = head.encode() + "Jos\xe9,,,\r\n".encode("cp1252") + _rows(ROWS).encode("utf-8")
    (tmp_path / "p.csv").write_bytes(data)
    inventory = _inventory(tmp_path / "p.csv")
    assert _tagged(inventory) == EXPECTED  # not GB18030 mojibake of the UTF-8 names
    (skip,) = inventory.skipped
    assert skip.location.line == 16_002 and "1 of" in skip.reason and "utf-8" in skip.reason


@pytest.mark.parametrize("first", [
    "石",  # CA AF: a valid UTF-8 pair (U+02AF), R15b-21's first name
    "史",  # CA B7: another surname that is a valid UTF-8 pair (U+02B7)
    "施",  # CA A9
    "张",  # D5 C5: not UTF-8 at all (held before)
])
def test_a_gbk_file_is_gb18030_whatever_its_first_chinese_character(tmp_path: Path, first: str) -> None:
    # R15b-21: an ASCII head over 1 MiB, then GBK rows; the first Chinese character decides nothing
    rows = [(first + name[1:], *rest) for name, *rest in ROWS]
    text = "xm,sfzh,sjhm,sku\r\n" + ASCII_HEAD + _rows(rows)
    (tmp_path / "p.csv").write_bytes(text.encode("gbk"))
    inventory = _inventory(tmp_path / "p.csv")
    assert _tagged(inventory) == EXPECTED and inventory.skipped_count == 0
    assert inventory.tables[0].rows == 16_000 + len(ROWS)


def test_a_u_fffd_that_utf8_text_holds_is_text(tmp_path: Path) -> None:
    # R15b-24: names mangled by an earlier lossy conversion, saved as valid UTF-8
    rows = [("张\ufffd\ufffd" if i % 2 else name, *rest) for i, (name, *rest) in enumerate(ROWS)]
    (tmp_path / "p.csv").write_bytes(_rows([("xm", "sfzh", "sjhm", "sku"), *rows]).encode("utf-8"))
    inventory = _inventory(tmp_path / "p.csv")
    assert {k: v for k, v in _tagged(inventory).items() if k != "xm"} == {"sfzh": "cn_resident_id",
                                                                         "sjhm": "cn_mobile"}
    assert inventory.skipped_count == 0 and inventory.tables[0].rows == len(ROWS)


def _corpus(seed: int, rows: int = 3000) -> str:
    fake = Faker("zh_CN")
    fake.seed_instance(seed)
    return _rows([(fake.name(), fake.ssn(), fake.address().replace("\n", " ")) for _ in range(rows)])


@pytest.mark.parametrize("seed", [15, 16, 17])
def test_evidence_tells_utf8_from_gbk_on_generated_names_and_addresses(tmp_path: Path, seed: int) -> None:
    # the evaluation's Faker zh_CN people, each file after an ASCII head; UTF-8 with a stray byte
    # every 500 rows stays UTF-8, GB18030 with a stray byte stays GB18030
    from govsoc.classification.sources.charset import evidence  # here: the old module had none

    text = _corpus(seed)
    lines = text.split("\r\n")
    for charset, encoded in (("utf-8", [line.encode("utf-8") for line in lines]),
                             ("gb18030", [line.encode("gb18030") for line in lines])):
        for k in range(0, len(encoded), 500):
            encoded[k] += b"\xff"
        path = tmp_path / f"{charset}.csv"
        path.write_bytes(ASCII_HEAD.encode() + b"\r\n".join(encoded))
        found = evidence(path)
        assert found.charset() == charset, found


def test_a_big5_file_is_read_as_big5(tmp_path: Path) -> None:
    # R15b-4: Big5 bytes are nearly all valid GB18030, read as Chinese of rare characters, silently
    fake = Faker("zh_TW")
    fake.seed_instance(15)
    rows = [("xm", "sfzh", "dz"), *((fake.name(), sfzh, fake.address()) for (_, sfzh, _, _) in ROWS)]
    (tmp_path / "p.csv").write_bytes(_rows(rows).encode("big5hkscs"))
    (table,) = open_source(str(tmp_path / "p.csv")).tables()
    assert [c.field for c in table.columns] == ["xm", "sfzh", "dz"] and table.skipped_count == 0
    assert sorted(table.columns[0].values) == sorted(name for name, _, _ in rows[1:])  # not GB18030 mojibake


def test_a_gb18030_reading_of_rare_characters_is_doubted_aloud(tmp_path: Path) -> None:
    # R15b-4: text that is neither (Big5 leaves as many bytes undecodable) is read as GB18030 and
    # the doubt is listed with the file, not kept silent
    rows = [("姓名", "身份证号"), *((name, sfzh) for (name, sfzh, _, _) in ROWS)]
    # GB18030's two-byte characters outside GB 2312 (lead 81-A0): none of them Big5 either
    odd = bytes(b for i in range(40) for b in (0x81 + i, 0x40 + i))
    data = _rows(rows).encode("gb18030") + b"," .join(odd[k:k + 8] for k in range(0, len(odd), 8)) + b"\r\n"
    (tmp_path / "p.csv").write_bytes(odd + b",x\r\n" + data)
    inventory = _inventory(tmp_path / "p.csv")
    assert any("outside GB 2312" in s.reason and s.location.line is None for s in inventory.skipped)


@pytest.mark.parametrize("data", [
    # R15b-5: a tool that "converts to UTF-8" by prepending the BOM to a GBK body
    lambda text: codecs.BOM_UTF8 + text.encode("gbk"),
    # UTF-16 without a BOM (every ASCII character's other byte NUL), either byte order; R15-9's
    # refusal of it as "not text" was a charset not tried
    lambda text: text.encode("utf-16-le"),
    lambda text: text.encode("utf-16-be"),
])
def test_a_body_in_another_charset_than_its_bom_or_no_bom_says_is_read(tmp_path: Path, data: object) -> None:
    text = _rows([("xm", "sfzh", "sjhm", "sku"), *ROWS])
    (tmp_path / "p.csv").write_bytes(data(text))  # type: ignore[operator]
    (table,) = open_source(str(tmp_path / "p.csv")).tables()
    assert [c.field for c in table.columns] == ["xm", "sfzh", "sjhm", "sku"]  # the BOM is not read as 锘
    assert table.skipped_count == 0 and table.rows == len(ROWS)
    assert _tagged(_inventory(tmp_path / "p.csv")) == EXPECTED


@pytest.mark.parametrize("tail, charset", [
    ("", "utf-8"),                       # one stray byte among ASCII: nothing says GBK
    ("张三,李四,王五\r\n", "utf-8"),      # five UTF-8 characters after it: too few for the margin alone
    ("张三,李四,王五\r\n", "gb18030"),    # the same in GBK: UTF-8 leaves more bytes undecodable
])
def test_little_evidence_goes_to_the_reading_with_fewer_bad_bytes(tmp_path: Path, tail: str, charset: str) -> None:
    from govsoc.classification.sources.charset import evidence

    path = tmp_path / "p.csv"
    path.write_bytes(ASCII_HEAD.encode() + b"Jos\xe9,1\r\n" + tail.encode("gbk" if charset == "gb18030" else "utf-8"))
    assert evidence(path).charset() == charset


def test_a_cp1252_cell_before_utf8_rows_is_one_bad_line_not_the_file(tmp_path: Path) -> None:
    # R15b-3's variant: a 1 MB note in cp1252 heads a UTF-8 file of 3,000 people with addresses. Its
    # bytes are far over 1 % of the file, but on one line of 3,002; the UTF-8 Chinese after it is
    # far over what GBK forms by chance
    note = "Résumé of the applicant, see the attached café receipt. " * 18_000
    rows = [(name, sfzh, sjhm, f"浙江省杭州市西湖区文三路{i}号") for i in range(75) for name, sfzh, sjhm, _ in ROWS]
    data = (b"xm,sfzh,sjhm,dz\r\n" + f',,,"{note}"\r\n'.encode("cp1252") + _rows(rows).encode("utf-8"))
    (tmp_path / "p.csv").write_bytes(data)
    inventory = _inventory(tmp_path / "p.csv")
    assert EXPECTED.items() <= _tagged(inventory).items() and inventory.tables[0].rows == 1 + len(rows)
    replaced = [s for s in inventory.skipped if "U+FFFD" in s.reason]
    assert [(s.location.line, "utf-8" in s.reason, "on 1 of 3,002 lines" in s.reason) for s in replaced] == [
        (2, True, True)]


def test_a_reading_left_early_does_not_stop_the_next_one_counting(tmp_path: Path) -> None:
    # a reading that ends early (an unclosed quote) frees its generator later: its end must not
    # stop the next file's replacements being counted (they decide refusal)
    from govsoc.classification.sources.charset import COUNTED, Tally, open_text, tallied

    (tmp_path / "a.csv").write_text("a\nb\n", encoding="utf-8")
    (tmp_path / "b.csv").write_bytes(b"x\n" * 10_000 + b"\xff\xfe\n" * 10)
    tally = Tally()
    with open_text(tmp_path / "a.csv", "utf-8", COUNTED) as a, open_text(tmp_path / "b.csv", "utf-8", COUNTED) as b:
        first = tallied(a, Tally())
        next(first)
        second = tallied(b, tally)
        next(second)
        first.close()
        for _ in second:
            pass
    assert tally.replaced == 20 and tally.first_bad == 10_001


def test_the_charset_is_named_as_people_know_it(tmp_path: Path) -> None:
    # "read as utf-8-sig" named Python's codec that strips a BOM, not the charset
    (tmp_path / "p.csv").write_bytes(_rows([("xm", "sfzh", "sjhm", "sku"), *ROWS]).encode() + b"\xff\r\n")
    (table,) = open_source(str(tmp_path / "p.csv")).tables()
    (skip,) = table.skipped
    assert "read as utf-8 are undecodable" in skip.reason


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=3000), prefix=st.sampled_from([b"", codecs.BOM_UTF8, codecs.BOM_UTF16_LE,
                                                              "姓名;身份证号\n".encode("gbk")]))
def test_any_bytes_are_read_or_refused_by_name(tmp_path: Path, data: bytes, prefix: bytes) -> None:
    # the charset and delimiter choice never fails otherwise than with ConfigError naming the file
    from govsoc.core.errors import ConfigError

    (tmp_path / "p.csv").write_bytes(prefix + data)
    try:
        list(open_source(str(tmp_path / "p.csv")).tables())
    except ConfigError as e:
        assert e.location is not None and e.location.path == str(tmp_path / "p.csv")
