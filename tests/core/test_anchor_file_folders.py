"""Trust-anchor files and every folder above them (issue 16 fifth review, finding 9): whoever can
replace a folder on the way to an anchor file, or the folder a symlink points into, decides what is
trusted. As OpenSSH's safe_path does for authorized_keys, every folder from the file's real place up
to / must be this user's or root's and not writable by others unless sticky (as /tmp is)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from govsoc.core.trust_anchors import read_anchor_file
from tests.servers.ca import make_ca


def _folder(path: Path, mode: int) -> Path:
    path.mkdir()
    path.chmod(mode)
    return path


@pytest.mark.parametrize(("layout", "refused_at"), [
    ("grandparent-world-writable", "ww"),     # ww 0777 ⊃ sub 0755 ⊃ anchor.pem: ww/sub can be renamed away
    ("symlink-into-world-writable", "ww2"),   # safe/link.pem → ww2/real.pem: the real file can be swapped
    ("grandparent-sticky", None),             # ww 1777 (as /tmp) ⊃ sub 0755: others cannot rename sub
    ("symlink-into-safe", None),              # safe/link.pem → safe2/real.pem, both 0755
])
def test_every_folder_above_an_anchor_file(tmp_path: Path, layout: str, refused_at: str | None) -> None:
    root = make_ca(tmp_path, "Folder test root")
    if layout.startswith("grandparent"):
        top = _folder(tmp_path / "ww", 0o1777 if layout.endswith("sticky") else 0o777)
        anchor = _folder(top / "sub", 0o755) / "anchor.pem"
        anchor.write_bytes(root.cert.read_bytes())
    else:
        target_folder = _folder(tmp_path / ("ww2" if "world" in layout else "safe2"),
                                0o777 if "world" in layout else 0o755)
        real = target_folder / "real.pem"
        real.write_bytes(root.cert.read_bytes())
        anchor = _folder(tmp_path / "safe", 0o755) / "link.pem"
        anchor.symlink_to(real)
    os.chmod(anchor, 0o644, follow_symlinks=True)
    if refused_at is None:
        assert read_anchor_file(anchor) == (root.der,)
        return
    with pytest.raises(ValueError, match=rf"{tmp_path / refused_at} \(a folder above .*may be written by others"):
        read_anchor_file(anchor)
