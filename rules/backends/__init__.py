"""Rule backends: a Sigma rule -> a native condition a store runs (SQL or Lucene).

One backend per store kind, found through :data:`backends` by ``Store.kind``.
"""

from __future__ import annotations

from govsoc.rules.backends.base import RuleBackend, backends
from govsoc.rules.backends.sqlite import SqliteRuleBackend

__all__ = ["RuleBackend", "SqliteRuleBackend", "backend_for"]


def backend_for(store_kind: str) -> RuleBackend:
    """The backend that converts rules for stores of ``store_kind``, found through the
    ``govsoc.backends`` entry points (the Lucene backend is imported only when asked for: it
    ships with the `es` extra). A new store adds its backend module and one entry point."""
    factory: type[RuleBackend] = backends.get(store_kind)
    return factory()
