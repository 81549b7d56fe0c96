"""The Chinese 密评 section carries no English sentences of crypto_eval's own (issue 16, third
review, finding 14): signature notes such as "ServerKeyExchange signature does not verify under
the signing certificate's key" sat inside Chinese reasons. Real loopback servers take each probe
down the paths whose notes were English (a forged TLS 1.3 CertificateVerify, PKCS#1 v1.5 in TLS
1.3, RSA key transport, a TLCP signature by another key, an SSH server that never does the key
exchange, a redirect with a page of its own, a port that wants HTTPS and fails TLS); the rendered
section (crypto_eval.report.section) is then scanned. What the servers sent is data, and none of
it here reads as an English sentence (banners, status lines, cipher names)."""

from __future__ import annotations

import dataclasses
import re
import socket
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

from govsoc.core.inventory import InventoryModel
from govsoc.crypto_eval.evaluate import evaluate_inventory
from govsoc.crypto_eval.report import section
from govsoc.reports.mipin_en import english
from tests.servers.certs import CertFiles, make_sm2_cert, sm2_private_scalar
from tests.servers.listener import listening
from tests.servers.ssh_kexinit import kexinit_server
from tests.servers.tlcp_server import SmServerConfig, sm_server
from tests.servers.tls import openssl_s_server
from tests.servers.tls13_impostor import tls13_impostor

#: Three or more words of letters in a row, two of them all lower-case: an English sentence or
#: clause ("does not verify under"), not an acronym run ("AUTH TLS"), a status line ("302 Found")
#: or an algorithm name (TLS_AES_128_GCM_SHA256, ecdsa-sha2-nistp256: digits, "_" and "-" end a word).
_RUN = re.compile(r"(?<![A-Za-z0-9_/.#-])[A-Za-z][A-Za-z']*(?:[,;:]? +[A-Za-z][A-Za-z']*){2,}(?![A-Za-z0-9_/.#-])")


def english_runs(text: str) -> list[str]:
    """Runs of English words in ``text`` that read as a sentence."""
    return [run for run in _RUN.findall(text)
            if sum(word.rstrip(",;:").islower() for word in run.split()) >= 2]


def strings(value: Any) -> Iterator[str]:
    """Every string in a section model."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from strings(v)


def test_the_scan_finds_english_sentences() -> None:
    assert english_runs("服务端的ServerKeyExchange签名验证失败（ServerKeyExchange signature does not verify under "
                        "the signing certificate's key）") == ["ServerKeyExchange signature does not verify under "
                                                               "the signing certificate's key"]
    assert english_runs("TLS（FTP AUTH TLS之后） TLSv12 TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256；"
                        "HTTP/1.1 302 Found") == []


def _redirect_with_a_page(conn: socket.socket) -> None:
    conn.settimeout(3)
    conn.recv(4096)
    body = b"<html><form action=/login method=post><input name=user></form></html>"
    conn.sendall(b"HTTP/1.1 302 Found\r\nLocation: https://portal.test/\r\nContent-Type: text/html\r\n"
                 b"Content-Length: " + str(len(body)).encode() + b"\r\nConnection: close\r\n\r\n" + body)


def _https_port_without_tls(conn: socket.socket) -> None:
    conn.settimeout(3)
    if conn.recv(4096).startswith(b"GET "):  # nginx's words, then nothing for a TLS hello
        conn.sendall(b"HTTP/1.1 400 Bad Request\r\nServer: nginx\r\nContent-Type: text/html\r\nConnection: close\r\n"
                     b"\r\n<center>The plain HTTP request was sent to HTTPS port</center>\r\n")


def test_the_chinese_section_has_no_english_sentences(rsa_cert: CertFiles, sm_config: SmServerConfig,
                                                      cert_dir: Path) -> None:
    other = make_sm2_cert(cert_dir, "sm2-other-key", cn="x", usage="digitalSignature")
    with ExitStack() as stack:
        ports = {
            "forged": stack.enter_context(tls13_impostor("forged", rsa_cert)),
            "pkcs1": stack.enter_context(tls13_impostor("pkcs1", rsa_cert)),
            "rsa-kx": stack.enter_context(openssl_s_server(rsa_cert, ["-tls1_2", "-cipher", "AES128-SHA256"])),
            "tlcp": stack.enter_context(sm_server(dataclasses.replace(sm_config, mode="tlcp",
                                                                      sign_key=sm2_private_scalar(other.key)))),
            "redirect": stack.enter_context(listening(_redirect_with_a_page)),
            "https-port": stack.enter_context(listening(_https_port_without_tls)),
        }
        ssh_port = stack.enter_context(kexinit_server(kex=["curve25519-sha256"], host_key=["ssh-ed25519"],
                                                      ciphers=["aes128-ctr"], macs=["hmac-sha2-256"]))
        endpoints = [{"host": "127.0.0.1", "port": p, "kind": "web",
                      "protocol": "http" if name in ("redirect", "https-port") else "https",
                      "server_name": "tlcp.test" if name == "tlcp" else "localhost"} for name, p in ports.items()]
        endpoints.append({"host": "127.0.0.1", "port": ssh_port, "protocol": "ssh", "kind": "admin"})
        (system,) = InventoryModel.model_validate({"systems": [{"name": "门户", "level": 3,
                                                                "endpoints": endpoints}]}).systems
        (evaluation,) = evaluate_inventory([system], question_timeout=2.0)
    texts = list(strings(section(evaluation)))
    whole = "\n".join(texts)
    assert [run for text in texts for run in english_runs(text)] == []
    # each path whose note was English was taken
    # (RSA key transport now proves the key by a finished handshake, R16 finding 4: that endpoint's
    # reasons are the chain's, already Chinese, and covered by the scan above)
    for note in ("签名在证书密钥下验证失败", "禁止TLS 1.3 CertificateVerify使用PKCS#1",
                 "TLS_RSA_WITH_AES_128_CBC_SHA256",
                 "ServerKeyExchange签名在签名证书密钥下验证失败", "未收到密钥交换应答", "重定向响应自带内容",
                 "该端口须使用HTTPS"):
        assert note in whole, note
    # and the English render of the same findings says each in English
    english_text = "\n".join(english(f.why) for f in evaluation.findings)
    assert "does not verify under the certificate's key" in english_text
    assert "no key exchange reply" in english_text
