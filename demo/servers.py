"""Real servers on loopback for the demo's 密评 probes, made only of what a `pip install .`
machine has (Python's ssl module over the system's OpenSSL, sockets, `cryptography`):

| role         | what it serves                                                              |
|--------------|-----------------------------------------------------------------------------|
| strong-tls   | TLS 1.2-1.3, ECDHE with AES-GCM only, a 2048-bit RSA certificate            |
| weak-tls     | TLS 1.0 only, RSA key exchange with AES-CBC/3DES, a 1024-bit RSA certificate |

Both certificates are issued by a demo CA made for the run, whose root the demo inventory declares
as its trust anchor (``trust_anchors``): a 密评 probe counts a server's identity only through a
chain to a declared root (crypto_eval.chain).
| telnet       | a telnetd-like opening (option negotiation, ``login:``): cleartext admin    |
| http-login   | a login form with a password field over plain HTTP                          |

Each listens on 127.0.0.1 on a free port until the block ends.
"""

from __future__ import annotations

import socket
import ssl
import tempfile
import threading
import warnings
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

__all__ = ["loopback_servers", "TELNETD_OPENING", "LOGIN_PAGE", "DEMO_CA_FILE"]

#: The demo CA's root certificate, beside the inventory that names it (generate.py).
DEMO_CA_FILE = "demo-ca.pem"

#: What inetutils telnetd sends first: IAC DO TERMINAL-TYPE, DO TSPEED, DO XDISPLOC, DO NEW-ENVIRON.
TELNETD_OPENING = bytes.fromhex("fffd18fffd20fffd23fffd27")
LOGIN_PAGE = ("<html><head><meta charset=utf-8><title>救助管理系统</title></head><body><form method=post "
              "action=/login><input name=user><input type='password' name=pw></form></body></html>").encode()


_DEMO_SUBJECT = [x509.NameAttribute(NameOID.COUNTRY_NAME, "CN"),
                 x509.NameAttribute(NameOID.ORGANIZATION_NAME, "示例市大数据管理局")]


def _demo_ca(ca_file: Path) -> tuple[x509.Certificate, rsa.RSAPrivateKey]:
    """A root CA for the run (its key stays in memory), its certificate written to ``ca_file``."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([*_DEMO_SUBJECT, x509.NameAttribute(NameOID.COMMON_NAME, "示例市政务演示根CA")])
    now = datetime.now(UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - timedelta(days=1))
            .not_valid_after(now + timedelta(days=730))
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(x509.KeyUsage(False, False, False, False, False, True, True, False, False), critical=True)
            .sign(key, hashes.SHA256()))
    ca_file.parent.mkdir(parents=True, exist_ok=True)
    ca_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return cert, key


def _certificate(folder: Path, name: str, bits: int, domain: str,
                 ca: tuple[x509.Certificate, rsa.RSAPrivateKey]) -> tuple[Path, Path]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=bits)
    subject = x509.Name([*_DEMO_SUBJECT, x509.NameAttribute(NameOID.COMMON_NAME, domain)])
    now = datetime.now(UTC)
    cert = (x509.CertificateBuilder().subject_name(subject).issuer_name(ca[0].subject).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - timedelta(days=1))
            .not_valid_after(now + timedelta(days=365))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName(domain)]), critical=False)
            .sign(ca[1], hashes.SHA256()))
    cert_path, key_path = folder / f"{name}.crt", folder / f"{name}.key"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    key_path.chmod(0o600)
    return cert_path, key_path


@contextmanager
def _listening(handle: Callable[[socket.socket], None]) -> Iterator[int]:
    """Accept on a free 127.0.0.1 port, each connection in a thread of its own; yields the port."""
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.2)
    stop = threading.Event()

    def one(conn: socket.socket) -> None:
        with conn:
            try:
                conn.settimeout(5)
                handle(conn)
            except (OSError, ssl.SSLError):
                pass  # a probe that hangs up mid-handshake is what probes do

    def serve() -> None:
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            threading.Thread(target=one, args=(conn,), daemon=True).start()

    thread = threading.Thread(target=serve, name="demo-server", daemon=True)
    thread.start()
    try:
        yield int(listener.getsockname()[1])
    finally:
        stop.set()
        thread.join(5)
        listener.close()


def _tls_handler(cert: tuple[Path, Path], minimum: ssl.TLSVersion, maximum: ssl.TLSVersion,
                 ciphers: str) -> Callable[[socket.socket], None]:
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.set_ciphers(ciphers)  # first: "@SECLEVEL=0" must be in force before a weak key is loaded
    ctx.load_cert_chain(*cert)
    with warnings.catch_warnings():  # TLS 1.0 is deprecated: this server is the weak example on purpose
        warnings.simplefilter("ignore", DeprecationWarning)
        ctx.minimum_version, ctx.maximum_version = minimum, maximum

    def handle(conn: socket.socket) -> None:
        with ctx.wrap_socket(conn, server_side=True) as tls:
            request = tls.recv(4096)
            if request.startswith(b"GET"):
                tls.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok")
    return handle


def _telnet(conn: socket.socket) -> None:
    conn.sendall(TELNETD_OPENING + b"\r\nlogin: ")
    conn.settimeout(1)
    try:
        conn.recv(100)
    except TimeoutError:
        pass


def _http_login(conn: socket.socket) -> None:
    data = b""
    while b"\r\n\r\n" not in data and len(data) < 65536:
        chunk = conn.recv(4096)
        if not chunk:
            return
        data += chunk
    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: "
                 + str(len(LOGIN_PAGE)).encode() + b"\r\nConnection: close\r\n\r\n" + LOGIN_PAGE)


@contextmanager
def loopback_servers(domains: dict[str, str], ca_file: Path) -> Iterator[dict[str, tuple[str, int]]]:
    """Start the four servers; yields role -> (host, port). ``domains``: role -> the name its
    certificate is for (the system's server_name); ``ca_file``: where the demo CA's root goes."""
    with ExitStack() as stack:
        folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="govsoc-demo-certs-")))
        ca = _demo_ca(ca_file)
        strong = _certificate(folder, "strong", 2048, domains.get("strong-tls", "localhost"), ca)
        weak = _certificate(folder, "weak", 1024, domains.get("weak-tls", "localhost"), ca)
        handlers: dict[str, Callable[[socket.socket], None]] = {
            "strong-tls": _tls_handler(strong, ssl.TLSVersion.TLSv1_2, ssl.TLSVersion.TLSv1_3,
                                       "ECDHE+AESGCM:!aNULL"),
            "weak-tls": _tls_handler(weak, ssl.TLSVersion.TLSv1, ssl.TLSVersion.TLSv1,
                                     "AES128-SHA:DES-CBC3-SHA:@SECLEVEL=0"),
            "telnet": _telnet,
            "http-login": _http_login,
        }
        yield {role: ("127.0.0.1", stack.enter_context(_listening(handler))) for role, handler in handlers.items()}
