"""PostgreSQL's TLS negotiation for 密评 8.2 (stage: crypto_eval; PostgreSQL protocol documentation,
"Message Flow: SSL Session Encryption"; the protocol has no RFC): a PostgreSQL server speaks TLS
only after the client's SSLRequest (an 8-byte message: length 8, request code 80877103), to which
it answers one byte, 'S' (the TLS handshake follows on the same connection) or 'N' (it does not do
TLS: the session, its authentication and every query and row go in the clear). A TLS client hello
sent straight to the port is a malformed startup message to it, so the plain TLS probe says
nothing of a database port; this probe asks first, and the runner then probes the TLS behind 'S'
(probes.tls with starttls="postgresql", each connection opening with SSLRequest).
"""

from __future__ import annotations

from dataclasses import dataclass

from govsoc.crypto_eval.probes.connection import STARTTLS, exchange

__all__ = ["PostgresTls", "ask_ssl", "POSTGRESQL_PROTOCOLS"]

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
