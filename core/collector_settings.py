"""The collectors' part of govsoc.yaml (``collectors:``): time zone and year defaults, the configured
sources, syslog receivers (UDP, TCP, TLS) and their senders, NetFlow/IPFIX listeners. The file and
the rest of its model: govsoc.core.config.
"""

from __future__ import annotations

import ipaddress
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

__all__ = ["CollectorSettings", "ReceiverSettings", "SenderSettings", "SourceSettings", "TlsSettings", "known_zone"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def known_zone(value: str) -> str:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError) as e:
        raise ValueError(f"unknown time zone {value!r} (use an IANA name such as Asia/Shanghai)") from e
    return value


class SourceSettings(_Model):
    """Files read by `govsoc ingest` without arguments, and overrides for files these globs match."""

    paths: list[str] = Field(min_length=1)
    parser: str = "linux.auth"
    timezone: str | None = None
    year: int | None = Field(default=None, ge=1970, le=2100)
    #: The machine these files are written on, for records that do not name it (an nginx access
    #: log): host.name, which the inventory's systems' ``hosts`` attribute to a system and zone.
    host: str | None = None
    #: How the files' lines are decoded, as a receiver's senders' charset (collectors.syslog.charset):
    #: auto (UTF-8, else GB18030, per line), utf-8, or gbk (GB18030 first: a short GBK line is often
    #: valid UTF-8 too, and only this setting reads it right).
    charset: Literal["auto", "utf-8", "gbk"] = "auto"

    @field_validator("timezone")
    @classmethod
    def _zone(cls, value: str | None) -> str | None:
        return None if value is None else known_zone(value)


class CollectorSettings(_Model):
    """Defaults for collectors: time zone and year of zone-less, year-less times, the record
    size limit, the spool's size and the configured sources."""

    timezone: str = "Asia/Shanghai"
    year: int | None = Field(default=None, ge=1970, le=2100)
    max_record_bytes: int = Field(default=1 << 20, ge=1024)
    spool_max_bytes: int = Field(default=1 << 30, ge=1 << 20)
    #: How long file ingest waits for room when the spool's disk is full and the store refuses
    #: too, before it stops with DISK FULL (exit 1; the next run reads on from the checkpoint).
    disk_full_wait_seconds: float = Field(default=60.0, ge=0)
    sources: list[SourceSettings] = []
    #: Whether `govsoc ingest` reads symbolic links that a glob or a folder matches (Filebeat's
    #: prospector.scanner.symlinks; Kubernetes' /var/log/containers/*.log are links). Off: a
    #: link is read only when named itself, and never where a regular file was read before.
    symlinks: bool = False
    receivers: list[ReceiverSettings] = []
    #: NetFlow v5/v9 and IPFIX listeners that `govsoc listen` runs without options: HOST:PORT (UDP),
    #: or tcp://HOST:PORT for IPFIX over TCP (RFC 7011 10.4).
    netflow: list[str] = []
    #: IPFIX over TCP (RFC 7011 10.4, 11): connections read at once (one over is closed), seconds a
    #: connection may stay inside a message, and seconds it may send nothing, before it is closed
    netflow_tcp_max_connections: int = Field(default=64, ge=1, le=100_000)
    netflow_tcp_partial_seconds: float = Field(default=60.0, gt=0)
    netflow_tcp_idle_seconds: float = Field(default=600.0, gt=0)

    _zone = field_validator("timezone")(known_zone)

    @field_validator("netflow")
    @classmethod
    def _netflow_addresses(cls, values: list[str]) -> list[str]:
        return [_listen_address(v) for v in values]

    @field_validator("receivers")
    @classmethod
    def _unique_names(cls, values: list[ReceiverSettings]) -> list[ReceiverSettings]:
        names = [r.name for r in values]
        twice = sorted({n for n in names if names.count(n) > 1})
        if twice:
            raise ValueError(f"receiver names must be unique: {', '.join(twice)}")
        return values


def _network(value: str) -> str:
    try:
        ipaddress.ip_network(value, strict=False)
    except ValueError as e:
        raise ValueError(f"not an address or network: {value!r} (use CIDR, e.g. 10.0.0.0/8)") from e
    return value


def _networks(values: list[str]) -> list[str]:
    return [_network(v) for v in values]


def _optional_zone(value: str | None) -> str | None:
    return None if value is None else known_zone(value)


def _listen_address(value: str) -> str:
    host, _, port = value.rpartition(":")
    if not host or not port.isdigit() or int(port) > 65535:
        raise ValueError(f"not HOST:PORT: {value!r} (e.g. 0.0.0.0:514, [::]:6514)")
    return value


class SenderSettings(_Model):
    """Overrides for the senders in ``match`` (CIDRs): the zone of their zone-less times, the
    parser of their messages (else detected per message), their charset, and ``vendor``, the
    device maker their events name (``observer.vendor``) when no parser does: devices with no
    public log grammar (Venustech, Qi An Xin: log-formats.md 8.2) are kept raw with header
    fields only, named by this setting."""

    match: list[str] = Field(min_length=1)
    timezone: str | None = None
    parser: str | None = None
    charset: Literal["auto", "utf-8", "gbk"] | None = None
    vendor: str | None = Field(default=None, min_length=1, max_length=64)

    _zone = field_validator("timezone")(_optional_zone)
    _match = field_validator("match")(_networks)


class TlsSettings(_Model):
    """The server certificate of a TLS receiver (RFC 5425) and, optionally, the CA whose client
    certificates it requires."""

    cert: Path
    key: Path
    client_ca: Path | None = None


class ReceiverSettings(_Model):
    """One syslog listener run by `govsoc listen` (and the scheduler daemon)."""

    name: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
    transport: Literal["udp", "tcp", "tls"]
    listen: str
    parser: str = "auto"
    charset: Literal["auto", "utf-8", "gbk"] = "auto"
    timezone: str | None = None
    max_message_bytes: int = Field(default=64 * 1024, ge=480, le=16 << 20)
    allow: list[str] = []
    senders: list[SenderSettings] = []
    tls: TlsSettings | None = None
    #: TCP/TLS: connections open at once, and seconds a connection may stay silent.
    max_connections: int = Field(default=1024, ge=1)
    idle_timeout: float = Field(default=600.0, gt=0)
    #: UDP: the socket receive buffer asked for (beyond net.core.rmem_max only with CAP_NET_ADMIN).
    receive_buffer_bytes: int = Field(default=32 << 20, ge=1)

    _zone = field_validator("timezone")(_optional_zone)
    _allow = field_validator("allow")(_networks)
    _listen = field_validator("listen")(_listen_address)

    @model_validator(mode="after")
    def _tls_needs_cert(self) -> ReceiverSettings:
        if self.transport == "tls" and self.tls is None:
            raise ValueError("a tls receiver needs tls: {cert: ..., key: ...}")
        return self
