"""Fetching the CRLs at certificates' http distribution points (RFC 5280 4.2.1.13) for
crypto_eval.revocation: each URL once per run (a shared cache), several at a time, each download
bounded (a time-out per socket operation, a deadline for the whole body, a size cap), and the
waiting bounded too: the caller gives a point in time (the endpoint's revocation budget) and gets
back the URLs that were not done by then, so a certificate naming many slow distribution points
costs one budget, not one time-out each (review r16f, HIGH 1).

Why threads and urllib rather than an async client: a CRL fetch is one small GET; urllib is in the
standard library, follows redirects through a handler this module restricts to http, and a thread
per fetch (at most MAX_FETCHING at once) runs them side by side from the synchronous chain
validator. A fetch still running when its caller's budget ends is cancelled then (its socket shut
down; one queued for a download slot never starts), so an endpoint costs its budget and no more;
the cancellation is the URL's result for a later endpoint naming it (never fetched twice). The
deadline covers the whole download, status line and headers included: a watchdog shuts the
connection's socket down when it passes (urllib has only a per-read time-out, and a server sending
one header byte a second never let open() return, review R16 HIGH 1). The fetch
threads are daemons: interpreter exit never waits on a distribution point.
"""

from __future__ import annotations

import http.client
import socket
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Sequence
from http.client import HTTPMessage
from typing import IO, Any

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

#: Downloads of the whole process running at once (each bounded by its deadline; the others queue).
MAX_FETCHING = 16
#: How a download cancelled at its caller's budget ends (CrlFetcher.wait).
_CANCELLED = "cancelled at the caller's budget"
_FETCHING = threading.BoundedSemaphore(MAX_FETCHING)


class _HttpRedirects(urllib.request.HTTPRedirectHandler):
    """Redirects of a distribution point are followed to http URLs only (not https, ftp or file)."""

    def redirect_request(self, req: urllib.request.Request, fp: IO[bytes], code: int, msg: str,
                         headers: HTTPMessage, newurl: str) -> urllib.request.Request | None:
        if not newurl.lower().startswith("http://"):
            raise urllib.error.HTTPError(newurl, code, "redirect to a URL that is not http", headers, fp)
        return super().redirect_request(req, fp, code, msg, headers, newurl)


class _DeadlineConnection(http.client.HTTPConnection):
    """An http connection whose socket is shut down at ``end`` (monotonic), wherever the reading is:
    a blocked read of the status line, a header or the body then ends at once; and at once when its
    download is cancelled (``cancelled``)."""

    end = 0.0
    cancelled: threading.Event | None = None
    _watchdog: threading.Timer | None = None

    def connect(self) -> None:
        super().connect()
        if self.cancelled is not None and self.cancelled.is_set():
            _shut(self.sock)
        self._watchdog = threading.Timer(max(0.0, self.end - time.monotonic()), _shut, args=(self.sock,))
        self._watchdog.daemon = True
        self._watchdog.start()

    def cancel(self) -> None:
        """End the download now (the caller's budget is over)."""
        if self.sock is not None:
            _shut(self.sock)

    def close(self) -> None:
        if self._watchdog is not None:
            self._watchdog.cancel()
        super().close()


def _shut(sock: socket.socket) -> None:
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:  # already closed: the download ended before its deadline
        pass


class _DeadlineHandler(urllib.request.HTTPHandler):
    """http URLs opened with _DeadlineConnection ending at ``end`` (redirects included)."""

    def __init__(self, end: float, cancelled: threading.Event) -> None:
        super().__init__()
        self.end, self.cancelled = end, cancelled
        self.connections: list[_DeadlineConnection] = []

    def _connection(self, host: str, **kwargs: Any) -> _DeadlineConnection:
        connection = _DeadlineConnection(host, **kwargs)
        connection.end, connection.cancelled = self.end, self.cancelled
        self.connections.append(connection)
        return connection

    def cancel(self) -> None:
        """Shut every connection of this download (a redirect opens another)."""
        self.cancelled.set()
        for connection in list(self.connections):
            connection.cancel()

    def http_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        return self.do_open(self._connection, req)


def _opener(handler: _DeadlineHandler) -> urllib.request.OpenerDirector:
    return urllib.request.build_opener(_HttpRedirects, handler)


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
    if isinstance(reason, TimeoutError | socket.timeout) and str(reason).startswith(_CANCELLED):
        return "端点的吊销检查时间预算耗尽，下载已取消"
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
        self._pending: dict[str, threading.Event] = {}
        self._downloads: dict[str, _DeadlineHandler] = {}
        self._lock = threading.Lock()

    def start(self, urls: Sequence[str]) -> None:
        """Begin fetching each URL neither fetched nor being fetched (each in a daemon thread)."""
        with self._lock:
            for url in dict.fromkeys(urls):
                if url not in self.cache and url not in self._pending:
                    self.fetches += 1
                    self._pending[url] = done = threading.Event()
                    self._downloads[url] = _DeadlineHandler(0.0, threading.Event())
                    threading.Thread(target=self._fetch, args=(url, done), name="govsoc-crl", daemon=True).start()

    def wait(self, urls: Sequence[str], until: float) -> list[str]:
        """Fetch ``urls`` (start) and wait for them until the monotonic time ``until``: the URLs not
        done by then (their fetches go on and fill the cache later)."""
        self.start(urls)
        with self._lock:
            pending = [f for u in urls if (f := self._pending.get(u)) is not None]
        for done in pending:
            done.wait(max(0.0, until - time.monotonic()))
        late = [u for u in dict.fromkeys(urls) if u not in self.cache]
        with self._lock:
            for url in late:
                if (download := self._downloads.get(url)) is not None:
                    download.cancel()
        return late

    def get(self, url: str) -> tuple[x509.CertificateRevocationList | None, str]:
        """What the distribution point gave (wait said it is done)."""
        return self.cache[url]

    def _fetch(self, url: str, done: threading.Event) -> None:
        download = self._downloads[url]
        try:
            with _FETCHING:
                if download.cancelled.is_set():  # cancelled while it queued for a slot: never started
                    raise TimeoutError(_CANCELLED)
                data = self._download(url, download)
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
            self._downloads.pop(url, None)
        done.set()

    def _download(self, url: str, download: _DeadlineHandler) -> bytes | None:
        """The body at ``url`` (None: larger than MAX_CRL_FILE); each socket operation is bounded by
        ``timeout`` and the whole download, headers included, by ``deadline`` (a server sending a
        byte now and then does not hold the evaluation); redirects are followed to http URLs only."""
        end = download.end = time.monotonic() + self.deadline
        request = urllib.request.Request(url, headers={"User-Agent": "govsoc-crl"})
        try:
            return self._read(_opener(download).open(request, timeout=self.timeout), end, download)
        except (OSError, http.client.HTTPException) as e:
            if download.cancelled.is_set():  # the caller's budget ended: cancel() shut the socket
                raise TimeoutError(_CANCELLED) from e
            if time.monotonic() >= end:  # the watchdog shut the socket: say so, not "connection reset"
                raise TimeoutError(f"not complete after {self.deadline} s") from e
            raise

    def _read(self, answer: http.client.HTTPResponse, end: float, download: _DeadlineHandler) -> bytes | None:
        with answer:
            chunks: list[bytes] = []
            size = 0
            while chunk := answer.read1(1 << 16):  # one read from the socket at most
                size += len(chunk)
                if size > MAX_CRL_FILE:
                    return None
                if time.monotonic() > end:
                    raise TimeoutError(f"not complete after {self.deadline} s")
                chunks.append(chunk)
        if download.cancelled.is_set():  # cancel()'s shutdown reads as the end of the body too
            raise TimeoutError(_CANCELLED)
        if time.monotonic() >= end:  # the watchdog's shutdown reads as the end of the body
            raise TimeoutError(f"not complete after {self.deadline} s")
        return b"".join(chunks)
