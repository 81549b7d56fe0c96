"""Explicit registries: one id -> class table per stage, filled by a decorator beside the class.

Ids are stable names chosen by hand (``linux.sshd``), never derived from class names. Third-party
plug-ins add themselves through the entry-point group named by the registry
(``govsoc.collectors``, ...), each entry point naming its class (``pkg.mod:Class``) or the module
whose decorator registers it (``pkg.mod``); nothing scans globals or ``__subclasses__()``.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from types import ModuleType
from typing import TYPE_CHECKING, Generic, TypeVar

from govsoc.core.errors import ConfigError

if TYPE_CHECKING:
    from importlib.metadata import EntryPoint

T = TypeVar("T")


class Registry(Generic[T]):
    """Maps ids to classes (or factories) of one kind."""

    def __init__(self, kind: str, entry_point_group: str) -> None:
        self.kind = kind
        self.entry_point_group = entry_point_group
        self._items: dict[str, T] = {}
        # Plug-ins found but not imported yet: one is imported when it is asked for, so that a
        # plug-in whose optional dependency is missing (the Elasticsearch rule backend without
        # the `es` extra) costs nothing until it is used, and then says which extra it needs.
        self._pending: dict[str, EntryPoint] = {}
        self._plugins_loaded = False

    def register(self, ident: str) -> Callable[[T], T]:
        """Decorator: register the decorated class under ``ident``."""

        def decorate(item: T) -> T:
            if ident in self._items and self._items[ident] is not item:
                raise ValueError(f"{self.kind} id {ident!r} is registered twice")
            self._items[ident] = item
            return item

        return decorate

    def get(self, ident: str) -> T:
        """The item registered under ``ident``; a ConfigError names the known ids otherwise."""
        if ident in self._items:  # a plug-in never replaces a built-in id: no need to look for them
            return self._items[ident]
        self._load_plugins()
        if ident not in self._items and ident in self._pending:
            self._load(ident, self._pending[ident])
            del self._pending[ident]  # once loaded only: a plug-in that failed says so again (RRR15aw-2)
        try:
            return self._items[ident]
        except KeyError:
            known = ", ".join(self.ids()) or "none"
            raise ConfigError(f"unknown {self.kind} {ident!r} (known: {known})") from None

    def _load(self, ident: str, entry: EntryPoint) -> None:
        """Import the plug-in ``entry`` and register what it names under ``ident``: the object
        (``module:Class``) or, when it names a module, what the module's own ``register`` put
        there as it was imported (R15at-3). A plug-in that fails, or a module that registers no
        such id, is a ConfigError naming the entry point."""
        plugin = f"{self.kind} plug-in {ident!r} ({entry.value})"
        before = set(self._items)
        try:
            loaded = entry.load()
        except KeyboardInterrupt:
            raise  # the user's, not the plug-in's
        except BaseException as e:  # sys.exit() at import ended govsoc (RRR15ax-8): a failed load too
            # what the failed import registered, under any id, is half made: the next look-up imports
            # the plug-in again and fails the same, never returns it (RRR15aw-2, RRR15ax-7)
            # (an id registered by a module that was imported whole, a built-in store the plug-in
            # subclasses, stays: only a module that failed leaves sys.modules; RRR15ay-5)
            for made in set(self._items) - before:
                if getattr(self._items[made], "__module__", None) not in sys.modules:
                    del self._items[made]
            if isinstance(e, ImportError):
                raise ConfigError(f"{self.kind} {ident!r} cannot be loaded: {e} (install the extra that "
                                  f"provides it, e.g. pip install 'govsoc[es]')") from e
            # a plug-in's own fault: said, not an internal error of every run
            raise ConfigError(f"{plugin} cannot be loaded: {type(e).__name__}: {e}") from e
        if not isinstance(loaded, ModuleType):
            self._items[ident] = loaded
        elif ident not in self._items and entry.attr:  # mod:attr, the attribute a module (RRR15ax-8)
            raise ConfigError(f"{plugin}: {entry.attr!r} names a module, not a {self.kind}; name the class in the "
                              f"entry point ({entry.module}:Class)")
        elif ident not in self._items:
            raise ConfigError(f"{plugin}: the module registers no {self.kind} {ident!r}; decorate its class with "
                              f"register({ident!r}) or name the class in the entry point ({entry.value}:Class)")

    def ids(self) -> list[str]:
        """Every registered id, sorted (plug-ins included, whether imported yet or not)."""
        self._load_plugins()
        return sorted(set(self._items) | set(self._pending))

    def _load_plugins(self) -> None:
        if self._plugins_loaded:
            return
        self._plugins_loaded = True
        from importlib.metadata import entry_points  # only when an id is not built in (saves CLI start-up)

        for ep in entry_points(group=self.entry_point_group):
            if ep.name not in self._items:
                self._pending[ep.name] = ep
