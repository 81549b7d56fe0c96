"""A file source's charset setting (R11v-2): ``auto`` reads each line UTF-8, else GB18030; ``gbk``
GB18030 first, then UTF-8 (collectors.syslog.charset.decode_message's order), in every use of a
line's text. Files are written as a Chinese device or application writes them: ``.encode("gbk")``.
"""

from __future__ import annotations

import base64
from pathlib import Path

import pytest

from govsoc.classification.tagging import ClassificationTagger
from govsoc.collectors import IngestOptions, Pipeline
from govsoc.collectors.base import RawRecord
from govsoc.collectors.detect import detect_parser
from govsoc.core.errors import ConfigError
from govsoc.core.event import Event
from govsoc.store.base import Query
from govsoc.store.sqlite import SqliteStore

#: Two-hanzi names whose GBK bytes are valid UTF-8 too (魏巍 = CE BA CE A1, "κΡ" in UTF-8).
AMBIGUOUS = ("魏巍", "叶倩", "谭咏", "芦苇", "鲁迅", "韦唯", "祝希")
#: Names whose GBK bytes are not UTF-8: read right by auto already.
PLAIN = ("张三", "李四")
LINE = "Dec 10 06:55:{n:02d} LabSZ sshd[{n}]: Invalid user {name} from 10.0.0.{n}"


def gbk_log(path: Path, names: tuple[str, ...]) -> list[str]:
    """``path`` written in GBK, one sshd line per name; the lines' texts."""
    texts = [LINE.format(n=n, name=name) for n, name in enumerate(names, 1)]
    path.write_bytes(b"".join(t.encode("gbk") + b"\n" for t in texts))
    return texts


def stored(store: SqliteStore) -> dict[str, Event]:
    """The stored events, keyed by their event.original."""
    return {str(e.get("event.original")): e for e in store.search(Query())}


def ingest(tmp_path: Path, store: SqliteStore, log: Path, charset: str, **kwargs: object) -> Pipeline:
    pipeline = Pipeline(store, data_dir=tmp_path / "state", **kwargs)  # type: ignore[arg-type]
    pipeline.ingest_file(log, IngestOptions(parser="linux.auth", charset=charset))
    pipeline.drain()
    return pipeline


def test_the_names_are_valid_utf8_in_gbk() -> None:
    # the premise of every test here: without it auto would read them right too
    for name in AMBIGUOUS:
        assert name.encode("gbk").decode("utf-8") != name


def test_gbk_source_stores_the_right_hanzi(tmp_path: Path, sqlite_store: SqliteStore) -> None:
    texts = gbk_log(tmp_path / "device.log", AMBIGUOUS + PLAIN)
    ingest(tmp_path, sqlite_store, tmp_path / "device.log", "gbk")
    events = stored(sqlite_store)
    assert sorted(events) == sorted(texts)  # event.original: the right hanzi, every line
    for name in AMBIGUOUS + PLAIN:
        assert sqlite_store.count(Query(terms={"user.name": (name,)})) == 1, name
    assert {e.get("govsoc.charset") for e in events.values()} == {"gb18030"}
    assert all(e.get("govsoc.original_base64") is None for e in events.values())


def test_auto_is_unchanged(tmp_path: Path, sqlite_store: SqliteStore) -> None:
    # auto: UTF-8 where a line decodes so, else GB18030, per line; no govsoc.charset
    texts = gbk_log(tmp_path / "device.log", AMBIGUOUS + PLAIN)
    ingest(tmp_path, sqlite_store, tmp_path / "device.log", "auto")
    expected = []
    for text in texts:
        data = text.encode("gbk")
        try:
            expected.append(data.decode("utf-8"))
        except UnicodeDecodeError:
            expected.append(data.decode("gb18030"))
    events = stored(sqlite_store)
    assert sorted(events) == sorted(expected)
    assert all("govsoc.charset" not in e.fields for e in events.values())


def test_utf8_setting_reads_as_auto_and_says_the_codec(tmp_path: Path, sqlite_store: SqliteStore) -> None:
    texts = gbk_log(tmp_path / "device.log", ("魏巍", "张三"))
    ingest(tmp_path, sqlite_store, tmp_path / "device.log", "utf-8")
    events = stored(sqlite_store)
    first, second = (t.encode("gbk") for t in texts)
    assert events[first.decode("utf-8")].get("govsoc.charset") == "utf-8"
    assert events[second.decode("gb18030")].get("govsoc.charset") == "gb18030"


def test_mixed_file_under_gbk(tmp_path: Path, sqlite_store: SqliteStore) -> None:
    log = tmp_path / "mixed.log"
    # after a UTF-8 BOM the line stays UTF-8 (decode_message), and the BOM is no text: stored without it
    bom = LINE.format(n=1, name="王芳")
    # the BOM opens the file, but the head holds bytes that are no UTF-8 (the last line's): no UTF-8
    # file, so each line is read as gbk reads it (R11ag-1; a BOM file that is UTF-8 throughout:
    # tests/collectors/test_file_charset_bom.py)
    gbk = LINE.format(n=2, name="魏巍")
    utf8 = LINE.format(n=3, name="张伟强")  # 9 UTF-8 bytes then a space: not GB18030, so read as UTF-8
    neither = "Dec 10 06:55:04 LabSZ sshd[4]: Invalid user \x80\xff from 10.0.0.4"
    log.write_bytes(b"\xef\xbb\xbf" + bom.encode("utf-8") + b"\n" + gbk.encode("gbk") + b"\n"
                    + utf8.encode("utf-8") + b"\n" + neither.encode("latin-1") + b"\n")
    ingest(tmp_path, sqlite_store, log, "gbk")
    events = stored(sqlite_store)
    assert events[bom].get("govsoc.charset") == "utf-8"
    assert events[gbk].get("govsoc.charset") == "gb18030"
    assert events[utf8].get("govsoc.charset") == "utf-8"
    # bytes neither codec reads: replaced in the text, kept exact in base64, as under auto
    replaced = next(e for e in events.values() if e.get("log.offset") == log.read_bytes().index(b"Dec 10 06:55:04"))
    assert base64.b64decode(str(replaced.get("govsoc.original_base64"))) == neither.encode("latin-1")
    assert all(e.get("govsoc.original_base64") is None for e in (events[bom], events[gbk], events[utf8]))


def test_failure_events_and_masking_read_the_setting(tmp_path: Path, sqlite_store: SqliteStore) -> None:
    # a line no parser reads (a pipeline_error event) of a masked source: its text right (decoded from
    # GBK), its ID masked; the name beside the ID stays (no 姓名-type label before it: at ingest a name is
    # taken after its key or label only, never for standing beside an ID, RRR15bc-2)
    log = tmp_path / "app.log"
    log.write_bytes("魏巍 110101199003074514\n".encode("gbk"))
    ingest(tmp_path, sqlite_store, log, "gbk",
           enrichers=[ClassificationTagger(mask_sources=[str(tmp_path / "*.log")])])
    (event,) = stored(sqlite_store).values()
    assert event.get("event.kind") == "pipeline_error"
    assert str(event.get("event.original")) == str(event.get("message")) == "魏巍 110101********4514"
    assert "110101199003074514" not in str(event.fields)
    assert "masked" in (event.get("govsoc.flags") or [])


def test_a_setting_changed_between_runs_reads_only_new_lines(tmp_path: Path, sqlite_store: SqliteStore) -> None:
    # not kept with the checkpoint: the lines read before stay as they were, none read again
    log = tmp_path / "device.log"
    texts = gbk_log(log, ("魏巍", "叶倩", "鲁迅", "韦唯"))
    log.write_bytes(b"".join(t.encode("gbk") + b"\n" for t in texts[:2]))
    pipeline = Pipeline(sqlite_store, data_dir=tmp_path / "state")
    pipeline.ingest_file(log, IngestOptions(parser="linux.auth", charset="auto"))
    with log.open("ab") as more:
        more.write(b"".join(t.encode("gbk") + b"\n" for t in texts[2:]))
    second = pipeline.ingest_file(log, IngestOptions(parser="linux.auth", charset="gbk"))
    assert second.records == 2
    events = stored(sqlite_store)
    assert len(events) == sqlite_store.count(Query()) == 4
    assert texts[2] in events and texts[3] in events
    assert texts[0].encode("gbk").decode("utf-8") in events  # read under auto, before the change


def test_record_types_keep_the_raw_record_contract() -> None:
    from govsoc.collectors.base import RECORD_TYPES, GbkRecord  # here: on code before them, only this test fails

    data = "魏巍".encode("gbk")
    record = RECORD_TYPES["gbk"](data=data, origin="file:///x", offset=0)
    assert isinstance(record, GbkRecord) and isinstance(record, RawRecord)
    assert record.text() == record.decoded().text == "魏巍"
    # the id hashes the bytes, not the text: a setting changed never stores a line twice
    assert record.event_id() == RawRecord(data=data, origin="file:///x", offset=0).event_id()
    with pytest.raises(AttributeError):
        record.__dict__  # noqa: B018 - slotted, as RawRecord


@pytest.mark.parametrize("data", [
    b"plain ASCII line",  # GbkRecord's ASCII shortcut: the same text in either codec
    "魏巍".encode("gbk"),  # valid in both: GB18030 first
    "\ufeff王芳".encode("utf-8"),  # a UTF-8 BOM: UTF-8
    "张伟强 ".encode(),  # not GB18030: UTF-8
    b"\x80\xff",  # neither: GB18030 with replacements
])
def test_gbk_text_is_decode_message(data: bytes) -> None:
    from govsoc.collectors.base import GbkRecord
    from govsoc.collectors.syslog.charset import decode_message

    assert GbkRecord(data=data, origin="file:///x", offset=0).text() == decode_message(data, "gbk").text


def test_detection_reads_the_first_lines_in_the_setting(tmp_path: Path, sqlite_store: SqliteStore) -> None:
    # Formats' heads are ASCII in practice (no realistic line found whose format changes): this
    # is the setting's way to detect_parser. [\w:]+ matches 谭咏 but not its UTF-8 reading "̷ӽ"
    # (a combining mark), so only the GBK reading is an Apache error line.
    log = tmp_path / "error.log"
    log.write_bytes("[Wed Dec 10 06:55:46 2025] [谭咏] x\n".encode("gbk") * 3)
    assert detect_parser(log, charset="gbk") == "apache.error"
    assert detect_parser(log) == "linux.auth"  # auto: the UTF-8 reading, recognised by nothing
    # and the pipeline's detection of a new file (at its registration) reads it so
    pipeline = Pipeline(sqlite_store, data_dir=tmp_path / "state")
    summary = pipeline.ingest_file(log, IngestOptions(parser=None, charset="gbk"))
    assert summary.parse_failures == 0
    assert {e.dataset for e in sqlite_store.search(Query())} == {"apache.error"}


def test_an_unknown_charset_is_a_configuration_error() -> None:
    with pytest.raises(ConfigError, match="unknown charset 'cp936': use one of auto, utf-8, gbk"):
        IngestOptions(charset="cp936")


@pytest.mark.parametrize("charset", ["gbk", "utf-8"])
def test_json_formats_stay_utf8(tmp_path: Path, sqlite_store: SqliteStore, charset: str) -> None:
    # R11af-2: a JSON text is UTF-8 (RFC 8259 section 8.1); a gbk set for a whole log folder read a
    # Suricata eve line's signature 登录失败 as 鐧诲綍澶辫触
    line = ('{"timestamp":"2026-12-04T10:00:00.000000+0800","event_type":"alert","src_ip":"10.0.0.1",'
            '"src_port":5555,"dest_ip":"10.0.0.2","dest_port":22,"proto":"TCP","alert":{"signature_id":1,'
            '"signature":"登录失败 用户 张三","severity":2}}')
    log = tmp_path / "eve.json"
    log.write_bytes(line.encode("utf-8") + b"\n")
    pipeline = Pipeline(sqlite_store, data_dir=tmp_path / "state")
    pipeline.ingest_file(log, IngestOptions(parser="suricata.eve", charset=charset))
    pipeline.drain()
    [event] = sqlite_store.search(Query())
    assert event.get("rule.name") == "登录失败 用户 张三"
    assert event.get("govsoc.charset") is None  # the setting did not apply


@pytest.mark.parametrize("charset, kept_as_line", [
    ("gbk", True),  # the setting's reading: [谭咏] is the level field, the parser reads the line
    ("auto", False),  # UTF-8 first: "[̷ӽ]" (a combining mark) is no field, so control bytes make it garbage
])
def test_lines_with_control_bytes_are_judged_in_the_setting(tmp_path: Path, sqlite_store: SqliteStore,
                                                           charset: str, kept_as_line: bool) -> None:
    # R11af-3: whether the parser reads a line full of control bytes (collectors.files.readable, R11l-1:
    # a line the parser reads is a line of the log, whatever a field holds) is asked of the line's text
    # in the source's charset, as its parse is. Same contrived Apache head as the detection test above.
    log = tmp_path / "error.log"
    lines = ["[Wed Dec 10 06:55:45 2025] [error] [client 10.0.0.1] File does not exist: /var/www/a",
             "[Wed Dec 10 06:55:46 2025] [谭咏] " + "\x01" * 12,  # a field an attacker filled
             "[Wed Dec 10 06:55:47 2025] [error] [client 10.0.0.2] File does not exist: /var/www/b"]
    log.write_bytes(b"".join(line.encode("gbk") + b"\n" for line in lines))
    pipeline = Pipeline(sqlite_store, data_dir=tmp_path / "state")
    pipeline.ingest_file(log, IngestOptions(parser="apache.error", charset=charset))
    pipeline.drain()
    events = {e.get("log.offset"): e for e in sqlite_store.search(Query())}
    assert len(events) == 3
    middle = events[len(lines[0].encode("gbk")) + 1]
    assert (middle.get("event.kind") != "pipeline_error") is kept_as_line
    assert ("garbled" in (middle.get("govsoc.flags") or [])) is not kept_as_line
