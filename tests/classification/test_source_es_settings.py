"""`es://` reads the cluster's settings as the store does (review RRR15aw-7): GOVSOC_ES_CA and
GOVSOC_ES_URL win over govsoc.yaml's ca_certs and url (core.config.es_settings, as load_config
applies them), and the request timeout is the store's request_timeout. EsSource preferred the file's
CA and URL, so an API caller passing the file's settings reached another cluster, or with another CA,
than the store. Pure logic: the client is not built (connect is replaced at its seam)."""

from __future__ import annotations

from pathlib import Path

import pytest

from govsoc.classification.sources.elasticsearch import EsSource
from govsoc.core.config import ElasticsearchSettings, EsCredentials

FILE = ElasticsearchSettings(url="https://file.example:9200", ca_certs=Path("/etc/govsoc/file-ca.pem"),
                             request_timeout=45.0)
ENV = {"GOVSOC_ES_URL": "https://env.example:9200", "GOVSOC_ES_CA": "/etc/govsoc/env-ca.pem"}


@pytest.fixture
def connected(monkeypatch: pytest.MonkeyPatch) -> list[ElasticsearchSettings]:
    seen: list[ElasticsearchSettings] = []

    def connect(settings: ElasticsearchSettings, credentials: EsCredentials | None) -> object:
        seen.append(settings)
        return object()

    monkeypatch.setattr("govsoc.store.elasticsearch_client.connect", connect)
    return seen


@pytest.mark.parametrize("env, url, ca", [
    (ENV, "https://env.example:9200", "/etc/govsoc/env-ca.pem"),  # the environment wins (was: the file's CA, URL)
    ({"GOVSOC_ES_CA": "/etc/govsoc/env-ca.pem"}, "https://file.example:9200", "/etc/govsoc/env-ca.pem"),
    ({}, "https://file.example:9200", "/etc/govsoc/file-ca.pem"),  # the file alone
])
def test_the_environment_wins_as_for_the_store(connected: list[ElasticsearchSettings], env: dict[str, str],
                                               url: str, ca: str) -> None:
    EsSource("idx", sample=10, env=env, settings=FILE)
    (settings,) = connected
    assert (settings.url, str(settings.ca_certs), settings.request_timeout) == (url, ca, 45.0)
