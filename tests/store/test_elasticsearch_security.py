"""govsoc against a real node that demands TLS and a password: verified TLS by default,
credentials from the environment only, clear errors that never show the secret."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest

from govsoc.core.config import ElasticsearchSettings, EsCredentials, es_credentials
from govsoc.core.errors import StoreConfigError, StoreError
from govsoc.core.event import Event, make_id
from govsoc.store.base import Query
from govsoc.store.elasticsearch import ElasticsearchStore

pytestmark = pytest.mark.es


def settings(env: dict[str, str], **overrides: object) -> ElasticsearchSettings:
    values: dict[str, object] = {"url": env["GOVSOC_ES_URL"], "ca_certs": env["GOVSOC_ES_CA"],
                                 "number_of_replicas": 0, "index_prefix": f"govsoc-sec-{uuid.uuid4().hex[:8]}"}
    values.update(overrides)
    return ElasticsearchSettings.model_validate(values)


def test_verified_tls_with_password_from_a_private_file(es_secure_env: dict[str, str]) -> None:
    assert es_secure_env["GOVSOC_ES_URL"].startswith("https://")
    credentials = es_credentials(es_secure_env)
    store = ElasticsearchStore(settings(es_secure_env), credentials=credentials)
    try:
        events = [Event(id=make_id("sec", n), timestamp=datetime(2026, 1, 1, n, tzinfo=UTC), dataset="test.auth",
                        fields={"event.outcome": "failure" if n % 2 else "success"}) for n in range(5)]
        assert store.write(events).created == 5
        store.refresh()
        assert store.count(Query(terms={"event.outcome": ("failure",)})) == 2
    finally:
        store.drop_all()
        store.close()


def test_wrong_password_is_refused_without_showing_it(es_secure_env: dict[str, str]) -> None:
    with pytest.raises(StoreError) as caught:
        ElasticsearchStore(settings(es_secure_env), credentials=EsCredentials(user="govsoc", password="wrong-pw-123"))
    assert "401" in str(caught.value)
    assert "wrong-pw-123" not in str(caught.value)


def test_no_credentials_is_refused(es_secure_env: dict[str, str]) -> None:
    with pytest.raises(StoreError, match="401"):
        ElasticsearchStore(settings(es_secure_env), credentials=EsCredentials())


def test_certificates_are_verified_by_default(es_secure_env: dict[str, str]) -> None:
    # Without the node's CA, the system trust store does not know the certificate: refused, as
    # a configuration error naming the certificate problem (R11i-7), not as an unreachable node.
    with pytest.raises(StoreConfigError, match="TLS certificate does not verify: "):
        ElasticsearchStore(settings(es_secure_env, ca_certs=None), credentials=es_credentials(es_secure_env))
