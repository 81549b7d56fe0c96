"""The Chinese 密评 section says why an endpoint could not be examined in Chinese (issue 16 fifth
review, finding 10): the resolver's and the operating system's messages ("Name or service not
known", "[Errno 101] Network is unreachable"), a Python exception of the probe, and the probe's own
FTP connectors ("AUTH TLS offered, not required") were quoted in English. Real endpoints take each
path: a name under .invalid (RFC 6761 6.4: never resolves), an address of the documentation range
2001:db8::/32 (RFC 3849: no route, or no answer), vsftpd offering AUTH TLS without requiring it;
a probe report carrying a Python exception is built as the runner builds one."""

from __future__ import annotations

import re
from pathlib import Path

from govsoc.crypto_eval.evaluate import evaluate_inventory
from govsoc.crypto_eval.probes.runner import EndpointReport, Target, probe_error
from govsoc.crypto_eval.report import section
from tests.crypto_eval.test_chinese_section import english_runs, strings
from tests.crypto_eval.test_review_declared import _systems
from tests.servers.certs import CertFiles
from tests.servers.cleartext import vsftpd


def test_why_an_endpoint_was_not_examined_is_chinese(tmp_path: Path, rsa_cert: CertFiles, vsftpd_binary: Path) -> None:
    try:
        "门户".encode("ascii")
    except UnicodeEncodeError as e:  # the exception a probe raised on a Chinese server name (finding 5)
        crashed = EndpointReport(target=Target(host="127.0.0.1", port=9, protocol="https"), error=probe_error(e))
    with vsftpd(tmp_path, tls=rsa_cert, force_tls=False) as ftp:
        (e,) = evaluate_inventory(_systems({"name": "errors", "level": 3, "endpoints": [
            {"host": "portal.invalid", "port": 443, "protocol": "https", "kind": "web"},
            {"host": "2001:db8::1", "port": 443, "protocol": "https", "kind": "web"},
            {"host": "127.0.0.1", "port": 9, "protocol": "https", "kind": "web"},
            {"host": "127.0.0.1", "port": ftp, "protocol": "ftp", "kind": "admin"}]}),
            question_timeout=1.0, extra_evidence=[crashed])
    texts = list(strings(section(e)))
    joined = "\n".join(texts)
    assert "主机名无法解析" in joined and "探测程序出错" in joined and "支持AUTH TLS但不强制" in joined
    # the server's own FTP replies ("331 Please specify the password.") are data, quoted as they came
    replies = re.compile(r"\b[1-5][0-9][0-9] [^|；）/→]*")
    found = sorted({run for text in texts for run in english_runs(replies.sub("", text))})
    assert found == [], found
