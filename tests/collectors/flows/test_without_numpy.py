"""A plain `pip install .` has neither numpy nor numba (the ``pcap`` extra): a capture is still
read, by the pure-Python engine (seen: `govsoc demo` on a fresh machine stopped with
"No module named 'numpy'")."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from govsoc.demo.packets import Conversation, PcapWriter

PROGRAM = """
import sys
sys.modules["numpy"] = None  # as if not installed: importing it raises ImportError
sys.modules["numba"] = None
from govsoc.collectors.flows.assemble import FlowAssembler, native_available
assert not native_available()
with open(sys.argv[1], "rb") as stream:
    assembler = FlowAssembler(stream)
    flows = list(assembler.flows())
print(assembler.engine, len(flows), assembler.packets)
"""


def test_a_capture_is_read_without_numpy(tmp_path: Path) -> None:
    capture = tmp_path / "two.pcap"
    with capture.open("wb") as out:
        pcap = PcapWriter(out)
        for n in range(2):  # two TCP connections: handshake, a request, an answer, the close
            talk = Conversation(pcap, ("10.1.0.5", 40000 + n), ("10.2.0.9", 80), 1_700_000_000.0 + n).open()
            talk.say(True, b"GET / HTTP/1.1\r\nHost: x\r\n\r\n").say(False, b"HTTP/1.1 204 No Content\r\n\r\n")
            talk.close()
    done = subprocess.run([sys.executable, "-c", PROGRAM, str(capture)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    # 3 handshake + (request + ack) + (answer + ack) + 3 closing packets = 10 per connection
    assert done.stdout.split() == ["python", "2", str(pcap.packets)] and pcap.packets == 20
