"""Where classification reads data from (stage: classification; issue 15 "Sources").

Every source yields :class:`TableSample` objects: a table (a file, a sheet, a database table,
an Elasticsearch index) with its row count and, per column or field, up to ``sample`` values.
Sources only read: files are opened read-only, SQLite with ``mode=ro``, PostgreSQL sessions with
``default_transaction_read_only``, MySQL sessions ``READ ONLY``, Elasticsearch with searches.

:func:`open_source` picks the source from the target's form (table, not if-chain):

==============================  ===========================================
target                          source
==============================  ===========================================
``es://INDEX``                  Elasticsearch index or pattern (sampled)
``postgresql://…``,             SQLAlchemy (PostgreSQL via psycopg, MySQL via
``mysql://…``, ``sqlite:///…``  PyMySQL); passwords from the environment only
``*.csv``, ``*.tsv``            delimited text (UTF-8, or GB18030 as Excel writes it)
``*.jsonl``, ``*.ndjson``       JSON lines, nested fields as dotted paths
``*.json``                      one JSON text: an array's items as JSON lines
``*.xlsx``                      every sheet (openpyxl)
``*.db``, ``*.sqlite(3)``       SQLite file, read-only
a folder                        every file above in it; others reported
==============================  ===========================================
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from govsoc.classification.sources.base import Source, TableSample
from govsoc.core.errors import ConfigError

if TYPE_CHECKING:
    from govsoc.core.config import ElasticsearchSettings

__all__ = ["TableSample", "Source", "open_source", "DEFAULT_SAMPLE"]

DEFAULT_SAMPLE = 1000


def open_source(target: str, *, sample: int = DEFAULT_SAMPLE, env: Mapping[str, str] | None = None,
                es_url: str | None = None, es: ElasticsearchSettings | None = None) -> Source:
    """The source for ``target`` (see the module docstring); ``es`` the cluster's settings
    (store.elasticsearch), ``es_url`` its URL when not theirs."""
    if target.startswith("es://"):
        from govsoc.classification.sources.elasticsearch import EsSource

        return EsSource(target[len("es://"):], sample=sample, env=env, url=es_url, settings=es)
    if "://" in target:
        from govsoc.classification.sources.sql import SqlSource

        return SqlSource(target, sample=sample, env=env)
    path = Path(target)
    if not path.exists():
        raise ConfigError(f"no such file, folder or DSN: {target}")
    from govsoc.classification.sources.files import FileSource

    return FileSource(path, sample=sample)
