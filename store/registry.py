"""The registry of event stores (id -> Store class); plug-ins use the govsoc.stores group."""

from __future__ import annotations

from typing import Any

from govsoc.core.registry import Registry

stores: Registry[Any] = Registry("store", "govsoc.stores")
