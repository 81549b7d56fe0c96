"""Certificates for loopback test servers: RSA and ECDSA with `cryptography`, SM2 with openssl."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import NameOID


@dataclass(frozen=True)
class CertFiles:
    cert: Path
    key: Path
    der: bytes


def make_cert(folder: Path, name: str, *, kind: str = "rsa", bits: int = 2048, host: str = "localhost",
              days: int = 30, hash_name: str = "sha256", not_before_days: int = -1,
              signing_usage: bool = False) -> CertFiles:
    """A self-signed server certificate for ``host`` with its key, written as PEM under ``folder``.

    SHA-1 signatures, which `cryptography` no longer makes, come from the openssl CLI. ``signing_usage``
    adds keyUsage digitalSignature (critical)."""
    if hash_name == "sha1":
        return _openssl_cert(folder, name, f"{kind}:{bits}" if kind == "rsa" else "ec", host, days)
    key: rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey
    if kind == "rsa":
        key = rsa.generate_private_key(public_exponent=65537, key_size=bits)
    else:
        key = ec.generate_private_key({256: ec.SECP256R1(), 384: ec.SECP384R1()}[bits])
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, host)])
    now = dt.datetime.now(dt.UTC)
    algorithm = {"sha256": hashes.SHA256(), "sha1": hashes.SHA1()}[hash_name]
    cert = (x509.CertificateBuilder().subject_name(subject).issuer_name(subject).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now + dt.timedelta(days=not_before_days))
            .not_valid_after(now + dt.timedelta(days=days))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName(host)]), critical=False))
    if signing_usage:  # keyUsage digitalSignature only (a TLCP signing certificate)
        cert = cert.add_extension(x509.KeyUsage(True, False, False, False, False, False, False, False, False),
                                  critical=True)
    cert = cert.sign(key, algorithm)
    cert_path, key_path = folder / f"{name}.crt", folder / f"{name}.key"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return CertFiles(cert=cert_path, key=key_path, der=cert.public_bytes(serialization.Encoding.DER))


def make_sm2_cert(folder: Path, name: str, *, cn: str = "sm2.test", usage: str = "digitalSignature") -> CertFiles:
    """A self-signed SM2 certificate signed SM2-with-SM3 by the real openssl CLI (OpenSSL 3)."""
    openssl = shutil.which("openssl")
    if openssl is None:
        raise FileNotFoundError("openssl")
    key, cert = folder / f"{name}.key", folder / f"{name}.crt"
    subprocess.run([openssl, "genpkey", "-algorithm", "SM2", "-out", str(key)], check=True, capture_output=True)
    subprocess.run([openssl, "req", "-new", "-x509", "-key", str(key), "-sm3", "-sigopt", "distid:1234567812345678",
                    "-subj", f"/CN={cn}", "-days", "30", "-addext", f"keyUsage=critical,{usage}",
                    "-out", str(cert)], check=True, capture_output=True)
    der = x509.load_pem_x509_certificate(cert.read_bytes()).public_bytes(serialization.Encoding.DER)
    return CertFiles(cert=cert, key=key, der=der)


def _openssl_cert(folder: Path, name: str, newkey: str, host: str, days: int) -> CertFiles:
    openssl = shutil.which("openssl")
    if openssl is None:
        raise FileNotFoundError("openssl")
    key, cert = folder / f"{name}.key", folder / f"{name}.crt"
    subprocess.run([openssl, "req", "-x509", "-newkey", newkey, "-sha1", "-nodes", "-keyout", str(key),
                    "-out", str(cert), "-subj", f"/CN={host}", "-days", str(days),
                    "-addext", f"subjectAltName=DNS:{host}"], check=True, capture_output=True)
    der = x509.load_pem_x509_certificate(cert.read_bytes()).public_bytes(serialization.Encoding.DER)
    return CertFiles(cert=cert, key=key, der=der)


def sm2_private_scalar(key: Path) -> int:
    """The private scalar d of an SM2 key file, read from `openssl pkey -text` (cryptography cannot load SM2)."""
    openssl = shutil.which("openssl")
    if openssl is None:
        raise FileNotFoundError("openssl")
    text = subprocess.run([openssl, "pkey", "-in", str(key), "-text", "-noout"], check=True, capture_output=True,
                          text=True).stdout
    return int("".join(text.split("priv:")[1].split("pub:")[0].split()).replace(":", ""), 16)


def subject_cert(folder: Path, stem: str, subject: list[x509.NameAttribute]) -> CertFiles:
    """A self-signed ECDSA P-256 certificate for localhost whose subject is ``subject`` (a person's
    name, e-mail, ID number... as the masking tests need), written as ``stem``.crt/.key under ``folder``."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name(subject)
    now = dt.datetime.now(dt.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(days=1))
            .not_valid_after(now + dt.timedelta(days=30))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost")]), critical=False)
            .sign(key, hashes.SHA256()))
    cert_path, key_path = folder / f"{stem}.crt", folder / f"{stem}.key"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return CertFiles(cert=cert_path, key=key_path, der=cert.public_bytes(serialization.Encoding.DER))
