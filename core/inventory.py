"""The asset inventory (inventory.yaml): agencies, network zones and information systems.

Collectors use it to enrich events with the zone, agency, information system and 等保
(graded protection) level they concern; crypto_eval reads the systems' endpoints and declared
cryptography; reports group by agency and system. Example::

    agencies:
      - {id: dsj, name: 市大数据管理局}
    zones:
      - {name: 政务外网, kind: extranet, cidrs: [10.0.0.0/8]}
      - {name: 政务云, kind: cloud, cidrs: [172.16.0.0/12]}
    systems:
      - name: 一网通办门户
        agency: dsj
        level: 3
        addresses: [172.16.10.0/24]
        hosts: [portal-web-01]
        endpoints:
          - {host: 172.16.10.5, port: 443, protocol: https, kind: web}

Addresses that fall in no listed zone are in the zone ``internet``.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from govsoc.core.errors import ConfigError
from govsoc.core.yamlfile import load_yaml, locate_validation_error

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Agency(_Model):
    """A government agency (委办局) that owns systems."""

    id: str
    name: str


class Zone(_Model):
    """A network zone given by address ranges."""

    name: str
    kind: Literal["extranet", "cloud", "intranet", "internet", "management", "dmz"]
    cidrs: list[ipaddress.IPv4Network | ipaddress.IPv6Network]


class Endpoint(_Model):
    """A service endpoint of an information system."""

    host: str
    port: int = Field(ge=1, le=65535)
    protocol: str = "tcp"
    kind: str = "service"


class System(_Model):
    """An information system (信息系统) with its 等保 level."""

    name: str
    agency: str | None = None
    level: int = Field(ge=1, le=5)
    addresses: list[ipaddress.IPv4Network | ipaddress.IPv6Network] = []
    hosts: list[str] = []
    endpoints: list[Endpoint] = []


class InventoryModel(_Model):
    """The whole inventory file."""

    agencies: list[Agency] = []
    zones: list[Zone] = []
    systems: list[System] = []

    @model_validator(mode="after")
    def _known_agencies(self) -> InventoryModel:
        ids = {a.id for a in self.agencies}
        for system in self.systems:
            if system.agency is not None and system.agency not in ids:
                raise ValueError(f"system {system.name!r} names unknown agency {system.agency!r}")
        return self


@dataclass(frozen=True, slots=True)
class AssetContext:
    """What the inventory says about one address or host."""

    zone: str
    agency: str | None = None
    system: str | None = None
    level: int | None = None


class Inventory:
    """Longest-prefix lookups of addresses and host names in the inventory."""

    def __init__(self, model: InventoryModel | None = None) -> None:
        self.model = model or InventoryModel()
        agencies = {a.id: a.name for a in self.model.agencies}
        self._zones = sorted(((n, z.name) for z in self.model.zones for n in z.cidrs),
                             key=lambda item: -item[0].prefixlen)
        self._systems = sorted(((n, s) for s in self.model.systems for n in s.addresses),
                               key=lambda item: -item[0].prefixlen)
        self._hosts = {h.lower(): s for s in self.model.systems for h in s.hosts}
        self._agency_names = agencies

    @classmethod
    def load(cls, path: Path) -> Inventory:
        """Read and validate inventory.yaml; errors name the file, line and key."""
        data, positions = load_yaml(path)
        try:
            return cls(InventoryModel.model_validate(data or {}))
        except ValidationError as e:
            first = e.errors()[0]
            raise ConfigError(first["msg"], location=locate_validation_error(path, positions, first)) from e

    def lookup(self, address: str | None = None, host: str | None = None) -> AssetContext | None:
        """The context of an address (by zone and system ranges) or a host name."""
        system = self._hosts.get(host.lower()) if host else None
        zone = None
        if address:
            try:
                ip = ipaddress.ip_address(address)
            except ValueError:
                ip = None
            if ip is not None:
                zone = next((name for net, name in self._zones if ip in net), "internet")
                if system is None:
                    system = next((s for net, s in self._systems if ip in net), None)
        if zone is None and system is None:
            return None
        agency = self._agency_names.get(system.agency, system.agency) if system and system.agency else None
        return AssetContext(zone=zone or "unknown", agency=agency,
                            system=system.name if system else None,
                            level=system.level if system else None)

    def enrich(self, fields: Mapping[str, Any]) -> dict[str, Any]:
        """The govsoc.* fields for an event: the asset it concerns (destination, else host)
        and the zone its source address is in."""
        out: dict[str, Any] = {}
        host_ip = fields.get("host.ip")
        if isinstance(host_ip, list):
            host_ip = host_ip[0] if host_ip else None
        address = fields.get("destination.ip") or host_ip
        asset = self.lookup(address=str(address) if address else None, host=fields.get("host.name"))
        if asset is not None:
            out["govsoc.zone"] = asset.zone
            if asset.agency:
                out["govsoc.agency"] = asset.agency
            if asset.system:
                out["govsoc.system"] = asset.system
                out["govsoc.dengbao_level"] = asset.level
        source = self.lookup(address=fields.get("source.ip")) if fields.get("source.ip") else None
        if source is not None:
            out["govsoc.source_zone"] = source.zone
        return out
