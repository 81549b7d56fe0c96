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
rather than calling it a chain to a CA. SM2 certificates load here too (``cryptography`` parses them;
only their public key is out of its reach, which crypto_eval.chain handles).
"""

from __future__ import annotations

import stat
import warnings
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding

from govsoc.core.filemode import others_may_write

__all__ = ["read_anchor_file", "MAX_ANCHOR_FILE"]

#: Larger than any real root bundle (the Mozilla one is about 220 KB): a wrong path to a big file
#: is refused rather than read.
MAX_ANCHOR_FILE = 4 << 20


def _is_ca(cert: x509.Certificate) -> bool:
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
    try:
        problem = others_may_write(path, "a trust anchor file", "make any certificate chain trusted")
        if problem is None and (sticky := path.parent.stat()).st_mode & 0o022 and not sticky.st_mode & stat.S_ISVTX:
            problem = (f"{path.parent} (the folder of trust anchor file {path.name}) may be written by others (mode "
                       f"{stat.S_IMODE(sticky.st_mode):o}): anyone who can write there can put another file in its "
                       f"place; chmod go-w {path.parent}")
        if problem is not None:
            raise ValueError(problem)
        size = path.stat().st_size
        if size > MAX_ANCHOR_FILE:
            raise ValueError(f"trust anchor file {path} is {size} bytes: not a certificate file")
        data = path.read_bytes()
    except OSError as e:
        raise ValueError(f"cannot read trust anchor file {path}: {e.strerror or e}") from e
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
                             "CA certificate (basicConstraints cA and keyCertSign): a server's own certificate "
                             "cannot be its trust anchor; name the CA root that issued it")
    return tuple(c.public_bytes(Encoding.DER) for c in certs)
