"""Symbolic links at log paths (V12 F1, F7): whoever may write a log folder can put a link to a
root-only file where a log or its rotated generation is; a root ingest must not store the target.
A link is read only when named itself or allowed (--symlinks, collectors.symlinks), as Filebeat's
prospector.scanner.symlinks; never where a regular file was read before. Real `govsoc ingest`
processes, as in the findings' repros."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from govsoc.collectors import IngestOptions, Pipeline
from govsoc.collectors import follow as follow_module
from govsoc.collectors.files.identity import no_links, open_content
from govsoc.collectors.follow import Follower
from govsoc.core.errors import ParseError
from govsoc.store.base import Query
from govsoc.store.sqlite import SqliteStore
from tests.collectors.test_rotation import GOVSOC, stored, write
from tests.conftest import need

SECRET = "root:$6$SECRETHASH:19000:0:99999:7:::\nTOPSECRET-LINE-2\n"


def run(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    done = subprocess.run([GOVSOC, *args], capture_output=True, text=True, timeout=120,
                          env={**os.environ, "GOVSOC_HOME": str(home), "GOVSOC_CONFIG": ""})
    assert done.returncode == 0, done.stderr
    return done


def secret_lines(home: Path) -> list[str]:
    return [line for line in stored(home) if "SECRET" in line] if (home / "events.db").exists() else []


@pytest.fixture
def secret(tmp_path: Path) -> Path:
    path = tmp_path / "secret"
    path.write_text(SECRET, encoding="utf-8")
    path.chmod(0o600)
    return path


def test_a_link_put_in_place_of_the_live_file_is_not_read(tmp_path: Path, secret: Path) -> None:
    # V12 F1: the folder's writer renames auth.log away as a rotation does and links auth.log to a
    # root-only file: the next runs of `govsoc ingest auth.log` stored the target's lines.
    logs, home = tmp_path / "log", tmp_path / "home"
    logs.mkdir()
    log = logs / "auth.log"
    write(log, 0, 3)
    run(home, "ingest", str(log))
    write(log, 3, 1)  # after the run, before the "rotation"
    log.rename(logs / "auth.log.1")
    log.symlink_to(secret)
    second = run(home, "ingest", str(log))
    assert "auth.log.1: 1 records" in second.stdout  # the rotated file's rest is read all the same
    assert f"{log}: a symbolic link (to {secret}) where a regular file was read before: not read" in second.stderr
    # The file read before is now known at auth.log.1: the path itself must still remember it held one.
    third = run(home, "ingest", str(log))
    assert "where a regular file was read before" in third.stderr
    assert secret_lines(home) == []
    assert len(stored(home)) == 4
    status = json.loads(run(home, "status", "--format", "json").stdout)
    assert [(r["path"], r["refused"]) for r in status["refused_paths"]] == [(str(log), 2)]


def test_follow_does_not_read_a_link_put_in_place_of_the_live_file(tmp_path: Path, secret: Path,
                                                                   sqlite_store: SqliteStore) -> None:
    # V12 F1 with --follow (the daemon's tails): the poll after the swap read the link.
    logs = tmp_path / "log"
    logs.mkdir()
    log = logs / "auth.log"
    write(log, 0, 3)
    notices: list[str] = []
    follower = Follower(Pipeline(sqlite_store, data_dir=tmp_path / "state", notice=notices.append), [str(log)],
                        lambda _p: IngestOptions())
    follower.poll()
    write(log, 3, 1)
    log.rename(logs / "auth.log.1")
    log.symlink_to(secret)
    follower.poll()
    follower.poll()
    originals = [str(e.get("event.original")) for e in sqlite_store.search(Query())]
    assert len(originals) == 4 and not any("SECRET" in o for o in originals)
    assert len([n for n in notices if "where a regular file was read before" in n]) == 1  # said once, not per poll


@pytest.mark.parametrize("how", ["glob", "folder"])
def test_a_link_found_by_a_glob_or_a_folder_walk_is_not_read(tmp_path: Path, secret: Path, how: str) -> None:
    # V12 F7: `govsoc ingest 'auth.log*'` (the README's own configuration example) and
    # `govsoc ingest DIR` read a planted auth.log.1 -> secret.
    logs, home = tmp_path / "log", tmp_path / "home"
    logs.mkdir()
    write(logs / "auth.log", 0, 2)
    (logs / "auth.log.1").symlink_to(secret)
    target = str(logs / "auth.log*") if how == "glob" else str(logs)
    done = run(home, "ingest", target)
    assert f"{logs / 'auth.log.1'}: a symbolic link (to {secret}) found by a glob or folder walk: not read" \
        in done.stderr
    assert secret_lines(home) == [] and len(stored(home)) == 2
    status = json.loads(run(home, "status", "--format", "json").stdout)
    assert [(r["path"], r["refused"]) for r in status["refused_paths"]] == [(str(logs / "auth.log.1"), 1)]
    # Allowed (Kubernetes' /var/log/containers/*.log are links): read from the file it points to.
    allowed = run(home, "ingest", "--symlinks", target)
    assert f"{logs / 'auth.log.1'}: a symbolic link, read as {secret}" in allowed.stderr
    assert len(secret_lines(home)) == 2


def test_a_link_named_itself_is_read_from_its_target(tmp_path: Path) -> None:
    # The admin chose the link: read, said once, and its target's rotation is followed there.
    real, home = tmp_path / "real", tmp_path / "home"
    real.mkdir()
    write(real / "auth.log", 0, 5)
    link = tmp_path / "auth.log"
    link.symlink_to(real / "auth.log")
    done = run(home, "ingest", str(link))
    assert f"{link}: a symbolic link, read as {real / 'auth.log'}" in done.stderr
    assert "5 new" in done.stdout and len(stored(home)) == 5


def test_a_link_swapped_in_after_the_check_is_not_read_through(tmp_path: Path, secret: Path,
                                                               sqlite_store: SqliteStore,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    # The live path is opened with O_NOFOLLOW: a link renamed over it between admit()'s look and
    # the read (the race of V12 F4, on the live name) is not read through.
    logs = tmp_path / "log"
    logs.mkdir()
    log = logs / "auth.log"
    write(log, 0, 3)
    pipeline = Pipeline(sqlite_store, data_dir=tmp_path / "state")
    checked = follow_module.finish_predecessors

    def swap_then_finish(*args: object, **kwargs: object) -> object:
        (logs / "link").symlink_to(secret)
        os.replace(logs / "link", log)
        return checked(*args, **kwargs)  # type: ignore[arg-type]
    monkeypatch.setattr(follow_module, "finish_predecessors", swap_then_finish)
    summaries = follow_module.read_path(pipeline, log, IngestOptions(), named=True)
    assert [s.error for s in summaries] == ["cannot read: a symbolic link, put in the file's place after it was "
                                            "checked: not read"]
    assert list(sqlite_store.search(Query())) == []


@pytest.mark.parametrize("log_owner", [0, 65533])  # root's log (auth.log); a service's own log
def test_a_rotated_file_another_user_owns_is_not_read_as_a_generation(tmp_path: Path, log_owner: int) -> None:
    # A user who may write the log folder (not sticky) renames the rotated file on and puts a
    # file of their own, with forged lines, where the generation between would be: a root ingest
    # stored its lines in the log's name. logrotate keeps the log's owner on its generations.
    need(os.geteuid() == 0, "files another user owns need root to make")
    logs, home = tmp_path / "log", tmp_path / "home"
    logs.mkdir()
    log = logs / "auth.log"
    write(log, 0, 3)
    os.chown(log, log_owner, -1)
    run(home, "ingest", str(log))
    write(log, 3, 1)
    log.rename(logs / "auth.log.2")  # the file read before, two rotations on
    planted = logs / "auth.log.1"
    planted.write_text("Dec 10 07:00:00 web1 sshd[9]: Accepted password for FORGED from 10.9.9.9 port 1 ssh2\n")
    os.chown(planted, 65534, -1)  # nobody
    write(log, 10, 2)
    os.chown(log, log_owner, -1)
    done = run(home, "ingest", str(log))
    assert f"{planted}: owned by user id 65534, not by the log's owner or root" in done.stderr
    assert "auth.log.2: 1 records" in done.stdout and "auth.log: 2 records" in done.stdout
    glob = run(home, "ingest", str(logs / "auth.log*"))  # matched by a glob: the same rule
    assert f"{planted}: owned by user id 65534" in glob.stderr
    assert not any("FORGED" in line for line in stored(home)) and len(stored(home)) == 6
    status = json.loads(run(home, "status", "--format", "json").stdout)
    assert [(r["path"], r["refused"]) for r in status["refused_paths"]] == [(str(planted), 2)]
    run(home, "ingest", str(planted))  # named itself: the user chose it
    assert sum("FORGED" in line for line in stored(home)) == 1


def test_a_file_of_another_owner_swapped_in_after_the_check_is_not_read(tmp_path: Path) -> None:
    # The owner is checked on the descriptor opened (identity._open_raw), not only by name before.
    need(os.geteuid() == 0, "files another user owns need root to make")
    other = tmp_path / "auth.log.1"
    other.write_text("Dec 10 07:00:00 web1 sshd[9]: Accepted password for FORGED from 10.9.9.9 port 1 ssh2\n")
    os.chown(other, 65534, -1)
    with no_links(owners=frozenset({0})), pytest.raises(ParseError, match="owned by user id 65534"):
        open_content(other)
