"""A server's certificates of other key types (RFC 5246 7.4.2, RFC 8446 4.2.3): the hellos that
allow only RSA, ECDSA or EdDSA certificates, and the certificates a server with more than one shows
to them alone."""

from __future__ import annotations

from govsoc.collectors.protocols.tls_names import CIPHER_SUITES, suite_name, version_name
from govsoc.collectors.protocols.x509 import CertificateInfo
from govsoc.crypto_eval.probes.certificate_verify import Verdict
from govsoc.crypto_eval.probes.tls_ask import _ask_version, _chain
from govsoc.crypto_eval.probes.tls_hello import _LEGACY_SUITES
from govsoc.crypto_eval.probes.tls_result import PROBED_VERSIONS, OtherCertificate, VersionResult

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
#: How evidence names a hello restricted to one key type.
_ASKED = {(True, "rsa"): "仅RSA套件", (True, "ec"): "仅ECDSA套件", (False, "rsa"): "仅RSA-PSS签名算法",
          (False, "ec"): "仅ECDSA签名算法", (False, "ed25519"): "仅EdDSA签名算法"}


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
