"""The asset inventory file's model (inventory.yaml, validated by pydantic): agencies, network
zones, information systems and their endpoints; a system's declared cryptography is
govsoc.core.crypto_profile. The file's format and what it is used for: govsoc.core.inventory.
"""

from __future__ import annotations

import ipaddress
import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from govsoc.core.crypto_profile import AnchorFile, CrlFile, CryptoProfile
from govsoc.core.hostname import check_host_name
from govsoc.core.yamlfile import LocatedValueError

__all__ = [
    "SM_PROTOCOLS", "Agency", "Endpoint", "InventoryModel", "Network", "System", "Zone", "ZoneKind",
]

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


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


def _is_address(text: str) -> bool:
    """An IP address in any spelling an endpoint may give it ([v6], a zone, inet_aton forms)."""
    bare = text.strip().strip("[]").split("%", 1)[0]
    try:
        ipaddress.ip_address(bare)
    except ValueError:
        return bool(re.fullmatch(r"[0-9][0-9a-fA-FxX.]*", bare))
    return True


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
