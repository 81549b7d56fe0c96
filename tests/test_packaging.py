"""Packaging and layering: one `govsoc` namespace, stages import downstream only, lint and types clean."""

from __future__ import annotations

import importlib
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
STAGES = ("core", "cli", "scheduler", "collectors", "store", "rules", "crypto_eval", "classification", "reports",
          "demo")


#: What the wheel's copy of the checkout leaves out: build output, and what tests and tools write
#: while they run (a file another test process writes or removes during the copy failed it).
NOT_SOURCE = shutil.ignore_patterns("build", "dist", "*.egg-info", ".git", "__pycache__", ".*_cache", ".hypothesis")


def test_the_copy_leaves_out_what_running_tests_write() -> None:
    written = [".hypothesis", ".pytest_cache", ".mypy_cache", ".ruff_cache", "__pycache__", "build"]
    assert NOT_SOURCE(str(ROOT), [*written, "core", "tests", "setup.py"]) == set(written)


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    build = tmp_path_factory.mktemp("build-src")
    # Build from a copy so that the checkout's own build/ folder (editable installs) is not reused.
    source = build / "govsoc"
    shutil.copytree(ROOT, source, ignore=NOT_SOURCE)
    done = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
                           "-w", str(out), str(source)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    (found,) = out.glob("govsoc-*.whl")
    return found


def test_wheel_has_govsoc_as_its_only_top_level_name(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    top = {n.split("/")[0] for n in names if not n.split("/")[0].endswith(".dist-info")}
    # ... and the pySigma plugin, which pySigma finds only in its own sigma.pipelines namespace;
    # the wheel must not make sigma or sigma.pipelines a regular package (that would hide pySigma).
    assert top == {"govsoc", "sigma"}
    assert {n for n in names if n.startswith("sigma/")} == {"sigma/pipelines/govsoc/__init__.py"}
    assert not any(n == "govsoc/__init__.py" for n in names)  # a namespace package, as pySigma's sigma
    for stage in STAGES:
        assert f"govsoc/{stage}/__init__.py" in names
        assert f"govsoc/{stage}/py.typed" in names
    # data files travel with the code
    assert "govsoc/rules/packs/egov/ssh_bruteforce.yml" in names
    assert "govsoc/reports/templates/document.html.j2" in names
    assert {"govsoc/reports/fonts/NotoSansSC-GB2312.otf", "govsoc/reports/fonts/OFL.txt"} <= set(names)
    assert wheel.stat().st_size < 8_000_000  # the packaged font is ~2.4 MB compressed
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    assert "govsoc = govsoc.cli:main" in zipfile.ZipFile(wheel).read(entry_points).decode()


@pytest.mark.parametrize("stage", STAGES)
def test_no_bare_stage_name_is_importable(stage: str, tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, "-c", f"import {stage}"], cwd=tmp_path, capture_output=True, text=True)
    assert done.returncode != 0 and "ModuleNotFoundError" in done.stderr
    assert importlib.import_module(f"govsoc.{stage}").__doc__


@pytest.mark.parametrize("stage", STAGES)
def test_public_api_is_what_all_says(stage: str) -> None:
    module = importlib.import_module(f"govsoc.{stage}")
    exported = getattr(module, "__all__", [])
    for name in exported:
        assert hasattr(module, name), f"govsoc.{stage}.__all__ names {name}, which it lacks"


def run_tool(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", *args], cwd=ROOT, capture_output=True, text=True)


def test_imports_point_downstream_only() -> None:
    done = subprocess.run([sys.executable, "-c", "from importlinter.cli import lint_imports_command as c; c()"],
                          cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "1 kept, 0 broken" in done.stdout


def test_ruff_is_clean() -> None:
    done = run_tool("ruff", "check", ".")
    assert done.returncode == 0, done.stdout


def test_mypy_strict_is_clean() -> None:
    done = run_tool("mypy", *STAGES)
    assert done.returncode == 0, done.stdout
