"""What the subcommands share: the configuration, the store and the inventory, opened lazily
(and imported lazily: a command that never opens the store does not import its module)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from govsoc.core.config import Config
    from govsoc.core.inventory import Inventory
    from govsoc.store import Store


@dataclass(slots=True)
class AppContext:
    """Lazily loaded state of one CLI invocation."""

    config_path: Path | None
    verbose: bool = False
    _config: Config | None = field(default=None, init=False)
    _store: Store | None = field(default=None, init=False)

    @property
    def config(self) -> Config:
        """The validated configuration (ConfigError names file, line and key)."""
        if self._config is None:
            from govsoc.core.config import load_config

            self._config = load_config(self.config_path)
        return self._config

    @property
    def store(self) -> Store:
        """The configured event store, opened on first use."""
        if self._store is None:
            from govsoc.store import open_store

            self._store = open_store(self.config)
        return self._store

    def inventory(self) -> Inventory | None:
        """The asset inventory, when the configuration names one."""
        if not self.config.inventory:
            return None
        from govsoc.core.inventory import Inventory

        return Inventory.load(self.config.inventory)

    def close(self) -> None:
        """Close the store if it was opened."""
        if self._store is not None:
            self._store.close()
            self._store = None
