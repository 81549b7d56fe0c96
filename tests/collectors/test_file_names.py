"""Review 14b finding 3: a file whose name is not UTF-8 (日志 in GBK, as Chinese Windows and Samba
shares write it) is ingested like any other: its identity and event ids hash the name's own
bytes (os.fsencode), its checkpoint is saved, the name is shown with the undecodable bytes
escaped (never written raw to the terminal), and nothing else in the folder is lost. The real
`govsoc ingest` command, run on a folder of a real capture, a GBK-named copy of it and a
GBK-named log."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st
from scapy.layers.inet import IP, UDP
from scapy.layers.l2 import Ether
from scapy.packet import Raw
from scapy.utils import wrpcap

from govsoc.collectors import path_text
from govsoc.store.base import Query
from govsoc.store.sqlite import SqliteStore

GOVSOC = str(Path(sys.executable).with_name("govsoc"))
CAPTURE = Path(__file__).parent.parent / "data" / "collectors" / "flows" / "veth_fragments.pcap"
#: 日志 ("log") in GBK: C8D5 D6BE; the first pair is not UTF-8
GBK_LOG = "日志".encode("gbk")
SSHD = (b"Mar  1 10:00:01 gw sshd[101]: Failed password for root from 203.0.113.9 port 40022 ssh2\n"
        b"Mar  1 10:00:05 gw sshd[101]: Accepted password for admin from 203.0.113.9 port 40022 ssh2\n")


def _ingest(home: Path, *args: str | bytes) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([GOVSOC, "ingest", *args], capture_output=True, timeout=300,
                          env={**os.environ, "GOVSOC_HOME": str(home), "GOVSOC_CONFIG": ""})


def _paths(home: Path) -> dict[str, int]:
    counts: dict[str, int] = {}
    with SqliteStore(home / "events.db") as store:
        for event in store.search(Query()):
            name = str(event.get("log.file.path")).rsplit("/", 1)[-1]
            counts[name] = counts.get(name, 0) + 1
    return counts


def test_a_gbk_named_capture_and_log_are_ingested_with_the_rest_of_the_folder(tmp_path: Path) -> None:
    assert GBK_LOG == b"\xc8\xd5\xd6\xbe"
    folder = tmp_path / "captures"
    folder.mkdir()
    capture = CAPTURE.read_bytes()
    (folder / os.fsdecode(GBK_LOG + b".pcap")).write_bytes(capture)
    # the peer: the same capture under an ASCII name, in a store of its own
    (tmp_path / "alone").mkdir()
    (tmp_path / "alone" / "zz.pcap").write_bytes(capture)
    alone = _ingest(tmp_path / "alone-home", "-p", "network.pcap", str(tmp_path / "alone"))
    assert alone.returncode == 0, alone.stderr
    flows = _paths(tmp_path / "alone-home")["zz.pcap"]
    assert flows > 10
    (folder / "zz.pcap").write_bytes(capture[:len(capture) // 2])  # another file of the folder
    done = _ingest(tmp_path / "home", "-p", "network.pcap", str(folder))
    assert done.returncode == 0, done.stderr
    assert b"\\xc8\\xd5" in done.stdout and b"\xc8" not in done.stdout + done.stderr  # escaped, never raw
    counts = _paths(tmp_path / "home")
    assert sum(n for name, n in counts.items() if name != "zz.pcap") == flows  # the GBK-named capture
    assert counts.get("zz.pcap", 0) > 0  # and the other file of the folder
    again = _ingest(tmp_path / "home", "-p", "network.pcap", str(folder))
    assert again.returncode == 0 and _paths(tmp_path / "home") == counts  # nothing twice

    logs = tmp_path / "logs"
    logs.mkdir()
    (logs / os.fsdecode(GBK_LOG + b"-auth.log")).write_bytes(SSHD)
    (logs / "auth.log").write_bytes(SSHD.replace(b"gw", b"gw2"))
    done = _ingest(tmp_path / "logs-home", "-p", "linux.auth", str(logs))
    assert done.returncode == 0, done.stderr
    assert b"\xc8" not in done.stdout + done.stderr
    assert sorted(_paths(tmp_path / "logs-home").values()) == [2, 2]
    again = _ingest(tmp_path / "logs-home", "-p", "linux.auth", str(logs))
    assert again.returncode == 0 and sorted(_paths(tmp_path / "logs-home").values()) == [2, 2]


def test_ids_hash_the_names_own_bytes_and_the_shown_name_escapes_them() -> None:
    from govsoc.cli.terminal import one_line
    from govsoc.core.event import make_id

    name = os.fsdecode(b"/srv/" + GBK_LOG + b".pcap")
    assert make_id("file", name) != make_id("file", os.fsdecode(b"/srv/\xc8\xd5\xd6\xbf.pcap"))
    assert make_id("file", "/srv/日志.pcap") == make_id("file", os.fsdecode("/srv/日志.pcap".encode()))
    assert one_line(name) == "/srv/\\xc8\\xd5\u05be.pcap"  # D6BE is valid UTF-8 (U+05BE)


def _from_text(text: str) -> bytes:
    """The bytes of a name from its stored text, read as path_text's docstring says: ``\\\\`` is a
    backslash, ``\\xNN`` the byte NN, any other character its UTF-8."""
    out, i = bytearray(), 0
    while i < len(text):
        if text.startswith("\\\\", i):
            out += b"\\"
            i += 2
        elif text.startswith("\\x", i):
            out.append(int(text[i + 2:i + 4], 16))
            i += 4
        else:
            out += text[i].encode()
            i += 1
    return bytes(out)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.binary(min_size=1, max_size=12).filter(lambda b: b"/" not in b and b"\0" not in b),
                min_size=2, max_size=2, unique=True))
def test_two_names_never_share_a_stored_text_and_the_text_gives_the_bytes_back(names: list[bytes]) -> None:
    texts = [path_text(os.fsdecode(name)) for name in names]
    assert texts[0] != texts[1]
    assert [_from_text(text) for text in texts] == names
    for name, text in zip(names, texts, strict=True):
        if b"\\" not in name:
            try:
                assert text == name.decode("utf-8")  # a UTF-8 name is stored as it is
            except UnicodeDecodeError:
                pass


def test_gbk_names_are_stored_apart_and_selectable(tmp_path: Path) -> None:
    # review 14c finding 4: 数据 and 网络 in GBK (CAFD BEDD, CDF8 C2E7) were both stored as ����.pcap
    folder = tmp_path / "gbk"
    folder.mkdir()
    names = {"数据": "10.9.9.2", "网络": "10.9.9.3", "日志": "10.9.9.1"}
    for name, destination in names.items():
        packet = (Ether(src="02:00:00:00:00:01", dst="02:00:00:00:00:02") / IP(src="10.9.0.1", dst=destination)
                  / UDP(sport=1111, dport=53) / Raw(b"x" * 20))
        packet.time = 1_700_000_000
        wrpcap(str(tmp_path / "one.pcap"), [packet])
        os.rename(tmp_path / "one.pcap", os.fsencode(folder) + b"/" + name.encode("gbk") + b".pcap")
    home = tmp_path / "home"
    done = _ingest(home, "-p", "network.pcap", str(folder))
    assert done.returncode == 0, done.stderr
    env = {**os.environ, "GOVSOC_HOME": str(home), "GOVSOC_CONFIG": ""}
    listed = subprocess.run([GOVSOC, "events", "--format", "json"], capture_output=True, env=env, check=True).stdout
    stored = {e["destination.ip"]: e["log.file.path"] for e in json.loads(listed)}
    expected = {destination: str(folder) + "/" + "".join(f"\\x{b:02x}" for b in name.encode("gbk")) + ".pcap"
                for name, destination in names.items()}
    assert stored == expected
    assert all(text.encode() in done.stdout for text in expected.values())  # shown as stored
    for destination, text in expected.items():
        selected = subprocess.run([GOVSOC, "events", "--format", "json", "-w", f"log.file.path={text}"],
                                  capture_output=True, env=env, check=True).stdout
        assert [e["destination.ip"] for e in json.loads(selected)] == [destination]


def test_a_notice_shows_the_control_characters_of_a_link_name_never_sends_them(tmp_path: Path) -> None:
    # R11h R14: a glob's refusal notice printed the folder link's name raw: ESC [2J (clear the
    # screen) and BEL from a name the owner of a log folder chose reached the operator's terminal.
    logs, elsewhere = tmp_path / "logs", tmp_path / "elsewhere"
    logs.mkdir()
    elsewhere.mkdir()
    (elsewhere / "app.log").write_bytes(b"Jan  1 00:00:01 h sshd[1]: hello\n")
    (logs / "x.log").write_bytes(b"Jan  1 00:00:01 h sshd[2]: hello\n")
    (logs / "lnk\x1b[2J\x07\n").symlink_to(elsewhere, target_is_directory=True)
    done = _ingest(tmp_path / "home", str(logs / "*" / "*.log"), str(logs / "*.log"))
    assert b"found by a glob through the symbolic link" in done.stderr
    assert not any(byte in done.stderr for byte in (b"\x1b", b"\x07"))
    assert done.stderr.count(b"\n") == 1 and b"lnk\\x1b[2J\\x07\\x0a" in done.stderr


def test_a_pattern_matching_nothing_is_its_own_error_and_the_others_are_read(tmp_path: Path) -> None:
    # R11h R8: one configured pattern matching nothing (an app's log folder still empty, or emptied
    # by its owner) ended the whole one-shot ingest with exit 2 before any file was read.
    (tmp_path / "empty").mkdir()
    log = tmp_path / "auth.log"
    log.write_bytes(b"Jan  1 00:00:01 h sshd[1]: one\nJan  1 00:00:02 h sshd[2]: two\n")
    done = _ingest(tmp_path / "home", str(tmp_path / "empty" / "*.log"), str(log), "--year", "2026")
    assert done.returncode == 1  # a path not read: as for a file that cannot be read (README)
    assert b"2 records, 2 accepted" in done.stdout
    assert f"{tmp_path / 'empty' / '*.log'}: not read: no such file, folder or matching files".encode() in done.stdout
    alone = _ingest(tmp_path / "home", str(tmp_path / "empty" / "*.log"))
    assert alone.returncode == 2 and b"no such file, folder or matching files" in alone.stderr
