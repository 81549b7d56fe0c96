"""Hostile inventories (review r16f, HIGH 5): an inventory, or a file it declares (trust anchors,
CRLs), that is a FIFO (the reader waits for a writer forever), a link to /dev/zero (never ends), a
YAML alias bomb (a few hundred bytes, 10^9 nodes once aliases are expanded) or nested thousands of
levels deep (a RecursionError in the composer) is refused with an error naming the file and the line
or field, in bounded time and memory. Each case runs Inventory.load in a child process under an
address-space and CPU cap and a wall-clock time-out, which then loads a good inventory: the bad one
is rejected, the process goes on."""

from __future__ import annotations

import os
import resource
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.servers.ca import make_ca

GOOD = "systems:\n  - {name: 门户, level: 3}\n"

#: Loads argv[1] (an error is printed, one line), then a good inventory argv[2]; prints its systems.
_CHILD = """
import sys
from pathlib import Path
from govsoc.core.errors import ConfigError
from govsoc.core.inventory import Inventory
try:
    loaded = Inventory.load(Path(sys.argv[1]))
    print("accepted")
    for e in loaded.rejected:  # an unusable anchor file is left out with its located error
        print("rejected:", e)
except ConfigError as e:
    print("rejected:", e)
print("then:", [s.name for s in Inventory.load(Path(sys.argv[2])).model.systems])
"""


def _caps() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))  # 1 GiB: /dev/zero read whole is a MemoryError
    resource.setrlimit(resource.RLIMIT_CPU, (20, 20))


def _load_in_child(bad: Path, tmp_path: Path) -> str:
    good = tmp_path / "good.yaml"
    good.write_text(GOOD, encoding="utf-8")
    done = subprocess.run([sys.executable, "-c", _CHILD, str(bad), str(good)], capture_output=True, text=True,
                          timeout=30, preexec_fn=_caps)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def _bomb(path: Path) -> None:
    lines = ['a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    lines += [f"{c}: &{c} [{', '.join([f'*{p}'] * 10)}]" for p, c in zip("abcdefgh", "bcdefghi", strict=True)]
    path.write_text("\n".join(lines) + "\nsystems: [*i]\n", encoding="utf-8")


def _deep(path: Path) -> None:
    path.write_text("systems:\n  - name: x\n    level: 3\n    crypto: " + "[" * 5000 + "]" * 5000 + "\n",
                    encoding="utf-8")


def _fifo(path: Path) -> None:
    os.mkfifo(path, 0o600)


def _dev_zero(path: Path) -> None:
    path.symlink_to("/dev/zero")


@pytest.mark.parametrize("make,said", [
    # a is 11 nodes, b 111, ... e 111,111: f passes 1,000,000 at its tenth *e (line 6, 7 + 9 * 4 + 1)
    (_bomb, ":6:44: aliases expand the document beyond 1000000 nodes (an alias bomb)"),
    # three levels above crypto: the 62nd '[' (after 12 characters) opens the 65th level
    (_deep, ":4:74: nested deeper than 64 levels"),
    (_fifo, ": cannot read: YAML file {path} is a FIFO (named pipe), not a regular file"),
    (_dev_zero, ": cannot read: YAML file {path} is a character device, not a regular file"),
])
def test_a_hostile_inventory_file_is_rejected_and_the_next_one_loads(tmp_path: Path, make: Callable[[Path], None],
                                                                     said: str) -> None:
    path = tmp_path / "inventory.yaml"
    make(path)
    out = _load_in_child(path, tmp_path)
    assert f"rejected: {path}{said.format(path=path)}" in out, out
    assert "then: ['门户']" in out, out


@pytest.mark.parametrize("field", ["trust_anchors", "crls"])
@pytest.mark.parametrize("make,said", [
    (_fifo, "is a FIFO (named pipe), not a regular file"),
    (_dev_zero, "may be written by others (mode 666)"),  # refused before it is opened: anyone may write /dev/zero
])
def test_a_declared_file_that_is_no_regular_file_is_rejected(tmp_path: Path, field: str,
                                                             make: Callable[[Path], None], said: str) -> None:
    declared = tmp_path / "declared.pem"
    make(declared)
    inventory = tmp_path / "inventory.yaml"
    inventory.write_text(f"systems:\n  - name: s\n    level: 3\n    crypto:\n      {field}: [declared.pem]\n",
                         encoding="utf-8")
    out = _load_in_child(inventory, tmp_path)
    assert f"rejected: {inventory}:5:" in out and f"systems.0.crypto.{field}.0" in out and said in out, out
    assert "then: ['门户']" in out, out


def test_a_declared_file_larger_than_its_cap_is_rejected_unread(tmp_path: Path) -> None:
    # a real CA certificate followed by 5 MiB: the size of the opened file decides, before any read
    ca = make_ca(tmp_path, "F16 big anchor")
    big = tmp_path / "big.pem"
    big.write_bytes(ca.cert.read_bytes() + b"\n" * (5 << 20))
    inventory = tmp_path / "inventory.yaml"
    inventory.write_text("trust_anchors: [big.pem]\nsystems: []\n", encoding="utf-8")
    out = _load_in_child(inventory, tmp_path)
    assert f"rejected: {inventory}:1:" in out and "trust_anchors.0" in out, out
    assert f"trust anchor file {big} is {big.stat().st_size} bytes, more than the" in out, out


def test_aliases_within_the_bound_still_load(tmp_path: Path) -> None:
    # anchors and aliases are YAML: a shared endpoint list named twice stays a valid inventory
    path = tmp_path / "inventory.yaml"
    path.write_text("systems:\n  - {name: a, level: 3, endpoints: &e [{host: 10.0.0.1, port: 443, protocol: https,"
                    " kind: web}]}\n  - {name: b, level: 3, endpoints: *e}\n", encoding="utf-8")
    out = _load_in_child(path, tmp_path)
    assert "accepted" in out, out
