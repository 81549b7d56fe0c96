"""The proof of a TLS <= 1.2 server's key when its suite signs nothing: RSA key transport
(TLS_RSA_WITH_*, RFC 5246 7.4.7.1) and static (EC)DH suites send no ServerKeyExchange signature,
so the server shows it holds its certificate's private key only by finishing the handshake: its
Finished is keyed by the pre-master secret the client encrypted to (or agreed with) the
certificate's key (RFC 5246 7.4.9, 8.1).

The handshake is completed by Python's ssl module (OpenSSL) rather than by hand: it encrypts the
pre-master secret, derives the keys and checks the server's Finished, which is exactly what
OpenSSL does well. Certificates are not verified here (crypto_eval.chain judges the chain); the
certificate the completed handshake used must be the one the probe's own hello saw, else the
handshake proves nothing about that certificate.
"""

from __future__ import annotations

import asyncio
import ssl
import warnings

from govsoc.crypto_eval.probes.certificate_verify import Verdict
from govsoc.crypto_eval.probes.connection import close_quietly, starttls_opening

__all__ = ["signs_nothing", "prove_by_handshake"]

_VERSIONS = {0x0301: ssl.TLSVersion.TLSv1, 0x0302: ssl.TLSVersion.TLSv1_1, 0x0303: ssl.TLSVersion.TLSv1_2}


def signs_nothing(suite: str) -> bool:
    """Whether a TLS <= 1.2 suite has no signed ServerKeyExchange (RSA key transport, static (EC)DH)."""
    return "_ECDHE_" not in suite and "_DHE_" not in suite and "_anon_" not in suite and "PSK" not in suite


def _context(version: int, suite_code: int) -> ssl.SSLContext | None:
    """A client context offering exactly ``version`` and the one suite (OpenSSL's name for its
    code); None when this OpenSSL cannot speak them."""
    if version not in _VERSIONS:
        return None
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE  # the chain is judged by crypto_eval.chain, not here
    try:
        ctx.set_ciphers("ALL:COMPLEMENTOFALL:@SECLEVEL=0")
        name = next((c["name"] for c in ctx.get_ciphers() if c["id"] & 0xFFFF == suite_code), None)
        if name is None:
            return None
        ctx.set_ciphers(f"{name}:@SECLEVEL=0")
        with warnings.catch_warnings():  # TLS 1.0/1.1 are deprecated: probing them is the point
            warnings.simplefilter("ignore", DeprecationWarning)
            ctx.minimum_version = ctx.maximum_version = _VERSIONS[version]
    except (ssl.SSLError, ValueError):
        return None
    return ctx


async def _handshake(host: str, port: int, ctx: ssl.SSLContext, sni: str | None, starttls: str | None,
                     timeout: float) -> bytes | None:
    """Complete one handshake (after the plain-text opening of ``starttls``); the certificate used."""
    reader, writer = await asyncio.open_connection(host, port)
    try:
        if starttls is not None and await starttls_opening(reader, writer, starttls, timeout) is not None:
            return None
        await writer.start_tls(ctx, server_hostname=sni or None)
        tls_object = writer.get_extra_info("ssl_object")
        return tls_object.getpeercert(binary_form=True) if tls_object is not None else None
    finally:
        await close_quietly(writer)


async def prove_by_handshake(host: str, port: int, *, version: int, suite_code: int, suite: str,
                             certificate: bytes, sni: str | None, timeout: float,
                             starttls: str | None = None) -> Verdict:
    """Finish a handshake at ``version`` with the one ``suite`` the server chose: True when the
    server's Finished verified and it used ``certificate``; None (no evidence either way) when the
    handshake could not be run or ended otherwise, saying why."""
    ctx = _context(version, suite_code)
    if ctx is None:
        return None, f"{suite}：本机OpenSSL不支持该版本或套件，无法完成握手以证明持有证书私钥"
    try:
        used = await asyncio.wait_for(_handshake(host, port, ctx, sni, starttls, timeout), timeout)
    except (OSError, TimeoutError, ssl.SSLError, ValueError, ConnectionError) as e:
        return None, f"{suite}：完成握手以证明持有证书私钥时失败（{type(e).__name__}: {e}）"
    if used is None:
        return None, f"{suite}：未能完成握手以证明持有证书私钥"
    if used != certificate:
        return None, f"{suite}：完成握手时服务器出示了另一张证书，握手不能证明所探测证书的私钥"
    return True, (f"{suite}：RSA密钥传输/静态密钥握手已完成，服务器Finished在以证书公钥加密（协商）的预主密钥下"
                  "验证通过，证明持有证书私钥")
