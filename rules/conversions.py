"""Converted rules kept in the store between passes (issue 12: the fixed cost of a pass).

Converting a Sigma rule through pySigma's processing pipeline costs one to a few milliseconds
per rule and backend (the Elasticsearch backend converts each rule twice: Lucene, and SQL for
its exact check), the same work on every pass. For an incremental pass over a few thousand
new events, converting 100 rules was most of the pass.

So each rule's native query is kept in the store's state documents (``conversion-<store
kind>-<rule id>``), with the digest of everything it was converted from:

* the rule itself: its canonical dictionary (pySigma's ``to_dict``), which holds every detection
  item with its modifiers, the log source and the condition;
* the backend (the store kind and the backend class);
* the installed versions of pySigma and its backends;
* the source text of govsoc's ``rules``, ``store`` and ``core`` packages, where the processing
  pipeline, the backends, the field mappings and the stores' query surfaces live, so that any
  change to the code that converts makes every rule convert again.

Beside the query, what the store works out from it before running it (Store.query_parts: the
SQLite store's conjuncts of the condition, which combined scans share, half a millisecond a rule
to find) is kept, and taken back with the query (Store.reuse_query_parts): the digest covers the
store's code too.

A pass takes a kept query only when its digest is the rule's digest now, and writes back only
what it converted anew (a pass over unchanged rules writes nothing). A rule that fails to
convert keeps nothing and is converted (and reported) again on every pass. The digest costs
about 40 µs per rule, against one to a few milliseconds to convert it.
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Callable, Iterable
from importlib import metadata
from pathlib import Path

from sigma.rule import SigmaRule

import govsoc.core
import govsoc.rules
import govsoc.store
from govsoc.store.base import Store

__all__ = ["ConversionCache", "code_digest"]

#: The distributions whose code takes part in converting a rule.
_DISTRIBUTIONS = ("pysigma", "pysigma-backend-sqlite", "pysigma-backend-elasticsearch", "google-re2")


@functools.cache
def code_digest() -> str:
    """The digest of the code that converts rules: govsoc's rules, store and core packages
    (every .py file, by path and content) and the versions of pySigma and of RE2 (which patterns
    it accepts: rules/backends/re2_syntax.py)."""
    digest = hashlib.sha256()
    for package in (govsoc.core, govsoc.rules, govsoc.store):
        for folder in package.__path__:
            root = Path(folder)
            for path in sorted(root.rglob("*.py")):
                digest.update(str(path.relative_to(root)).encode("utf-8") + b"\0")
                digest.update(path.read_bytes() + b"\0")
    for name in _DISTRIBUTIONS:
        try:
            version = metadata.version(name)
        except metadata.PackageNotFoundError:
            version = "-"
        digest.update(f"{name}={version}\0".encode())
    return digest.hexdigest()


class ConversionCache:
    """The kept native queries of one store kind's rules, read in one store call."""

    def __init__(self, store: Store, kind: str, backend: str, rule_ids: Iterable[str], *,
                 damaged: Callable[[str], None] | None = None) -> None:
        """``damaged``: says a kept conversion that is not a JSON object, which is then converted
        again and replaced (without it: DamagedStateError)."""
        self.store, self.kind, self.backend = store, kind, backend
        ids = list(rule_ids)
        self._kept = store.get_states([self._key(i) for i in ids], damaged=damaged) if ids else {}
        self._new: dict[str, dict[str, str]] = {}
        #: The digest of each rule converted by this pass, of the rule alone (its canonical
        #: dictionary, not the code or backend): a pass notes when a rule changed since its last.
        self.rule_digests: dict[str, str] = {}

    def _key(self, rule_id: str) -> str:
        return f"conversion-{self.kind}-{rule_id}"

    def native(self, rule: SigmaRule, convert: Callable[[SigmaRule], str]) -> str:
        """The rule's native query: the kept one when it was converted from what is converted
        now, else ``convert(rule)`` (kept for the next pass by :meth:`save`). What ``convert``
        raises goes to the caller, and nothing is kept."""
        key = self._key(str(rule.id))
        try:
            canonical = json.dumps(rule.to_dict(), sort_keys=True, ensure_ascii=False, default=str)
        except Exception:  # pySigma cannot write every rule back: such a rule converts every pass
            return convert(rule)
        digest = hashlib.sha256(f"{code_digest()}\0{self.backend}\0{canonical}".encode()).hexdigest()
        self.rule_digests[str(rule.id)] = hashlib.sha256(canonical.encode()).hexdigest()
        kept = self._kept.get(key)
        if kept is not None and kept.get("digest") == digest and isinstance(kept.get("native"), str):
            self.store.reuse_query_parts(str(kept["native"]), kept)
            return str(kept["native"])
        native = convert(rule)
        self._new[key] = {**self.store.query_parts(native), "digest": digest, "native": native}
        return native

    def save(self) -> None:
        """Write what this pass converted anew, in one store call."""
        if self._new:
            self.store.put_states(self._new)
            self._kept.update(self._new)
            self._new = {}
