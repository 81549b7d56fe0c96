"""密评 checks: each turns evidence into findings for the catalogue items that name it.

The shape is pySigma's validators: a check is built for one system (``SystemContext``), sees every
piece of evidence in ``evaluate(evidence)`` (probe reports, passive observations) and returns its
findings from ``finalize()``. Checks are registered by stable id (the ids catalogue.yml names in
``checks``); third parties add theirs through the ``govsoc.checks`` entry-point group.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from govsoc.core.inventory import Endpoint, System
from govsoc.core.registry import Registry
from govsoc.crypto_eval.catalogue import Catalogue
from govsoc.crypto_eval.finding import Finding

__all__ = ["Check", "CHECKS", "SystemContext", "endpoint_key", "object_name", "same_target"]


@dataclass(frozen=True, slots=True, kw_only=True)
class SystemContext:
    """What every check of one system knows: the system, its level and the catalogue."""

    system: System
    catalogue: Catalogue
    endpoints: tuple[Endpoint, ...] = field(default_factory=tuple)

    @property
    def name(self) -> str:
        """The system's name."""
        return self.system.name


def endpoint_key(host: str, port: int) -> str:
    """How findings name an endpoint object: host:port ([v6]:port)."""
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def same_target(endpoint: Endpoint, host: str, port: int, protocol: str, server_name: str | None) -> bool:
    """Whether a probe of (host, port, protocol, SNI) is the probe of this inventory endpoint: the
    same address and port asked the same way (two systems behind one gateway address with different
    host names are two probes, each judged on its own certificate)."""
    return (endpoint.host == host and endpoint.port == port and endpoint.protocol.lower() == protocol.lower()
            and endpoint.server_name == server_name)


def object_name(context: SystemContext, endpoint: Endpoint) -> str:
    """The evaluation object an endpoint is: host:port, with the host name (SNI) and protocol added
    when the system lists the same host:port more than once in different ways, so that each
    listing keeps its own evidence."""
    key = endpoint_key(endpoint.host, endpoint.port)
    twins = {(e.protocol.lower(), e.server_name) for e in context.endpoints
             if endpoint_key(e.host, e.port) == key}
    if len(twins) < 2:
        return key
    return f"{key} ({endpoint.server_name or '-'}, {endpoint.protocol.lower()})"


class Check(Protocol):
    """evaluate() each piece of evidence, then finalize() into findings."""

    def evaluate(self, evidence: object) -> None:
        """Take one piece of evidence (ignore kinds this check does not use)."""

    def finalize(self) -> list[Finding]:
        """The findings, once all evidence was seen."""


class CheckFactory(Protocol):
    """A check class: built from the system context."""

    def __call__(self, context: SystemContext) -> Check:
        """A check for one system."""


CHECKS: Registry[CheckFactory] = Registry("check", "govsoc.checks")
