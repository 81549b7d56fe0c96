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


def _data_dir_only(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A configuration of its own for a test: its data folder under ``tmp_path``, nothing else."""
    config = tmp_path / "govsoc.yaml"
    config.write_text(f"data_dir: {tmp_path / 'data'}\n", encoding="utf-8")
    monkeypatch.setenv("GOVSOC_CONFIG", str(config))


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

    _data_dir_only(tmp_path, monkeypatch)
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


#: An application's syslog lines: an ID number and a mobile in the text (R15at-2, /tmp/R15at/ing/plain/app.log).
APP = "Dec  4 10:0{n}:00 app01 egov[123]: user 王芳 身份证号 " + ID + " 手机 13812345678 提交申请\n"
APP_CLEAN = "Dec  4 10:09:00 app01 egov[123]: user lookup done in 12 ms\n"


def test_personal_data_in_a_log_message_raises_an_alert_the_report_counts(govsoc: Run, tmp_path: Path,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    # R15at-2: 5 lines tagged personal_data_in_log_message reached no rule (0 alerts) and so no
    # report: the issue asks that personal data seen in log messages be a finding detection rules
    # use and reports count, as for URL query strings
    _data_dir_only(tmp_path, monkeypatch)
    log = tmp_path / "app.log"
    log.write_text("".join(APP.format(n=n) for n in range(5)) + APP_CLEAN, encoding="utf-8")
    code, _, err = govsoc("ingest", "--parser", "linux.auth", "--year", "2026", str(log))
    assert code == 0, err
    code, out, _ = govsoc("events", "--where", "govsoc.classification.findings=personal_data_in_log_message",
                          "--count")
    assert code == 0 and out.strip() == "5"
    code, _, err = govsoc("detect", "--from", "2026-12-04T00:00:00Z", "--to", "2026-12-05T00:00:00Z")
    assert code == 0, err
    code, out, _ = govsoc("alerts", "--rule", "Personal Data Written Into An Application Log Message",
                          "--format", "json", "-n", "50")
    assert code == 0
    assert sorted(a["alert.evidence"][0]["fields"]["message"] for a in json.loads(out)) == sorted(
        APP.format(n=n).split(": ", 1)[1].strip() for n in range(5))
    report = tmp_path / "situation.json"
    code, _, err = govsoc("report", "situation", "--from", "2026-12-04T00:00:00Z", "--to", "2026-12-05T00:00:00Z",
                          "--format", "json", "--unsigned", "-o", str(report))
    assert code == 0, err
    text = report.read_text(encoding="utf-8")
    rows = [row for row in _table_rows(json.loads(text)) if row and str(row[0]).startswith(("等保", "密评"))]
    assert ["等保 8.1.4.11 b)", 5] in [[r[0], r[-1]] for r in rows], rows
    assert any(str(r[0]).startswith("密评") and "8.4 e" in str(r[0]) and r[-1] == 5 for r in rows), rows
    assert ID not in text  # the report masks the evidence it quotes


def _table_rows(document: object) -> list[list[object]]:
    """Every table row anywhere in a report's JSON."""
    if isinstance(document, dict):
        own = [list(r) for r in document.get("rows", []) if isinstance(r, list)] if "rows" in document else []
        return own + [row for v in document.values() for row in _table_rows(v)]
    if isinstance(document, list):
        return [row for v in document for row in _table_rows(v)]
    return []
