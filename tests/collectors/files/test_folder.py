"""A log's path taken as the kernel takes it (collectors.files.folder): a ``..`` after a
symbolic link goes up from where the link leads, not from where it is spelled (V14-4)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from govsoc.collectors import IngestOptions, Pipeline
from govsoc.collectors import follow as follow_module
from govsoc.collectors.files.folder import link_chain
from govsoc.collectors.follow import Follower
from govsoc.store.base import Query
from govsoc.store.sqlite import SqliteStore
from tests.collectors import test_rotation_guards
from tests.collectors.test_rotation import write
from tests.collectors.test_rotation_links import SECRET
from tests.conftest import need

#: a folder every user may pass (test_rotation_guards' fixture)
open_base = test_rotation_guards.open_base


@pytest.fixture
def release(tmp_path: Path) -> Path:
    """``srv/cur -> releases/v2/log``, the log at srv/releases/v2/app.log (3 lines), and a decoy
    at srv/app.log (2 other lines), where os.path.normpath takes ``srv/cur/../app.log``."""
    srv = tmp_path / "srv"
    (srv / "releases" / "v2" / "log").mkdir(parents=True)
    write(srv / "releases" / "v2" / "app.log", 0, 3)
    write(srv / "app.log", 100, 2)
    (srv / "cur").symlink_to("releases/v2/log", target_is_directory=True)
    return srv


def _read(tmp_path: Path, store: SqliteStore, path: Path) -> list[str]:
    pipeline = Pipeline(store, data_dir=tmp_path / "state")
    follow_module.read_path(pipeline, path, IngestOptions(year=2026), named=True)
    pipeline.drain()
    return sorted(str(e.get("process.pid")) for e in store.search(Query()))


@pytest.mark.parametrize("how", [
    "file link",   # var/log/app.log -> ../../srv/cur/../app.log: admit's link target (_link_target)
    "named path",  # srv/cur/../app.log named itself: folder.resolve's spelling
])
def test_a_dot_dot_after_a_link_goes_up_from_where_the_link_leads(tmp_path: Path, sqlite_store: SqliteStore,
                                                                   release: Path, how: str) -> None:
    # V14-4: the target was normpath'd as text, `cur/..` dropped: the link was said dangling (no
    # decoy) or the decoy at srv/app.log read, a file the link does not lead to. `wc -l` of the
    # path (the kernel) reads srv/releases/v2/app.log.
    if how == "file link":
        (tmp_path / "var" / "log").mkdir(parents=True)
        path = tmp_path / "var" / "log" / "app.log"
        path.symlink_to("../../srv/cur/../app.log")
    else:
        path = release / "cur" / ".." / "app.log"
    assert Path(os.path.realpath(path)) == release / "releases" / "v2" / "app.log"  # the kernel's answer
    assert _read(tmp_path, sqlite_store, path) == ["0", "1", "2"]  # sshd[0..2], not the decoy's 100, 101


def test_the_link_chain_is_the_kernels_and_dangles_where_the_kernel_finds_nothing(tmp_path: Path,
                                                                                   release: Path) -> None:
    # the decoy gone: the normpath'd place is empty, the kernel's is not (was "a dangling link")
    (release / "app.log").unlink()
    link = tmp_path / "app.log"
    link.symlink_to("srv/cur/../app.log")
    assert link_chain(link)[0] == release / "releases" / "v2" / "app.log"
    # and `..` after a component that is missing or not a folder fails as the kernel's open does
    for bad in ("srv/none/../app.log", "srv/releases/v2/app.log/../app.log"):
        broken = tmp_path / f"broken-{bad.count('/')}-{len(bad)}"
        broken.symlink_to(bad)
        with pytest.raises(OSError):
            link_chain(broken)
        with pytest.raises(OSError):
            broken.stat()


def test_a_file_whoever_put_the_link_may_not_read_is_said_once_and_counted(tmp_path: Path, open_base: Path,
                                                                          sqlite_store: SqliteStore) -> None:
    # V14-5's other half: a user's link into a folder they may pass (0755) to a file they may not
    # read (0600 root's) was refused at every --follow poll, said each time (24 times in 5 s) and
    # never counted in `govsoc status`. The folder-level refusal was said once and counted.
    need(os.geteuid() == 0, "a link another user owns needs root to make")
    user, app, target = 65534, open_base / "app", open_base / "target"
    target.mkdir(mode=0o755)
    target.chmod(0o755)
    (target / "app.log").write_text(SECRET, encoding="utf-8")
    (target / "app.log").chmod(0o600)
    app.mkdir()
    os.chown(app, user, user)
    (app / "current").symlink_to(target, target_is_directory=True)
    os.lchown(app / "current", user, user)
    log = app / "current" / "app.log"
    notices: list[str] = []
    pipeline = Pipeline(sqlite_store, data_dir=tmp_path / "state", notice=notices.append)
    follower = Follower(pipeline, [str(log)], lambda _p: IngestOptions(year=2026))
    for _ in range(3):
        follower.poll()
    said = [n for n in notices if "may not be read by user" in n]
    assert len(said) == 1 and said[0].startswith(f"{log}: "), notices
    record = pipeline.paths.get(log)
    assert record is not None and record.refused == 1 and "may not be read by user" in record.refusal
    assert list(sqlite_store.search(Query())) == []
