"""R11v-2: the charset of a log line or syslog message (collectors.charset). Short GBK text is
often valid UTF-8 too (a GBK lead byte C2-DF and a trail byte 80-BF make a 2-byte UTF-8
sequence): it is read as GBK when its GB18030 reading is common Chinese, or when the file's or
sender's other lines are GBK; genuine UTF-8 is never turned into GBK."""

from __future__ import annotations

from pathlib import Path

import pytest

from govsoc.collectors.charset import CharsetJudge, decode_message
from govsoc.collectors.pipeline import ingest_file
from govsoc.store.base import Query
from govsoc.store.sqlite import SqliteStore


@pytest.mark.parametrize(("text", "encoding", "charset"), [
    # GBK words that are also valid UTF-8 (Cyrillic, Greek, Armenian readings): GBK
    ("policy=学校 src=10.1.1.1 action=deny", "gbk", "gb18030"),
    ("zone=医院 user=admin", "gbk", "gb18030"),
    ("系统 reboot", "gbk", "gb18030"),
    ("统一 auth failed for 姚", "gbk", "gb18030"),
    # GBK that is not UTF-8: GBK, as before
    ("用户登录失败 user=张三", "gbk", "gb18030"),
    # UTF-8 Chinese (3-byte sequences) stays UTF-8, even short
    ("系统 reboot", "utf-8", "utf-8"),
    ("user=张三", "utf-8", "utf-8"),
    # Cyrillic words mix trail bytes 80-A0 (no GB2312 character): UTF-8
    ("пользователь admin вход", "utf-8", "utf-8"),
    # à (C3 A0), ß (C3 9F), × (C3 97): no GB2312 reading: UTF-8
    ("voilà", "utf-8", "utf-8"),
    ("Straße", "utf-8", "utf-8"),
    ("3×4", "utf-8", "utf-8"),
    # Latin letters and signs against ASCII ones are Latin text, though their GBK reading is
    # GB2312 (caf茅, M眉ller, 25掳C)
    ("user=café login", "utf-8", "utf-8"),
    ("Müller", "utf-8", "utf-8"),
    ("São Paulo", "utf-8", "utf-8"),
    ("temp 25°C", "utf-8", "utf-8"),
    ("±5", "utf-8", "utf-8"),
])
def test_one_message_alone(text: str, encoding: str, charset: str) -> None:
    decoded = decode_message(text.encode(encoding))
    assert (decoded.text, decoded.charset, decoded.replaced) == (text, charset, False)


def test_a_sender_known_to_send_utf8_keeps_its_ambiguous_text_utf8() -> None:
    judge = CharsetJudge()
    assert judge.decide("用户 张三 登录".encode()).charset == "utf-8"  # the evidence
    for text in ("½", "Ω", "user=é"):  # alone each would read as GBK (陆, 惟, 茅)
        assert judge.decide(text.encode()).text == text


def test_a_sender_known_to_send_gbk_reads_its_rarer_characters_as_gbk() -> None:
    judge = CharsetJudge()
    assert judge.decide("用户登录失败".encode("gbk")).charset == "gb18030"  # not UTF-8: the evidence
    # 聶 (C2 99, a traditional form GBK has and GB2312 not) is also UTF-8 (U+0099): alone it stays
    # UTF-8; from a GBK sender, GBK
    name = "user=聶"
    assert decode_message(name.encode("gbk")).charset == "utf-8"
    assert judge.decide(name.encode("gbk")).text == name


@pytest.mark.parametrize("setting", ["gbk", "gb18030"])
def test_a_set_charset_is_used(setting: str) -> None:
    assert CharsetJudge(setting).decide("你好".encode()).charset == "gb18030"
    assert CharsetJudge("utf-8").decide("系统".encode("gbk")).text == "系统".encode("gbk").decode("utf-8")


def _lines(tmp_path: Path, name: str, data: bytes) -> list[tuple[str, str | None]]:
    log = tmp_path / name
    log.write_bytes(data)
    store = SqliteStore(tmp_path / f"{name}.db")
    try:
        ingest_file(log, parser_id="syslog.mixed", store=store, data_dir=tmp_path / f"{name}.state",
                    timezone="UTC", year=2026)
        events = sorted(store.search(Query()), key=lambda e: e.get("log.offset") or 0)
        return [(e.get("event.original") or e.get("message"), e.get("govsoc.charset")) for e in events]
    finally:
        store.close()


GBK_FILE = ["Dec  4 10:00:01 fw01 policy=学校 src=10.1.1.1 action=deny",
            "Dec  4 10:00:03 fw01 系统 reboot",
            "Dec  4 10:00:04 fw01 user=聶 login",  # GBK only (聶), valid UTF-8: GBK by the file's evidence
            "Dec  4 10:00:05 fw01 用户登录失败 user=张三"]  # not UTF-8: the file is GBK
UTF8_FILE = ["Dec  4 10:00:01 web01 app: user=张三 登录失败",
             "Dec  4 10:00:02 web01 app: café login ok",
             "Dec  4 10:00:03 web01 app: пользователь admin вход",
             "Dec  4 10:00:04 web01 app: temp 25°C"]


def test_a_gbk_file_is_read_as_gbk(tmp_path: Path) -> None:
    read = _lines(tmp_path, "gbk.log", "".join(f"{line}\n" for line in GBK_FILE).encode("gbk"))
    assert read == [(line, "gb18030") for line in GBK_FILE]


def test_a_utf8_file_stays_utf8(tmp_path: Path) -> None:
    read = _lines(tmp_path, "utf8.log", "".join(f"{line}\n" for line in UTF8_FILE).encode("utf-8"))
    assert read == [(line, "utf-8") for line in UTF8_FILE]


def test_a_resumed_read_keeps_the_files_evidence(tmp_path: Path) -> None:
    """The second run reads only the appended line, alone UTF-8 (U+0099): the evidence of the
    first run (a line only GB18030 reads) makes it GBK, as it would have been in one read."""
    log = tmp_path / "fw.log"
    log.write_bytes("Dec  4 10:00:05 fw01 用户登录失败 user=张三\n".encode("gbk"))
    store = SqliteStore(tmp_path / "events.db")
    try:
        for _run in range(2):
            ingest_file(log, parser_id="syslog.mixed", store=store, data_dir=tmp_path / "state", timezone="UTC",
                        year=2026)
            with log.open("ab") as out:
                out.write("Dec  4 10:00:06 fw01 user=聶 login\n".encode("gbk"))
        texts = sorted(e.get("event.original") or e.get("message") for e in store.search(Query()))
    finally:
        store.close()
    assert texts == ["Dec  4 10:00:05 fw01 用户登录失败 user=张三", "Dec  4 10:00:06 fw01 user=聶 login"]
