"""`govsoc ingest --charset` and a configured source's ``charset`` (R11v-2): the user's word on a
file's character set wins over the judgment of its lines."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli.conftest import Run

GBK_LINE = "Dec  4 10:00:03 fw01 系统 reboot"
UTF8_LINE = "Dec  4 10:00:04 web01 app: 你好"


def _texts(govsoc: Run) -> dict[str, str]:
    return {e["event.original"] if "event.original" in e else e["message"]: e.get("govsoc.charset")
            for e in json.loads(govsoc("events", "--format", "json")[1])}


def test_charset_option(govsoc: Run, tmp_path: Path) -> None:
    log = tmp_path / "fw.log"
    log.write_bytes(f"{GBK_LINE}\n".encode("gbk"))
    assert govsoc("ingest", "--charset", "utf-8", str(log))[0] == 0  # the user says UTF-8: as UTF-8
    assert _texts(govsoc) == {GBK_LINE.encode("gbk").decode("utf-8"): "utf-8"}
    other = tmp_path / "app.log"
    other.write_bytes(f"{UTF8_LINE}\n".encode())  # 你好 in UTF-8 is GBK 浣犲ソ: --charset gbk reads that
    assert govsoc("ingest", "--charset", "gbk", str(other))[0] == 0
    assert _texts(govsoc)[UTF8_LINE.encode().decode("gb18030")] == "gb18030"


def test_a_configured_source_charset(govsoc: Run, tmp_path: Path, home: Path) -> None:
    log = tmp_path / "app.log"
    log.write_bytes(f"{UTF8_LINE}\n".encode())
    config = tmp_path / "govsoc.yaml"
    config.write_text(f"collectors:\n  sources:\n    - paths: [{tmp_path}/*.log]\n      parser: syslog.mixed\n"
                      "      charset: gbk\n", encoding="utf-8")
    assert govsoc("--config", str(config), "ingest")[0] == 0
    assert _texts(govsoc) == {UTF8_LINE.encode().decode("gb18030"): "gb18030"}
    assert govsoc("--config", str(config), "ingest", "--charset", "sometimes")[0] == 2
