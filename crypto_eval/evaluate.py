"""Evaluate 等保三级 systems of the asset inventory: probe their endpoints, run every check the
catalogue names over the evidence, and score (assess.py).

``targets_for(system)`` lists what to probe; ``evaluate_system(system, evidence)`` runs the checks
over any evidence (probe reports, passive observations) and returns the SystemEvaluation;
``evaluate_inventory`` does both for every level-3 system, probing all endpoints concurrently:
an endpoint listed more than once (by two systems, or twice by one) is probed once, and every
listing gets the report; the same address spelt another way (2130708745 for 127.0.9.9) is the same
endpoint, while the same address asked with another host name (SNI) or protocol is another probe
(``unique_targets``) and another evaluation object.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import replace
from pathlib import Path

import govsoc.crypto_eval.checks.channels  # noqa: F401 - registers channel.network, channel.admin
import govsoc.crypto_eval.checks.declared  # noqa: F401 - registers declared.*
import govsoc.crypto_eval.checks.stored_data  # noqa: F401 - registers stored.plaintext
import govsoc.crypto_eval.checks.traffic  # noqa: F401 - registers passive.flows
from govsoc.core.errors import ConfigError
from govsoc.core.inventory import Inventory
from govsoc.core.inventory_model import InventoryModel, System
from govsoc.crypto_eval.assess import SystemEvaluation, assess
from govsoc.crypto_eval.catalogue import Catalogue, load_catalogue
from govsoc.crypto_eval.chain import TrustStore
from govsoc.crypto_eval.checks import CHECKS, SystemContext, TargetKey, target_key
from govsoc.crypto_eval.probes.address import numeric_address, resolve_hosts
from govsoc.crypto_eval.probes.runner import EndpointReport, Target, run_probes
from govsoc.crypto_eval.profile import check_profile
from govsoc.crypto_eval.revocation import FetchCache

__all__ = ["targets_for", "unique_targets", "endpoint_addresses", "evaluate_system", "evaluate_inventory",
           "systems_in_scope"]


def targets_for(system: System) -> list[Target]:
    """The system's endpoints as probe targets."""
    return [Target(host=e.host, port=e.port, protocol=e.protocol.lower(), server_name=e.server_name,
                   accounts=tuple(e.login_accounts), host_keys=tuple(e.host_key_fingerprints))
            for e in system.endpoints]


def endpoint_addresses(systems: Sequence[System], *, resolve: bool = True) -> dict[str, str]:
    """The address each endpoint host of the systems names (every numeric spelling read; host
    names looked up in the resolver unless ``resolve`` is False)."""
    hosts = [e.host for s in systems for e in s.endpoints]
    if resolve:
        return resolve_hosts(hosts)
    return {h: a for h in hosts if (a := numeric_address(h)) is not None}


def unique_targets(systems: Sequence[System], addresses: Mapping[str, str] | None = None) -> list[Target]:
    """Every distinct probe the systems call for, in inventory order: a duplicate listing, or the
    same address spelt another way (2130708745 for 127.0.9.9, a host name resolving to a listed
    address with that name as server name: ``addresses``), is one probe."""
    known = addresses or endpoint_addresses(systems, resolve=False)
    seen: dict[TargetKey, Target] = {}
    for t in (t for s in systems for t in targets_for(s)):
        key = target_key(known, t.host, t.port, t.protocol, t.server_name)
        kept = seen.setdefault(key, t)
        if kept is not t and (t.accounts or t.host_keys):  # one probe asks what every listing names
            seen[key] = replace(kept, accounts=tuple(dict.fromkeys(kept.accounts + t.accounts)),
                                host_keys=tuple(dict.fromkeys(kept.host_keys + t.host_keys)))
    return list(seen.values())


def evaluate_system(system: System, evidence: Iterable[object], catalogue: Catalogue | None = None,
                    addresses: Mapping[str, str] | None = None, *,
                    trust_anchors: Sequence[Path] = (), crls: Sequence[Path] = (),
                    crl_cache: FetchCache | None = None) -> SystemEvaluation:
    """Run every check the catalogue names over the evidence and score the system; ``addresses``:
    what its endpoint hosts resolved to (``endpoint_addresses``; numeric spellings are read
    without it), so that one endpoint spelt two ways is one object. Certificate chains are
    validated to ``trust_anchors`` (the inventory's global files) and the system's own
    ``crypto.trust_anchors``; their certificates' revocation status is read from ``crls`` (the
    inventory's global CRL files), the system's ``crypto.crls`` and the certificates' distribution
    points (crypto_eval.revocation; ``crl_cache``: those already fetched in this run)."""
    catalogue = catalogue or load_catalogue()
    check_profile(system, catalogue)
    own = system.crypto.trust_anchors if system.crypto else []
    own_crls = system.crypto.crls if system.crypto else []
    context = SystemContext(system=system, catalogue=catalogue, endpoints=tuple(system.endpoints),
                            addresses=addresses or endpoint_addresses([system], resolve=False),
                            trust=TrustStore.from_files([*trust_anchors, *own], [*crls, *own_crls], crl_cache))
    check_ids = sorted({c for item in catalogue.items() for c in item.checks})
    checks = [CHECKS.get(ident)(context) for ident in check_ids]
    for piece in evidence:
        for check in checks:
            check.evaluate(piece)
    findings = list(dict.fromkeys(f for check in checks for f in check.finalize()))  # probe and traffic may agree
    return assess(context, findings)


def systems_in_scope(inventory: Inventory | InventoryModel, name: str | None = None) -> list[System]:
    """Level-3 systems (or the named one, whatever its level: its evaluation then says it was scored
    against level 3); ConfigError when the name is unknown or two systems share a name (results are
    kept per system name), or when a system's crypto profile does not fit the catalogue
    (profile.check_profile; given a loaded Inventory, the error names its file, line and field)."""
    model = inventory.model if isinstance(inventory, Inventory) else inventory
    if name is not None:
        found = [s for s in model.systems if s.name == name]
        if not found:
            known = ", ".join(s.name for s in model.systems) or "none"
            raise ConfigError(f"no system {name!r} in the inventory (systems: {known})")
    else:
        found = [s for s in model.systems if s.level == 3]
    names = [s.name for s in found]
    twice = sorted({n for n in names if names.count(n) > 1})
    if twice:
        raise ConfigError(f"the inventory names more than one system {twice[0]!r}: system names must be unique "
                          "(each system's 密评 result is saved under its name)")
    catalogue = load_catalogue()
    for system in found:
        index = next(i for i, s in enumerate(model.systems) if s is system)
        check_profile(system, catalogue, inventory.locate if isinstance(inventory, Inventory) else None, index)
    return found


def evaluate_inventory(systems: Sequence[System], *, probe: bool = True, concurrency: int = 64,
                       question_timeout: float = 3.0, endpoint_timeout: float = 30.0,
                       extra_evidence: Iterable[object] = (),
                       on_done: Callable[[EndpointReport], None] | None = None,
                       addresses: Mapping[str, str] | None = None,
                       trust_anchors: Sequence[Path] = (), crls: Sequence[Path] = ()) -> list[SystemEvaluation]:
    """Probe (unless ``probe`` is False) and evaluate each system; ``addresses`` as
    ``endpoint_addresses`` gives them (looked up here when not given and probing);
    ``trust_anchors``, ``crls``: the inventory's global anchor and CRL files (InventoryModel)."""
    if addresses is None:
        addresses = endpoint_addresses(systems, resolve=probe)
    targets = unique_targets(systems, addresses) if probe else []
    reports = run_probes(targets, concurrency=concurrency, question_timeout=question_timeout,
                         endpoint_timeout=endpoint_timeout, on_done=on_done) if targets else []
    extra = list(extra_evidence)
    crl_cache: FetchCache = {}  # a distribution point two systems' chains name is fetched once
    return [evaluate_system(s, [*reports, *extra], addresses=addresses, trust_anchors=trust_anchors, crls=crls,
                            crl_cache=crl_cache) for s in systems]
