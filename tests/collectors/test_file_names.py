"""Review 14b finding 3: a file whose name is not UTF-8 (日志 in GBK, as Chinese Windows and Samba
shares write it) is ingested like any other: its identity and event ids hash the name's own
bytes (os.fsencode), its checkpoint is saved, the name is shown with the undecodable bytes
escaped (never written raw to the terminal), and nothing else in the folder is lost. The real
`govsoc ingest` command, run on a folder of a real capture, a GBK-named copy of it and a
GBK-named log."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

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
