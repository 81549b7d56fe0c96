"""TLS probe: which versions a server accepts, the suite it selects for each, weak suites it still
accepts, its certificate chain (signature algorithm, key, validity, host name), secure
renegotiation and compression, from hand-built ClientHellos (collectors.protocols.tls).

One hello per question and no handshake is completed (except for a suite that signs nothing,
whose server proves its key only by finishing one: probes.key_transport): the ServerHello and the Certificate answer
everything asked here (plaintext up to TLS 1.2; in TLS 1.3 decrypted with the probe's own key
share, tls13_flight). A HelloRetryRequest for another group is answered with that group's share.
A fatal alert in a 0x0101 record tells that the port speaks TLCP instead (reference appendix),
which the TLCP probe then confirms.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from govsoc.collectors.protocols import tls
from govsoc.collectors.protocols.tls_names import (
    ALERTS,
    CIPHER_SUITES,
    SIGNATURE_SCHEMES,
    TLCP_VERSION,
    group_name,
    suite_name,
    version_name,
)
from govsoc.collectors.protocols.x509 import CertificateInfo, parse_certificate
from govsoc.core.errors import ParseError
from govsoc.crypto_eval.probes.address import server_name_of
from govsoc.crypto_eval.probes.certificate_verify import (
    Verdict,
    verify_server_key_exchange,
    verify_server_signature,
)
from govsoc.crypto_eval.probes.connection import Exchange, exchange
from govsoc.crypto_eval.probes.key_shares import SHARE_GROUPS, KeyShare, make_share
from govsoc.crypto_eval.probes.key_transport import prove_by_handshake, signs_nothing
from govsoc.crypto_eval.probes.tls13_flight import (
    CERTIFICATE_VERIFY_ID,
    STATUS_REQUEST,
    FlightReader,
    certificate_status,
)

__all__ = ["VersionResult", "TlsProbeResult", "probe_tls", "server_flight_done", "read_server_flight",
           "ServerFlight", "hostname_matches", "PROBED_VERSIONS", "certificate_names", "OtherCertificate"]

PROBED_VERSIONS = (0x0304, 0x0303, 0x0302, 0x0301, 0x0300)
_TLS13_SUITES = (0x1301, 0x1302, 0x1303, 0x1304, 0x1305)
_WEAK_MARKERS = ("RC4", "DES", "NULL", "EXPORT", "anon", "_MD5")


def _preference(code: int) -> tuple[bool, bool, bool, int]:
    """A browser-like order: strong before weak, ECDHE before others, AEAD before CBC."""
    name = CIPHER_SUITES[code]
    return (any(m in name for m in _WEAK_MARKERS), "ECDHE" not in name,
            "GCM" not in name and "CHACHA" not in name, code)


_LEGACY_SUITES = tuple(sorted((c for c, n in CIPHER_SUITES.items()
                               if not n.startswith(("TLCP_", "TLS_AES", "TLS_CHACHA20_POLY1305_SHA256", "TLS_SM4"))
                               and c not in (0x0000, 0x00FF, 0x5600)), key=_preference))
_WEAK_SUITES = tuple(c for c in _LEGACY_SUITES if any(m in CIPHER_SUITES[c] for m in _WEAK_MARKERS))
_GROUPS = (29, 23, 24, 25, 30, 256, 257, 258, 259, 260)

#: The key type a TLS <= 1.2 suite's server certificate has (RFC 5246 7.4.2, RFC 4492 2): a server
#: with two certificates picks by the suites offered. Static (EC)DH_RSA suites certify a DH key, not
#: an RSA one, and are left out; PSK/SRP/anon suites carry no certificate.
_SUITE_KEYS = {"rsa": ("TLS_RSA_WITH_", "TLS_RSA_EXPORT", "TLS_DHE_RSA_", "TLS_ECDHE_RSA_"),
               "ec": ("TLS_ECDHE_ECDSA_", "TLS_ECDH_ECDSA_")}
_KEY_SUITES = {key: tuple(c for c in _LEGACY_SUITES if CIPHER_SUITES[c].startswith(prefixes))
               for key, prefixes in _SUITE_KEYS.items()}
#: The TLS 1.3 signature schemes a certificate of each key type signs with (RFC 8446 4.2.3): a server
#: with two certificates picks by the client's signature_algorithms.
_KEY_SCHEMES = {"rsa": (0x0804, 0x0805, 0x0806, 0x0809, 0x080A, 0x080B), "ec": (0x0403, 0x0503, 0x0603),
                "ed25519": (0x0807, 0x0808)}
_SIGNATURE_ALGORITHMS_CERT = 50
#: How evidence names a hello restricted to one key type.
_ASKED = {(True, "rsa"): "仅RSA套件", (True, "ec"): "仅ECDSA套件", (False, "rsa"): "仅RSA-PSS签名算法",
          (False, "ec"): "仅ECDSA签名算法", (False, "ed25519"): "仅EdDSA签名算法"}


@dataclass(frozen=True, slots=True, kw_only=True)
class ServerFlight:
    """The server's answer to one ClientHello, decoded."""

    hello: tls.ServerHello | None = None
    certificates: tuple[bytes, ...] = ()
    alert: str | None = None
    alert_record_version: int | None = None
    record_version: int | None = None
    ecdhe_group: int | None = None
    dhe_bits: int | None = None  # a DHE ServerKeyExchange's prime size: the group's strength
    client_certificate_requested: bool = False
    ocsp_staple: bytes | None = None  # TLS <= 1.2 CertificateStatus (RFC 6066 8)
    silent_close: bool = False
    not_tls: bool = False
    error: str | None = None


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


def server_flight_done(data: bytes) -> bool:
    """Enough of a server's first flight: an alert, ServerHelloDone, or a TLS 1.3 / HRR ServerHello."""
    try:
        records, _ = tls.parse_records(data, lenient=True)
    except ParseError:
        return True
    for record in records:
        if record.content_type == 21:
            return True
    for kind, body in tls.iter_handshakes(records):
        if kind == 14:
            return True
        if kind == 2:
            try:
                hello = tls.parse_server_hello(body)
            except ParseError:
                return True
            if hello.selected_version == 0x0304 or hello.is_hello_retry_request:
                return True
    return False


def read_server_flight(answer: Exchange) -> ServerFlight:
    """Decode a server's first flight from an exchange."""
    if not answer.received:
        return ServerFlight(silent_close=answer.silent_close, error=answer.error or ("timeout" if answer.timed_out
                                                                                       else None))
    try:
        records, _ = tls.parse_records(answer.received, lenient=True)
    except ParseError as e:
        return ServerFlight(not_tls=True, error=str(e))
    alert = alert_version = None
    for record in records:
        if record.content_type == 21 and len(record.fragment) == 2:
            try:
                parsed = tls.parse_alert(record.fragment)
            except ParseError:
                continue
            alert = ALERTS.get(parsed.description, f"alert-{parsed.description}")
            alert_version = record.version
    hello = None
    certs: tuple[bytes, ...] = ()
    group = dhe_bits = None
    asks_client = False
    staple = None
    try:
        for kind, body in tls.iter_handshakes(records):
            asks_client = asks_client or kind == 13
            if kind == 22:
                staple = certificate_status(body)
            if kind == 2:
                hello = tls.parse_server_hello(body)
            elif kind == 11 and hello is not None and hello.selected_version != 0x0304:
                certs = tls.parse_certificate_list(body)
            elif kind == 12 and hello is not None and "_DHE_" in suite_name(hello.cipher_suite):
                dhe_bits = tls.parse_dhe_prime_bits(body)
            elif kind == 12 and group is None:
                group = tls.parse_ecdhe_curve(body)
    except ParseError as e:
        return ServerFlight(hello=hello, alert=alert, error=str(e), record_version=records[0].version)
    return ServerFlight(hello=hello, certificates=certs, alert=alert, alert_record_version=alert_version,
                        record_version=records[0].version if records else None, ecdhe_group=group,
                        dhe_bits=dhe_bits,
                        client_certificate_requested=asks_client, ocsp_staple=staple)


def build_hello(version: int, host: str | None, suites: Sequence[int] | None = None,
                compression: Sequence[int] = (0,), share: KeyShare | None = None,
                schemes: Sequence[int] | None = None) -> bytes:
    """A ClientHello record offering exactly ``version`` (TLS 1.3 through supported_versions, with
    ``share`` as its key share: a fresh x25519 one by default); ``schemes``: the only signature
    schemes the server may sign with (the chain's own signatures stay free: signature_algorithms_cert
    lists them all, RFC 8446 4.2.3)."""
    exts = [tls.ext_server_name(host)] if host else []
    exts += [tls.ext_supported_groups(_GROUPS), tls.Extension(type=11, data=b"\x01\x00"),
             tls.ext_signature_algorithms(tuple(schemes or SIGNATURE_SCHEMES)), tls.ext_renegotiation_info(),
             tls.Extension(type=STATUS_REQUEST, data=b"\x01\x00\x00\x00\x00")]  # ocsp, no responder ids
    legacy = version
    if version == 0x0304:
        legacy = 0x0303
        share = share or make_share(29)
        exts += [tls.ext_supported_versions([0x0304]), tls.ext_key_share([(share.group, share.public)])]
        if schemes:
            exts.append(tls.Extension(type=_SIGNATURE_ALGORITHMS_CERT,
                                      data=tls.ext_signature_algorithms(tuple(SIGNATURE_SCHEMES)).data))
        suites = suites or _TLS13_SUITES
    body = tls.encode_client_hello(version=legacy, random=os.urandom(32), cipher_suites=suites or _LEGACY_SUITES,
                                   extensions=exts, session_id=os.urandom(32), compression_methods=compression)
    return tls.encode_record(22, 0x0301, tls.encode_handshake(1, body))


def certificate_names(cert: CertificateInfo) -> tuple[str, ...]:
    """The names a server certificate is for: its SAN dNSNames, else (RFC 6125 6.4.4, as GB/T 38636
    servers' CN-only SM2 certificates need) its subject CN."""
    return cert.dns_names or cert.common_names


def hostname_matches(host: str, names: Sequence[str]) -> bool:
    """RFC 6125 matching of a host name against DNS names (one left-most wildcard label)."""
    host = host.lower().rstrip(".")
    for name in names:
        name = name.lower().rstrip(".")
        if name == host:
            return True
        if name.startswith("*.") and "." in host and host.split(".", 1)[1] == name[2:]:
            return True
    return False


def _refusal(flight: ServerFlight, version: int) -> str:
    if flight.alert:
        return flight.alert
    if flight.hello is not None:
        return f"server chose {version_name(flight.hello.selected_version)}"
    if flight.silent_close:
        return "closed"
    return flight.error or "no answer"


async def _ask(host: str, port: int, hello: bytes, timeout: float, starttls: str | None = None) -> ServerFlight:
    return read_server_flight(await exchange(host, port, hello, timeout=timeout, enough=server_flight_done,
                                             starttls=starttls))


@dataclass(frozen=True, slots=True, kw_only=True)
class _Answer:
    """One hello's answer: the exchange, its flight and, for TLS 1.3, the certificates decrypted."""

    answer: Exchange
    flight: ServerFlight
    certificates: tuple[bytes, ...] = ()
    verdict: Verdict | None = None  # the server's signature under its certificate's key
    finished_ok: bool | None = None
    staple: bytes | None = None  # the OCSP answer stapled to the leaf


def _flight_read(reader: FlightReader) -> Callable[[bytes], bool]:
    """Enough of a TLS 1.3 answer: the first flight, and the encrypted part up to Finished."""
    return lambda data: server_flight_done(data) and reader.feed(data)


async def _ask_version(host: str, port: int, version: int, sni: str | None, timeout: float,
                       starttls: str | None, suites: Sequence[int] | None = None,
                       schemes: Sequence[int] | None = None) -> _Answer:
    """Offer exactly ``version`` (and only ``suites`` / ``schemes`` when given). TLS 1.3: read the
    encrypted flight with our key share to get the certificate; on a HelloRetryRequest for another
    group we can make (P-256/384/521, x448, curveSM2), ask again with that group's share (RFC 8446
    4.1.4; a fresh connection)."""
    if version != 0x0304:
        hello = build_hello(version, sni, suites=suites, compression=(1, 0))
        answer = await exchange(host, port, hello, timeout=timeout, enough=server_flight_done, starttls=starttls)
        flight = read_server_flight(answer)
        verdict = None
        if flight.hello is not None and flight.certificates and flight.hello.selected_version == version:
            suite = suite_name(flight.hello.cipher_suite)
            verdict = verify_server_key_exchange(flight.certificates[0], version, suite,
                                                 _key_exchange(answer.received), hello[11:43], flight.hello.random)
            if verdict[0] is None and signs_nothing(suite):
                verdict = await prove_by_handshake(host, port, version=version, suite_code=flight.hello.cipher_suite,
                                                   suite=suite, certificate=flight.certificates[0], sni=sni,
                                                   timeout=timeout, starttls=starttls)
        return _Answer(answer=answer, flight=flight, verdict=verdict, staple=flight.ocsp_staple)
    group = 29
    for _ in range(2):
        share = make_share(group)
        hello = build_hello(version, sni, share=share, schemes=schemes)
        reader = FlightReader(client_hello=hello[5:], key_share=share)
        answer = await exchange(host, port, hello, timeout=timeout, starttls=starttls, enough=_flight_read(reader))
        flight = read_server_flight(answer)
        retry = flight.hello is not None and flight.hello.is_hello_retry_request
        asked = flight.hello.key_share_group if retry and flight.hello is not None else None
        if asked is None or asked == group or asked not in SHARE_GROUPS:
            break
        group = asked
    if flight.hello is None or retry:
        return _Answer(answer=answer, flight=flight)
    reader.feed(answer.received)
    try:
        certs = reader.certificates()
        cv = reader.certificate_verify()
    except ParseError:
        certs, cv = (), None
    return _Answer(answer=answer, flight=flight, certificates=certs, verdict=_tls13_verdict(reader, certs, cv),
                   finished_ok=reader.finished_ok() if certs else None, staple=reader.ocsp_staple())


def _key_exchange(received: bytes) -> bytes | None:
    """The ServerKeyExchange body of a TLS <= 1.2 flight (None: none sent)."""
    try:
        records, _ = tls.parse_records(received, lenient=True)
        return next((body for kind, body in tls.iter_handshakes(records) if kind == 12), None)
    except ParseError:
        return None


def _tls13_verdict(reader: FlightReader, certs: tuple[bytes, ...],
                   cv: tuple[int, bytes, bytes] | None) -> Verdict | None:
    """The CertificateVerify under the leaf's key. RFC 8446 4.4.3: a server that authenticates
    with a certificate MUST send one; a flight that reaches Finished without it proves nothing."""
    if not certs:
        return None
    if cv is None:
        if any(kind == 20 for kind, _ in reader.messages):
            return False, "Finished之前有Certificate而无CertificateVerify（RFC 8446 4.4.3）"
        return None, "加密的握手消息在CertificateVerify之前结束：未检查签名"
    try:
        sm2_key = parse_certificate(certs[0]).sm2_public_key
    except ParseError:
        sm2_key = None
    return verify_server_signature(certs[0], cv[0], cv[1], cv[2], tls13=True, sm2_key=sm2_key,
                                   sm2_id=CERTIFICATE_VERIFY_ID)


async def probe_tls(host: str, port: int, *, server_name: str | None = None, timeout: float = 3.0,
                    starttls: str | None = None) -> TlsProbeResult:
    """Probe one endpoint's TLS versions, suites, chain, renegotiation and compression; with
    ``starttls`` ("ftp": AUTH TLS) each hello follows the protocol's plain-text opening."""
    endpoint = f"{host}:{port}"
    sni = server_name_of(host, server_name)
    results: list[VersionResult] = []
    certs: tuple[bytes, ...] = ()
    reneg = compression = None
    reachable = speaks = tlcp_hint = asks_client = False
    tls13_verified = tls13_finished = None
    staple: bytes | None = None
    verdicts: list[tuple[bool, Verdict]] = []  # (this version's chain is the one shown, verdict)
    silences = 0
    for version in PROBED_VERSIONS:
        asked = await _ask_version(host, port, version, sni, timeout, starttls)
        answer, flight = asked.answer, asked.flight
        if not answer.connected and not reachable:
            return TlsProbeResult(endpoint=endpoint, reachable=False, speaks_tls=False, error=answer.error)
        reachable = True
        if not speaks and answer.timed_out and not answer.received:
            # a server silent to the TLS 1.3 and the TLS 1.2 hello stays silent to the older ones: two
            # time-outs, not one per version; one silent to TLS 1.3 alone (a TLS 1.3-intolerant box) is
            # asked on, as before the shortcut
            silences += 1
            if silences == 2:
                return TlsProbeResult(endpoint=endpoint, reachable=True, speaks_tls=False, silent=True,
                                      error=f"no answer to the TLS 1.3 and TLS 1.2 ClientHellos in {timeout:g} s")
        if flight.not_tls and not speaks:
            return TlsProbeResult(endpoint=endpoint, reachable=True, speaks_tls=False, error=flight.error)
        speaks = speaks or flight.hello is not None or flight.alert is not None
        tlcp_hint = tlcp_hint or TLCP_VERSION in (flight.alert_record_version, flight.record_version)
        hello = flight.hello
        if hello is not None and hello.selected_version == version:
            # a HelloRetryRequest for a group we cannot offer still says the version is spoken
            group = hello.key_share_group if version == 0x0304 else flight.ecdhe_group
            results.append(VersionResult(version=version_name(version), accepted=True,
                                         suite=suite_name(hello.cipher_suite),
                                         group=None if group is None else group_name(group),
                                         dh_bits=flight.dhe_bits if version < 0x0304 else None))
            asks_client = asks_client or flight.client_certificate_requested
            shown = not certs and bool(asked.certificates or (version < 0x0304 and flight.certificates))
            if asked.verdict is not None:
                verdicts.append((shown, asked.verdict))
            staple = asked.staple if shown else staple
            certs = certs or asked.certificates
            if version == 0x0304:
                tls13_verified = asked.verdict[0] if asked.verdict else None
                tls13_finished = asked.finished_ok
            if version < 0x0304:
                certs = certs or flight.certificates
                reneg = hello.renegotiation_info if reneg is None else reneg or hello.renegotiation_info
                compression = (hello.compression_method != 0) or bool(compression)
        else:
            results.append(VersionResult(version=version_name(version), accepted=False,
                                         refusal=_refusal(flight, version)))
    weak: dict[str, tuple[str, ...]] = {}
    for result, version in zip(results, PROBED_VERSIONS, strict=True):
        if result.accepted and version < 0x0304:
            found = await _weak_suites(host, port, version, sni, timeout, starttls)
            if found:
                weak[result.version] = found
    chain = _chain(certs)
    leaf = chain[0] if chain else None
    others = await _other_certificates(host, port, sni, timeout, starttls, results, chain, verdicts) if leaf else ()
    now = datetime.now(UTC)
    verified, note = _signature_facts(verdicts)
    return TlsProbeResult(
        endpoint=endpoint, reachable=reachable, speaks_tls=speaks, versions=tuple(results), weak_suites=weak,
        chain=chain, hostname=sni, hostname_ok=hostname_matches(sni, certificate_names(leaf)) if leaf and sni else None,
        chain_valid_now=all(c.valid_at(now) for c in chain) if chain else None,
        secure_renegotiation=reneg, compression=compression, tlcp_hint=tlcp_hint,
        client_certificate_requested=asks_client, tls13_signature_verified=tls13_verified,
        tls13_finished_ok=tls13_finished, signature_verified=verified, signature_note=note, ocsp_staple=staple,
        other_certificates=others)


async def _other_certificates(host: str, port: int, sni: str | None, timeout: float, starttls: str | None,
                              results: list[VersionResult], chain: tuple[CertificateInfo, ...],
                              verdicts: list[tuple[bool, Verdict]]) -> tuple[OtherCertificate, ...]:
    """The certificates of the other key types, asked with hellos that allow only that type: at the
    newest TLS <= 1.2 version accepted (suites by key type), else at TLS 1.3 (signature schemes by
    key type). One hello per key type not yet seen; a server with one certificate refuses it with an
    alert. Their signatures join ``verdicts`` (a failed one fails the endpoint, as any version's)."""
    accepted = {v.version for v in results if v.accepted}
    legacy = next((v for v in PROBED_VERSIONS[1:] if version_name(v) in accepted), None)
    if legacy is None and version_name(0x0304) not in accepted:
        return ()
    version = legacy or 0x0304
    table = _KEY_SUITES if legacy else _KEY_SCHEMES
    seen = {chain[0].key_type}
    out: list[OtherCertificate] = []
    for key, offer in table.items():
        if key in seen:
            continue
        asked = await _ask_version(host, port, version, sni, timeout, starttls,
                                   suites=offer if legacy else None, schemes=None if legacy else offer)
        hello = asked.flight.hello
        got = _chain(asked.certificates or asked.flight.certificates)
        if hello is None or hello.selected_version != version or not got or got[0].key_type in seen:
            continue
        seen.add(got[0].key_type)
        if asked.verdict is not None:
            verdicts.append((False, asked.verdict))
        out.append(OtherCertificate(asked=f"{version_name(version)} {_ASKED[bool(legacy), key]}",
                                    version=version_name(version), suite=suite_name(hello.cipher_suite),
                                    chain=got, ocsp_staple=asked.staple))
    return tuple(out)


def _signature_facts(verdicts: list[tuple[bool, Verdict]]) -> tuple[bool | None, str | None]:
    """One answer for the endpoint: a failed signature at any version fails it (an impostor picks
    the version it can fake); else the verdict of the version whose certificate is shown."""
    failed = [why for _, (ok, why) in verdicts if ok is False]
    if failed:
        return False, "; ".join(dict.fromkeys(failed))
    shown = next((v for is_shown, v in verdicts if is_shown), None)
    return (shown[0], shown[1]) if shown else (None, None)


def _chain(certs: tuple[bytes, ...]) -> tuple[CertificateInfo, ...]:
    out = []
    for der in certs:
        try:
            out.append(parse_certificate(der))
        except ParseError:
            continue
    return tuple(out)


async def _weak_suites(host: str, port: int, version: int, sni: str | None, timeout: float,
                       starttls: str | None = None) -> tuple[str, ...]:
    """Weak suites the server accepts at ``version``: offer only weak ones, remove each one chosen, repeat."""
    offered = list(_WEAK_SUITES)
    found: list[str] = []
    while offered and len(found) < 8:
        flight = await _ask(host, port, build_hello(version, sni, suites=offered), timeout, starttls)
        hello = flight.hello
        if hello is None or hello.selected_version != version or hello.cipher_suite not in offered:
            break
        found.append(suite_name(hello.cipher_suite))
        offered.remove(hello.cipher_suite)
    return tuple(found)
