"""Ingest-time classification through `govsoc ingest`: events with personal data are tagged,
personal data in URL query strings becomes a finding, and masking before storage is switched on
per source (classification.mask_sources)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli.conftest import Run

ID = "11010519491231002X"  # the GB 11643 example number (reference §5.8)
LINE = ('203.0.113.9 - - [30/Nov/2026:10:00:0{n} +0800] "GET /api/person?sfzh=' + ID +
        '&tel=13812345678 HTTP/1.1" 200 512 "-" "curl/8.0"\n')
PLAIN = '203.0.113.9 - - [30/Nov/2026:10:01:00 +0800] "GET /index.html HTTP/1.1" 200 512 "-" "curl/8.0"\n'


@pytest.fixture
def logs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    config = tmp_path / "govsoc.yaml"
    config.write_text(f"data_dir: {tmp_path / 'data'}\nclassification:\n  mask_sources: ['*/masked/*']\n",
                      encoding="utf-8")
    monkeypatch.setenv("GOVSOC_CONFIG", str(config))
    for folder in ("clear", "masked"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "access.log").write_text(LINE.format(n=1) + PLAIN, encoding="utf-8")
    return tmp_path / "clear" / "access.log", tmp_path / "masked" / "access.log"


def _events(govsoc: Run) -> list[dict[str, object]]:
    code, out, err = govsoc("events", "--format", "json", "-n", "50")
    assert code == 0, err
    return list(json.loads(out))


def test_tagged_in_motion_and_masked_per_source(govsoc: Run, logs: tuple[Path, Path]) -> None:
    clear, masked = logs
    for path in (clear, masked):
        code, _, err = govsoc("ingest", "--parser", "nginx.access", str(path))
        assert code == 0, err
    events = _events(govsoc)
    by_file = {(str(e["log.file.path"]), "sfzh" in str(e.get("url.original"))): e for e in events}
    tagged = by_file[(str(clear), True)]
    assert tagged["govsoc.classification.tags"] == ["cn_mobile", "cn_resident_id"]
    assert tagged["govsoc.classification.level"] == "G3"
    assert "personal_data_in_url_query" in tagged["govsoc.classification.findings"]  # type: ignore[operator]
    assert ID in str(tagged["url.original"])  # this source is not masked: the value is kept
    untouched = by_file[(str(clear), False)]
    assert "govsoc.classification.tags" not in untouched
    hidden = by_file[(str(masked), True)]
    assert ID not in json.dumps(hidden, ensure_ascii=False) and "13812345678" not in json.dumps(hidden)
    assert "sfzh=110105********002X" in str(hidden["url.original"])
    assert "masked" in hidden["govsoc.flags"]  # type: ignore[operator]
    # detection rules and searches can use the finding
    code, out, _ = govsoc("events", "--where", "govsoc.classification.findings=personal_data_in_url_query",
                          "--count")
    assert code == 0 and out.strip() == "2"


def test_personal_data_in_a_captured_plain_http_request_raises_an_alert(govsoc: Run, tmp_path: Path,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    # review r17d finding 25: the flow was tagged personal_data_in_cleartext_http, but the only
    # rule reading the finding was a web-server one, so a capture raised nothing
    from tests.rules.test_egov_rules import PII_GET, capture, http

    config = tmp_path / "govsoc.yaml"
    config.write_text(f"data_dir: {tmp_path / 'data'}\n", encoding="utf-8")
    monkeypatch.setenv("GOVSOC_CONFIG", str(config))
    pcap = tmp_path / "portal.pcap"
    pcap.write_bytes(capture(http("203.0.113.40", "172.16.10.5", PII_GET.format(query=f"sfzh={ID}")),
                             http("203.0.113.41", "172.16.10.5", PII_GET.format(query="page=2"))))
    code, _, err = govsoc("ingest", str(pcap))
    assert code == 0, err
    code, _, err = govsoc("detect")
    assert code == 0, err
    code, out, _ = govsoc("alerts", "--rule", "Personal Data Seen In Cleartext HTTP Traffic", "--format", "json")
    alerts = json.loads(out)
    assert code == 0 and [a["alert.evidence"][0]["fields"]["source.ip"] for a in alerts] == ["203.0.113.40"]
