"""Publishing reports and their signatures (issue 18 review s, findings 4, 5, 7): hidden files
are made with O_EXCL|O_NOFOLLOW under unguessable names, so a link planted in the report folder
writes nothing else; a publish that cannot finish leaves the folder as it was (the old pair
still verifies, no signature beside a folder, no hidden file left); the error names the report
and the reason, not a hidden file."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from govsoc.cli import main
from govsoc.core.errors import ReportError
from govsoc.core.results import write_file
from govsoc.reports import signing
from govsoc.reports.publish import publish
from govsoc.reports.trust import read_key_file, revoke
from govsoc.scheduler import JobState, SchedulerState


@pytest.fixture
def key(tmp_path: Path) -> signing.SigningKey:
    return signing.init_key(tmp_path / "keys")


def _verifies(report: Path, tmp_path: Path) -> bool:
    trusted = read_key_file(tmp_path / "keys" / signing.PUBLIC_FILE)
    try:
        signing.verify_report(report, {trusted.key_id: trusted})
    except Exception:
        return False
    return True


def _plant(path: Path, victim: Path, suffix: str) -> None:
    """Links at the names a writer that names its hidden file by its process id would use."""
    for name in (path.name, path.name + ".sig"):
        (path.parent / f".{name}.{os.getpid()}.{suffix}").symlink_to(victim)


def test_a_link_planted_in_the_report_folder_writes_nothing_else(tmp_path: Path, key: signing.SigningKey) -> None:
    folder = tmp_path / "shared"
    folder.mkdir()
    victim = tmp_path / "victim"
    victim.write_bytes(b"not yours\n")
    victim.chmod(0o600)
    report = folder / "situation-2026-11-29.md"
    _plant(report, victim, "publish")
    publish([(report, b"# report\n")], key)
    assert victim.read_bytes() == b"not yours\n" and (victim.stat().st_mode & 0o777) == 0o600
    assert not report.is_symlink() and report.read_bytes() == b"# report\n" and _verifies(report, tmp_path)
    assert sorted(p.name for p in folder.iterdir() if not p.is_symlink()) == [report.name, report.name + ".sig"]


@pytest.mark.parametrize("writer", ["write_file", "revoke", "scheduler state"])
def test_the_other_atomic_writers_refuse_planted_links_too(tmp_path: Path, writer: str) -> None:
    victim = tmp_path / "victim"
    victim.write_bytes(b"not yours\n")
    folder = tmp_path / "folder"
    folder.mkdir(mode=0o700)
    if writer == "write_file":
        target = folder / "result.json"
        _plant(target, victim, "tmp")
        write_file(target, b"{}")
    elif writer == "revoke":
        target = folder / "revoked.txt"
        _plant(target, victim, "tmp")
        revoke(folder, "0" * 32, reason="test")
    else:
        target = folder / "jobs" / "reports.json"
        target.parent.mkdir()
        _plant(target, victim, "tmp")
        SchedulerState(folder).save_job(JobState(name="reports"))
    assert victim.read_bytes() == b"not yours\n"
    assert target.is_file() and not target.is_symlink() and target.stat().st_size > 0


def test_a_failed_publish_leaves_the_old_pair_verifiable_and_nothing_beside_a_folder(
        tmp_path: Path, key: signing.SigningKey) -> None:
    folder = tmp_path / "reports"
    old_json, old_md = folder / "situation-2026-11-29.json", folder / "situation-2026-11-29.md"
    publish([(old_json, b'{"old": 1}')], key)
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    old_md.mkdir()  # the second report of the run cannot be written
    with pytest.raises(ReportError) as caught:
        publish([(old_json, b'{"new": 2}'), (old_md, b"# new\n")], key)
    message = str(caught.value)
    assert str(old_md) in message and "folder" in message and ".tmp" not in message and ".publish" not in message
    assert {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()} == before
    assert sorted(p.name for p in folder.iterdir()) == sorted([*before, old_md.name])  # no .sig beside the folder
    assert _verifies(old_json, tmp_path)


def test_an_unsigned_publish_that_fails_keeps_the_old_signature(tmp_path: Path, key: signing.SigningKey) -> None:
    folder = tmp_path / "reports"
    first, second = folder / "alerts-2026-11-29.json", folder / "alerts-2026-11-30.json"
    publish([(first, b'{"old": 1}')], key)
    second.mkdir()
    with pytest.raises(ReportError, match="alerts-2026-11-30.json: it is a folder"):
        publish([(first, b'{"unsigned": 1}'), (second, b"{}")], None)
    assert first.read_bytes() == b'{"old": 1}' and _verifies(first, tmp_path)
    # and a publish that succeeds takes the old signature away with the old report
    second.rmdir()
    publish([(first, b'{"unsigned": 1}'), (second, b"{}")], None)
    assert not signing.signature_path(first).exists() and json.loads(first.read_bytes()) == {"unsigned": 1}


def test_the_report_command_names_the_report_and_the_reason(govsoc_home: Path, tmp_path: Path,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["keys", "init"]) == 0
    folder = tmp_path / "out"
    (folder / "situation-2026-11-29.md").mkdir(parents=True)
    capsys.readouterr()
    code = main(["report", "situation", "--at", "2026-11-29T12:00:00+08:00", "--format", "json", "--format", "md",
                 "--folder", str(folder)])
    err = capsys.readouterr().err
    assert code == 1
    assert f"cannot write {folder / 'situation-2026-11-29.md'}: it is a folder" in err
    assert "internal error" not in err and "Error:" not in err
    assert sorted(p.name for p in folder.iterdir()) == ["situation-2026-11-29.md"]


def test_verify_fails_a_report_renamed_to_another_period_unless_told(
        govsoc_home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["keys", "init"]) == 0
    key = signing.load_key(govsoc_home / "keys")
    assert key is not None
    real = tmp_path / "situation-2026-11-29.md"
    publish([(real, b"# the 29th\n")], key)
    renamed = tmp_path / "situation-2026-11-30.md"
    renamed.write_bytes(real.read_bytes())
    signing.signature_path(renamed).write_bytes(signing.signature_path(real).read_bytes())
    capsys.readouterr()
    assert main(["verify", str(real)]) == 0
    capsys.readouterr()
    assert main(["verify", str(renamed)]) == 1
    out, err = capsys.readouterr()
    assert "signed as 'situation-2026-11-29.md'" in err and "--allow-rename" in err and not out.count("OK")
    assert main(["verify", "--allow-rename", str(renamed)]) == 0
    assert "signed as 'situation-2026-11-29.md', now named 'situation-2026-11-30.md'" in capsys.readouterr().out
    # a report that is not there is named as such, not as a missing signature
    assert main(["verify", str(tmp_path / "situation-2026-12-01.md")]) == 1
    assert "no report" in capsys.readouterr().err


def test_a_publish_waits_for_another_one_into_the_same_folder(tmp_path: Path, key: signing.SigningKey) -> None:
    import fcntl
    import threading

    folder = tmp_path / "reports"
    report = folder / "alerts-2026-11-29.json"
    publish([(report, b'{"first": 1}')], key)
    held = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    fcntl.flock(held, fcntl.LOCK_EX)  # what another publish holds while it renames
    second = threading.Thread(target=publish, args=([(report, b'{"second": 2}')], key))
    try:
        second.start()
        second.join(1.0)  # it writes its hidden files, then waits for the lock: nothing renamed
        assert second.is_alive() and report.read_bytes() == b'{"first": 1}' and _verifies(report, tmp_path)
    finally:
        os.close(held)
        second.join(30)
    assert not second.is_alive() and report.read_bytes() == b'{"second": 2}' and _verifies(report, tmp_path)
    assert sorted(p.name for p in folder.iterdir()) == [report.name, report.name + ".sig"]


def test_a_killed_runs_hidden_files_are_removed_by_the_next_publish(tmp_path: Path,
                                                                    key: signing.SigningKey) -> None:
    # review r18s finding 11: a run killed (SIGKILL by a job time-out) between writing its hidden
    # files and renaming them left them for good
    folder = tmp_path / "out"
    folder.mkdir()
    hours_ago = time.time() - 2 * 3600  # well past STALE_ASIDE: no running writer keeps one that long
    stale = folder / ".situation-2026-11-29.md.0123456789abcdef.tmp"
    stale.write_bytes(b"half a report")
    os.utime(stale, (hours_ago, hours_ago))
    fresh = folder / ".situation-2026-11-28.md.fedcba9876543210.tmp"  # another run's, being written now
    fresh.write_bytes(b"being written")
    mine = folder / ".notes.md"  # a hidden file that is not govsoc's
    mine.write_bytes(b"keep")
    os.utime(mine, (hours_ago, hours_ago))
    link = folder / ".x.md.00112233445566ff.tmp"  # govsoc's name, but a link: never followed nor removed
    link.symlink_to(tmp_path / "elsewhere")
    os.utime(link, (hours_ago, hours_ago), follow_symlinks=False)
    publish([(folder / "situation-2026-11-30.md", b"# report\n")], key)
    assert not stale.exists()
    assert fresh.exists() and mine.exists() and link.is_symlink()
    assert (folder / "situation-2026-11-30.md").read_bytes() == b"# report\n"


def _unprivileged(tmp_path: Path) -> tuple[list[str], Path, dict[str, str]]:
    """The command prefix that runs a child the kernel refuses a folder it may not write, and a
    folder for it. As root, the child keeps uid 0 but loses the capabilities that override file
    permissions (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH, CAP_FOWNER, through setpriv's bounding
    set), so a 0555 folder refuses it as it refuses any user, while the interpreter, the packages
    and the checkout (all root's, wherever CI put them) stay readable to it: switching to nobody
    could not read a 0700 checkout or a 0700 home's site-packages. As another user, no prefix."""
    base = Path(tempfile.mkdtemp(prefix="govsoc-unprivileged-", dir="/tmp"))
    if os.geteuid() != 0:
        return [], base, {}
    setpriv = shutil.which("setpriv")
    assert setpriv is not None, "setpriv (util-linux) drops the child's override capabilities"
    return [setpriv, "--inh-caps=-all", "--bounding-set=-dac_override,-dac_read_search,-fowner"], base, {}


def test_permission_errors_as_an_unprivileged_user(tmp_path: Path) -> None:
    # review r18s finding 7, tested as a user the kernel refuses (root may write anywhere): a folder
    # the user cannot write is a ReportError naming the report and the reason, exit 1
    prefix, base, importable = _unprivileged(tmp_path)
    try:
        run = [*prefix, sys.executable, "-m", "govsoc.cli"]
        env = {"PATH": os.environ.get("PATH", ""), "GOVSOC_HOME": str(base / "home"), "LANG": "C.UTF-8",
               **importable}
        ready = subprocess.run([*run, "report", "alerts", "--unsigned", "--folder", str(base / "ok")], env=env,
                               capture_output=True, text=True, timeout=120)
        assert ready.returncode == 0, ready.stderr
        read_only = base / "ro"
        subprocess.run([*prefix, "mkdir", "-m", "555", str(read_only)], check=True)  # the user's, not writable
        done = subprocess.run([*run, "report", "alerts", "--unsigned", "--folder", str(read_only)], env=env,
                              capture_output=True, text=True, timeout=120)
        assert done.returncode == 1, done.stderr
        assert f"cannot write {read_only / 'alerts.html'}: permission denied" in done.stderr
        assert "internal error" not in done.stderr and ".tmp" not in done.stderr
        assert list(read_only.iterdir()) == []
    finally:
        shutil.rmtree(base, ignore_errors=True)
