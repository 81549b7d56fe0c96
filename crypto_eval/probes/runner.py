"""Runs the probes an endpoint calls for, for many endpoints at once, each under a time-out.

``run_probes(targets)`` drives one asyncio loop: at most ``concurrency`` endpoints at a time,
each endpoint's questions in sequence (servers such as TLCP gateways serve one connection at a
time), every question under ``question_timeout`` and the endpoint as a whole under
``endpoint_timeout``. ``on_done`` is called as each endpoint finishes (the CLI's progress bar).
Which probes run follows the declared protocol; a bare "tcp" endpoint is sniffed first: its
greeting tells SSH, telnet, FTP; silence means TLS, TLCP or HTTP. What a port speaks outranks
the declaration: an SSH banner on a port declared telnet is SSH, and a port declared http or telnet
that stays silent, answers HTTP with something else, or says the port wants HTTPS (nginx's 400
"plain HTTP request was sent to HTTPS port") is asked the TLS, TLCP and TLS 1.3-SM hellos.
"""

from __future__ import annotations

import asyncio
import logging
import os
import resource
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from govsoc.crypto_eval.probes.address import resolve_host
from govsoc.crypto_eval.probes.cleartext import (
    SERVER_FIRST,
    CleartextProbeResult,
    classify_greeting,
    probe_cleartext,
    probe_ftp_security,
)
from govsoc.crypto_eval.probes.connection import exchange
from govsoc.crypto_eval.probes.ftp_data import FtpDataProtection, probe_ftp_data
from govsoc.crypto_eval.probes.https_login import HttpsLogin, probe_https_login
from govsoc.crypto_eval.probes.postgresql import (
    POSTGRESQL_PROTOCOLS,
    PROBE_USER,
    PlaintextStartup,
    ask_plaintext,
    ask_ssl,
)
from govsoc.crypto_eval.probes.received_text import received_text
from govsoc.crypto_eval.probes.ssh import SshProbeResult, probe_other_host_keys, probe_ssh
from govsoc.crypto_eval.probes.tlcp import TlcpProbeResult, Tls13SmProbeResult, probe_tlcp, probe_tls13_sm
from govsoc.crypto_eval.probes.tls import TlsProbeResult, probe_tls

_log = logging.getLogger(__name__)

__all__ = ["Target", "EndpointReport", "probe_endpoint", "run_probes", "TLS_PROTOCOLS", "CLEARTEXT_PROTOCOLS",
           "probe_error", "descriptor_budget", "DESCRIPTOR_RESERVE", "PER_HOST", "open_descriptors"]

TLS_PROTOCOLS = frozenset({"https", "tls", "tlcp", "ssl", "ldaps", "imaps", "pop3s", "smtps", "ftps", "vpn"})
CLEARTEXT_PROTOCOLS = frozenset({"telnet", "ftp", "http", "smtp", "pop3", "imap"})


@dataclass(frozen=True, slots=True, kw_only=True)
class Target:
    """An endpoint to probe: address, port, declared protocol and the name to send as SNI."""

    host: str
    port: int
    protocol: str = "tcp"
    server_name: str | None = None
    #: account names the inventory says log in here (FTP: each is asked USER before AUTH TLS)
    accounts: tuple[str, ...] = ()
    #: SSH host-key fingerprints the inventory declares (Endpoint.host_key_fingerprints)
    host_keys: tuple[str, ...] = ()

    @property
    def endpoint(self) -> str:
        """host:port ([v6]:port for IPv6)."""
        return f"[{self.host}]:{self.port}" if ":" in self.host else f"{self.host}:{self.port}"


@dataclass(frozen=True, slots=True, kw_only=True)
class EndpointReport:
    """Every probe result for one endpoint."""

    target: Target
    tls: TlsProbeResult | None = None
    tlcp: TlcpProbeResult | None = None
    tls13_sm: Tls13SmProbeResult | None = None
    ssh: SshProbeResult | None = None
    cleartext: CleartextProbeResult | None = None
    reachable: bool = True
    timed_out: bool = False
    seconds: float = 0.0
    starttls: str | None = None  # the TLS result is of TLS started in this plain-text protocol (ftp, postgresql)
    error: str | None = None  # "probe error: ...": the probe itself failed here (no evidence either way)
    ftp_data: FtpDataProtection | None = None  # FTPS: PROT P and a PROT C transfer (RFC 4217 §9)
    connect_error: str | None = None  # not reachable: why (connection.connect_failure: refused, no such name, ...)
    #: PostgreSQL after 'S': StartupMessages without SSLRequest, the probe's user and each declared account
    plaintext_startups: tuple[PlaintextStartup, ...] = ()
    https_login: HttpsLogin | None = None  # HTTPS: a password form on the page that posts to http://


async def _cleartext_or_starttls(target: Target, found: CleartextProbeResult, timeout: float, *,
                                 tlcp: TlcpProbeResult | None = None,
                                 tls13_sm: Tls13SmProbeResult | None = None) -> EndpointReport:
    """A cleartext service, unless it is FTP that refuses logins before AUTH TLS: then the TLS it
    starts is probed and the channel is judged on that (RFC 4217 explicit FTPS)."""
    if found.service == "ftp":
        security = await probe_ftp_security(target.host, target.port, timeout=timeout, accounts=target.accounts)
        if security is not None and security.required:
            tls = await probe_tls(target.host, target.port, server_name=target.server_name, timeout=timeout,
                                  starttls="ftp")
            data = await probe_ftp_data(target.host, target.port, timeout=timeout) if tls.speaks_tls else None
            said = "AUTH TLS之前的登录被拒绝" if security.unproven else "须先AUTH TLS"
            found = replace(found, login=False, tls_required=True, anonymous_clear=security.anonymous_clear,
                            tls_login_unproven=security.unproven,
                            evidence=f"{found.evidence.strip()} | {said}：{_said(security.evidence)}")
            return EndpointReport(target=target, tls=tls, cleartext=found, starttls="ftp", tlcp=tlcp, tls13_sm=tls13_sm,
                                  ftp_data=data)
        if security is not None and security.unproven:  # anonymous in the clear, named accounts unknown
            found = replace(found, login=False, tls_login_unproven=security.unproven,
                            evidence=f"{found.evidence.strip()} | {_said(security.evidence)}")
        elif security is not None and security.anonymous_only:  # no password to take in the clear
            found = replace(found, login=False, anonymous_only=True,
                            evidence=f"{found.evidence.strip()} | {_said(security.evidence)}"
                                     + (" | 支持AUTH TLS但不强制" if security.auth_tls else ""))
        elif security is not None and security.auth_tls:
            found = replace(found, evidence=f"{found.evidence.strip()} | 支持AUTH TLS但不强制"
                                            f"（明文登录：{_said(security.evidence)}）")
    return EndpointReport(target=target, cleartext=found, reachable=found.reachable, tlcp=tlcp, tls13_sm=tls13_sm,
                          connect_error=None if found.reachable else found.error)


async def _tls_family(target: Target, timeout: float, *, http: bool = True) -> EndpointReport:
    """TLS, TLCP and TLS 1.3-SM; a port that speaks none of them is asked for HTTP (``http``
    False: not asked, the caller already knows what it says to HTTP or must not be sent it)."""
    host, port, sni = target.host, target.port, target.server_name
    result = await probe_tls(host, port, server_name=sni, timeout=timeout)
    if not result.reachable:
        return EndpointReport(target=target, tls=result, reachable=False, connect_error=result.error)
    if result.silent and not http:
        return EndpointReport(target=target, tls=result, tlcp=await probe_tlcp(host, port, server_name=sni,
                                                                                timeout=timeout))
    if result.silent:
        # silent to TLS hellos: a TLCP-only server may still answer its own hello (the RFC 8998 one is
        # a TLS 1.3 hello: skipped); then HTTP, asked at once, with no wait for a greeting
        tlcp = await probe_tlcp(host, port, server_name=sni, timeout=timeout)
        if tlcp.supported:
            return EndpointReport(target=target, tls=result, tlcp=tlcp)
        found = await probe_cleartext(host, port, timeout=timeout, http_host=sni, greeting_wait=False)
        return EndpointReport(target=target, tls=result, tlcp=tlcp, cleartext=found)
    tlcp = await probe_tlcp(host, port, server_name=sni, timeout=timeout)
    sm = await probe_tls13_sm(host, port, server_name=sni, timeout=timeout)
    if not result.speaks_tls and not tlcp.supported and not sm.supported and http:
        found = await probe_cleartext(host, port, timeout=timeout, http_host=sni)
        if _ssh_banner(found):  # what the port says outranks what the inventory declares
            return EndpointReport(target=target, tls=result, tlcp=tlcp, tls13_sm=sm,
                                  ssh=await _ssh(target, timeout))
        if found.service == "ftp":  # explicit FTPS declared as ftps/tls: AUTH TLS on a plain greeting
            return await _cleartext_or_starttls(target, found, timeout, tlcp=tlcp, tls13_sm=sm)
        return EndpointReport(target=target, tls=result, tlcp=tlcp, tls13_sm=sm, cleartext=found)
    # an HTTPS page may still send its login form's password to http:// (review R16c 6b)
    login = (await probe_https_login(host, port, server_name=sni, timeout=timeout)
             if result.speaks_tls and target.protocol == "https" else None)
    return EndpointReport(target=target, tls=result, tlcp=tlcp, tls13_sm=sm, https_login=login)


async def _sniff(target: Target, timeout: float, *, wait: float | None = None) -> EndpointReport:
    """What an undeclared (or mis-declared) port speaks: its greeting, waited for ``wait`` seconds
    (default up to 2 s), else the TLS family and HTTP."""
    greeting = await exchange(target.host, target.port, b"", timeout=wait if wait is not None else min(timeout, 2.0))
    if not greeting.connected:
        return EndpointReport(target=target, reachable=False, connect_error=greeting.error)
    if greeting.received.startswith(b"SSH-"):
        return EndpointReport(target=target, ssh=await _ssh(target, timeout))
    if greeting.received:
        service, login = classify_greeting(greeting.received)
        return await _cleartext_or_starttls(target, CleartextProbeResult(
            endpoint=target.endpoint, reachable=True, service=service, login=login,
            evidence=received_text(greeting.received[:120])), timeout)
    return await _tls_family(target, timeout)


async def probe_endpoint(target: Target, *, question_timeout: float = 3.0) -> EndpointReport:
    """The probes the target's protocol calls for."""
    protocol = target.protocol.lower()
    if protocol in TLS_PROTOCOLS:
        return await _tls_family(target, question_timeout)
    if protocol == "ssh":
        result = await _ssh(target, question_timeout)
        if result.reachable and not result.speaks_ssh:  # not SSH after all: what does it speak?
            # a late greeting (a telnetd looking us up in the DNS) is still the port's greeting
            return replace(await _sniff(target, question_timeout, wait=question_timeout), ssh=result)
        return EndpointReport(target=target, ssh=result, reachable=result.reachable,
                              connect_error=None if result.reachable else result.error)
    if protocol in POSTGRESQL_PROTOCOLS:
        return await _postgresql(target, question_timeout)
    if protocol in CLEARTEXT_PROTOCOLS:
        found = await probe_cleartext(target.host, target.port, timeout=question_timeout,
                                      http_host=target.server_name, server_first=protocol in SERVER_FIRST)
        if _ssh_banner(found):  # an SSH server on a port declared telnet/ftp/http is SSH
            return EndpointReport(target=target, ssh=await _ssh(target, question_timeout))
        if found.reachable and (found.https_port or not (found.service or found.evidence)):
            # silent, an answer to HTTP that is not HTTP, or "plain HTTP sent to an HTTPS port":
            # the port may speak TLS, and what it speaks outranks the declared protocol
            secured = await _tls_family(target, question_timeout, http=False)
            if _speaks_tls_family(secured):
                return secured
        return await _cleartext_or_starttls(target, found, question_timeout)
    return await _sniff(target, question_timeout)


async def _ssh(target: Target, timeout: float) -> SshProbeResult:
    """The SSH probe, and the server's keys of its other host-key types: a server with RSA, ECDSA and
    Ed25519 keys signs with the one the client prefers, so a declared key may be another type than
    the one negotiated (review R16c 2), and a client preferring RSA authenticates the server with
    the RSA key whatever its size, which is judged with the others (review R16d F2)."""
    result = await probe_ssh(target.host, target.port, timeout=timeout)
    if result.host_key_verified is True:
        result = await probe_other_host_keys(target.host, target.port, result, timeout=timeout)
    return result


async def _postgresql(target: Target, timeout: float) -> EndpointReport:
    """A PostgreSQL endpoint (probes.postgresql): the TLS behind an 'S' to SSLRequest, or, after an
    'N', a database session in the clear; any other answer is no PostgreSQL TLS negotiation (an
    unknown service: no evidence either way)."""
    said = await ask_ssl(target.host, target.port, timeout=timeout)
    if not said.reachable:
        return EndpointReport(target=target, reachable=False, connect_error=said.error)
    if said.answer == "S":
        tls = await probe_tls(target.host, target.port, server_name=target.server_name, timeout=timeout,
                              starttls="postgresql")
        # 'S' is TLS offered, not required: a StartupMessage without SSLRequest tells (review R16c 5)
        plain = tuple([await ask_plaintext(target.host, target.port, user, timeout=timeout)
                       for user in dict.fromkeys((PROBE_USER, *target.accounts))])
        return EndpointReport(target=target, tls=tls, starttls="postgresql", plaintext_startups=plain)
    return EndpointReport(target=target, cleartext=CleartextProbeResult(
        endpoint=target.endpoint, reachable=True, service="postgresql" if said.answer == "N" else None,
        evidence=said.evidence))


def _speaks_tls_family(report: EndpointReport) -> bool:
    """Whether the port answered a TLS, TLCP or TLS 1.3-SM hello as such a server."""
    return bool((report.tls is not None and report.tls.speaks_tls)
                or (report.tlcp is not None and report.tlcp.supported)
                or (report.tls13_sm is not None and report.tls13_sm.supported))


def _said(log: str) -> str:
    """An FTP exchange ("USER x -> 530 ...") as the Chinese evidence quotes it: the command, then
    the server's reply as it came (data), joined by an arrow rather than an English word."""
    return log.replace(" -> ", " → ")


def _ssh_banner(found: CleartextProbeResult) -> bool:
    """A greeting that is an SSH identification string (RFC 4253 4.2), whatever follows it."""
    return found.evidence.startswith("SSH-")


def probe_error(error: BaseException) -> str:
    """The text of a probe failure, as its finding shows it (one line, bounded)."""
    text = " ".join(f"{type(error).__name__}: {error}".split())
    return f"probe error: {text[:300]}"


#: Endpoints of one host probed at once: a server's accept backlog (often 5 to 128) overflowed by a
#: burst from the probe reads as "cannot connect" (issue 16 second review, finding 6). Keyed by the
#: address (probes.address.resolve_host): every spelling of one address and every name that resolves
#: to one server share the cap.
PER_HOST = 8


async def _run(targets: Sequence[Target], concurrency: int, question_timeout: float, endpoint_timeout: float,
               on_done: Callable[[EndpointReport], None] | None, per_host: int) -> list[EndpointReport]:
    gate = asyncio.Semaphore(concurrency)
    hosts: dict[str, asyncio.Semaphore] = {}

    async def one(target: Target) -> EndpointReport:
        host_gate = hosts.setdefault(await resolve_host(target.host), asyncio.Semaphore(per_host))
        async with host_gate, gate:  # the host's slot first: a waiting endpoint holds no global slot
            started = time.monotonic()
            try:
                report = await asyncio.wait_for(probe_endpoint(target, question_timeout=question_timeout),
                                                endpoint_timeout)
            except TimeoutError:
                report = EndpointReport(target=target, timed_out=True)
            except Exception as e:  # one endpoint's failure is its own finding, never the run's
                _log.warning("probe of %s failed: %s", target.endpoint, probe_error(e), exc_info=True)
                report = EndpointReport(target=target, error=probe_error(e))
            report = replace(report, seconds=round(time.monotonic() - started, 3))
        if on_done is not None:
            on_done(report)
        return report

    return list(await asyncio.gather(*(one(t) for t in targets)))


def run_probes(targets: Sequence[Target], *, concurrency: int = 64, question_timeout: float = 3.0,
               endpoint_timeout: float = 30.0, on_done: Callable[[EndpointReport], None] | None = None,
               per_host: int = PER_HOST) -> list[EndpointReport]:
    """Probe every target (results in the targets' order), at most ``concurrency`` at once and
    at most ``per_host`` of them on one host."""
    concurrency, note = descriptor_budget(max(1, concurrency))
    if note:
        _log.warning("%s", note)
    return asyncio.run(_run(targets, concurrency, question_timeout, endpoint_timeout, on_done, max(1, per_host)))


#: Descriptors kept free beside the probes' sockets and those already open: the event loop's own,
#: a store or log file opened later, a resolver socket.
DESCRIPTOR_RESERVE = 32


def open_descriptors() -> int:
    """Descriptors this process holds now (/proc/self/fd or /dev/fd; 0 when neither can be listed)."""
    for folder in ("/proc/self/fd", "/dev/fd"):
        try:
            return max(0, len(os.listdir(folder)) - 1)  # minus the one listing it
        except OSError:
            continue
    return 0


def descriptor_budget(concurrency: int) -> tuple[int, str | None]:
    """The concurrency the open-files limit allows (each endpoint holds one socket at a time):
    raise the soft RLIMIT_NOFILE towards the hard one when ``concurrency`` needs more, else lower
    the concurrency; the note says what was done (None: nothing needed). Without this, a
    --concurrency of 1024 under ``ulimit -n 256`` read hundreds of live endpoints as unreachable."""
    held = open_descriptors() + DESCRIPTOR_RESERVE
    need = concurrency + held
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft == resource.RLIM_INFINITY or need <= soft:
        return concurrency, None
    wanted = need if hard == resource.RLIM_INFINITY else min(need, hard)
    if wanted > soft:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))
            soft = wanted
        except (ValueError, OSError):
            pass
    if need <= soft:
        return concurrency, f"open-files limit raised to {soft} for --concurrency {concurrency}"
    lowered = max(1, soft - held)
    return lowered, (f"--concurrency {concurrency} lowered to {lowered}: the open-files limit is {soft} "
                     f"(hard {'unlimited' if hard == resource.RLIM_INFINITY else hard}); "
                     "raise ulimit -n to probe more at once")
