"""A test certificate authority for chain-validation tests and for servers whose certificates must
chain to a declared trust anchor: root -> intermediate -> leaf, made at test time. RSA and ECDSA
with `cryptography` (any validity period, any extension), SM2-with-SM3 with the real openssl CLI
(OpenSSL 3; signed with the GM/T 0009 default ID 1234567812345678, as certificates are)."""

from __future__ import annotations

import datetime as dt
import ipaddress
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import NameOID

from tests.servers.certs import CertFiles

__all__ = ["TestCA", "make_ca", "make_legacy_ca", "make_v1", "issue", "issue_sm2", "tamper", "make_crl", "sm2_crl",
           "serial_of"]

_SM2_ID = "distid:1234567812345678"
LOOPBACK = ipaddress.ip_address("127.0.0.1")


@dataclass(frozen=True)
class TestCA:
    """A CA certificate and its key (PEM files)."""

    __test__ = False  # not a pytest class
    kind: str  # "ec", "rsa" or "sm2"
    name: str
    cert: Path
    key: Path
    der: bytes


def _openssl() -> str:
    found = shutil.which("openssl")
    if found is None:
        raise FileNotFoundError("openssl")
    return found


def _new_key(kind: str, bits: int = 2048) -> rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=bits) if kind == "rsa" else \
        ec.generate_private_key(ec.SECP256R1())


def _write(folder: Path, name: str, cert: x509.Certificate, key: rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey,
           chain: tuple[bytes, ...] = ()) -> tuple[Path, Path]:
    cert_path, key_path = folder / f"{name}.crt", folder / f"{name}.key"
    pem = cert.public_bytes(serialization.Encoding.PEM)
    pem += b"".join(x509.load_der_x509_certificate(d).public_bytes(serialization.Encoding.PEM) for d in chain)
    cert_path.write_bytes(pem)  # leaf first, then the intermediates a server sends (ssl's load_cert_chain)
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path


def _signer(issuer: TestCA) -> rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey:
    key = serialization.load_pem_private_key(issuer.key.read_bytes(), None)
    assert isinstance(key, rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey)
    return key


def make_ca(folder: Path, name: str, *, kind: str = "ec", issuer: TestCA | None = None, path_length: int | None = None,
            is_ca: bool = True, key_cert_sign: bool = True, days: int = 30, not_before_days: int = -1,
            stem: str | None = None, same_key: TestCA | None = None, key_ids: bool = False,
            crl_url: str | None = None) -> TestCA:
    """A root (``issuer`` None: self-signed) or intermediate CA named CN=``name``, in files named
    ``stem`` (default: the name; two CAs of one name need two stems); ``same_key``: re-certify that
    CA's key (a renewal) instead of making a new one; ``key_ids``: with SubjectKeyIdentifier and
    AuthorityKeyIdentifier (RFC 5280 4.2.1.1/4.2.1.2), as real CAs write them; ``crl_url``: a CRL
    distribution point (RFC 5280 4.2.1.13) where its issuer's CRL is."""
    if kind == "sm2":
        return _sm2_ca(folder, name, issuer, path_length)
    key = _signer(same_key) if same_key is not None else _new_key(kind)
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = dt.datetime.now(dt.UTC)
    builder = (x509.CertificateBuilder().subject_name(subject)
               .issuer_name(x509.load_der_x509_certificate(issuer.der).subject if issuer else subject)
               .public_key(key.public_key()).serial_number(x509.random_serial_number())
               .not_valid_before(now + dt.timedelta(days=not_before_days))
               .not_valid_after(now + dt.timedelta(days=days))
               .add_extension(x509.BasicConstraints(ca=is_ca, path_length=path_length if is_ca else None),
                              critical=True)
               .add_extension(x509.KeyUsage(False, False, False, False, False, key_cert_sign, True, False, False),
                              critical=True))
    if crl_url is not None:
        builder = builder.add_extension(_distribution_point(crl_url), critical=False)
    if key_ids:
        builder = builder.add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        signer_key = (_signer(issuer) if issuer else key).public_key()
        builder = builder.add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(signer_key), critical=False)
    cert = builder.sign(_signer(issuer) if issuer else key, hashes.SHA256())
    cert_path, key_path = _write(folder, stem or name, cert, key)
    return TestCA(kind=kind, name=name, cert=cert_path, key=key_path, der=cert.public_bytes(serialization.Encoding.DER))


def issue(folder: Path, name: str, issuer: TestCA, *, kind: str = "ec", host: str = "localhost", days: int = 30,
          not_before_days: int = -1, chain: tuple[TestCA, ...] = (), key_usage: x509.KeyUsage | None = None,
          eku: x509.ExtendedKeyUsage | None = None, crl_url: str | tuple[str, ...] | None = None, is_ca: bool = False,
          key_ids: bool = False, bits: int = 2048) -> CertFiles:
    """A server certificate for ``host`` and 127.0.0.1 (SAN dNSName and iPAddress: the test servers are
    asked by address too), digitalSignature (and keyEncipherment for RSA) unless ``key_usage`` says
    otherwise, ``eku`` when given, issued by ``issuer``; its PEM file also holds ``chain`` (the
    intermediates the server sends); ``crl_url``: a CRL distribution point; ``is_ca``: basicConstraints
    cA TRUE (a CA certificate used as a server's); ``key_ids``: with SubjectKeyIdentifier and
    AuthorityKeyIdentifier (the issuer's key), as `openssl x509 -req` and real CAs write them;
    ``bits``: an RSA key's modulus size."""
    key = _new_key(kind, bits)
    now = dt.datetime.now(dt.UTC)
    usage = key_usage or x509.KeyUsage(True, False, kind == "rsa", False, False, False, False, False, False)
    builder = (x509.CertificateBuilder().subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, host)]))
               .issuer_name(x509.load_der_x509_certificate(issuer.der).subject).public_key(key.public_key())
               .serial_number(x509.random_serial_number())
               .not_valid_before(now + dt.timedelta(days=not_before_days))
               .not_valid_after(now + dt.timedelta(days=days))
               .add_extension(x509.SubjectAlternativeName([x509.DNSName(host), x509.IPAddress(LOOPBACK)]),
                              critical=False)
               .add_extension(usage, critical=True))
    if eku is not None:
        builder = builder.add_extension(eku, critical=False)
    if crl_url is not None:
        builder = builder.add_extension(_distribution_point(crl_url), critical=False)
    if is_ca:
        builder = builder.add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
    if key_ids:
        builder = builder.add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        builder = builder.add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(
            _signer(issuer).public_key()), critical=False)
    cert = builder.sign(_signer(issuer), hashes.SHA256())
    cert_path, key_path = _write(folder, name, cert, key, tuple(c.der for c in chain))
    return CertFiles(cert=cert_path, key=key_path, der=cert.public_bytes(serialization.Encoding.DER))


def make_legacy_ca(folder: Path, name: str, issuer: TestCA, *, digest: str = "sha1") -> TestCA:
    """An intermediate CA (EC key) signed by ``issuer`` with a legacy digest (``openssl x509 -req
    -sha1``): ``cryptography`` no longer signs with SHA-1."""
    key = ec.generate_private_key(ec.SECP256R1())
    key_path, csr, ext, cert_path = (folder / f"{name}{s}" for s in (".key", ".csr", ".ext", ".crt"))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    request = (x509.CertificateSigningRequestBuilder()
               .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])).sign(key, hashes.SHA256()))
    csr.write_bytes(request.public_bytes(serialization.Encoding.PEM))
    ext.write_text("[v3]\nbasicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\n")
    subprocess.run([_openssl(), "x509", "-req", "-in", str(csr), "-CA", str(issuer.cert), "-CAkey", str(issuer.key),
                    f"-{digest}", "-days", "30", "-extfile", str(ext), "-extensions", "v3", "-set_serial", "7",
                    "-out", str(cert_path)], check=True, capture_output=True)
    return TestCA(kind="ec", name=name, cert=cert_path, key=key_path, der=_der(cert_path))


def _sm2_sign(folder: Path, name: str, subject: str, issuer: TestCA | None, extensions: str) -> tuple[Path, Path]:
    openssl = _openssl()
    key, cert, ext = folder / f"{name}.key", folder / f"{name}.crt", folder / f"{name}.ext"
    ext.write_text(f"[v3]\n{extensions}\n")
    subprocess.run([openssl, "genpkey", "-algorithm", "SM2", "-out", str(key)], check=True, capture_output=True)
    if issuer is None:
        subprocess.run([openssl, "req", "-new", "-x509", "-key", str(key), "-sm3", "-sigopt", _SM2_ID, "-subj",
                        subject, "-days", "30", *[a for line in extensions.splitlines() for a in ("-addext", line)],
                        "-out", str(cert)], check=True, capture_output=True)
        return cert, key
    csr = folder / f"{name}.csr"
    subprocess.run([openssl, "req", "-new", "-key", str(key), "-sm3", "-sigopt", _SM2_ID, "-subj", subject,
                    "-out", str(csr)], check=True, capture_output=True)
    subprocess.run([openssl, "x509", "-req", "-in", str(csr), "-CA", str(issuer.cert), "-CAkey", str(issuer.key),
                    "-sm3", "-sigopt", _SM2_ID, "-vfyopt", _SM2_ID, "-days", "30", "-extfile", str(ext),
                    "-extensions", "v3", "-set_serial", str(int.from_bytes(name.encode()[:8], "big") + 2),
                    "-out", str(cert)], check=True, capture_output=True)
    return cert, key


def _der(cert: Path) -> bytes:
    return x509.load_pem_x509_certificate(cert.read_bytes()).public_bytes(serialization.Encoding.DER)


def _sm2_ca(folder: Path, name: str, issuer: TestCA | None, path_length: int | None) -> TestCA:
    constraint = "critical,CA:TRUE" + (f",pathlen:{path_length}" if path_length is not None else "")
    cert, key = _sm2_sign(folder, name, f"/CN={name}", issuer,
                          f"basicConstraints={constraint}\nkeyUsage=critical,keyCertSign,cRLSign")
    return TestCA(kind="sm2", name=name, cert=cert, key=key, der=_der(cert))


def issue_sm2(folder: Path, name: str, issuer: TestCA, *, cn: str = "tlcp.test",
              usage: str = "digitalSignature", crl_url: str | None = None) -> CertFiles:
    """An SM2 server certificate (host name in the CN only, as GB/T 38636 servers' are; SAN iPAddress
    127.0.0.1, for the test servers asked by address) issued by an SM2 CA; ``crl_url``: a CRL
    distribution point."""
    extensions = f"keyUsage=critical,{usage}\nsubjectAltName=IP:127.0.0.1"
    if crl_url is not None:
        extensions += f"\ncrlDistributionPoints=URI:{crl_url}"
    cert, key = _sm2_sign(folder, name, f"/CN={cn}", issuer, extensions)
    return CertFiles(cert=cert, key=key, der=_der(cert))


def tamper(der: bytes) -> bytes:
    """The certificate with the last byte of its signature value flipped: still DER, no longer signed."""
    return der[:-1] + bytes([der[-1] ^ 1])


def _distribution_point(url: str | tuple[str, ...]) -> x509.CRLDistributionPoints:
    """One distribution point per URL (a tuple: a certificate naming several)."""
    return x509.CRLDistributionPoints([x509.DistributionPoint(
        full_name=[x509.UniformResourceIdentifier(u)], relative_name=None, reasons=None, crl_issuer=None)
        for u in ((url,) if isinstance(url, str) else url)])


def serial_of(der: bytes) -> int:
    """A certificate's serial number."""
    return x509.load_der_x509_certificate(der).serial_number


def make_v1(folder: Path, name: str, issuer: TestCA | None = None) -> TestCA:
    """A version 1 certificate (no extensions at all) for CN=``name`` with an EC key, made by the
    openssl CLI (``x509 -req`` without extensions writes v1): self-signed (a "V1 root") when
    ``issuer`` is None, else signed by ``issuer`` (a v1 intermediate)."""
    openssl = _openssl()
    key, csr, cert = folder / f"{name}.key", folder / f"{name}.csr", folder / f"{name}.crt"
    subprocess.run([openssl, "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", str(key)],
                   check=True, capture_output=True)
    subprocess.run([openssl, "req", "-new", "-key", str(key), "-subj", f"/CN={name}", "-out", str(csr)], check=True,
                   capture_output=True)
    signing = ["-signkey", str(key)] if issuer is None else ["-CA", str(issuer.cert), "-CAkey", str(issuer.key),
                                                              "-set_serial", "4097"]
    subprocess.run([openssl, "x509", "-req", "-in", str(csr), *signing, "-days", "30", "-sha256", "-out", str(cert)],
                   check=True, capture_output=True)
    der = _der(cert)
    assert x509.load_der_x509_certificate(der).version == x509.Version.v1
    return TestCA(kind="ec", name=name, cert=cert, key=key, der=der)


def make_crl(folder: Path, name: str, issuer: TestCA, revoked: tuple[int, ...] = (), *, last_update_days: int = -1,
             next_update_days: int = 7, signer: TestCA | None = None,
             reason: x509.ReasonFlags = x509.ReasonFlags.key_compromise) -> bytes:
    """A CRL (DER; also written as ``name``.crl.pem for openssl verify) of the RSA or EC CA ``issuer``
    listing the ``revoked`` serial numbers, signed by ``issuer`` or, to forge one, by ``signer``'s key
    under ``issuer``'s name."""
    now = dt.datetime.now(dt.UTC)
    builder = (x509.CertificateRevocationListBuilder()
               .issuer_name(x509.load_der_x509_certificate(issuer.der).subject)
               .last_update(now + dt.timedelta(days=last_update_days))
               .next_update(now + dt.timedelta(days=next_update_days)))
    for serial in revoked:
        builder = builder.add_revoked_certificate(
            x509.RevokedCertificateBuilder().serial_number(serial).revocation_date(now - dt.timedelta(hours=1))
            .add_extension(x509.CRLReason(reason), critical=False).build())
    crl = builder.sign(_signer(signer or issuer), hashes.SHA256())
    (folder / f"{name}.crl.pem").write_bytes(crl.public_bytes(serialization.Encoding.PEM))
    return crl.public_bytes(serialization.Encoding.DER)


def sm2_crl(folder: Path, name: str, issuer: TestCA, revoked: tuple[Path, ...] = ()) -> bytes:
    """A CRL of the SM2 CA ``issuer`` made by ``openssl ca -gencrl`` (SM2-with-SM3, GM/T 0009 default
    ID), listing the certificates in the ``revoked`` files (``openssl ca -revoke``, reason keyCompromise)."""
    openssl = _openssl()
    work = folder / f"{name}-ca"
    work.mkdir(exist_ok=True)
    (work / "index.txt").write_text("")
    config = work / "ca.cnf"
    config.write_text(f"[ca]\ndefault_ca = d\n[d]\ndatabase = {work / 'index.txt'}\ndefault_md = sm3\n"
                      "default_crl_days = 7\n")
    common = ["-config", str(config), "-keyfile", str(issuer.key), "-cert", str(issuer.cert)]
    for cert in revoked:
        subprocess.run([openssl, "ca", *common, "-revoke", str(cert), "-crl_reason", "keyCompromise"], check=True,
                       capture_output=True)
    out = folder / f"{name}.crl.pem"
    subprocess.run([openssl, "ca", *common, "-gencrl", "-sigopt", _SM2_ID, "-out", str(out)], check=True,
                   capture_output=True)
    return x509.load_pem_x509_crl(out.read_bytes()).public_bytes(serialization.Encoding.DER)
