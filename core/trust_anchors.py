"""Trust-anchor files the asset inventory names (``trust_anchors``, globally and per system's
``crypto``): the CA roots (国密 roots among them) that a server's certificate chain must reach for
its identity to count in 密评 (GB/T 39786 8.2 a; RFC 5280 6.1 calls them trust anchors).

The file must be this user's or root's and written by nobody else (core.filemode, as report-signing
keys are), nor its folder (unless sticky, as /tmp is): whoever can write it decides which chains are
trusted. A file holds one or more certificates, PEM (a bundle such as /etc/ssl/certs/ca-certificates.crt)
or a single DER one. Each must be a CA certificate (basicConstraints cA true and, when keyUsage
is present, keyCertSign): an ordinary server certificate is refused as an anchor. A self-signed one
made with cA true (the default of `openssl req -x509`) loads: RFC 5280 6.1 trusts an anchor by
declaration, so declaring it is direct trust (pinning), and crypto_eval.chain's evidence says so
rather than calling it a chain to a CA. A version 1 self-signed root (no extensions at all, so no
basicConstraints: old roots, and what `openssl x509 -req -signkey` makes) loads too: RFC 5280 6.1.1 d
takes an anchor's name and key by declaration, and OpenSSL's check_ca accepts such a "V1 root"; a
v1 certificate that is not self-issued stays refused (it cannot be a CA: RFC 5280 4.2.1.9 says CA
certificates MUST carry basicConstraints). SM2 certificates load here too (``cryptography`` parses them;
only their public key is out of its reach, which crypto_eval.chain handles).
"""

from __future__ import annotations

import warnings
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding

from govsoc.core.errors import ConfigError
from govsoc.core.filemode import read_declared_file
from govsoc.core.yamlfile import Positions, locate

__all__ = ["read_anchor_file", "is_v1_root", "MAX_ANCHOR_FILE", "drop_unusable_anchors"]

#: Larger than any real root bundle (the Mozilla one is about 220 KB): a wrong path to a big file
#: is refused rather than read.
MAX_ANCHOR_FILE = 4 << 20


def is_v1_root(cert: x509.Certificate) -> bool:
    """A version 1 certificate whose issuer is its subject (self-issued): a "V1 root" (OpenSSL
    check_ca), which carries no basicConstraints because v1 has no extensions."""
    return cert.version == x509.Version.v1 and cert.subject == cert.issuer


def _is_ca(cert: x509.Certificate) -> bool:
    if is_v1_root(cert):
        return True
    try:
        if not cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca:
            return False
    except x509.ExtensionNotFound:
        return False
    try:
        return cert.extensions.get_extension_for_class(x509.KeyUsage).value.key_cert_sign
    except x509.ExtensionNotFound:
        return True


def read_anchor_file(path: Path) -> tuple[bytes, ...]:
    """The DER certificates of an anchor file; ValueError saying what is wrong with it (unreadable,
    no certificate, a certificate that does not parse, or one that is not a CA certificate)."""
    data = read_declared_file(path, "trust anchor file", "a trust anchor file", "make any certificate chain trusted",
                              MAX_ANCHOR_FILE, "a certificate file")
    try:
        with warnings.catch_warnings():  # a few shipped roots have a non-positive serial: still roots
            warnings.simplefilter("ignore")
            if b"-----BEGIN" in data:
                certs = x509.load_pem_x509_certificates(data)
            else:
                certs = [x509.load_der_x509_certificate(data)]
    except ValueError as e:
        raise ValueError(f"trust anchor file {path} holds no readable certificate (PEM or DER): {e}") from e
    for n, cert in enumerate(certs, 1):
        with warnings.catch_warnings():  # the serial warning fires again when extensions are read
            warnings.simplefilter("ignore")
            ca = _is_ca(cert)
        if not ca:
            raise ValueError(f"trust anchor file {path}: certificate {n} ({cert.subject.rfc4514_string()}) is not a "
                             "CA certificate (basicConstraints cA and keyCertSign, or a self-signed version 1 root): a "
                             "server's own certificate cannot be its trust anchor; name the CA root that issued it")
    return tuple(c.public_bytes(Encoding.DER) for c in certs)


def _anchor_lists(data: object) -> list[tuple[tuple[str | int, ...], list[object]]]:
    """The trust_anchors lists of a raw inventory (global and each system's crypto), with their keys."""
    if not isinstance(data, dict):
        return []
    found: list[tuple[tuple[str | int, ...], list[object]]] = []
    if isinstance(data.get("trust_anchors"), list):
        found.append((("trust_anchors",), data["trust_anchors"]))
    systems = data.get("systems")
    for index, system in enumerate(systems if isinstance(systems, list) else []):
        crypto = system.get("crypto") if isinstance(system, dict) else None
        if isinstance(crypto, dict) and isinstance(crypto.get("trust_anchors"), list):
            found.append((("systems", index, "crypto", "trust_anchors"), crypto["trust_anchors"]))
    return found


def drop_unusable_anchors(data: object, path: Path, positions: Positions) -> list[ConfigError]:
    """Take the anchor files that cannot be used out of a raw inventory (``data``, changed in
    place), one ConfigError each naming file:line:field and why: one bad anchor costs its own
    chains (they then reach no declared root: missing evidence, never trusted), not the whole
    inventory. Entries that are not strings are left to the inventory's validation."""
    rejected: list[ConfigError] = []
    for key, entries in _anchor_lists(data):
        kept = []
        for index, entry in enumerate(entries):
            if isinstance(entry, str):
                file = Path(entry).expanduser()
                try:
                    read_anchor_file(file if file.is_absolute() else path.parent / file)
                except ValueError as e:
                    rejected.append(ConfigError(f"{e}; this anchor is left out, the rest of the inventory is used",
                                                location=locate(path, positions, (*key, index))))
                    continue
            kept.append(entry)
        entries[:] = kept
    return rejected
