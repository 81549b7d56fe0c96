"""Compiling the flow engine's functions (collectors.flows.native_tcp, native_table,
native_kernel and collectors.flows.slots) with numba (a registry package, extra ``pcap``), their
machine code cached on disk by numba, and whether numba is there to do it.
"""

from __future__ import annotations

from typing import Any

from govsoc.collectors.flows.slots import NAMES as SLOT_NAMES

_numba: Any
try:
    import numba as _numba
except ImportError:  # pragma: no cover - the pure-Python engine is used instead
    _numba = None


def available() -> bool:
    """Whether numba is installed (the fast path can run)."""
    return _numba is not None


def walker() -> Any:
    """The compiled pcap record walker (collectors.flows.pcap uses it when given)."""
    return _compile()["_walk_pcap"]


_COMPILED: dict[str, Any] = {}
_NAMES = (*SLOT_NAMES, "_forget", "_walk_pcap", "_le32", "_sd", "_hist", "_flip", "_check", "_scaled", "_state",
          "_init", "_size", "_history_letters", "_segment", "_machine", "_orig_is_src", "_tag", "_untag", "_unindex",
          "_paired", "_end", "_add", "_udp_letter", "_be16", "_be32", "_be64", "_kernel", "_worth", "_add_hit",
          "_keep", "_outer", "_sample_max", "_body", "_http_head")


def _compile() -> dict[str, Any]:
    """Compile the engine's functions with numba (machine code cached on disk by numba). A compiled
    function calls the others through the globals of the module it was written in, so each name is
    rebound, in every one of those modules holding it, to the compiled function."""
    if not _COMPILED:
        from govsoc.collectors.flows import native_kernel, native_table, native_tcp, slots

        homes = [vars(module) for module in (slots, native_tcp, native_table, native_kernel)]
        compiled: dict[str, Any] = {}
        for name in _NAMES:
            compiled[name] = _numba.njit(cache=True)(next(home[name] for home in homes if name in home))
            for home in homes:
                if name in home:
                    home[name] = compiled[name]
        _COMPILED.update(compiled)
    return _COMPILED
