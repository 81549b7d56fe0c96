"""Rule backends: a Sigma rule -> a native condition a store runs (SQL or Lucene).

One backend per store kind, found through :data:`backends` by ``Store.kind``.
"""

from __future__ import annotations

from govsoc.rules.backends.base import RuleBackend, backends
from govsoc.rules.backends.sqlite import SqliteRuleBackend

__all__ = ["RuleBackend", "SqliteRuleBackend", "backend_for"]


def backend_for(store_kind: str) -> RuleBackend:
    """The backend that converts rules for stores of ``store_kind``."""
    if store_kind == "elasticsearch":
        # Imported on demand: the Lucene backend ships with the `es` extra.
        from govsoc.rules.backends import lucene  # noqa: F401
    factory: type[RuleBackend] = backends.get(store_kind)
    return factory()
