"""An inventory that names files by bytes that are not UTF-8 (issue 15 review R15b-18). Before
names were escaped where they enter the inventory, a GBK file name was saved as the JSON escape of
its surrogateescape'd bytes ("\\udcd5"), which reads back as a lone surrogate: every HTML and JSON
compliance report died on it ("surrogates not allowed") until the file was deleted by hand."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from govsoc.classification.inventory import RESULTS_SUBDIR
from govsoc.cli import main

GBK = os.fsdecode("张三".encode("gbk"))  # what a GBK file name is to Python: '\udcd5\udcc5\udcc8\udcfd'


def _old_inventory(folder: Path) -> None:
    field = {"dataset": f"/share/{GBK}_13912345678.csv", "table": f"{GBK}_13912345678.csv", "field": f"sfz{GBK}",
             "comment": "", "status": "tagged", "recognizer": "cn_mobile", "entity": "手机号",
             "category": "个人基本资料",
             "pi_class": "personal", "pipl_sensitive": False, "level": "G3", "level_label": "一般数据（3级）",
             "grade_basis": "", "confidence": 1.0, "reason": "40 of 40", "masked_examples": ["139****5678"],
             "sampled": 40, "hits": 40, "hit_ratio": 1.0, "runners_up": [], "mask_rule": "phone", "review": "auto"}
    table = {"dataset": field["dataset"], "table": field["table"], "rows": 40, "level": "G3",
             "level_label": "一般数据（3级）", "basis": "", "important_candidate": False, "important_reason": "",
             "fields": [field]}
    inventory = {"title": "数据分类分级清单", "source": f"/share/{GBK}", "scheme": {"name": "gbt43697", "title": "t"},
                 "generated": "2026-11-29T01:00:00+00:00", "sample_size": 1000, "recognizers": ["cn_mobile"],
                 "summary": {"tables": 1, "fields": 1, "tagged": 1, "suspected": 0, "pipl_sensitive_fields": 0,
                             "by_level": {"G3": 1}, "level": "G3", "important_candidates": [], "skipped": 1},
                 "tables": [table], "skipped": [{"path": field["dataset"], "line": 3, "column": None,
                                                 "field": f"x{GBK}", "reason": "cell of 200,000 characters"}]}
    folder.mkdir(parents=True)
    # as core.results.write_result wrote it: each lone surrogate as its JSON escape
    text = json.dumps(inventory, ensure_ascii=False, indent=2).encode("utf-8", "backslashreplace")
    (folder / "old.json").write_bytes(text)
    assert b"\\udcd5" in text


@pytest.mark.parametrize("masked", [True, False])
def test_reports_read_an_inventory_of_gbk_file_names(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                      capsys: pytest.CaptureFixture[str], masked: bool) -> None:
    home = tmp_path / "home"
    monkeypatch.setenv("GOVSOC_HOME", str(home))
    _old_inventory(home / RESULTS_SUBDIR)
    args = ["report", "compliance", "--from", "2026-11-29T00:00:00+08:00", "--to", "2026-11-30T00:00:00+08:00",
            "--unsigned", "--format", "html", "--format", "json", "--format", "md"] + ([] if masked else ["--unmasked"])
    code = main(args)
    out, err = capsys.readouterr()
    assert code == 0, err
    for path in map(Path, out.split()):
        text = path.read_text(encoding="utf-8")
        # the bytes shown as the terminal shows them, never as a replacement or a raw surrogate
        assert r"\xd5\xc5\xc8\xfd" in text.replace("\\\\", "\\"), path
