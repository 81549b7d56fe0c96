"""RawRecord.event_id is make_id(source key, offset, record digest[, index]) spelt out (it runs
for every event): the ids of stored events must never change between versions."""

from __future__ import annotations

import pytest

from govsoc.collectors.base import GbkRecord, RawRecord, Utf8Record, record_digest
from govsoc.core.event import make_id

DATA = "Dec 10 06:55:46 LabSZ sshd[1]: Failed password for 用户 from 10.20.1.7 port 1 ssh2".encode()


@pytest.mark.parametrize(("identity", "offset", "index"), [
    ("0f" * 16, 0, 0),  # a file's first line, its only event
    ("0f" * 16, 123_456_789, 2),  # the third event of a record deep in a file
    (None, 7, 0),  # no source identity: the origin stands for it
    (None, 7, 1),
])
def test_event_id_is_make_id_of_key_offset_and_digest(identity: str | None, offset: int, index: int) -> None:
    record = RawRecord(data=DATA, origin="udp://10.0.0.1:514", offset=offset, identity=identity)
    key = identity if identity is not None else record.origin
    parts: tuple[object, ...] = (key, offset, record_digest(DATA), *((index,) if index else ()))
    assert record.event_id(index) == make_id(*parts)


def test_the_partial_copy_of_a_line_has_its_own_id() -> None:
    # V12 F10: an unterminated last line (flagged partial) and the same bytes completed by their
    # newline are two events: the completed one replaces the copy, it is not its duplicate.
    whole = RawRecord(data=DATA, origin="file:///a.log", offset=0, identity="i")
    cut = RawRecord(data=DATA, origin="file:///a.log", offset=0, identity="i", flags=("partial",))
    assert cut.event_id() == make_id("i", 0, record_digest(DATA), "partial") != whole.event_id()
    assert cut.event_id(1) == make_id("i", 0, record_digest(DATA), 1, "partial")


@pytest.mark.parametrize("record_type", [RawRecord, Utf8Record, GbkRecord])
@pytest.mark.parametrize(("data", "text"), [
    # the GBK line after a BOM: its D kept (decoded whole as GB18030: 锘緿ec), the BOM dropped
    (b"\xef\xbb\xbf" + "Dec 10 user 张三".encode("gbk"), "Dec 10 user 张三"),
    # a UTF-8 line after a BOM (RawRecord's own UTF-8 path, not decode_message)
    (b"\xef\xbb\xbf<187>Dec 10 2024 06:55:00 HW", "<187>Dec 10 2024 06:55:00 HW"),
    # a U+FEFF inside the line is data
    ("a\ufeffb 张三".encode(), "a\ufeffb 张三"),
    # GB18030 text opening with 锘可 (EF BB BF C9): no BOM, the rest would be cut mid-character (R11ak-1)
    ("锘可疑登录 Dec 10 用户张三".encode("gbk"), "锘可疑登录 Dec 10 用户张三"),
])
def test_record_text_drops_an_opening_bom_only(record_type: type[RawRecord], data: bytes, text: str) -> None:
    record = record_type(data=data, origin="file:///x.log", offset=0)
    assert record.text() == text
    assert record.decoded().text == text
