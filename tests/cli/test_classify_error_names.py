"""`govsoc classify` of one unreadable file named after its person: the error line names the file
as the inventory would, the name masked (R15n-8: 王芳.json, 会计刘敏.xlsx and .csv were named in clear,
only SQLite's line was masked). The scheduler's logs keep these lines."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli.conftest import Run


@pytest.mark.parametrize(("name", "content", "shown"), [
    ("王芳.json", b'{"a": 1,,}', "王**.json"),  # a JSON error carries a line and column
    ("会计刘敏.xlsx", b"PK\x03\x04garbage", "会计刘**.xlsx"),
    ("会计刘敏.csv", b"\xff\xfe\x00\x81\x9f", "会计刘**.csv"),  # not text in any charset
])
def test_an_unreadable_file_is_named_masked_in_its_error(govsoc: Run, tmp_path: Path, name: str, content: bytes,
                                                         shown: str) -> None:
    (tmp_path / name).write_bytes(content)
    code, _, err = govsoc("classify", str(tmp_path / name))
    assert code != 0
    assert shown in err and name not in err, err


def test_a_missing_file_is_named_masked(govsoc: Run, tmp_path: Path) -> None:
    code, _, err = govsoc("classify", str(tmp_path / "gone" / "王芳.csv"))
    assert code != 0
    assert "王**.csv" in err and "王芳" not in err, err
