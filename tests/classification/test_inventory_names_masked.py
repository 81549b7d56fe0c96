"""Names that hold personal data (issue 15 review R15b-13, R15b-27): field names were masked, but a
file named 张三_<ID number>.csv was printed and saved whole, and a JSON key that is an e-mail
address was cut at its dots by the field-name masking, so no part of it was found. The listing and
the saved inventory show them masked, as the report chapter does."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from govsoc.classification.inventory import RESULTS_SUBDIR
from govsoc.cli import main
from tests.classification.test_sources import PHONES, ids

NUMBER = ids(1)[0]


def test_names_are_listed_and_saved_masked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    home = tmp_path / "home"
    monkeypatch.setenv("GOVSOC_HOME", str(home))
    folder = tmp_path / "exports"
    folder.mkdir()
    (folder / f"张三_{NUMBER}.csv").write_text("sjhm\n" + "\n".join(PHONES) + "\n", encoding="utf-8")
    with (folder / "users.jsonl").open("w", encoding="utf-8") as f:
        for phone in PHONES:
            f.write(json.dumps({"users": {"zhang.san@gov.cn": {"tel": phone}}}) + "\n")
    output = tmp_path / "out.json"
    code = main(["classify", str(folder), "-o", str(output)])
    out, err = capsys.readouterr()
    assert code == 0, err
    (saved,) = (home / RESULTS_SUBDIR).iterdir()
    for text in (out, output.read_text(encoding="utf-8"), saved.read_text(encoding="utf-8")):
        assert NUMBER not in text and "张三" not in text and "zhang.san@gov.cn" not in text
    assert f"张**_{NUMBER[:6]}********{NUMBER[-4:]}.csv  rows=40" in out
    assert "z***@gov.cn" in out or "u***@gov.cn" in out  # the address masked by the e-mail rule
    fields = [f["field"] for t in json.loads(output.read_text(encoding="utf-8"))["tables"] for f in t["fields"]]
    assert "sjhm" in fields  # a plain field name stays as it is
