"""A UTF-8 byte order mark at a line's start (a file made "UTF-8 with BOM" and written on in GBK, or two
such files joined by ``cat``) is no text: U+FEFF at the start of a text stream is a BOM (Unicode 15
section 23.8). It is dropped once, where a record's bytes become text (collectors.syslog.charset), so
every parser reads the line as it reads it without the BOM. Before, the BOM stayed in the text
(observer.name '\\ufeff<187>Dec', the file's mtime as @timestamp, "not a syslog line", "Unexpected UTF-8
BOM" for JSON) or, on a line that is no UTF-8, its last byte took the next one into a GB18030
character (锘緿ec 10 ...). Real files, the ingest pipeline, a real SQLite store.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from govsoc.collectors import IngestOptions, Pipeline
from govsoc.core.event import Event
from govsoc.store.base import Query
from govsoc.store.sqlite import SqliteStore

BOM = b"\xef\xbb\xbf"
#: Fields that differ between two events of the same text at other places of the file, or read by
#: another codec.
PLACE = {"log.offset", "govsoc.charset"}

#: (parser, line): one row per parser the files are read by.
LINES = [
    # Huawei VRP, with a year; 用户 (D3C3 BBA7 in GBK) is no UTF-8
    ("huawei", "<187>Dec 10 2024 06:55:01 HW-Core-01 %%01SHELL/5/CMDRECORD(s)[1]:Recorded command information. "
               "(Task=VT0, Ip=10.1.1.1, VpnName=, User=admin, AuthenticationMethod=\"Local-user\", "
               "Command=\"display 用户\", Result=Success)"),
    # H3C, the device name after the year; 张三 is D5C5 C8FD in GBK
    ("h3c", "<188>Dec 10 2024 06:55:02 H3C-SW-02 %%10SHELL/5/SHELL_LOGIN: 张三 logged in from 10.2.2.1."),
    # Sangfor AF: its fields are Chinese words
    ("sangfor.af", "<23>May 25 11:11:56 localhost fwlog: 日志类型:WAF应用防护日志, 源IP:192.168.200.1, 源端口:1084, "
                   "目的IP:192.168.200.100, 目的端口:80, 攻击类型:信息泄漏攻击, 严重级别:高, 系统动作:拒绝"),
    # sshd, RFC 3164 without a priority (loghub OpenSSH), a Chinese user name
    ("linux.auth", "Dec 10 06:55:48 LabSZ sshd[24206]: Failed password for invalid user 王芳 from 173.234.31.186 "
                   "port 38926 ssh2"),
    # RFC 3164 with a priority
    ("linux.auth", "<34>Oct 11 22:14:15 mymachine su: 'su root' failed for lonvick on /dev/pts/8"),
    # RFC 5424 whose MSG opens with its own BOM (section 6.4): that one is inside the line, the parser's
    ("linux.auth", "<165>1 2003-10-11T22:14:15.003Z mymachine.example.com sshd 8710 ID47 - \ufeffFailed password "
                   "for root from 10.0.0.1 port 22 ssh2"),
    # web access logs: the client address opens the line
    ("nginx.access", "172.17.0.1 - - [29/May/2017:19:02:48 +0000] \"GET /登录 HTTP/1.1\" 404 612 \"-\" \"curl/7.1\""),
    ("apache.access", "192.168.33.1 - - [26/Dec/2016:16:22:13 +0000] \"GET /hello HTTP/1.1\" 404 499 \"-\" \"curl\""),
    # JSON lines (UTF-8 whatever the setting, RFC 8259): json.loads refused the BOM's U+FEFF
    ("suricata.eve", '{"timestamp":"2018-07-05T15:07:20.910626-0400","flow_id":1,"event_type":"alert","src_ip":'
                     '"10.0.0.1","src_port":1234,"dest_ip":"10.0.0.2","dest_port":80,"proto":"TCP","alert":'
                     '{"action":"allowed","signature_id":1,"signature":"登录失败","severity":2}}'),
]


def ingest(tmp_path: Path, store: SqliteStore, data: bytes, parser: str, charset: str) -> list[Event]:
    log = tmp_path / "joined.log"
    log.write_bytes(data)
    pipeline = Pipeline(store, data_dir=tmp_path / "state")
    pipeline.ingest_file(log, IngestOptions(parser=parser, charset=charset))
    pipeline.drain()
    return sorted(store.search(Query()), key=lambda e: int(e.get("log.offset") or 0))


def fields(event: Event) -> dict[str, object]:
    return {"@timestamp": event.timestamp, **{k: v for k, v in event.fields.items() if k not in PLACE}}


@pytest.mark.parametrize("charset", ["auto", "utf-8", "gbk"])
@pytest.mark.parametrize(("parser", "line"), LINES)
def test_a_line_after_a_bom_is_read_as_without_it(tmp_path: Path, sqlite_store: SqliteStore, parser: str, line: str,
                                                  charset: str) -> None:
    # line 1: the line without a BOM, in the codec the setting reads first (the reference); line 2: `cat` of a
    # "UTF-8 with BOM" file; line 3: a BOM, then the line in GBK (PowerShell's empty BOM file, then cmd's echo >>)
    plain = line.encode("gb18030" if charset == "gbk" and parser != "suricata.eve" else "utf-8")
    data = plain + b"\n" + BOM + line.encode("utf-8") + b"\n"
    if parser != "suricata.eve":  # JSON is UTF-8 (RFC 8259): no GBK JSON line
        data += BOM + line.encode("gb18030") + b"\n"
    events = ingest(tmp_path, sqlite_store, data, parser, charset)
    assert len(events) == data.count(b"\n")  # none lost, none twice
    assert events[0].get("event.kind") != "pipeline_error", events[0].get("error.message")  # the reference parses
    for event in events[1:]:
        assert fields(event) == fields(events[0])


@pytest.mark.parametrize("charset", ["auto", "utf-8", "gbk"])
def test_only_the_opening_bom_is_dropped(tmp_path: Path, sqlite_store: SqliteStore, charset: str) -> None:
    # a U+FEFF inside a line is data (a zero width no-break space in a logged user name): kept
    line = "Dec 10 06:55:48 LabSZ sshd[24206]: Failed password for invalid user ad\ufeffmin from 10.0.0.1 port 2 ssh2"
    events = ingest(tmp_path, sqlite_store, BOM + BOM + line.encode() + b"\n", "linux.auth", charset)
    assert [e.get("event.original") for e in events] == ["\ufeff" + line]


@pytest.mark.parametrize("charset", ["auto", "utf-8", "gbk"])
@pytest.mark.parametrize("head", [
    BOM + b"\r\n",  # PowerShell's Out-File of an empty string: the BOM, then CRLF
    BOM + b" \n",  # a BOM then a blank
])
def test_a_line_that_is_only_a_bom_is_blank(tmp_path: Path, sqlite_store: SqliteStore, head: bytes,
                                            charset: str) -> None:
    # no text in it: skipped as a blank line is, not stored as an empty pipeline_error (was '\ufeff')
    line = "Dec 10 06:55:46 LabSZ sshd[24200]: Invalid user webmaster from 173.234.31.186"
    events = ingest(tmp_path, sqlite_store, head + line.encode() + b"\r\n", "linux.auth", charset)
    assert [(e.get("event.original"), e.get("event.kind")) for e in events] == [(line, "event")]
