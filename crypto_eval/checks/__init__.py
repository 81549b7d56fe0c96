"""密评 checks: each turns evidence into findings for the catalogue items that name it.

The shape is pySigma's validators: a check is built for one system (``SystemContext``), sees every
piece of evidence in ``evaluate(evidence)`` (probe reports, passive observations) and returns its
findings from ``finalize()``. Checks are registered by stable id (the ids catalogue.yml names in
``checks``); third parties add theirs through the ``govsoc.checks`` entry-point group.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Protocol

from govsoc.core.inventory_model import Endpoint, System
from govsoc.core.registry import Registry
from govsoc.crypto_eval.catalogue import Catalogue
from govsoc.crypto_eval.chain import TrustStore
from govsoc.crypto_eval.finding import Finding
from govsoc.crypto_eval.probes.address import numeric_address, server_name_of

__all__ = ["Check", "CHECKS", "SystemContext", "TargetKey", "target_key", "endpoint_key", "object_name", "same_target"]


#: What makes two listings one probe and one evaluation object: the address (every spelling of it
#: read, names resolved), the port, the protocol asked and the server name sent (a reverse proxy
#: serving two host names is two objects, each judged on its own certificate).
TargetKey = tuple[str, int, str, str | None]


@dataclass(frozen=True, slots=True, kw_only=True)
class SystemContext:
    """What every check of one system knows: the system, its level and the catalogue, the
    addresses its endpoints' hosts resolved to (``probes.address.resolve_hosts``; a host missing
    here is read as a numeric spelling, else taken as it is) and the trust anchors its servers'
    certificate chains must reach."""

    system: System
    catalogue: Catalogue
    endpoints: tuple[Endpoint, ...] = field(default_factory=tuple)
    addresses: Mapping[str, str] = field(default_factory=dict)
    trust: TrustStore = field(default_factory=TrustStore)

    @property
    def name(self) -> str:
        """The system's name."""
        return self.system.name

    def target_key(self, host: str, port: int, protocol: str, server_name: str | None) -> TargetKey:
        """The key of a probe of (host, port, protocol, SNI) or of a listing of it."""
        return target_key(self.addresses, host, port, protocol, server_name)

    def endpoint_key(self, endpoint: Endpoint) -> TargetKey:
        """The key of one of the system's listings."""
        return self.target_key(endpoint.host, endpoint.port, endpoint.protocol, endpoint.server_name)


def target_key(addresses: Mapping[str, str], host: str, port: int, protocol: str,
               server_name: str | None) -> TargetKey:
    """The key of a probe of (host, port, protocol, SNI) or of a listing of it; ``addresses``: what
    hosts resolved to (a host missing there is read as a numeric spelling, else taken as it is)."""
    address = addresses.get(host) or numeric_address(host) or host.lower().rstrip(".")
    # a server name declared as an address is sent as no SNI but is still the identity the
    # certificate must carry (its iPAddress): two such listings are two questions
    name = server_name_of(host, server_name) or (numeric_address(server_name) if server_name else None)
    return (address, port, protocol.lower(), name.lower().rstrip(".") if name else None)


def endpoint_key(host: str, port: int) -> str:
    """How findings name an endpoint object: host:port ([v6]:port)."""
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def same_target(context: SystemContext, endpoint: Endpoint, host: str, port: int, protocol: str,
                server_name: str | None) -> bool:
    """Whether a probe of (host, port, protocol, SNI) is the probe of this inventory endpoint: the
    same address (however either is spelt) and port asked the same way with the same server name
    (two systems behind one gateway address with different host names are two probes, each judged
    on its own certificate)."""
    return context.endpoint_key(endpoint) == context.target_key(host, port, protocol, server_name)


def object_name(context: SystemContext, endpoint: Endpoint) -> str:
    """The evaluation object an endpoint is: host:port as the system first lists that address,
    port, protocol and server name (another spelling of the same listing is the same object), with
    the host name (SNI) and protocol added when the system lists one host:port more than once in
    different ways, so that each listing keeps its own evidence."""
    key = context.endpoint_key(endpoint)
    first = next((e for e in context.endpoints if context.endpoint_key(e) == key), endpoint)
    name = endpoint_key(first.host, first.port)
    twins = {context.endpoint_key(e) for e in context.endpoints if endpoint_key(e.host, e.port) == name}
    if len(twins) < 2:
        return name
    return f"{name} ({first.server_name or '-'}, {first.protocol.lower()})"


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
