"""What a run says of a copy known by its mark (collectors.copies) once its copytruncate is over:
the log truncated since, the copy renamed on by the next rotation or compressed (R11q-5's note,
R11q-6). Real logrotate, real `govsoc ingest` processes; every line stored once."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from govsoc.collectors.pipeline import COPY_NOTE
from tests.collectors.test_copies import numbers
from tests.collectors.test_copies_elsewhere import ingest
from tests.collectors.test_rotation import logrotate, write

#: What COPY_NOTE says that is no longer so once the log was truncated.
UNDER_WAY = "under way"


@pytest.mark.parametrize(("options", "renamed"), [
    ((), "app.log.2"),  # the next copytruncate renames the marked copy app.log.1 to app.log.2
    (("compress", "delaycompress"), "app.log.2.gz"),  # ... and compresses it
])
def test_a_marked_copy_is_said_as_what_it_is_after_the_truncate_and_known_silently_when_renamed(
        tmp_path: Path, options: tuple[str, ...], renamed: str) -> None:
    logs, home = tmp_path / "logs", tmp_path / "home"
    logs.mkdir()
    log, pattern = logs / "app.log", str(logs / "app.log*")
    write(log, 0, 100)
    ingest(home, str(log))
    shutil.copy(log, logs / "app.log.1")  # copytruncate's copy, seen by a run before its truncate
    write(log, 100, 20)
    said = ingest(home, pattern)
    assert f"{logs / 'app.log.1'}: {COPY_NOTE}" in said  # under way: so it is
    os.truncate(log, 0)  # ... its truncate
    write(log, 120, 10)
    said = ingest(home, pattern)
    copy_lines = [line for line in said.splitlines() if line.startswith(f"{logs / 'app.log.1'}: ")]
    assert len(copy_lines) == 1 and UNDER_WAY not in copy_lines[0], said
    assert "truncated" in copy_lines[0] and "not read again" in copy_lines[0], said
    logrotate(logs, log, "copytruncate", *options)
    write(log, 130, 10)
    for _run in range(2):
        said = ingest(home, pattern)
        assert (logs / renamed).exists()
        assert str(logs / renamed) not in said, said  # the same copy: known, nothing to say
        assert numbers(home) == list(range(140)), said
