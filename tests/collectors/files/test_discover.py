"""Rotated files' order from their names, as logrotate(8) gives them (R11e F5)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from govsoc.collectors.files import discover
from govsoc.collectors.files.discover import (
    Listings,
    missing_generations,
    newer_generations,
    rotation_age,
    rotation_family,
)


@pytest.mark.parametrize(("name", "age"), [
    ("auth.log.1", ("number", -1)),  # one rotation old
    ("auth.log.12.gz", ("number", -12)),  # compress: the number is before .gz
    ("auth.log-20251210", ("date", 20251210)),  # dateext's default -%Y%m%d
    ("auth.log-2025-12-10.gz", ("date", 20251210)),  # dateformat -%Y-%m-%d, compressed
    ("auth.log-2025121023", ("date", 2025121023)),  # hourly -%Y%m%d%H
    ("auth.log.old", None),  # an admin's rename: no order to read from it
    ("auth.log10", None),  # another file whose name merely starts the same
    ("auth.log.1.bak", None),  # not a logrotate name
    ("auth.1.log", ("number", -1)),  # R11q-4: logrotate's `extension .log` puts the number before it
    ("auth.3.log.gz", ("number", -3)),  # ... and compress after it (logrotate(8): mylog.1.foo.gz)
    ("auth-20261203.log", ("date", 20261203)),  # extension with dateext
    ("auth.old.log", None),  # no rotation before the extension
    ("authx.1.log", None),  # another file's rotation: the stem differs
    # R11r-7: dateext with dateformat .%Y%m%d is a date, not generation 20,261,203 (whose missing
    # predecessors were listed: 20 million names, 6.2 GB, nothing read)
    ("auth.log.20261203", ("date", 20261203)),
    ("auth.20261203.log", ("date", 20261203)),  # ... with extension .log
])
def test_rotation_age_from_logrotates_names(tmp_path: Path, name: str, age: tuple[str, int] | None) -> None:
    assert rotation_age(tmp_path / "auth.log", tmp_path / name) == age


def test_generations_between_a_rotated_file_and_the_live_one(tmp_path: Path) -> None:
    live = tmp_path / "auth.log"
    for name in ("auth.log", "auth.log.1", "auth.log.2", "auth.log.2.gz", "auth.log.3.gz", "auth.log.old",
                 "auth.log-20251209", "auth.log-20251210.gz", "auth.log-20251211"):
        (tmp_path / name).write_bytes(b"x\n")
    # newer than .3.gz: .2 (plain before its compressed copy), then .2.gz, then .1; never older ones
    assert [p.name for p in newer_generations(live, tmp_path / "auth.log.3.gz")] == [
        "auth.log.2", "auth.log.2.gz", "auth.log.1"]
    assert newer_generations(live, tmp_path / "auth.log.1") == []
    # dates: later is newer
    assert [p.name for p in newer_generations(live, tmp_path / "auth.log-20251209")] == [
        "auth.log-20251210.gz", "auth.log-20251211"]
    assert newer_generations(live, tmp_path / "auth.log.old") == []


def test_missing_numbered_generations_are_named(tmp_path: Path) -> None:
    live = tmp_path / "auth.log"
    for name in ("auth.log", "auth.log.2.gz", "auth.log.4"):
        (tmp_path / name).write_bytes(b"x\n")
    assert [p.name for p in missing_generations(live, tmp_path / "auth.log.4")] == ["auth.log.1", "auth.log.3"]
    assert missing_generations(live, tmp_path / "auth.log-20251209") == []


def test_a_file_numbered_far_beyond_any_rotation_names_no_gaps(tmp_path: Path) -> None:
    # R11r-6: an application's own gateway.8443.log beside gateway.log made one run warn of 8,441
    # missing generations (gateway.2.log ... gateway.8442.log)
    live = tmp_path / "gateway.log"
    for name in ("gateway.log", "gateway.1.log", "gateway.8443.log"):
        (tmp_path / name).write_bytes(b"x\n")
    assert missing_generations(live, tmp_path / "gateway.8443.log") == []
    assert [p.name for p in missing_generations(live, tmp_path / "gateway.3.log")] == ["gateway.2.log"]


def test_rotation_family_of_a_rotated_name(tmp_path: Path) -> None:
    for name in ("auth.log", "auth.log.1", "auth.log.2.gz", "auth.log-20251210", "auth.log.old", "other.log.1"):
        (tmp_path / name).write_bytes(b"x\n")
    # where the file last read at auth.log.1 may be after a rotation: the live file's other rotations
    assert [p.name for p in rotation_family(tmp_path / "auth.log.1")] == ["auth.log-20251210", "auth.log.2.gz"]
    assert rotation_family(tmp_path / "auth.log") == []  # a live name has no family of its own here


def test_a_link_named_like_a_generation_is_no_generation(tmp_path: Path) -> None:
    # R11f N2: whoever may write in the log folder links auth.log.1 to a file only root reads;
    # generations are read without being named, so a link must never be taken for one
    secret = tmp_path / "elsewhere" / "shadow"
    secret.parent.mkdir()
    secret.write_bytes(b"root:$6$secret:19000:0:99999:7:::\n")
    for name in ("auth.log", "auth.log.2"):
        (tmp_path / name).write_bytes(b"x\n")
    (tmp_path / "auth.log.1").symlink_to(secret)
    (tmp_path / "auth.log.3").symlink_to(tmp_path / "auth.log.2")  # a link to a real generation too
    live = tmp_path / "auth.log"
    assert newer_generations(live, tmp_path / "auth.log.2") == []
    assert [p.name for p in missing_generations(live, tmp_path / "auth.log.2")] == ["auth.log.1"]
    assert [p.name for p in rotation_family(tmp_path / "auth.log.2")] == []


def _expand_in_a_process(patterns: list[str], links: bool) -> list[str]:
    """expand() in a child process, ended after 30 s: glob's ``**`` through link loops never returned."""
    code = ("import json, sys; from govsoc.collectors.files.discover import expand; "
            "print(json.dumps([str(p) for p in expand(json.loads(sys.argv[1]), links=sys.argv[2] == '1')]))")
    done = subprocess.run([sys.executable, "-c", code, json.dumps(patterns), "1" if links else "0"],
                          capture_output=True, text=True, timeout=30, check=True)
    return sorted(json.loads(done.stdout))


def test_a_double_star_glob_does_not_walk_into_folder_links(tmp_path: Path) -> None:
    # R11h R7: glob's `**` followed every folder link while expanding; two `-> .` links (and a
    # `-> ..`) planted by the owner of a matched folder made 2**40 spellings: ingest hung for good.
    # A `**` goes down real folders only; with --symlinks (links=True) into links too, each
    # folder (device, inode) once.
    logs, other = tmp_path / "logs", tmp_path / "other"
    (logs / "a").mkdir(parents=True)
    other.mkdir()
    for log in (logs / "top.log", logs / "a" / "app.log", other / "x.log"):
        log.write_text("x\n")
    for name, target in (("l1", "."), ("l2", "."), ("l3", "..")):
        (logs / "a" / name).symlink_to(target, target_is_directory=True)
    (logs / "b").symlink_to(other, target_is_directory=True)
    pattern = str(logs / "**" / "*.log")
    real = sorted([str(logs / "top.log"), str(logs / "a" / "app.log")])
    # Without links, a folder link met is not gone into: only what the rest of the pattern matches
    # in it is given (one level), for read_path to refuse as found through a link (said, counted).
    through = sorted([str(logs / "a" / "l1" / "app.log"), str(logs / "a" / "l2" / "app.log"),
                      str(logs / "a" / "l3" / "top.log"), str(logs / "b" / "x.log")])
    assert _expand_in_a_process([pattern], links=False) == sorted([*real, *through])
    assert _expand_in_a_process([pattern], links=True) == sorted([*real, str(logs / "b" / "x.log")])


def test_a_folder_spelled_through_a_link_is_the_same_folder(tmp_path: Path) -> None:
    # R11q-3: the log read through a link to its folder (/var/log/portal -> /data/logs/portal) and
    # its copy found by the real path: compared as spelled, no rotated name of it, read whole again
    logs = tmp_path / "logs"
    logs.mkdir()
    (tmp_path / "varlog").symlink_to(logs)
    (logs / "other").mkdir()
    assert rotation_age(tmp_path / "varlog" / "auth.log", logs / "auth.log.1") == ("number", -1)
    assert rotation_age(logs / "other" / "auth.log", logs / "auth.log.1") is None  # another folder


def test_generations_under_extension_names(tmp_path: Path) -> None:
    # R11q-4: `extension .log` names are the generations of auth.log, found and named as such
    live = tmp_path / "auth.log"
    for name in ("auth.log", "auth.2.log", "auth.4.log.gz", "authx.1.log", "auth.log.old"):
        (tmp_path / name).write_bytes(b"x\n")
    assert [p.name for p in newer_generations(live, tmp_path / "auth.4.log.gz")] == ["auth.2.log"]
    assert [p.name for p in missing_generations(live, tmp_path / "auth.4.log.gz")] == ["auth.1.log", "auth.3.log"]
    assert [p.name for p in rotation_family(tmp_path / "auth.2.log")] == ["auth.4.log.gz"]
    assert [p.name for p in Listings(racy_seconds=0).generations(live)] == ["auth.2.log", "auth.4.log.gz"]


def test_generations_are_named_in_one_form(tmp_path: Path) -> None:
    # R11r-1/-2: logrotate names every generation of a log one way; the app's own auth.1.log (an
    # instance's log) is no generation between auth.log.3 and auth.log, nor fills the gap auth.log.2
    live = tmp_path / "auth.log"
    for name in ("auth.log", "auth.log.1", "auth.log.3", "auth.1.log", "auth.2.log"):
        (tmp_path / name).write_bytes(b"x\n")
    assert [p.name for p in newer_generations(live, tmp_path / "auth.log.3")] == ["auth.log.1"]
    assert [p.name for p in missing_generations(live, tmp_path / "auth.log.3")] == ["auth.log.2"]
    assert [p.name for p in newer_generations(live, tmp_path / "auth.2.log")] == ["auth.1.log"]


def test_generations_look_at_rotation_shaped_names_only(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # R11r-8: 20,000 per-request app-req-N.log beside app.log: every poll of a path follower read
    # each name that opens with the stem "app" through rotation_age (4x the follower's CPU)
    live = tmp_path / "app.log"
    for name in ("app.log", "app.log.1", "app.2.log.gz", "app-20261203.log", *(f"app-req-{i}.log" for i in range(500))):
        (tmp_path / name).write_bytes(b"x\n")
    asked: list[str] = []
    real = discover.rotation_age

    def counted(live: Path, rotated: Path) -> tuple[str, int] | None:
        asked.append(rotated.name)
        return real(live, rotated)

    monkeypatch.setattr(discover, "rotation_age", counted)
    assert [p.name for p in Listings(racy_seconds=0).generations(live)] == [
        "app-20261203.log", "app.2.log.gz", "app.log.1"]
    assert len(asked) <= 4, f"{len(asked)} names looked at"  # app.log itself and its 3 generations


def test_a_live_name_ending_in_a_digit_lists_each_generation_once(tmp_path: Path) -> None:
    # R11s-4: trace.0's rotated-name prefixes overlap ("trace.0", "trace."): every generation was
    # listed twice, read twice, and said "unchanged since the last run" the second time
    for name in ("trace.0", "trace.0.1", "trace.0.2.gz", "trace.1.0"):
        (tmp_path / name).write_bytes(b"x\n")
    found = discover.Listings().generations(tmp_path / "trace.0")
    assert len(found) == len(set(found))
    assert tmp_path / "trace.0.1" in found and tmp_path / "trace.0.2.gz" in found
