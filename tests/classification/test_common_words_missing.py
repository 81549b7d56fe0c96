"""jieba's word list missing, unreadable or first read by many threads at once (issue 15, review R15ao: RR15ao-2,
MEDIUM; RR15ao-6, LOW).

On F15z a missing jieba or dict.txt raised at the first name after a role label, and `govsoc classify` skipped the
whole table ("internal error"), its grade dropping to 一般数据（1级）; eight threads' first calls read the file eight
times. Each case runs in a fresh interpreter, since the list is read once a process."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

#: Makes jieba absent ("nojieba") or its dict.txt missing or unreadable (in the folder argv[2]), then masks and
#: counts label values and prints what came out, with the warnings logged.
_MISSING = """
import importlib.metadata as md, json, logging, pathlib, sys
real = md.distribution
class _Elsewhere:
    def locate_file(self, path):
        return pathlib.Path(sys.argv[2]) / pathlib.Path(path).name
def fake(name):
    if name != "jieba":
        return real(name)
    if sys.argv[1] == "nojieba":
        raise md.PackageNotFoundError(name)
    return _Elsewhere()
md.distribution = fake
records = []
class _Kept(logging.Handler):
    def emit(self, record):
        records.append(record.getMessage())
logging.basicConfig(level=logging.WARNING, handlers=[_Kept()])
from govsoc.classification.cell_names import cell_names
from govsoc.classification.free_text import mask_free_text
from govsoc.classification.recognizers.person import PersonNameRecognizer
texts = ["家长：王芳签字", "学生：王芳和李明", "学生：高一和高二"]
print(json.dumps({"shown": [mask_free_text(t) for t in texts],
                  "counted": cell_names(texts, PersonNameRecognizer()).values, "warnings": records}))
"""

#: Eight threads mask a label name at once in a fresh process; opening dict.txt is slowed so that they all ask for the
#: list before the first read ends. Prints how often dict.txt was opened and what the threads showed.
_THREADS = """
import builtins, json, threading, time
real_open = builtins.open
opened = []
def slow_open(path, *args, **kwargs):
    if str(path).endswith("dict.txt"):
        opened.append(path)
        time.sleep(0.3)
    return real_open(path, *args, **kwargs)
builtins.open = slow_open
from govsoc.classification.free_text import mask_free_text
shown = []
threads = [threading.Thread(target=lambda: shown.append(mask_free_text("家长：王芳签字"))) for _ in range(8)]
[t.start() for t in threads]
[t.join() for t in threads]
print(json.dumps({"opened": len(opened), "shown": sorted(set(shown))}))
"""


def _run(script: str, *args: str) -> dict[str, object]:
    done = subprocess.run([sys.executable, "-c", script, *args], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    result: dict[str, object] = json.loads(done.stdout.splitlines()[-1])
    return result


@pytest.mark.parametrize(("mode", "lines", "named"), [
    ("nojieba", None, "dict.txt"),  # jieba not installed (a venv made before it was a dependency)
    ("nodict", None, "dict.txt"),  # the distribution without its dict.txt
    ("baddict", "高一 3 b\n高二\n", "dict.txt:2"),  # a line of no word, frequency and tag: the file and line named
    ("baddict", b"\xff\xfe", "dict.txt"),  # no UTF-8
])
def test_without_the_word_list_label_names_are_masked_and_one_warning_names_the_file(
        mode: str, lines: str | bytes | None, named: str, tmp_path: Path) -> None:
    if isinstance(lines, str):
        (tmp_path / "dict.txt").write_text(lines, encoding="utf-8")
    elif lines is not None:
        (tmp_path / "dict.txt").write_bytes(lines)
    result = _run(_MISSING, mode, str(tmp_path))
    # no word is common: the names are masked, and so is 高一 (more masked, never less)
    assert result["shown"] == ["家长：王**签字", "学生：王**和李**", "学生：高**和高**"]
    assert result["counted"] == 3
    warnings = result["warnings"]
    assert isinstance(warnings, list) and len(warnings) == 1
    assert named in warnings[0]


def test_eight_threads_read_the_word_list_once() -> None:
    result = _run(_THREADS)
    assert result == {"opened": 1, "shown": ["家长：王**签字"]}

#: The common words and the record-name cut words (record_names) asked for in one process: how often dict.txt was
#: opened, and a word of each list.
_BOTH = """
import builtins, json
real_open = builtins.open
opened = []
def counting_open(path, *args, **kwargs):
    if str(path).endswith("dict.txt"):
        opened.append(path)
    return real_open(path, *args, **kwargs)
builtins.open = counting_open
from govsoc.classification import record_names
from govsoc.classification.common_words import is_common_word
common, cut = is_common_word("高一"), "应收帐单" in record_names._known()
print(json.dumps({"opened": len(opened), "common": common, "cut": cut, "names_common": is_common_word("王建国")}))
"""


def test_the_two_word_lists_are_read_in_one_pass() -> None:
    # the hook's read: dict.txt (349,046 lines, about 0.3 s) was read once for each list
    assert _run(_BOTH) == {"opened": 1, "common": True, "cut": True, "names_common": False}
