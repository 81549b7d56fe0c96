"""Cleartext services for probe tests: Debian's vsftpd (a real FTP server), a telnet listener that
negotiates options the way telnetd opens a session, and a plain-HTTP server with a login page."""

from __future__ import annotations

import http.server
import shutil
import socket
import ssl
import subprocess
import threading
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path

from tests.servers.certs import CertFiles
from tests.servers.listener import listening
from tests.servers.sshd import free_port, wait_for_port

VSFTPD = "/usr/sbin/vsftpd"
#: What inetutils telnetd sends first: IAC DO TERMINAL-TYPE, DO TSPEED, DO XDISPLOC, DO NEW-ENVIRON.
TELNETD_OPENING = bytes.fromhex("fffd18fffd20fffd23fffd27")


@contextmanager
def vsftpd(folder: Path, *, tls: CertFiles | None = None, force_tls: bool = False,
           anonymous: bool = False, anonymous_tls: str | None = None, tls_v1: bool = True,
           userlist: list[str] | None = None) -> Iterator[int]:
    """vsftpd in standalone mode on a free loopback port; with ``tls`` it offers AUTH TLS (RFC 4217)
    with that certificate, and with ``force_tls`` refuses local-user logins and data before TLS
    (force_local_logins_ssl, force_local_data_ssl). ``anonymous``: anonymous access only, never
    forced to TLS (vsftpd's default allow_anon_ssl=NO). ``anonymous_tls`` (with ``tls`` and
    ``force_tls``): anonymous logins too, over TLS only (allow_anon_ssl, force_anon_logins_ssl),
    their data connections forced to TLS ("data") or allowed in the clear ("logins"); "none": anonymous
    logins and data allowed in the clear beside TLS-only local users (a public download area).
    ``tls_v1`` False: ssl_tlsv1=NO, with which vsftpd no longer lists AUTH TLS in FEAT but still
    answers it 234 (and negotiates TLS 1.2/1.3). ``userlist``: only these users may log in
    (userlist_enable, userlist_deny=NO): any other name gets "530 Permission denied." at USER. Debian's
    vsftpd reads the list only when it drops privileges (run_as_launching_user=NO, nopriv_user nobody:
    the test must run as root; with run_as_launching_user=YES the file is never opened)."""
    if not Path(VSFTPD).exists():
        raise FileNotFoundError(VSFTPD)
    port = free_port()
    empty = folder / "vsftpd-empty"
    empty.mkdir(exist_ok=True)
    conf = folder / f"vsftpd_{port}.conf"
    forced = "YES" if force_tls else "NO"
    secure = (f"ssl_enable=YES\nrsa_cert_file={tls.cert}\nrsa_private_key_file={tls.key}\nssl_ciphers=HIGH\n"
              f"force_local_logins_ssl={forced}\nforce_local_data_ssl={forced}\n"
              f"ssl_tlsv1={'YES' if tls_v1 else 'NO'}\n") if tls is not None else ""
    users = "anonymous_enable=YES\nlocal_enable=NO\n" if anonymous else "anonymous_enable=NO\nlocal_enable=YES\n"
    if anonymous_tls is not None:
        anon_root = folder / "vsftpd-anon"
        anon_root.mkdir(exist_ok=True)
        (anon_root / "notice.txt").write_text("public\n")
        users = (f"anonymous_enable=YES\nlocal_enable=YES\nanon_root={anon_root}\nallow_anon_ssl=YES\n"
                 f"force_anon_logins_ssl={'NO' if anonymous_tls == 'none' else 'YES'}\n"
                 f"force_anon_data_ssl={'YES' if anonymous_tls == 'data' else 'NO'}\n")
    launching = "run_as_launching_user=YES\n"
    if userlist is not None:
        (folder / f"vsftpd_{port}.users").write_text("".join(f"{u}\n" for u in userlist))
        empty.chmod(0o755)  # vsftpd refuses a secure_chroot_dir others may write to
        launching = (f"run_as_launching_user=NO\nnopriv_user=nobody\nuserlist_enable=YES\nuserlist_deny=NO\n"
                     f"userlist_file={folder / f'vsftpd_{port}.users'}\n")
    conf.write_text(f"listen=YES\nlisten_ipv6=NO\nlisten_address=127.0.0.1\nlisten_port={port}\n"
                    f"{users}background=NO\n{launching}"
                    f"secure_chroot_dir={empty}\n{secure}")
    proc = subprocess.Popen([VSFTPD, str(conf)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for_port(port)
        yield port
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@contextmanager
def greeter(greeting: bytes, wait: float = 1.0) -> Iterator[int]:
    """A loopback service that sends ``greeting`` and waits up to ``wait`` seconds for input (a
    telnet line, a device's prompt)."""
    def handle(conn: socket.socket) -> None:
        conn.sendall(greeting)
        conn.settimeout(wait)
        try:
            conn.recv(100)
        except TimeoutError:
            pass
    with listening(handle) as port:
        yield port


def telnet_listener() -> AbstractContextManager[int]:
    """A listener that opens like telnetd: option negotiation, then a login prompt."""
    return greeter(TELNETD_OPENING)


@contextmanager
def silent_listener() -> Iterator[int]:
    """Accepts, reads whatever comes and never answers (a black-holed service)."""
    def handle(conn: socket.socket) -> None:
        conn.settimeout(5)
        try:
            while conn.recv(4096):
                pass
        except TimeoutError:
            pass
    with listening(handle) as port:
        yield port


LOGIN_PAGE = (b"<html><body><form method=post action=/login><input name=user>"
              b"<input type='password' name=pw></form></body></html>")


@contextmanager
def http_server(*, redirect_to_https: bool = False, location: str | None = None,
                login_at: str | None = None, tls: CertFiles | None = None,
                form_action: str | None = None) -> Iterator[int]:
    """http.server on a free port: a login form, or a 301 to https (to ``location`` when given, else
    to https on the host the request named). ``login_at``: the form is served there only, and any
    other path answers "302 Location: ``location`` or ``login_at``" (a portal sending / to its login page).
    ``tls``: served over TLS with that certificate (HTTPS); ``form_action``: the login form's action
    ("{port}" in it: this server's port)."""
    page = LOGIN_PAGE

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (http.server's name)
            if login_at is not None and self.path != login_at:
                self.send_response(302)
                port = str(self.server.server_address[1])  # "{port}" in ``location``: this server's
                self.send_header("Location", (location or login_at).replace("{port}", port))
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            if redirect_to_https:
                self.send_response(301)
                self.send_header("Location", location or f"https://{self.headers.get('Host', 'x')}/")
                self.end_headers()
                return
            body = page if form_action is None else page.replace(
                b"action=/login", b"action='" + form_action.replace(
                    "{port}", str(self.server.server_address[1])).encode() + b"'")
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    class Server(http.server.ThreadingHTTPServer):
        request_queue_size = 128  # socketserver's 5 drops connections a concurrent probe run opens at once

    server = Server(("127.0.0.1", 0), Handler)
    if tls is not None:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(tls.cert, tls.key)
        server.socket = ctx.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield int(server.server_address[1])
    finally:
        server.shutdown()
        server.server_close()


__all__ = ["vsftpd", "telnet_listener", "silent_listener", "http_server", "shutil", "wait_for_port", "free_port"]
