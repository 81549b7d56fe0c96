"""Debian's nginx on a free loopback port serving HTTPS (``listen ... ssl``) with a test
certificate: what a web portal's TLS port says to a client that speaks plain HTTP to it (nginx's
400 "The plain HTTP request was sent to HTTPS port") and to a TLS one."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.servers.certs import CertFiles
from tests.servers.sshd import free_port, wait_for_port

NGINX = "/usr/sbin/nginx"


def nginx_binary() -> str | None:
    """The nginx executable (Debian: /usr/sbin, package nginx), or None."""
    return NGINX if Path(NGINX).exists() else shutil.which("nginx")


@contextmanager
def nginx_https(folder: Path, cert: CertFiles) -> Iterator[int]:
    """nginx in the foreground with one ``listen 127.0.0.1:PORT ssl`` server answering 200 to every
    request; its prefix, logs and temporary folders under ``folder``; yields the port."""
    binary = nginx_binary()
    if binary is None:
        raise FileNotFoundError(NGINX)
    port = free_port()
    home = folder / f"nginx-{port}"
    home.mkdir()
    temp = " ".join(f"{kind}_temp_path {home / kind};" for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    conf = home / "nginx.conf"
    conf.write_text(f"daemon off;\nmaster_process off;\npid {home / 'nginx.pid'};\nerror_log {home / 'error.log'};\n"
                    "events { worker_connections 64; }\n"
                    f"http {{ access_log off; {temp}\n"
                    f"  server {{ listen 127.0.0.1:{port} ssl; ssl_certificate {cert.cert}; "
                    f"ssl_certificate_key {cert.key}; location / {{ return 200 \"portal\\n\"; }} }}\n}}\n")
    proc = subprocess.Popen([binary, "-p", str(home), "-e", str(home / "error.log"), "-c", str(conf)],
                            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for_port(port)
        yield port
    finally:
        proc.terminate()
        proc.wait(timeout=10)


__all__ = ["nginx_https", "nginx_binary"]
