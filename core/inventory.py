"""The asset inventory (inventory.yaml): agencies, network zones and information systems.

Collectors use it to enrich events with the zone, agency, information system and 等保
(graded protection) level they concern; crypto_eval reads the systems' endpoints and declared
cryptography; reports group by agency and system. Example::

    agencies:
      - {id: dsj, name: 市大数据管理局, allow_from: ["*"]}   # every agency may reach its systems
      - {id: gaj, name: 市公安局}                            # only its own addresses may
    zones:
      - {name: 政务外网, kind: extranet, cidrs: [10.0.0.0/8]}
      - {name: 政务云, kind: cloud, cidrs: [172.16.0.0/12]}
      - {name: 公安局专网, kind: intranet, cidrs: [10.12.0.0/16], agency: gaj}
      - {name: 运维管理区, kind: management, cidrs: [10.99.0.0/24]}
    trust_anchors: [roots/sm2-root-ca.pem]   # CA roots server chains must reach (relative to this file)
    crls: [roots/sm2-root-ca.crl]            # CRLs of those CAs (optional; distribution points are fetched too)
    systems:
      - name: 一网通办门户
        agency: dsj
        level: 3
        addresses: [172.16.10.0/24]
        hosts: [portal-web-01]
        endpoints:
          - {host: 172.16.10.5, port: 443, protocol: https, kind: web, server_name: www.example.gov.cn,
             carries: [鉴别数据, 个人信息]}        # important data over this channel (8.4 d/f objects)
          - {host: 172.16.10.9, port: 22, protocol: ssh, kind: admin}
          - {host: 172.16.10.6, port: 443, protocol: https, kind: api, expects: [tlcp]}  # SM only
        crypto:                       # the 密评 profile (GB/T 39786 level 3), declared by a person
          products:
            - {name: 服务器密码机, certificate_no: GM003312220230001, module_level: 2, used_for: [network, storage]}
          key_management: {storage: 服务器密码机, keys_in_plaintext: false}
          important_data: [鉴别数据, 个人信息]
          declarations:
            gbt39786.l3.8.5.a: {judgement: 符合, evidence: 《密码应用安全管理制度》v2.1}
            gbt39786.l3.8.1.a: {judgement: 不适用, na_reason: 机房由政务云服务商负责, evidence: 云服务商密评报告}

Addresses that fall in no listed zone are in the zone ``internet``. The crypto profile is
checked by govsoc.crypto_eval: what is missing or contradicts a probe becomes a finding there.

The asset an event concerns (:data:`ATTRIBUTION`, in this order): its system is the one whose
``hosts`` hold ``host.name`` (a server's own log; `govsoc ingest --host` names the machine of a
file whose lines do not, as a web server's access log names only its clients), else the one whose
endpoint ``server_name`` or ``hosts`` hold ``destination.domain`` / ``url.domain`` (a vhost), else
the one whose ``addresses`` hold ``destination.ip`` (else ``host.ip``); without an address or host
name, a network device's ``observer.name``. Its zone is the zone of that address, else the zone of
the system's own addresses. The source address is never the asset: it is ``source_zone``.

What ingest adds to an event (:meth:`Inventory.enrich`), which detection rules read
(rules/packs/egov): the asset's ``govsoc.zone`` / ``zone_kind`` / ``agency`` / ``system`` /
``dengbao_level``, the source's ``govsoc.source_zone`` / ``source_zone_kind`` / ``source_agency``;
``govsoc.agency_link`` (``same``, ``allowed``, ``not-allowed``) when both ends belong to an agency
(by system, else by zone) and the agencies differ unless ``same``: an agency's ``allow_from``
lists the agencies (``"*"``: all) whose addresses may reach its systems and zones; and
``govsoc.required_crypto: sm`` when the destination address and port are an endpoint that
``expects`` SM protocols only (``tlcp``, ``tls13-sm``): a channel the 密评 profile requires to use
商用密码 (GB/T 39786-2021 8.2), so a non-SM TLS suite on it is a finding.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from govsoc.core.errors import ConfigError, ConfigErrors, Location
from govsoc.core.inventory_model import SM_PROTOCOLS, InventoryModel
from govsoc.core.trust_anchors import drop_unusable_anchors
from govsoc.core.yamlfile import LocatedValueError, Positions, load_yaml, locate, locate_validation_error

#: InventoryModel is the model an Inventory wraps (its constructor's argument): importable from here.
__all__ = ["ATTRIBUTION", "AssetContext", "Inventory", "InventoryModel"]

#: The attribution rule in one sentence, for reports (Chinese, English).
ATTRIBUTION = (
    "事件归属：按主机名（host.name，或导入时 --host 指定的文件所在主机）、访问的域名（destination.domain）、"
    "目的地址（destination.ip，无则 host.ip）依次匹配资产清单中系统的 hosts、server_name 与 addresses，"
    "无地址和主机名时按设备名（observer.name）；区域取该地址所在区域，否则取所属系统地址所在区域；源地址只计入来源区域。"
    "“未登记”为以上均未匹配的事件（如云平台控制面审计日志）。",
    "Attribution: an event belongs to the inventory system whose hosts hold its host.name (or the machine "
    "given with ingest --host), whose endpoint server_name holds its destination.domain, or whose addresses "
    "hold its destination.ip (else host.ip), in that order; with neither address nor host, a device's "
    "observer.name. Its zone is that address's zone, else the zone of the system's addresses; the source "
    "address only gives the source zone. \"Unregistered\" counts the events none of these match (such as "
    "cloud control-plane audit logs).",
)


@dataclass(frozen=True, slots=True)
class AssetContext:
    """What the inventory says about one address or host."""

    zone: str
    agency: str | None = None
    system: str | None = None
    level: int | None = None


class Inventory:
    """Longest-prefix lookups of addresses and host names in the inventory."""

    def __init__(self, model: InventoryModel | None = None, *, path: Path | None = None,
                 positions: Positions | None = None, rejected: Sequence[ConfigError] = ()) -> None:
        self.model = model or InventoryModel()
        self.path = path
        #: what loading left out, each naming file:line:field (an unusable trust-anchor file)
        self.rejected = tuple(rejected)
        self._positions: Positions = positions or {}
        agencies = {a.id: a.name for a in self.model.agencies}
        self._zones = sorted(((n, z.name) for z in self.model.zones for n in z.cidrs),
                             key=lambda item: -item[0].prefixlen)
        self._systems = sorted(((n, s) for s in self.model.systems for n in s.addresses),
                               key=lambda item: -item[0].prefixlen)
        self._hosts = {h.lower(): s for s in self.model.systems for h in s.hosts}
        # the names a system's web endpoints answer to (TLS SNI, a vhost in its access log)
        self._domains = {e.server_name.lower(): s for s in self.model.systems for e in s.endpoints
                         if e.server_name}
        self._agency_names = agencies
        self._zone_nets = sorted(((n, z) for z in self.model.zones for n in z.cidrs),
                                 key=lambda item: -item[0].prefixlen)
        self._zone_kinds: dict[str, str] = {"internet": "internet", **{z.name: z.kind for z in self.model.zones}}
        # a system found by name is in the zone of its addresses (the first one in a listed zone)
        self._system_zones = {s.name: zone for s in self.model.systems
                              if (zone := next((z for z in (self._zone_of(n.network_address) for n in s.addresses)
                                                if z != "internet"), None))}
        self._allow_from = {a.id: frozenset(a.allow_from) for a in self.model.agencies}
        self._sm_only = {(e.host, e.port) for s in self.model.systems for e in s.endpoints
                         if e.expects and set(e.expects) <= SM_PROTOCOLS}

    @classmethod
    def load(cls, path: Path) -> Inventory:
        """Read and validate inventory.yaml; errors name the file, line and key."""
        data, positions = load_yaml(path)
        rejected = drop_unusable_anchors(data, path, positions)
        try:
            return cls(InventoryModel.model_validate(data or {}, context={"base": path.parent}), path=path,
                       positions=positions, rejected=rejected)
        except ValidationError as e:
            errors = []
            for error in e.errors():  # every one, each where it is (R49a-7)
                cause = error.get("ctx", {}).get("error")
                if isinstance(cause, LocatedValueError):  # its key is below the model that raised it
                    error = {**error, "loc": tuple(error["loc"]) + cause.loc, "msg": str(cause)}
                errors.append(ConfigError(error["msg"], location=locate_validation_error(path, positions, error)))
            raise ConfigErrors.of(errors) from e

    def locate(self, key: tuple[str | int, ...]) -> Location:
        """Where a key path of the inventory is (file:line:column and the field), for errors that
        later stages (crypto_eval's catalogue checks) find in a loaded inventory."""
        return locate(self.path or Path("inventory"), self._positions, key)

    def _zone_of(self, ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> str:
        return next((name for net, name in self._zones if ip in net), "internet")

    def lookup(self, address: str | None = None, host: str | None = None,
               domain: str | None = None) -> AssetContext | None:
        """The context of an address (by zone and system ranges), a host name (a system's
        ``hosts``) or a domain (a system's endpoint ``server_name`` or ``hosts``); a system found
        by name without an address is in its addresses' zone (``unknown`` when it lists none)."""
        system = self._hosts.get(host.lower()) if host else None
        if system is None and domain:
            system = self._domains.get(domain.lower()) or self._hosts.get(domain.lower())
        zone = None
        if address:
            try:
                ip = ipaddress.ip_address(address)
            except ValueError:
                ip = None
            if ip is not None:
                zone = self._zone_of(ip)
                if system is None:
                    system = next((s for net, s in self._systems if ip in net), None)
        if zone is None and system is not None:
            zone = self._system_zones.get(system.name)
        if zone is None and system is None:
            return None
        agency = self._agency_names.get(system.agency, system.agency) if system and system.agency else None
        return AssetContext(zone=zone or "unknown", agency=agency,
                            system=system.name if system else None,
                            level=system.level if system else None)

    def enrich(self, fields: Mapping[str, Any]) -> dict[str, Any]:
        """The govsoc.* fields for an event: the asset it concerns and the zone its source
        address is in (see :data:`ATTRIBUTION`)."""
        out: dict[str, Any] = {}
        host_ip = fields.get("host.ip")
        if isinstance(host_ip, list):
            host_ip = host_ip[0] if host_ip else None
        address = fields.get("destination.ip") or host_ip
        host = fields.get("host.name") or (None if address else fields.get("observer.name"))
        domain = fields.get("destination.domain") or fields.get("url.domain")
        asset = self.lookup(address=str(address) if address else None, host=str(host) if host else None,
                            domain=str(domain) if domain else None)
        if asset is not None:
            out["govsoc.zone"] = asset.zone
            if asset.agency:
                out["govsoc.agency"] = asset.agency
            if asset.system:
                out["govsoc.system"] = asset.system
                out["govsoc.dengbao_level"] = asset.level
        source_ip = fields.get("source.ip")
        source = self.lookup(address=str(source_ip)) if source_ip else None
        if source is not None:
            out["govsoc.source_zone"] = source.zone
            out["govsoc.source_zone_kind"] = self._zone_kinds.get(source.zone, "unknown")
        if asset is not None and asset.zone in self._zone_kinds:
            out["govsoc.zone_kind"] = self._zone_kinds[asset.zone]
        self._agencies(str(address) if address else None, str(source_ip) if source_ip else None, out)
        port = fields.get("destination.port")
        if address and port is not None and (str(address), _port(port)) in self._sm_only:
            out["govsoc.required_crypto"] = "sm"
        return out

    def agency_of(self, address: str) -> str | None:
        """The id of the agency an address belongs to: its system's, else its zone's."""
        try:
            ip = ipaddress.ip_address(address)
        except ValueError:
            return None
        system = next((s for net, s in self._systems if ip in net), None)
        if system is not None and system.agency:
            return system.agency
        return next((z.agency for net, z in self._zone_nets if ip in net and z.agency), None)

    def _agencies(self, destination: str | None, source: str | None, out: dict[str, Any]) -> None:
        """govsoc.agency (by zone when no system names one), source_agency and agency_link."""
        theirs = self.agency_of(destination) if destination else None
        ours = self.agency_of(source) if source else None
        if theirs is not None and "govsoc.agency" not in out:
            out["govsoc.agency"] = self._agency_names.get(theirs, theirs)
        if ours is not None:
            out["govsoc.source_agency"] = self._agency_names.get(ours, ours)
        if theirs is not None and ours is not None:
            allowed = self._allow_from.get(theirs, frozenset())
            out["govsoc.agency_link"] = ("same" if ours == theirs else
                                         "allowed" if ours in allowed or "*" in allowed else "not-allowed")


def _port(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return -1
