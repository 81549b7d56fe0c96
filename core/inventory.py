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

import datetime
import ipaddress
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from govsoc.core.crl_files import read_crl_file
from govsoc.core.errors import ConfigError, Location
from govsoc.core.hostname import check_host_name
from govsoc.core.trust_anchors import drop_unusable_anchors, read_anchor_file
from govsoc.core.yamlfile import Positions, load_yaml, locate, locate_validation_error

Network = ipaddress.IPv4Network | ipaddress.IPv6Network

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


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Agency(_Model):
    """A government agency (委办局) that owns systems."""

    id: str
    name: str
    #: Agency ids whose addresses may reach this agency's systems and zones; "*" for every agency.
    allow_from: list[str] = []


ZoneKind = Literal["extranet", "cloud", "intranet", "internet", "management", "dmz"]
#: Endpoint protocols that are SM (商用密码) channels: TLCP (GB/T 38636) and TLS 1.3 with RFC 8998 suites.
SM_PROTOCOLS = frozenset({"tlcp", "tls13-sm"})


class Zone(_Model):
    """A network zone given by address ranges; ``agency`` when the zone is one agency's own."""

    name: str
    kind: ZoneKind
    cidrs: list[ipaddress.IPv4Network | ipaddress.IPv6Network]
    agency: str | None = None


class Endpoint(_Model):
    """A service endpoint of an information system.

    ``kind``: web, api, admin, vpn, database or service; admin endpoints are remote-management
    channels (GB/T 39786 8.3 b), the others communication channels (8.2). ``boundary``: whether
    the channel crosses a network boundary (only those are 8.2 objects). ``expects``: protocols
    the owner says the endpoint speaks (tls, tlcp, tls13-sm, ssh), compared with what a probe finds.
    ``carries``: the important-data classes that travel over it (crypto.important_data names).
    """

    host: str
    port: int = Field(ge=1, le=65535)
    protocol: str = "tcp"
    kind: str = "service"
    server_name: str | None = None
    boundary: bool = True
    expects: list[str] = []
    #: The important-data classes (the system's crypto.important_data names) this channel carries.
    #: When any endpoint of a system lists them, 8.4 d)/f) judge each class on its channels only.
    carries: list[str] = []
    #: An SSH server's host-key fingerprints as `ssh-keygen -lf` prints them (SHA256:<base64>): SSH
    #: has no certificates, so the verified key must be one of these (crypto_eval.checks.ssh_host_key).
    host_key_fingerprints: list[str] = []
    #: The account names that log in at this endpoint (names only, never secrets): an FTP probe sends
    #: USER for each before AUTH TLS (never PASS), as a server's TLS policy may differ per account.
    login_accounts: list[str] = []

    @field_validator("login_accounts")
    @classmethod
    def _accounts(cls, values: list[str]) -> list[str]:
        """Each a user name as a login command carries it: no whitespace or control characters (a
        CR LF would end the USER line and start another command), at most 64 characters."""
        for value in values:
            if not value or len(value) > 64 or any(c.isspace() or not c.isprintable() for c in value):
                raise ValueError(f"{value[:70]!r} is no account name: give the user name alone (no spaces "
                                 "or control characters, at most 64 characters)")
        return values

    @field_validator("host_key_fingerprints")
    @classmethod
    def _fingerprints(cls, values: list[str]) -> list[str]:
        """Each SHA256:<base64> (43 characters, no padding) as ssh-keygen prints it; MD5 ones are refused."""
        for value in values:
            if not re.fullmatch(r"SHA256:[A-Za-z0-9+/]{43}=?", value.strip()):
                raise ValueError(f"{value!r} is no SHA256 host-key fingerprint: give it as `ssh-keygen -lf "
                                 "<key>.pub` prints it (SHA256: and 43 base64 characters)")
        return [v.strip().rstrip("=") for v in values]

    @field_validator("host", "server_name")
    @classmethod
    def _host_name(cls, value: str | None) -> str | None:
        """A host or server name is an address or a host name (U-labels allowed: IDNA converts them,
        core.hostname); a space or another symbol is a typo, refused here rather than found as a
        certificate for "another name" (issue 16 fifth review, finding 5). Whitespace around it (a
        space, a tab, U+00A0 from a spreadsheet) is refused too: "127.0.0.1 " was probed as a DNS
        name and never linked to traffic (review R16 finding 9)."""
        if value is not None and value != value.strip():
            raise ValueError(f"{value!r} has whitespace before or after it (a space, tab or no-break space "
                             "copied with it?): remove it")
        if value is None or _is_address(value):
            return value
        why = check_host_name(value)
        if why is not None:
            raise ValueError(why)
        return value


Judgement = Literal["符合", "部分符合", "不符合", "不适用"]


_HEX = re.compile(r"[0-9A-Fa-f]*")


def _is_address(text: str) -> bool:
    """An IP address in any spelling an endpoint may give it ([v6], a zone, inet_aton forms)."""
    bare = text.strip().strip("[]").split("%", 1)[0]
    try:
        ipaddress.ip_address(bare)
    except ValueError:
        return bool(re.fullmatch(r"[0-9][0-9a-fA-FxX.]*", bare))
    return True


def _hex_bytes(value: str, what: str) -> int:
    """The byte length of a hex string; ValueError (with the field pydantic names) if it is not one."""
    if len(value) % 2 or not _HEX.fullmatch(value):
        raise ValueError(f"{what} must be hexadecimal digits, two per byte (got {value[:40]!r})")
    return len(value) // 2


class ProductSample(_Model):
    """A sample output a cryptographic product declares (hex), recomputed by crypto_eval.kat.
    Its shape is checked here (a typo is a ConfigError naming the field, not evidence that the
    product is faulty): hex everywhere, an SM3 digest of 32 bytes, an SM4 key of 16 bytes with
    input and output of whole 16-byte blocks of one length, an SM2 public key of 64 or 65 bytes and
    a 64-byte r ‖ s signature. Whether the SM2 point lies on the curve is crypto_eval's to check."""

    algorithm: Literal["sm3", "sm4-ecb", "sm2-verify"]
    output: str
    input: str = ""
    key: str = ""
    public_key: str = ""
    user_id: str = "31323334353637383132333435363738"

    @field_validator("output", "input", "key", "public_key", "user_id")
    @classmethod
    def _hex(cls, value: str) -> str:
        _hex_bytes(value, "the value")
        return value

    @model_validator(mode="after")
    def _shape(self) -> ProductSample:
        out, data = _hex_bytes(self.output, "output"), _hex_bytes(self.input, "input")
        if self.algorithm == "sm3" and out != 32:
            raise LocatedValueError(f"an SM3 digest is 32 bytes (64 hex digits), output has {out}", ("output",))
        if self.algorithm == "sm4-ecb":
            if _hex_bytes(self.key, "key") != 16:
                raise LocatedValueError("an SM4 key is 16 bytes (32 hex digits)", ("key",))
            if data == 0 or data % 16:
                raise LocatedValueError(f"SM4-ECB input is whole 16-byte blocks, input has {data} bytes", ("input",))
            if out != data:
                raise LocatedValueError(f"SM4-ECB output has the input's length ({data} bytes), output has {out}",
                                        ("output",))
        if self.algorithm == "sm2-verify":
            if _hex_bytes(self.public_key, "public_key") not in (64, 65):
                raise LocatedValueError("an SM2 public key is 64 bytes (X ‖ Y) or 65 (04 ‖ X ‖ Y)", ("public_key",))
            if out != 64:
                raise LocatedValueError(f"an SM2 signature sample is r ‖ s, 64 bytes; output has {out}", ("output",))
        return self


class CryptoProduct(_Model):
    """A commercial cryptographic product (商用密码产品) the system uses."""

    name: str
    vendor: str | None = None
    model: str | None = None
    certificate_no: str | None = None  # 商用密码产品认证证书编号
    module_level: int | None = Field(default=None, ge=1, le=4)  # GB/T 37092 security level
    algorithms: list[str] = []
    used_for: list[str] = []  # layers (network, device, application, storage), item ids or host:port
    samples: list[ProductSample] = []


class KeyManagement(_Model):
    """How keys are kept (GB/T 39786 Annex B lifecycle); None = not declared."""

    storage: str | None = None
    keys_in_plaintext: bool | None = None
    lifecycle: dict[str, str] = {}  # 生成, 存储, 分发, 导入导出, 使用, 备份恢复, 归档, 销毁 -> how
    rotation_days: int | None = Field(default=None, ge=1)


def _substantive(value: str, what: str, least: int) -> str:
    """Text a person must really write: at least ``least`` letters, digits or CJK characters."""
    if sum(1 for c in value if c.isalnum()) < least:
        raise ValueError(f"{what} must say something ({least} or more letters, digits or characters; got {value!r})")
    return value.strip()


class Mitigation(_Model):
    """A high-risk mitigation (高风险判定指引 2021, 可能的缓解措施) that an evaluator accepted: what is
    in place (``measure``), who accepted it (``accepted_by``) and when (``accepted_on``), for the
    objects it names (``objects``: host:port of the item's objects, or 声明 for a declared one).
    Only an accepted mitigation lifts a high-risk veto, and only for those objects."""

    measure: str
    accepted_by: str
    accepted_on: datetime.date
    objects: list[str] = Field(min_length=1)

    @field_validator("measure")
    @classmethod
    def _measure(cls, value: str) -> str:
        return _substantive(value, "measure", 4)

    @field_validator("accepted_by")
    @classmethod
    def _who(cls, value: str) -> str:
        return _substantive(value, "accepted_by", 2)

    @field_validator("objects")
    @classmethod
    def _objects(cls, value: list[str]) -> list[str]:
        return [_substantive(v, "an object", 1) for v in value]


class ItemDeclaration(_Model):
    """What a person declares for one catalogue item: a judgement (management items, or technical
    items no probe can see), or D/A/K for a technical item, with the evidence and any 不适用 reason
    or accepted high-risk mitigation. A judgement 符合 with d: false contradicts itself (refused)."""

    judgement: Judgement | None = None
    d: bool | None = None
    a: bool | None = None
    k: bool | None = None
    evidence: str = ""
    na_reason: str | None = None
    mitigation: Mitigation | None = None

    @model_validator(mode="after")
    def _consistent(self) -> ItemDeclaration:
        said = [name for name, v in (("d", self.d), ("a", self.a), ("k", self.k)) if v is False]
        if self.judgement == "符合" and said:
            raise LocatedValueError(f"judgement 符合 contradicts {said[0]}: false", ("judgement",))
        if self.judgement == "不适用" and any(v is not None for v in (self.d, self.a, self.k)):
            raise LocatedValueError("judgement 不适用 with d/a/k: an item is either not applicable or judged",
                                    ("judgement",))
        return self


class Compensation(_Model):
    """An evaluator-confirmed compensation (量化评估规则 2023, 弥补): object ``by_object`` of item
    ``by_item`` covers a deficiency of ``object`` in ``item`` (e.g. application-layer encryption
    of 个人信息 covering a plain channel), so that object scores max(0.5 × P_A, P_B). Never inferred:
    it needs the justification and who confirmed it (crypto_eval checks the item ids against its
    catalogue and refuses a management item or a declared-only object as the compensating one)."""

    item: str
    object: str
    by_item: str
    by_object: str
    justification: str
    confirmed_by: str

    @field_validator("justification")
    @classmethod
    def _justification(cls, value: str) -> str:
        return _substantive(value, "justification", 4)

    @field_validator("confirmed_by")
    @classmethod
    def _who(cls, value: str) -> str:
        return _substantive(value, "confirmed_by", 2)


def _relative(value: Path, info: ValidationInfo) -> Path:
    """A declared file's path, relative to the inventory's folder."""
    base = (info.context or {}).get("base") if isinstance(info.context, dict) else None
    path = value.expanduser()
    if not path.is_absolute() and isinstance(base, Path):
        path = base / path
    return path


def _anchor_file(value: Path, info: ValidationInfo) -> Path:
    """A trust-anchor file, relative to the inventory's folder, that holds CA certificates (read
    here so that a wrong one is a ConfigError naming file:line:field, not a missing root later)."""
    path = _relative(value, info)
    read_anchor_file(path)
    return path


def _crl_file(value: Path, info: ValidationInfo) -> Path:
    """A CRL file, relative to the inventory's folder (read here, as anchor files are)."""
    path = _relative(value, info)
    read_crl_file(path)
    return path


#: A PEM (or DER) file of CA certificates a certificate chain may end at (core.trust_anchors).
AnchorFile = Annotated[Path, AfterValidator(_anchor_file)]
#: A PEM (or DER) file of certificate revocation lists (core.crl_files).
CrlFile = Annotated[Path, AfterValidator(_crl_file)]


class CryptoProfile(_Model):
    """A system's declared cryptography for 密评 (GB/T 39786-2021). ``trust_anchors``: files of the
    CA roots its servers' certificates must chain to (beside the inventory's global ones); ``crls``:
    files of CRLs of the CAs of its servers' chains (beside the inventory's global ones and the
    distribution points the certificates name: crypto_eval.revocation)."""

    products: list[CryptoProduct] = []
    key_management: KeyManagement | None = None
    important_data: list[str] = []
    declarations: dict[str, ItemDeclaration] = {}
    compensations: list[Compensation] = []
    trust_anchors: list[AnchorFile] = []
    crls: list[CrlFile] = []


class System(_Model):
    """An information system (信息系统) with its 等保 level."""

    name: str
    agency: str | None = None
    level: int = Field(ge=1, le=5)
    addresses: list[ipaddress.IPv4Network | ipaddress.IPv6Network] = []
    hosts: list[str] = []
    endpoints: list[Endpoint] = []
    crypto: CryptoProfile | None = None


class InventoryModel(_Model):
    """The whole inventory file. ``trust_anchors``: files of the CA roots (国密 roots among them)
    every system's server certificates may chain to (GB/T 39786 8.2 a; crypto_eval.chain); ``crls``:
    files of those CAs' certificate revocation lists (crypto_eval.revocation)."""

    agencies: list[Agency] = []
    zones: list[Zone] = []
    systems: list[System] = []
    trust_anchors: list[AnchorFile] = []
    crls: list[CrlFile] = []

    @model_validator(mode="after")
    def _known_agencies(self) -> InventoryModel:
        ids = {a.id for a in self.agencies}
        for system in self.systems:
            if system.agency is not None and system.agency not in ids:
                raise ValueError(f"system {system.name!r} names unknown agency {system.agency!r}")
        for zone in self.zones:
            if zone.agency is not None and zone.agency not in ids:
                raise ValueError(f"zone {zone.name!r} names unknown agency {zone.agency!r}")
        for agency in self.agencies:
            unknown = [a for a in agency.allow_from if a != "*" and a not in ids]
            if unknown:
                raise ValueError(f"agency {agency.id!r} allows unknown agency {unknown[0]!r}")
        for s_index, system in enumerate(self.systems):
            _known_carries(s_index, system)
        return self


class LocatedValueError(ValueError):
    """A cross-field error that knows the key it concerns (pydantic places model errors at the model)."""

    def __init__(self, message: str, loc: tuple[str | int, ...]) -> None:
        super().__init__(message)
        self.loc = loc


def _known_carries(s_index: int, system: System) -> None:
    """An endpoint's ``carries`` names classes of the system's crypto.important_data: a typo would
    otherwise take a channel out of 8.4 d)/f) silently (issue 16 review: a cleartext login channel
    scored higher with a misspelt class)."""
    known = system.crypto.important_data if system.crypto else []
    for e_index, endpoint in enumerate(system.endpoints):
        for c_index, value in enumerate(endpoint.carries):
            if value not in known:
                raise LocatedValueError(
                    f"system {system.name!r}, endpoint {endpoint.host}:{endpoint.port}: carries {value!r} is not a "
                    f"class of crypto.important_data ({', '.join(known) or 'none declared'})",
                    ("systems", s_index, "endpoints", e_index, "carries", c_index))


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
            first = e.errors()[0]
            cause = first.get("ctx", {}).get("error")
            if isinstance(cause, LocatedValueError):  # its key is below the model that raised it
                first = {**first, "loc": tuple(first["loc"]) + cause.loc, "msg": str(cause)}
            raise ConfigError(first["msg"], location=locate_validation_error(path, positions, first)) from e

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
