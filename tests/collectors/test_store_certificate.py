"""A certificate that does not verify is a configuration error, not an outage (R11i-7): with a
wrong CA for the TLS node, `govsoc ingest` spooled every event for ever, exited 0 and said only
"store unavailable". It now says which URL and what is wrong with its certificate (never the
credentials), exits 2, and keeps what it read spooled: with the right CA the next run stores
every line once. Real TLS node (127.0.0.1:19201, tests/conftest.py), real openssl CA."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from govsoc.core.config import ElasticsearchSettings, es_credentials
from govsoc.store.base import Query
from govsoc.store.elasticsearch import ElasticsearchStore

pytestmark = pytest.mark.es
GOVSOC = str(Path(sys.executable).with_name("govsoc"))


def sshd(i: int) -> bytes:
    return (f"Dec 10 06:{i // 60 % 60:02d}:{i % 60:02d} LabSZ sshd[{i}]: Failed password for u{i} from 10.0.0.1 "
            f"port {i} ssh2\n").encode()


def config(tmp_path: Path, env: dict[str, str], ca: str, prefix: str) -> Path:
    path = tmp_path / "govsoc.yaml"
    path.write_text(f"data_dir: {tmp_path / 'home'}\nstore:\n  backend: elasticsearch\n  elasticsearch:\n"
                    f"    url: {env['GOVSOC_ES_URL']}\n    index_prefix: {prefix}\n    number_of_replicas: 0\n"
                    f"    ca_certs: {ca}\n    request_timeout: 60\n", encoding="utf-8")
    return path


def govsoc(cfg: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("GOVSOC_")}
    # credentials only: GOVSOC_ES_CA would override the CA of the configuration
    clean |= {k: v for k, v in env.items() if k in ("GOVSOC_ES_USER", "GOVSOC_ES_PASSWORD_FILE")}
    return subprocess.run([GOVSOC, "--config", str(cfg), *args], capture_output=True, text=True, timeout=300,
                          env=clean)


def wrong_ca(tmp_path: Path, openssl: str) -> Path:
    """A CA certificate that did not sign the node's."""
    wrong = tmp_path / "wrong-ca.crt"
    subprocess.run([openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(tmp_path / "k.pem"),
                    "-out", str(wrong), "-days", "2", "-subj", "/CN=not the node's CA"], check=True,
                   capture_output=True)
    return wrong


def stored_then_dropped(env: dict[str, str], prefix: str) -> list[str]:
    """The event.original of every event under ``prefix`` on the TLS node; its indices dropped."""
    store = ElasticsearchStore(ElasticsearchSettings(url=env["GOVSOC_ES_URL"], index_prefix=prefix,
                                                     ca_certs=Path(env["GOVSOC_ES_CA"])),
                               credentials=es_credentials(env))
    try:
        store.refresh()
        return [str(e.get("event.original")) for e in store.search(Query())]
    finally:
        store.drop_all()
        store.close()


def test_a_certificate_that_does_not_verify_is_a_configuration_error(tmp_path: Path, openssl: str,
                                                                     es_secure_env: dict[str, str]) -> None:
    wrong = wrong_ca(tmp_path, openssl)
    log = tmp_path / "auth.log"
    log.write_bytes(b"".join(sshd(i) for i in range(500)))
    prefix = f"govsoc-cert-{uuid.uuid4().hex[:8]}"
    done = govsoc(config(tmp_path, es_secure_env, str(wrong), prefix), es_secure_env, "ingest", str(log))
    # before: rc 0, "store unavailable, spooling to ...", nothing about the certificate
    assert done.returncode == 2, done.stderr
    said = done.stderr
    assert "https://127.0.0.1:19201" in said and "certificate" in said and "ca_certs" in said, said
    password = Path(es_secure_env["GOVSOC_ES_PASSWORD_FILE"]).read_text()
    assert password not in said + done.stdout
    assert any((tmp_path / "home" / "spool").iterdir())  # what was read is kept
    # with the node's CA the next run stores what was spooled: every line once
    right = govsoc(config(tmp_path, es_secure_env, es_secure_env["GOVSOC_ES_CA"], prefix), es_secure_env,
                   "ingest", str(log))
    assert right.returncode == 0, right.stderr
    originals = stored_then_dropped(es_secure_env, prefix)
    assert len(originals) == len(set(originals)) == 500


def test_the_files_a_misconfigured_store_left_unread_are_named_and_status_says_why(
        tmp_path: Path, openssl: str, es_secure_env: dict[str, str]) -> None:
    # R11j-4: the run stopped at the first file whose batch met the certificate error; the other
    # files named were skipped without a word, the closing line read as if the run was complete,
    # `govsoc status` said only "waiting for the store" (it never drains by waiting), and which
    # file came first was the oldest, not the first named.
    wrong = wrong_ca(tmp_path, openssl)
    logs = [tmp_path / name for name in ("g.log", "a.log", "c.log")]
    for n, log in enumerate(logs):
        log.write_bytes(b"".join(sshd(i) for i in range(n * 100, n * 100 + 100)))
        os.utime(log, (2_000_000_000 - n * 1000, 2_000_000_000 - n * 1000))  # the first named is the newest
    prefix = f"govsoc-cert-{uuid.uuid4().hex[:8]}"
    cfg = config(tmp_path, es_secure_env, str(wrong), prefix)
    done = govsoc(cfg, es_secure_env, "ingest", *map(str, logs))
    assert done.returncode == 2, done.stderr
    assert done.stdout.startswith(f"{logs[0]}: 100 records"), done.stdout  # read in the order named
    assert "still spooled until its configuration is fixed" in done.stdout, done.stdout  # not "the store answers"
    said = [line for line in done.stderr.splitlines() if "not read" in line]
    assert len(said) == 1 and said[0].startswith(f"govsoc: {logs[1]}, {logs[2]}: not read: the store is "
                                                 f"misconfigured ("), done.stderr
    assert "certificate" in said[0] and said[0].endswith("the next run reads them"), said
    status = govsoc(cfg, es_secure_env, "status")
    assert status.returncode == 0, status.stderr
    (line,) = [line for line in status.stdout.splitlines() if line.startswith("store misconfigured since ")]
    assert "certificate" in line and "https://127.0.0.1:19201" in line, line
    assert "waiting for the store's configuration to be fixed" in status.stdout, status.stdout
    # with the node's CA: the spooled file and the two left unread, every line once; status forgets it
    right_cfg = config(tmp_path, es_secure_env, es_secure_env["GOVSOC_ES_CA"], prefix)
    right = govsoc(right_cfg, es_secure_env, "ingest", *map(str, logs))
    assert right.returncode == 0, right.stderr
    assert "store misconfigured" not in govsoc(right_cfg, es_secure_env, "status").stdout
    originals = stored_then_dropped(es_secure_env, prefix)
    assert len(originals) == len(set(originals)) == 300
