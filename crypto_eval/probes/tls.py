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

from collections.abc import Sequence
from datetime import UTC, datetime

from govsoc.collectors.protocols.tls_names import TLCP_VERSION, group_name, suite_name, version_name
from govsoc.collectors.protocols.x509 import CertificateInfo
from govsoc.crypto_eval.probes.address import server_name_of
from govsoc.crypto_eval.probes.certificate_verify import Verdict
from govsoc.crypto_eval.probes.tls_ask import _ask, _ask_version, _chain
from govsoc.crypto_eval.probes.tls_hello import (
    _WEAK_SUITES,
    ServerFlight,
    build_hello,
    read_server_flight,
    server_flight_done,
)
from govsoc.crypto_eval.probes.tls_key_types import _other_certificates
from govsoc.crypto_eval.probes.tls_result import PROBED_VERSIONS, OtherCertificate, TlsProbeResult, VersionResult

__all__ = ["VersionResult", "TlsProbeResult", "probe_tls", "server_flight_done", "read_server_flight",
           "ServerFlight", "hostname_matches", "PROBED_VERSIONS", "certificate_names", "OtherCertificate"]


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


def _signature_facts(verdicts: list[tuple[bool, Verdict]]) -> tuple[bool | None, str | None]:
    """One answer for the endpoint: a failed signature at any version fails it (an impostor picks
    the version it can fake); else the verdict of the version whose certificate is shown."""
    failed = [why for _, (ok, why) in verdicts if ok is False]
    if failed:
        return False, "; ".join(dict.fromkeys(failed))
    shown = next((v for is_shown, v in verdicts if is_shown), None)
    return (shown[0], shown[1]) if shown else (None, None)


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
