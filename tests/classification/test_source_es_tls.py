"""`govsoc classify es://` reaches the cluster as the store does (issue 15 review R15at-6): it built a
client of its own from GOVSOC_ES_CA only, so a cluster whose CA govsoc.yaml names
(store.elasticsearch.ca_certs) failed TLS for classify while ingest used it. Real TLS node
(127.0.0.1:19201, tests/conftest.py es_secure_env), its own CA; TLS stays verified by default."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from elasticsearch import Elasticsearch

from tests.classification.test_sources import ids
from tests.collectors.test_store_certificate import govsoc, wrong_ca

pytestmark = pytest.mark.es


def _index(env: dict[str, str]) -> tuple[str, Elasticsearch]:
    client = Elasticsearch(env["GOVSOC_ES_URL"], ca_certs=env["GOVSOC_ES_CA"], request_timeout=60,
                           basic_auth=(env["GOVSOC_ES_USER"], Path(env["GOVSOC_ES_PASSWORD_FILE"]).read_text()))
    index = f"f15ae-{uuid.uuid4().hex[:8]}"
    client.indices.create(index=index, settings={"number_of_replicas": 0})
    for n, number in enumerate(ids(40)):
        client.index(index=index, id=str(n), document={"sfzh": number})
    client.indices.refresh(index=index)
    return index, client


def _config(tmp_path: Path, env: dict[str, str], ca: str, extra: str = "") -> Path:
    path = tmp_path / "govsoc.yaml"
    path.write_text(f"data_dir: {tmp_path / 'home'}\nstore:\n  elasticsearch:\n    url: {env['GOVSOC_ES_URL']}\n"
                    f"    ca_certs: {ca}\n{extra}", encoding="utf-8")
    return path


def test_classify_uses_the_configured_ca(tmp_path: Path, es_secure_env: dict[str, str]) -> None:
    index, client = _index(es_secure_env)
    try:
        # credentials from the environment, the CA from govsoc.yaml only (was: CERTIFICATE_VERIFY_FAILED)
        done = govsoc(_config(tmp_path, es_secure_env, es_secure_env["GOVSOC_ES_CA"]), es_secure_env,
                      "classify", f"es://{index}")
        assert done.returncode == 0, done.stderr
        assert "sfzh\ttagged\t居民身份证号" in done.stdout
    finally:
        client.indices.delete(index=index)
        client.close()


def test_a_ca_that_did_not_sign_the_node_is_refused(tmp_path: Path, es_secure_env: dict[str, str],
                                                    openssl: str) -> None:
    # verified by default: a CA that did not sign the node fails closed (as before the fix), on one line
    done = govsoc(_config(tmp_path, es_secure_env, str(wrong_ca(tmp_path, openssl))), es_secure_env,
                  "classify", "es://anything")
    assert done.returncode == 1
    assert "CERTIFICATE_VERIFY_FAILED" in done.stderr and es_secure_env["GOVSOC_ES_URL"] in done.stderr
    assert "Traceback" not in done.stderr
