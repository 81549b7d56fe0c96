"""Skip reasons quote names (a folder a link points to, a sheet, a schema) as the sources wrote them:
the source marks each name where it builds the reason (sources.base.quoted), and the inventory shows it
as the skip's own location shows it, whole, before any clause of the prose is masked (RRR15bs-1): a
label and its value split by ': ' (wifi密码: Hunter2Pass!) were masked one clause at a time and stayed
in clear in the reason while the location hid them. Counts in the prose are written with thousands
separators and are no phone numbers (RRR15bs-4)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from govsoc.classification.columns import ColumnClassifier
from govsoc.classification.grading import load_scheme
from govsoc.classification.inventory import build_inventory
from govsoc.classification.shown_names import ShownNames
from govsoc.classification.sources import open_source
from govsoc.classification.sources.base import Skipped, quoted
from govsoc.core.errors import Location

SECRET = "Hunter2Pass!"


def test_the_prose_around_a_quoted_name_is_left_as_written() -> None:
    # a schema named secret: read whole, "secret: this user ..." made 'this' a password
    names = ShownNames(ColumnClassifier())
    reason = f"schema {quoted('secret')}: this user may not use it (no USAGE privilege): its 3 tables not classified"
    assert names.skip(Skipped(location=Location(path="db"), reason=reason)).reason == \
        "schema secret: this user may not use it (no USAGE privilege): its 3 tables not classified"


def test_a_folder_behind_a_link_loop_keeps_its_label_and_value_masked(tmp_path: Path) -> None:
    folder = tmp_path / "src" / f"wifi密码: {SECRET}"
    (folder / "sub").mkdir(parents=True)
    (folder / "a.csv").write_text("姓名,手机号\n张伟,13800138000\n李娜,13900139000\n", encoding="utf-8")
    (folder / "sub" / "loop").symlink_to(folder)
    source = open_source(str(tmp_path / "src"))
    inventory = build_inventory(source.tables(), source=source.name, scheme=load_scheme("gbt43697"), sample_size=100)
    loops = [s for s in inventory.skipped if "a folder already read" in s.reason]
    assert loops, inventory.skipped
    assert SECRET not in json.dumps(inventory.to_dict(), ensure_ascii=False)


#: The isolate marks U+2066..U+2069 (LRI, RLI, FSI, PDI): quoted() brackets a name with FSI..PDI.
MARKS = ("\u2066", "\u2067", "\u2068", "\u2069")
FSI, PDI = "\u2068", "\u2069"


@pytest.mark.parametrize("name", [
    "wifi密码: Hunter2Pass!",   # a folder behind a symlink loop (e2e_colon.sh)
    "password: Hunter2Pass!",   # the English label
    "口令：Hunter2Pass!",        # a full-width colon
    f"wifi密码: {PDI}Hunter2Pass!",       # a PDI of its own closed the quote before the value
    f"wifi密码{PDI}: Hunter2Pass!",       # ... or after the label
    f"password:{PDI} Hunter2Pass!",       # the prose left 'Hunter2Pass!' after a clause it could not cut
    f"x{PDI}{FSI}wifi密码: Hunter2Pass!",  # a closing and an opening mark: the name's own marks lost
    f"wifi密码: Hunter2Pass!{FSI}",       # an opening mark left unpaired in the reason
    "\u2066wifi密码: \u2067Hunter2Pass!",  # LRI and RLI, isolates of the same family
])
def test_a_quoted_name_is_shown_as_its_location_shows_it(name: str) -> None:
    # A label and its value split by ': ' are masked together (RRR15bs-1); a Linux folder name
    # may hold any character but '/' and NUL, the isolate marks too, and its own marks can
    # never close its quote (RRR15bu-1)
    names = ShownNames(ColumnClassifier())
    path = f"/srv/{name}"
    skipped = Skipped(location=Location(path=path),
                      reason=f"a link to {quoted(path)}, a folder already read: not read again")
    shown = names.skip(skipped)
    assert SECRET not in shown.reason, shown.reason
    assert not any(m in shown.reason or m in (shown.location.path or "") for m in MARKS), ascii(shown)
    # the name is shown as its location shows it (its marks, invisible, dropped in both)
    assert shown.reason == f"a link to {shown.location.path}, a folder already read: not read again", ascii(shown)


def test_an_unpaired_mark_in_the_prose_is_dropped() -> None:
    names = ShownNames(ColumnClassifier())
    reason = f"schema {quoted('hr')}: this user may not use it{PDI}: {FSI}its 3 tables not classified"
    assert names.skip(Skipped(location=Location(path="db"), reason=reason)).reason == \
        "schema hr: this user may not use it: its 3 tables not classified"


@pytest.mark.parametrize("name", [f"wifi密码: {PDI}Hunter2Pass!", f"password:{PDI} Hunter2Pass!",
                                  f"x{PDI}{FSI}wifi密码: Hunter2Pass!"])
def test_no_isolate_mark_reaches_the_saved_inventory(tmp_path: Path, name: str) -> None:
    folder = tmp_path / "src" / name
    (folder / "sub").mkdir(parents=True)
    (folder / "a.csv").write_text("姓名,手机号\n张伟,13800138000\n李娜,13900139000\n", encoding="utf-8")
    (folder / "sub" / "loop").symlink_to(folder)
    source = open_source(str(tmp_path / "src"))
    inventory = build_inventory(source.tables(), source=source.name, scheme=load_scheme("gbt43697"), sample_size=100)
    saved = json.dumps(inventory.to_dict(), ensure_ascii=False)
    assert [s for s in inventory.skipped if "a folder already read" in s.reason], inventory.skipped
    assert SECRET not in saved
    assert not any(m in saved for m in MARKS), [s.reason for s in inventory.skipped]


def test_a_gbk_named_folder_behind_a_link_loop_is_decoded_and_masked(tmp_path: Path) -> None:
    # RRR15bu-2: a folder from a Windows share named in GBK: the quoted name reached the masking as
    # surrogate-escaped bytes (密码 unread) and the JSON reason as lone surrogates
    src = tmp_path / "src"
    src.mkdir()
    folder = os.path.join(bytes(src), f"wifi密码: {SECRET}".encode("gbk"))
    os.makedirs(os.path.join(folder, b"sub"))
    with open(os.path.join(folder, b"a.csv"), "w", encoding="utf-8") as f:
        f.write("姓名,手机号\n张伟,13800138000\n李娜,13900139000\n")
    os.symlink(folder, os.path.join(folder, b"sub", b"loop"))
    source = open_source(str(src))
    inventory = build_inventory(source.tables(), source=source.name, scheme=load_scheme("gbt43697"), sample_size=100)
    loops = [s.reason for s in inventory.skipped if "a folder already read" in s.reason]
    assert loops, inventory.skipped
    saved = json.dumps(inventory.to_dict(), ensure_ascii=False)
    assert SECRET not in saved, loops
    assert not any("\ud800" <= c <= "\udfff" for c in saved), ascii(loops)
    assert "wifi密码" in loops[0], loops
