"""Names a source reads that UTF-8 cannot hold (issue 15 review R15-5): a JSON key (or an XLSX
heading, a sheet title) with a lone surrogate is classified under its escaped name and counted, the inventory is
saved and `govsoc classify` finishes, every other table's result kept."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.classification.test_sources import ids


def test_a_lone_surrogate_in_a_name_is_escaped() -> None:
    from govsoc.classification.sources.base import printable_name

    assert printable_name("sfz\udc00") == "sfz\\udc00"
    assert printable_name("身份证号") == "身份证号"  # valid text is left as it is


def _classify(target: Path, home: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "govsoc.cli", "classify", str(target)], capture_output=True,
                          text=True, env={"GOVSOC_HOME": str(home), "PATH": "/usr/bin:/bin"}, timeout=300,
                          errors="backslashreplace")


def test_a_json_key_with_a_lone_surrogate_is_saved_with_the_other_tables(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    # the key as a file holds it: the six characters \udc00, which json.loads makes a lone surrogate
    (folder / "a.jsonl").write_text("".join('{"sfz\\udc00": "' + n + '"}\n' for n in ids(50)), encoding="utf-8")
    (folder / "b.jsonl").write_text("".join(json.dumps({"sfzh": n}) + "\n" for n in ids(50)), encoding="utf-8")
    run = _classify(folder, tmp_path / "home")
    assert run.returncode == 0, run.stderr
    (saved,) = (tmp_path / "home").rglob("results/classification/*.json")
    data = json.loads(saved.read_text(encoding="utf-8"))
    tables = {t["table"]: t for t in data["tables"]}
    assert set(tables) == {"a.jsonl", "b.jsonl"}
    fields = {f["field"]: f for t in data["tables"] for f in t["fields"]}
    assert fields["sfz\\udc00"]["recognizer"] == "cn_resident_id"  # classified under the escaped name
    assert fields["sfzh"]["recognizer"] == "cn_resident_id"
    assert data["summary"]["skipped"] == 1  # the renamed field, counted and listed
    (skip,) = data["skipped"]
    assert skip["path"] == str(folder / "a.jsonl") and "surrogate" in skip["reason"]



def test_an_elasticsearch_field_with_a_lone_surrogate_is_escaped_and_counted(es_env: dict[str, str]) -> None:
    import uuid

    from elasticsearch import Elasticsearch

    from govsoc.classification.sources import open_source

    client = Elasticsearch(es_env["GOVSOC_ES_URL"])
    index = f"govsoc-test-{uuid.uuid4().hex[:10]}-names"
    try:
        for i, number in enumerate(ids(30)):  # Elasticsearch stores and returns the key as it was sent
            client.index(index=index, id=str(i), document={"sfz\udc00": number})
        client.indices.refresh(index=index)
        (table,) = open_source(f"es://{index}", env={}, es_url=es_env["GOVSOC_ES_URL"]).tables()
        assert [c.field for c in table.columns] == ["sfz\\udc00"] and table.skipped_count == 1
        assert table.skipped[0].location.field == f"{index}.sfz\\udc00"
    finally:
        client.indices.delete(index=index, ignore_unavailable=True)
        client.close()
