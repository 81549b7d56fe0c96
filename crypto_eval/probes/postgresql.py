"""PostgreSQL's TLS negotiation for 密评 8.2 (stage: crypto_eval; PostgreSQL protocol documentation,
"Message Flow: SSL Session Encryption"; the protocol has no RFC): a PostgreSQL server speaks TLS
only after the client's SSLRequest (an 8-byte message: length 8, request code 80877103), to which
it answers one byte, 'S' (the TLS handshake follows on the same connection) or 'N' (it does not do
TLS: the session, its authentication and every query and row go in the clear). A TLS client hello
sent straight to the port is a malformed startup message to it, so the plain TLS probe says
nothing of a database port; this probe asks first, and the runner then probes the TLS behind 'S'
(probes.tls with starttls="postgresql", each connection opening with SSLRequest).

'S' says the server can do TLS, not that it requires it: with ssl=on and pg_hba.conf ``host`` lines
(not ``hostssl``, initdb's default) a client that sends its StartupMessage without SSLRequest is
served in the clear (libpq's default sslmode=prefer falls back to it). ``ask_plaintext`` sends such
a StartupMessage ("Message Flow: Start-up"): an AuthenticationRequest ('R') means a cleartext
session was accepted; an ErrorResponse naming "no encryption" (PostgreSQL 14+; "SSL off" before)
means no pg_hba line lets that user and database in without TLS (review R16c 5). pg_hba.conf
matches per user and database, so the answer covers the names asked: the probe's own and the
accounts an endpoint declares (login_accounts; the database asked is the user's name, as libpq's
default). No password is ever sent: the connection is dropped at the authentication request.
"""

from __future__ import annotations

from dataclasses import dataclass

from govsoc.crypto_eval.probes.connection import STARTTLS, exchange
from govsoc.crypto_eval.probes.received_text import received_text

__all__ = ["PostgresTls", "PlaintextStartup", "ask_ssl", "ask_plaintext", "POSTGRESQL_PROTOCOLS", "PROBE_USER"]

#: The user (and database) name of the probe's own StartupMessage.
PROBE_USER = "govsoc_probe"
#: What an ErrorResponse's message says when pg_hba.conf has no line for an unencrypted connection.
_NO_ENCRYPTION = ("no encryption", "SSL off")

#: Declared protocols of a PostgreSQL endpoint.
POSTGRESQL_PROTOCOLS = frozenset({"postgresql", "postgres", "pgsql"})


@dataclass(frozen=True, slots=True, kw_only=True)
class PostgresTls:
    """What the server answered to SSLRequest: "S", "N", "" (closed or silent) or the bytes it sent."""

    reachable: bool
    answer: str = ""
    error: str | None = None  # not reachable: why

    @property
    def evidence(self) -> str:
        """The exchange as evidence quotes it (the server's byte is data: shown escaped)."""
        said = {"S": "S（接受SSL/TLS）", "N": "N（不支持SSL/TLS，会话以明文进行）", "": "无应答"}
        return f"SSLRequest → {said.get(self.answer, ascii(self.answer))}"


async def ask_ssl(host: str, port: int, *, timeout: float) -> PostgresTls:
    """Send SSLRequest and read the server's one-byte answer."""
    got = await exchange(host, port, STARTTLS["postgresql"][0], timeout=timeout, enough=lambda b: len(b) >= 1)
    if not got.connected:
        return PostgresTls(reachable=False, error=got.error)
    return PostgresTls(reachable=True, answer=got.received[:1].decode("latin-1") if got.received else "")


@dataclass(frozen=True, slots=True, kw_only=True)
class PlaintextStartup:
    """The answer to a StartupMessage sent without SSLRequest, for one user: True, an authentication
    request (a cleartext session accepted); False, refused for want of encryption; None, anything
    else (another error, closed, silent: no evidence either way)."""

    user: str
    accepted: bool | None
    said: str  # the server's answer as evidence quotes it (its error text is data)


def _startup(user: str) -> bytes:
    """A protocol 3.0 StartupMessage for ``user`` and the database of the same name."""
    body = (3 << 16).to_bytes(4, "big") + b"".join(
        k + b"\x00" + user.encode("utf-8") + b"\x00" for k in (b"user", b"database")) + b"\x00"
    return (len(body) + 4).to_bytes(4, "big") + body


def _read_answer(data: bytes) -> tuple[bool | None, str]:
    """(accepted, evidence) from the server's first messages: 'R' AuthenticationRequest, 'E'
    ErrorResponse (its 'M' field), 'v' NegotiateProtocolVersion skipped."""
    pos = 0
    while pos + 5 <= len(data):
        kind, size = data[pos:pos + 1], int.from_bytes(data[pos + 1:pos + 5], "big")
        body = data[pos + 5:pos + 1 + size]
        if kind == b"R":
            code = int.from_bytes(body[:4], "big") if len(body) >= 4 else -1
            return True, f"AuthenticationRequest（{code}）：接受不加密的连接"
        if kind == b"E":
            fields = {f[:1]: f[1:] for f in body.split(b"\x00") if f}
            message = " ".join(received_text(fields.get(b"M", b"")[:300]).split())
            refused = any(phrase in message for phrase in _NO_ENCRYPTION)
            return (False if refused else None), f"ErrorResponse：{message}"
        if kind != b"v" or size < 4:
            break
        pos += 1 + size
    return None, f"无法识别的应答 {received_text(data[:20])}" if data else "无应答"


async def ask_plaintext(host: str, port: int, user: str, *, timeout: float) -> PlaintextStartup:
    """Send a StartupMessage for ``user`` without SSLRequest and read whether a session would start."""
    got = await exchange(host, port, _startup(user), timeout=timeout,
                         enough=lambda b: len(b) >= 5 and len(b) >= 1 + int.from_bytes(b[1:5], "big"))
    accepted, said = _read_answer(got.received) if got.connected else (None, "无法连接")
    return PlaintextStartup(user=user, accepted=accepted, said=said)
