"""Certificate revocation list files the asset inventory names (``crls``, globally and per system's
``crypto``): CRLs (RFC 5280 5) a person obtained from the CAs of the systems' servers, for servers
whose certificates name no distribution point the tool can reach, or to hold the CRL of an
offline CA. crypto_eval.revocation checks each CRL's signature against the certificate's issuer
before it is used, so a CRL here cannot make a certificate trusted; but whoever can write the file
could replace a CRL listing a revoked certificate by an older one that does not, so the file and
its folder are checked as trust-anchor files are (core.filemode).

A file holds one or more CRLs, PEM ("-----BEGIN X509 CRL-----" blocks) or one DER CRL.
"""

from __future__ import annotations

import re
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding

from govsoc.core.filemode import read_declared_file

__all__ = ["read_crl_file", "MAX_CRL_FILE"]

#: Larger than the CRL of any CA a government system uses: a wrong path to a big file is refused.
MAX_CRL_FILE = 16 << 20

_PEM = re.compile(rb"-----BEGIN X509 CRL-----.+?-----END X509 CRL-----", re.DOTALL)


def read_crl_file(path: Path) -> tuple[bytes, ...]:
    """The DER CRLs of a CRL file; ValueError saying what is wrong with it (unreadable, others may
    write it, no CRL in it, a CRL that does not parse)."""
    data = read_declared_file(path, "CRL file", "a CRL file", "hide that a certificate was revoked", MAX_CRL_FILE,
                              "a CRL file")
    blocks = _PEM.findall(data) if b"-----BEGIN" in data else [data]
    if not blocks:
        raise ValueError(f"CRL file {path} holds no CRL (PEM 'X509 CRL' or DER)")
    out = []
    for n, block in enumerate(blocks, 1):
        try:
            crl = (x509.load_pem_x509_crl(block) if block.startswith(b"-----") else x509.load_der_x509_crl(block))
            out.append(crl.public_bytes(Encoding.DER))
        except ValueError as e:
            raise ValueError(f"CRL file {path}: CRL {n} does not parse (PEM 'X509 CRL' or DER): {e}") from e
    return tuple(out)
