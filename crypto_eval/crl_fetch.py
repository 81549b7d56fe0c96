"""Fetching the CRLs at certificates' http distribution points (RFC 5280 4.2.1.13) for
crypto_eval.revocation: each URL once per run (a shared cache), several at a time, each download
bounded (a time-out per socket operation, a deadline for the whole body, a size cap), and the
waiting bounded too: the caller gives a point in time (the endpoint's revocation budget) and gets
back the URLs that were not done by then, so a certificate naming many slow distribution points
costs one budget, not one time-out each (review r16f, HIGH 1).

Why threads and urllib rather than an async client: a CRL fetch is one small GET; urllib is in the
standard library, follows redirects through a handler this module restricts to http, and a thread
per fetch (a small shared pool) runs them side by side from the synchronous chain validator. A
fetch still running when its caller's budget ends goes on in its thread, bounded by its own
deadline, and fills the cache for a later endpoint naming the same URL (never fetched twice).
"""

from __future__ import annotations

import socket
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor, wait
from http.client import HTTPMessage
from typing import IO

from cryptography import x509

from govsoc.core.crl_files import MAX_CRL_FILE

__all__ = ["CrlFetcher", "FetchCache", "FETCH_TIMEOUT", "FETCH_DEADLINE", "MAX_POINTS", "BUDGET", "parse_crl"]

#: Seconds one distribution point may take for each step (connect, each read), and for the whole CRL.
FETCH_TIMEOUT, FETCH_DEADLINE = 3.0, 10.0
#: Distribution points read per certificate: RFC 5280 4.2.1.13 lets a CA name several places for one
#: CRL (real CAs name one to three: an http mirror, an ldap one); one usable complete CRL is enough,
#: so more than this is a certificate made to hold the evaluation, and the rest are named, not read.
MAX_POINTS = 4
#: Seconds the revocation check of one endpoint's chain may wait for distribution points in all.
BUDGET = 8.0

#: Distribution point URL -> (the CRL it gave or None, why not): one run's downloads.
FetchCache = dict[str, tuple[x509.CertificateRevocationList | None, str]]

#: Downloads of the whole process run here (a few CRLs at a time; each bounded by FETCH_DEADLINE).
_POOL = ThreadPoolExecutor(max_workers=16, thread_name_prefix="govsoc-crl")


class _HttpRedirects(urllib.request.HTTPRedirectHandler):
    """Redirects of a distribution point are followed to http URLs only (not https, ftp or file)."""

    def redirect_request(self, req: urllib.request.Request, fp: IO[bytes], code: int, msg: str,
                         headers: HTTPMessage, newurl: str) -> urllib.request.Request | None:
        if not newurl.lower().startswith("http://"):
            raise urllib.error.HTTPError(newurl, code, "redirect to a URL that is not http", headers, fp)
        return super().redirect_request(req, fp, code, msg, headers, newurl)


_OPENER = urllib.request.build_opener(_HttpRedirects)


def parse_crl(data: bytes) -> x509.CertificateRevocationList | None:
    """A CRL in PEM or DER (None: it is not one)."""
    try:
        return x509.load_pem_x509_crl(data) if data.lstrip().startswith(b"-----") else x509.load_der_x509_crl(data)
    except ValueError:
        return None


def _fetch_error(e: BaseException, timeout: float) -> str:
    """Why a distribution point gave no CRL, in the report's words."""
    reason = e.reason if isinstance(e, urllib.error.URLError) and not isinstance(e, urllib.error.HTTPError) else e
    if isinstance(e, urllib.error.HTTPError) and 300 <= e.code < 400:  # a redirect urllib or _HttpRedirects refused
        return f"重定向到非http地址（{e.filename}）"
    if isinstance(e, urllib.error.HTTPError):
        return f"HTTP {e.code}"
    if isinstance(reason, ConnectionRefusedError):
        return "连接被拒绝"
    if isinstance(reason, TimeoutError | socket.timeout) and str(reason).startswith("not complete"):
        return "CRL未在限定时间内传完"
    if isinstance(reason, TimeoutError | socket.timeout):
        return f"{timeout:g} 秒内无应答"
    if isinstance(reason, socket.gaierror):
        return "主机名无法解析"
    return f"无法获取（{type(reason).__name__}）"


class CrlFetcher:
    """The distribution points of one evaluation: ``cache`` holds what was fetched (shared by the
    systems of a run), ``fetches`` counts this fetcher's downloads."""

    def __init__(self, cache: FetchCache | None = None, *, timeout: float = FETCH_TIMEOUT,
                 deadline: float = FETCH_DEADLINE) -> None:
        self.cache: FetchCache = cache if cache is not None else {}
        self.timeout, self.deadline = timeout, deadline
        self.fetches = 0
        self._pending: dict[str, Future[None]] = {}
        self._lock = threading.Lock()

    def start(self, urls: Sequence[str]) -> None:
        """Begin fetching each URL neither fetched nor being fetched (all at once, in the pool)."""
        with self._lock:
            for url in dict.fromkeys(urls):
                if url not in self.cache and url not in self._pending:
                    self.fetches += 1
                    self._pending[url] = _POOL.submit(self._fetch, url)

    def wait(self, urls: Sequence[str], until: float) -> list[str]:
        """Fetch ``urls`` (start) and wait for them until the monotonic time ``until``: the URLs not
        done by then (their fetches go on and fill the cache later)."""
        self.start(urls)
        with self._lock:
            pending = [f for u in urls if (f := self._pending.get(u)) is not None]
        if pending:
            wait(pending, timeout=max(0.0, until - time.monotonic()))
        return [u for u in dict.fromkeys(urls) if u not in self.cache]

    def get(self, url: str) -> tuple[x509.CertificateRevocationList | None, str]:
        """What the distribution point gave (wait said it is done)."""
        return self.cache[url]

    def _fetch(self, url: str) -> None:
        try:
            data = self._download(url)
            crl = parse_crl(data) if data is not None else None
            why = "" if crl is not None else (f"应答超过 {MAX_CRL_FILE >> 20} MiB" if data is None
                                              else "应答内容不是CRL")
            result: tuple[x509.CertificateRevocationList | None, str] = (crl, why)
        except (OSError, ValueError) as e:  # URLError and HTTPError are OSErrors
            result = (None, _fetch_error(e, self.timeout))
        except Exception as e:  # noqa: BLE001 - a worker's failure is this URL's evidence, not a lost thread
            result = (None, f"无法获取（{type(e).__name__}）")
        with self._lock:
            self.cache[url] = result
            self._pending.pop(url, None)

    def _download(self, url: str) -> bytes | None:
        """The body at ``url`` (None: larger than MAX_CRL_FILE); each socket operation is bounded by
        ``timeout`` and the whole download by ``deadline`` (a server sending a byte now and then
        does not hold the evaluation); redirects are followed to http URLs only."""
        end = time.monotonic() + self.deadline
        request = urllib.request.Request(url, headers={"User-Agent": "govsoc-crl"})
        with _OPENER.open(request, timeout=self.timeout) as answer:
            chunks: list[bytes] = []
            size = 0
            while chunk := answer.read1(1 << 16):  # one read from the socket at most
                size += len(chunk)
                if size > MAX_CRL_FILE:
                    return None
                if time.monotonic() > end:
                    raise TimeoutError(f"not complete after {self.deadline} s")
                chunks.append(chunk)
        return b"".join(chunks)
