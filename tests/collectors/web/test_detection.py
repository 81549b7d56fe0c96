"""Web server logs are recognised without --parser: by their first lines, and an nginx access
log by its path (nginx writes Apache's combined format, so the lines cannot tell; Apache's own
test data even has nginx main's trailing X-Forwarded-For)."""

from __future__ import annotations

from pathlib import Path

import pytest

from govsoc.collectors.detect import detect_lines, detect_parser

DATA = Path(__file__).parents[2] / "data" / "collectors" / "web"


@pytest.mark.parametrize(("name", "expected"), [
    ("apache_access.log", "apache.access"),      # common, combined, vhost_combined
    ("nginx_access.log", "apache.access"),       # by its lines alone nginx's combined is Apache's
    ("nginx_access_vhost.log", "apache.access"),
    ("nginx_error.log", "nginx.error"),
    ("apache_error.log", "apache.error"),        # 2.2 and 2.4 layouts
])
def test_real_web_logs_are_recognised(name: str, expected: str) -> None:
    assert detect_lines((DATA / name).read_text(encoding="utf-8").splitlines()) == expected


def test_loghub_apache_error_log(corpus: Path) -> None:
    assert detect_parser(corpus / "loghub/Apache/Apache_2k.log") == "apache.error"


def test_a_combined_log_in_an_nginx_folder_is_nginx(tmp_path: Path) -> None:
    lines = (DATA / "apache_access.log").read_text(encoding="utf-8")
    (tmp_path / "nginx").mkdir()
    (tmp_path / "nginx" / "access.log").write_text(lines, encoding="utf-8")
    (tmp_path / "access.log").write_text(lines, encoding="utf-8")
    assert detect_parser(tmp_path / "nginx" / "access.log") == "nginx.access"
    assert detect_parser(tmp_path / "access.log") == "apache.access"
