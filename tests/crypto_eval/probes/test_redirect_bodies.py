"""A plain-HTTP port counts as "only redirects to https" (no cleartext channel) only when its
response carries nothing of its own. The reviewer's hostile3.py answers (issue 16, second review,
finding 3) defeated the first rule: a bare-LF response whose body is a login form, a login form
in a chunked body, and a 302 whose short JSON body holds an ID card number. Each is served raw by
a loopback listener and must be read as a cleartext channel; a real "Moved" redirect stays one."""

from __future__ import annotations

import socket

import pytest

from govsoc.crypto_eval.checks.channel_view import view_of
from govsoc.crypto_eval.probes.runner import Target, run_probes
from tests.servers.listener import listening

FORM = (b"<html><body><form method=post action=/login>user <input name=u> pass <input type=password name=p>"
        b"</form></body></html>")
MOVED = b"<html><body>Moved to <a href=https://portal.example/>portal.example</a></body></html>"
ID_BODY = b'{"name":"\xe5\xbc\xa0\xe4\xb8\x89","idcard":"110101199003071234","phone":"13800138000"}'


def _chunked(body: bytes, size: int = 7) -> bytes:
    # 7-byte chunks split "type=password" across chunk headers, as the reviewer's server did
    return b"".join(b"%x\r\n%s\r\n" % (len(body[i:i + size]), body[i:i + size])
                    for i in range(0, len(body), size)) + b"0\r\n\r\n"


RESPONSES = {
    # bare LF line ends (RFC 9112 2.2 lets clients accept them) and a login form as the body
    "bare-lf-form": b"HTTP/1.1 302 Found\nLocation: https://portal.example/\nContent-Length: %d\n"
                    b"Connection: close\n\n" % len(FORM) + FORM,
    # a 302 whose JSON body carries personal data anyway
    "json-id-card": b"HTTP/1.1 302 Found\r\nLocation: https://portal.example/\r\nContent-Type: application/json\r\n"
                    b"Content-Length: %d\r\nConnection: close\r\n\r\n" % len(ID_BODY) + ID_BODY,
    # the login form split into chunks
    "chunked-form": b"HTTP/1.1 302 Found\r\nLocation: https://portal.example/\r\nTransfer-Encoding: chunked\r\n"
                    b"Connection: close\r\n\r\n" + _chunked(FORM),
    # a session cookie without Secure: the browser sends it back over plain HTTP
    "cookie": b"HTTP/1.1 301 Moved\r\nLocation: https://portal.example/\r\nSet-Cookie: JSESSIONID=ABCDEF0123456789; "
              b"Path=/\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
    # the control: a redirect with the usual short note only
    "moved": b"HTTP/1.1 301 Moved Permanently\r\nLocation: https://portal.example/\r\nContent-Type: text/html\r\n"
             b"Content-Length: %d\r\nConnection: close\r\n\r\n" % len(MOVED) + MOVED,
}


def _probe(response: bytes):  # type: ignore[no-untyped-def]
    def answer(conn: socket.socket) -> None:
        conn.settimeout(5)
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = conn.recv(4096)
            if not chunk:
                return
            data += chunk
        conn.sendall(response)

    with listening(answer) as port:
        (report,) = run_probes([Target(host="127.0.0.1", port=port, protocol="http")], question_timeout=1.0)
    return report


@pytest.mark.parametrize("name,login", [
    ("bare-lf-form", True),   # the form is found once the head ends at a bare-LF empty line
    ("chunked-form", True),   # the password field is found in the de-chunked body
    ("json-id-card", False),  # no login, but data beside the redirect: a cleartext channel
    ("cookie", False),        # a session token set without Secure
])
def test_redirect_that_carries_content_is_cleartext(name: str, login: bool) -> None:
    report = _probe(RESPONSES[name])
    assert report.cleartext is not None and report.cleartext.redirect is None
    assert report.cleartext.login is login
    view = view_of(report)
    assert view.protocol == "cleartext" and view.confidentiality is not None and view.confidentiality[0] is False


def test_a_plain_moved_redirect_is_still_a_redirect() -> None:
    report = _probe(RESPONSES["moved"])
    assert report.cleartext is not None and report.cleartext.redirect == "https://portal.example/"
    assert view_of(report).protocol == "redirect"


def _redirect(status: bytes, extra: bytes = b"", body: bytes = b"") -> bytes:
    return (b"HTTP/1.1 " + status + b"\r\nLocation: https://portal.example/login\r\n" + extra
            + b"Content-Type: text/html\r\nContent-Length: %d\r\nConnection: close\r\n\r\n" % len(body) + body)


# Third review (issue 16), findings 6 and 7. A redirect is one whatever code RFC 9110 15.4 gives
# the browser to follow with GET (303 and 307/308 too); digits are data only when a recognizer
# says so (GB 11643 check character, a mobile prefix), not any run of 11 (a timestamp, a request id).
@pytest.mark.parametrize("response", [
    _redirect(b"303 See Other"),
    _redirect(b"307 Temporary Redirect"),
    _redirect(b"302 Found", body=b"Found. Redirecting to https://portal.example/login?_=1701234567890"),
    _redirect(b"308 Permanent Redirect", body=b"<p>request id 20231130131820</p>"),
    _redirect(b"301 Moved", body=b"<p>ref 110105194912310021</p>"),  # 18 digits, wrong check character
], ids=["303", "307", "express-timestamp", "308-request-id", "id-shaped-bad-check"])
def test_redirects_without_data_are_redirects(response: bytes) -> None:
    report = _probe(response)
    assert report.cleartext is not None and report.cleartext.redirect == "https://portal.example/login"
    assert view_of(report).protocol == "redirect"


# Any cookie set on the plain-HTTP answer has crossed the network in the clear, Secure or not
# (RFC 6265 4.1.2.5 only stops it being sent back); the evidence says which rule fired.
@pytest.mark.parametrize(("response", "rule"), [
    (_redirect(b"302 Found", b"Set-Cookie: JSESSIONID=8F1A2B3C4D5E6F7081928374; Path=/; Secure; HttpOnly\r\n"),
     "明文设置Cookie JSESSIONID"),
    (_redirect(b"301 Moved Permanently", b"Set-Cookie: BIGipServerpool_portal=1677787402.20480.0000; path=/; "
                                         b"Httponly\r\n"), "明文设置Cookie BIGipServerpool_portal"),
    (_redirect(b"302 Found", body=b"<p>\xe7\x94\xb3\xe8\xaf\xb7\xe4\xba\xba 11010519491231002X</p>"),
     "含身份证号（校验位正确）"),
    (_redirect(b"303 See Other", body=b"<p>tel 13800138000</p>"), "含手机号码"),
], ids=["secure-cookie", "bigip-cookie", "valid-id-number", "mobile"])
def test_a_redirect_carrying_data_says_which_rule_fired(response: bytes, rule: str) -> None:
    report = _probe(response)
    assert report.cleartext is not None and report.cleartext.redirect is None
    view = view_of(report)
    assert view.protocol == "cleartext" and rule in report.cleartext.evidence and rule in view.observed
