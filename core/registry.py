"""Explicit registries: one id -> class table per stage, filled by a decorator beside the class.

Ids are stable names chosen by hand (``linux.sshd``), never derived from class names. Third-party
plug-ins add themselves through the entry-point group named by the registry
(``govsoc.collectors``, ...); nothing scans globals or ``__subclasses__()``.
"""

from __future__ import annotations

from collections.abc import Callable
from importlib.metadata import entry_points
from typing import Generic, TypeVar

from govsoc.core.errors import ConfigError

T = TypeVar("T")


class Registry(Generic[T]):
    """Maps ids to classes (or factories) of one kind."""

    def __init__(self, kind: str, entry_point_group: str) -> None:
        self.kind = kind
        self.entry_point_group = entry_point_group
        self._items: dict[str, T] = {}
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
        self._load_plugins()
        try:
            return self._items[ident]
        except KeyError:
            known = ", ".join(sorted(self._items)) or "none"
            raise ConfigError(f"unknown {self.kind} {ident!r} (known: {known})") from None

    def ids(self) -> list[str]:
        """Every registered id, sorted."""
        self._load_plugins()
        return sorted(self._items)

    def _load_plugins(self) -> None:
        if self._plugins_loaded:
            return
        self._plugins_loaded = True
        for ep in entry_points(group=self.entry_point_group):
            if ep.name not in self._items:
                self._items[ep.name] = ep.load()
