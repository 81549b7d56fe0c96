"""What the TLS probe (probes.tls) reports: the answer to each version's hello, the certificates a
server shows only to hellos restricted to another key type, and the result for one endpoint."""

from __future__ import annotations

from dataclasses import dataclass, field

from govsoc.collectors.protocols.x509 import CertificateInfo

PROBED_VERSIONS = (0x0304, 0x0303, 0x0302, 0x0301, 0x0300)


@dataclass(frozen=True, slots=True, kw_only=True)
class OtherCertificate:
    """A certificate the server sends only to a hello restricted to another key type: a server with
    an ECDSA and an RSA certificate (nginx's two ssl_certificate, s_server -cert/-dcert) shows each
    client the one its suites / signature algorithms allow, so a weak one hides behind a strong one."""

    asked: str  # what the hello offered, as evidence says it: "TLSv12 仅RSA套件"
    version: str
    suite: str | None
    chain: tuple[CertificateInfo, ...]
    ocsp_staple: bytes | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class VersionResult:
    """The answer to a hello offering exactly one protocol version."""

    version: str
    accepted: bool
    suite: str | None = None
    group: str | None = None
    dh_bits: int | None = None  # a DHE suite's finite-field group size (the ServerKeyExchange dh_p)
    refusal: str | None = None  # alert name, "closed", "timeout", or what the server chose instead


@dataclass(frozen=True, slots=True, kw_only=True)
class TlsProbeResult:
    """Everything the TLS probe learnt about one endpoint."""

    endpoint: str
    reachable: bool
    speaks_tls: bool
    versions: tuple[VersionResult, ...] = ()
    weak_suites: dict[str, tuple[str, ...]] = field(default_factory=dict)
    chain: tuple[CertificateInfo, ...] = ()
    hostname: str | None = None
    hostname_ok: bool | None = None
    chain_valid_now: bool | None = None
    secure_renegotiation: bool | None = None
    compression: bool | None = None
    tlcp_hint: bool = False  # a TLS hello got an alert in a TLCP (0x0101) record
    client_certificate_requested: bool = False  # a CertificateRequest: mutual authentication
    error: str | None = None
    silent: bool = False  # connected, and no byte back to a ClientHello within the time-out: asked once
    tls13_signature_verified: bool | None = None  # TLS 1.3 CertificateVerify under the leaf's key
    tls13_finished_ok: bool | None = None         # TLS 1.3 server Finished under the derived keys
    #: the server's proof of its certificate's key: True only when a signature verified (TLS 1.3
    #: CertificateVerify, or the (EC)DHE ServerKeyExchange of the version whose chain is shown);
    #: False when any accepted version's signature failed; None: nothing checkable was signed
    signature_verified: bool | None = None
    signature_note: str | None = None
    #: the OCSP answer stapled to the leaf of the chain shown (RFC 6066 8 / RFC 8446 4.4.2.1)
    ocsp_staple: bytes | None = None
    #: the certificates served to hellos offering only another key type than the chain's leaf
    other_certificates: tuple[OtherCertificate, ...] = ()

    def accepted(self) -> list[VersionResult]:
        """The versions the server accepted, newest first."""
        return [v for v in self.versions if v.accepted]
