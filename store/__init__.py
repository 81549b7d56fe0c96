"""govsoc.store: where events and alerts are kept.

One contract (:class:`Store`), two implementations chosen by configuration: the embedded SQLite
store (the default, no server) and Elasticsearch (``pip install govsoc[es]``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from govsoc.core.errors import ConfigError
from govsoc.store.base import Bucket, Query, Store, WriteReceipt
from govsoc.store.sqlite import SqliteStore

if TYPE_CHECKING:
    from govsoc.core.config import Config

__all__ = ["Bucket", "Query", "SqliteStore", "Store", "WriteReceipt", "open_store"]


def open_store(config: Config) -> Store:
    """The store the configuration selects: SQLite by default, Elasticsearch when configured."""
    if config.backend == "sqlite":
        return SqliteStore(config.sqlite_path)
    # imported here: the SQLite writer process imports this package and needs no configuration
    # (pydantic and YAML cost it a fifth of a second of CPU at every start, issue 11)
    from govsoc.core.config import es_credentials

    try:
        from govsoc.store.elasticsearch import ElasticsearchStore
    except ImportError as e:
        raise ConfigError(f"the Elasticsearch store needs its client: pip install 'govsoc[es]' ({e.name})") from e
    es = config.store.elasticsearch
    if not es.url:
        raise ConfigError("store.backend is elasticsearch but no URL is set (GOVSOC_ES_URL or "
                          "store.elasticsearch.url)")
    return ElasticsearchStore(es, credentials=es_credentials(), retention_days=config.store.retention_days)
