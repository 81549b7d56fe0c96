"""Revocation (RFC 5280 6.1.3 a 3, 6.3) of the certificates a real server sends: CRLs at the
distribution points the certificates name, served over http on loopback, and CRLs the inventory
declares (``crls``). A revoked certificate is 8.2 a ✗ naming it; a CRL the CA publishes that cannot
be read (unreachable, out of date, not signed by the issuer) is missing evidence naming the URL;
a certificate with no distribution point and no declared CRL keeps ✓ with a note. Each verdict on
RSA/ECDSA chains is checked against ``openssl verify -crl_check_all`` given the same CRLs; SM2 CRLs
are made by ``openssl ca -gencrl`` (OpenSSL 3.0's verify cannot check an SM2 CRL's signature: it
does not set the SM2 ID for CRLs, openssl/openssl#23471, so there the CRL's own listing, read by
``openssl crl``, is the peer)."""

from __future__ import annotations

import asyncio
import socket
import subprocess
import time
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml
from cryptography import x509

from govsoc.collectors.protocols.x509 import parse_certificate
from govsoc.core.errors import ConfigError
from govsoc.core.inventory import Inventory, InventoryModel
from govsoc.crypto_eval.chain import TrustStore
from govsoc.crypto_eval.checks.channel_view import STATUS_UNKNOWN, view_of
from govsoc.crypto_eval.evaluate import evaluate_inventory
from govsoc.crypto_eval.probes.runner import EndpointReport, Target, probe_endpoint
from govsoc.crypto_eval.revocation import Revocation
from tests.servers.ca import issue, issue_sm2, make_ca, make_crl, serial_of, sm2_crl, tamper
from tests.servers.certs import sm2_private_scalar
from tests.servers.crl_http import FileServer, http_files
from tests.servers.listener import listening
from tests.servers.sshd import free_port
from tests.servers.tlcp_server import SmServerConfig, sm_server
from tests.servers.tls import openssl_s_server


@pytest.fixture(scope="module")
def crl_server() -> Any:
    with http_files() as served:
        yield served


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory, crl_server: FileServer) -> dict[str, Any]:
    """root -> intermediate (names the root's CRL) -> leaf (names the intermediate's CRL)."""
    d = tmp_path_factory.mktemp("revocation")
    root = make_ca(d, "F16j CRL root")
    inter = make_ca(d, "F16j CRL intermediate", issuer=root, crl_url=crl_server.url("/root.crl"))
    leaf = issue(d, "crl-leaf", inter, crl_url=crl_server.url("/inter.crl"))
    return {"d": d, "root": root, "inter": inter, "leaf": leaf}


def _probe(port: int) -> EndpointReport:
    return asyncio.run(probe_endpoint(Target(host="127.0.0.1", port=port, protocol="https", server_name="localhost")))


def _openssl_verify(openssl: str, pki: dict[str, Any], crls: list[Path]) -> str:
    """What openssl verify -crl_check_all says of the leaf given these CRL files ("OK" or its error)."""
    args = [openssl, "verify", "-crl_check_all", "-CAfile", str(pki["root"].cert), "-untrusted", str(pki["inter"].cert)]
    for crl in crls:
        args += ["-CRLfile", str(crl)]
    done = subprocess.run([*args, str(pki["leaf"].cert)], capture_output=True, text=True)
    return "OK" if done.returncode == 0 else done.stdout + done.stderr


@pytest.mark.parametrize("case", ["good", "leaf revoked", "intermediate revoked", "forged CRL", "stale CRL"])
def test_revocation_of_a_served_chain_agrees_with_openssl_verify(pki: dict[str, Any], crl_server: FileServer,
                                                                 openssl: str, case: str) -> None:
    d, root, inter, leaf = pki["d"], pki["root"], pki["inter"], pki["leaf"]
    forger = make_ca(d, "F16j CRL intermediate", stem="crl-forger")  # the intermediate's name, another key
    leaf_serial, inter_serial = serial_of(leaf.der), serial_of(inter.der)
    crls = {
        "/root.crl": make_crl(d, "root", root, (inter_serial,) if case == "intermediate revoked" else ()),
        # a forged CRL omits the revoked leaf; a stale one (nextUpdate passed) does too
        "/inter.crl": make_crl(d, "inter", inter, (leaf_serial,) if case == "leaf revoked" else (),
                               signer=forger if case == "forged CRL" else None,
                               last_update_days=-9 if case == "stale CRL" else -1,
                               next_update_days=-2 if case == "stale CRL" else 7),
    }
    crl_server.files.clear()
    crl_server.files.update(crls)
    crl_server.asked.clear()
    with openssl_s_server(leaf, ["-tls1_3", "-cert_chain", str(inter.cert)]) as port:
        report = _probe(port)
    store = TrustStore.from_der([root.der])
    view = view_of(report, trust=store)
    peer = _openssl_verify(openssl, pki, [d / "root.crl.pem", d / "inter.crl.pem"])
    if case == "good":
        assert peer == "OK"
        assert view.authentication is not None and view.authentication[0] is True, view
        assert "CN=localhost 未被吊销（CRL：" + crl_server.url("/inter.crl") in view.authentication[1]
        assert "CN=F16j CRL intermediate 未被吊销" in view.authentication[1]
    elif case in ("leaf revoked", "intermediate revoked"):
        assert "certificate revoked" in peer
        assert view.authentication is not None and view.authentication[0] is False, view
        who = "CN=localhost" if case == "leaf revoked" else "CN=F16j CRL intermediate"
        serial = leaf_serial if case == "leaf revoked" else inter_serial
        assert f"证书已被吊销：{who}（序列号 {serial:X}" in view.authentication[1]
        assert "原因 keyCompromise" in view.authentication[1]
    else:  # no usable CRL for the leaf: openssl refuses the CRL, and 8.2 a has no evidence
        assert ("CRL signature failure" if case == "forged CRL" else "CRL has expired") in peer
        assert view.authentication is None, view
        want = "CRL签名不能用签发者的公钥验证" if case == "forged CRL" else "CRL已过期"
        assert any(n.startswith(f"TLS: {STATUS_UNKNOWN}（无法确认证书 CN=localhost 的吊销状态")
                   and crl_server.url("/inter.crl") in n and want in n for n in view.notes), view.notes
    # each distribution point was fetched once, however often the chain was judged
    view_of(report, trust=store)
    assert store.revocation.fetches == 2 and crl_server.asked == {"/root.crl": 1, "/inter.crl": 1}


def test_a_distribution_point_that_gives_no_crl_is_missing_evidence(pki: dict[str, Any], crl_server: FileServer,
                                                                    openssl: str, tmp_path: Path) -> None:
    root = pki["root"]
    closed = free_port()  # nothing listens there: refused at once
    inter = make_ca(tmp_path, "F16j unreachable CRL intermediate", issuer=root)
    leaf = issue(tmp_path, "unreachable", inter, crl_url=f"http://127.0.0.1:{closed}/inter.crl")
    missing = issue(tmp_path, "absent", inter, crl_url=crl_server.url("/no-such.crl"))
    for cert, why in ((leaf, "连接被拒绝"), (missing, "HTTP 404")):
        with openssl_s_server(cert, ["-tls1_2", "-cert_chain", str(inter.cert)]) as port:
            report = _probe(port)
        view = view_of(report, trust=TrustStore.from_der([root.der]))
        assert view.authentication is None, view
        assert any("无法确认证书 CN=localhost 的吊销状态" in n and why in n for n in view.notes), view.notes
    # the peer: with no CRL for the leaf, openssl verify -crl_check cannot say it is valid either
    done = subprocess.run([openssl, "verify", "-crl_check", "-CAfile", str(root.cert), "-untrusted", str(inter.cert),
                           str(leaf.cert)], capture_output=True, text=True)
    assert done.returncode != 0 and "unable to get certificate CRL" in done.stdout + done.stderr


def test_no_distribution_point_and_no_declared_crl_is_a_note_beside_the_tick(pki: dict[str, Any],
                                                                             tmp_path: Path) -> None:
    root = pki["root"]
    inter = make_ca(tmp_path, "F16j silent intermediate", issuer=root)
    leaf = issue(tmp_path, "silent", inter)
    with openssl_s_server(leaf, ["-tls1_3", "-cert_chain", str(inter.cert)]) as port:
        report = _probe(port)
    store = TrustStore.from_der([root.der])
    view = view_of(report, trust=store)
    assert view.authentication is not None and view.authentication[0] is True
    want = "TLS: 未核查证书 CN=localhost、CN=F16j silent intermediate 的吊销状态：证书不含CRL分发点"
    assert any(n.startswith(want) for n in view.notes), view.notes
    assert store.revocation.fetches == 0


def test_two_systems_naming_one_endpoint_fetch_each_distribution_point_once(pki: dict[str, Any],
                                                                            crl_server: FileServer) -> None:
    # a distribution point that drops connections costs its time-out once per run, not once per system
    crl_server.files.clear()
    crl_server.files.update({"/root.crl": make_crl(pki["d"], "root", pki["root"]),
                             "/inter.crl": make_crl(pki["d"], "inter", pki["inter"])})
    crl_server.asked.clear()
    with openssl_s_server(pki["leaf"], ["-tls1_3", "-cert_chain", str(pki["inter"].cert)]) as port:
        systems = InventoryModel.model_validate({"systems": [
            {"name": name, "level": 3, "endpoints": [{"host": "127.0.0.1", "port": port, "protocol": "https",
                                                      "kind": "web", "server_name": "localhost"}]}
            for name in ("a", "b")]}).systems
        evaluations = evaluate_inventory(systems, question_timeout=1.0, trust_anchors=[pki["root"].cert])
    for e in evaluations:
        (auth,) = [f for f in e.findings if f.item == "gbt39786.l3.8.2.a" and f.factor == "D"]
        assert auth.satisfied and "CN=localhost 未被吊销" in auth.why
    assert crl_server.asked == {"/root.crl": 1, "/inter.crl": 1}

# --- the inventory's crls ----------------------------------------------------------------------------------------

def _write(folder: Path, data: dict[str, Any]) -> Path:
    path = folder / "inventory.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def test_a_declared_crl_revokes_a_certificate_without_distribution_point(tmp_path: Path, pki: dict[str, Any]) -> None:
    root = pki["root"]
    inter = make_ca(tmp_path, "F16j declared-CRL intermediate", issuer=root)
    leaf = issue(tmp_path, "declared", inter)
    (tmp_path / "crls").mkdir()
    (tmp_path / "crls" / "inter.crl").write_bytes(make_crl(tmp_path, "decl", inter, (serial_of(leaf.der),)))
    with openssl_s_server(leaf, ["-tls1_2", "-cert_chain", str(inter.cert)]) as port:
        inventory = Inventory.load(_write(tmp_path, {"trust_anchors": [str(root.cert)], "crls": ["crls/inter.crl"],
                                                     "systems": [{"name": "s", "level": 3, "endpoints": [
                                                         {"host": "127.0.0.1", "port": port, "protocol": "https",
                                                          "kind": "web", "server_name": "localhost"}]}]}))
        assert inventory.model.crls == [tmp_path / "crls" / "inter.crl"]
        (e,) = evaluate_inventory(inventory.model.systems, question_timeout=1.0,
                                  trust_anchors=inventory.model.trust_anchors, crls=inventory.model.crls)
    (auth,) = [f for f in e.findings if f.item == "gbt39786.l3.8.2.a" and f.factor == "D"]
    assert auth.satisfied is False and "证书已被吊销：CN=localhost" in auth.why and "crls/inter.crl" in auth.why
    item = next(r for layer in e.layers for r in layer.items if r.item.id == "gbt39786.l3.8.2.a")
    assert item.score == Decimal("0.0000") and e.verdict != "符合"


@pytest.mark.parametrize("content,message", [
    (None, "cannot read CRL file"),
    (b"not a CRL\n", "does not parse"),
    (b"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n", "holds no CRL"),
    ("world-writable", "may be written by others (mode 666)"),  # whoever writes it can hide a revocation
])
def test_unusable_crl_files_are_config_errors(tmp_path: Path, pki: dict[str, Any], content: object,
                                              message: str) -> None:
    target = tmp_path / "list.crl"
    if isinstance(content, bytes):
        target.write_bytes(content)
    elif content == "world-writable":
        target.write_bytes(make_crl(tmp_path, "ww", pki["inter"]))
        target.chmod(0o666)
    path = _write(tmp_path, {"systems": [{"name": "s", "level": 3, "crypto": {"crls": ["list.crl"]}}]})
    with pytest.raises(ConfigError) as caught:
        Inventory.load(path)
    text = str(caught.value)
    assert message in text and f"{path}:" in text and "systems.0.crypto.crls.0" in text, text


# --- SM2: TLCP signing certificate, CRL by openssl ca ----------------------------------------------------------

@pytest.mark.parametrize("case", ["revoked", "good", "tampered"])
def test_a_tlcp_certificate_revoked_by_an_sm2_crl(tmp_path: Path, crl_server: FileServer, openssl: str,
                                                 case: str) -> None:
    root = make_ca(tmp_path, "F16j SM2 CRL root", kind="sm2")
    url = crl_server.url(f"/sm2-{case}.crl")
    sign = issue_sm2(tmp_path, "sign", root, usage="digitalSignature", crl_url=url)
    enc = issue_sm2(tmp_path, "enc", root, usage="keyEncipherment", crl_url=url)
    crl = sm2_crl(tmp_path, "sm2", root, (sign.cert,) if case == "revoked" else ())
    listed = subprocess.run([openssl, "crl", "-in", str(tmp_path / "sm2.crl.pem"), "-noout", "-text"],
                            capture_output=True, text=True, check=True).stdout
    serial = f"{serial_of(sign.der):X}"
    assert (f"Serial Number: {serial.zfill(len(serial) + len(serial) % 2)}" in listed) == (case == "revoked")
    crl_server.files[f"/sm2-{case}.crl"] = tamper(crl) if case == "tampered" else crl
    config = SmServerConfig(mode="tlcp", sign_cert=sign.der, enc_cert=enc.der, sign_key=sm2_private_scalar(sign.key))
    with sm_server(config) as port:
        report = asyncio.run(probe_endpoint(Target(host="127.0.0.1", port=port, protocol="tlcp",
                                                   server_name="tlcp.test")))
    view = view_of(report, trust=TrustStore.from_der([root.der]))
    if case == "revoked":
        assert view.authentication is not None and view.authentication[0] is False, view
        assert view.authentication[1].startswith(f"TLCP证书已被吊销：CN=tlcp.test（序列号 {serial_of(sign.der):X}")
    elif case == "good":
        assert view.authentication is not None and view.authentication[0] is True, view
        assert "CN=tlcp.test 未被吊销（CRL：" + url in view.authentication[1]
    else:  # the SM2 signature over the CRL no longer verifies: the status is unknown, never ✓
        assert view.authentication is None
        assert any("CRL签名不能用签发者的公钥验证" in n for n in view.notes), view.notes


def test_declared_crls_of_other_issuers_are_not_used(pki: dict[str, Any], tmp_path: Path) -> None:
    # a CRL of another CA that happens to list the leaf's serial number says nothing of the leaf
    inter = make_ca(tmp_path, "F16j quiet intermediate", issuer=pki["root"])
    leaf = issue(tmp_path, "quiet", inter)
    other = make_ca(tmp_path, "F16j other CA")
    revocation = Revocation([(make_crl(tmp_path, "other", other, (serial_of(leaf.der),)), "other.crl")])
    with openssl_s_server(leaf, ["-tls1_3", "-cert_chain", str(inter.cert)]) as port:
        report = _probe(port)
    view = view_of(report, trust=TrustStore.from_der([pki["root"].der], revocation))
    assert view.authentication is not None and view.authentication[0] is True, view
    assert any("未核查证书 CN=localhost、CN=F16j quiet intermediate 的吊销状态" in n for n in view.notes)


# --- what a distribution point may do to the fetch ------------------------------------------------------------

def _trickle(conn: socket.socket) -> None:
    """Headers promising a large CRL, then one byte every 0.1 s (a socket read never times out)."""
    conn.settimeout(5)
    conn.recv(4096)
    conn.sendall(b"HTTP/1.0 200 OK\r\nContent-Length: 100000\r\n\r\n")
    for _ in range(100):
        conn.sendall(b"0")
        time.sleep(0.1)


def _redirect_to(location: bytes) -> Any:
    def handle(conn: socket.socket) -> None:
        conn.settimeout(5)
        conn.recv(4096)
        conn.sendall(b"HTTP/1.0 302 Found\r\nLocation: " + location + b"\r\nContent-Length: 0\r\n\r\n")
    return handle


@pytest.mark.parametrize("handler,why", [
    (_trickle, "CRL未在限定时间内传完"),  # bounded as a whole, not per read: the evaluation goes on
    (_redirect_to(b"file:///etc/passwd"), "重定向到非http地址（file:///etc/passwd）"),  # only http is followed
    (_redirect_to(b"https://127.0.0.1:1/x.crl"), "重定向到非http地址（https://127.0.0.1:1/x.crl）"),
])
def test_a_distribution_point_cannot_hold_the_evaluation_or_send_it_elsewhere(
        pki: dict[str, Any], tmp_path: Path, handler: Any, why: str) -> None:
    with listening(handler) as port:
        leaf = issue(tmp_path, "odd-dp", pki["inter"], crl_url=f"http://127.0.0.1:{port}/inter.crl")
        revocation = Revocation(timeout=0.5, deadline=1.0)
        status = revocation.status(x509.load_der_x509_certificate(leaf.der), "CN=localhost",
                                   x509.load_der_x509_certificate(pki["inter"].der),
                                   parse_certificate(pki["inter"].der), datetime.now(UTC))
    assert status.state == "unknown" and why in status.why, status


# --- many distribution points, slow ones: one bounded budget per endpoint (review r16f, HIGH 1) -----------------

def _hold(asked: list[int]) -> Any:
    """Read the request, answer nothing for 5 s (each fetch waits out its time-out)."""
    def handle(conn: socket.socket) -> None:
        asked.append(1)
        conn.settimeout(6)
        conn.recv(4096)
        time.sleep(5)
    return handle


def test_many_slow_distribution_points_cost_one_budget_and_say_unknown(pki: dict[str, Any], tmp_path: Path) -> None:
    # twelve distribution points that never answer, and a declared CRL of the issuer that does not list
    # the leaf: fetched one after another they held the scan 12 time-outs; now the first 4 are fetched
    # side by side, the endpoint waits its budget, and the status is unknown (time budget), not "good"
    asked: list[int] = []
    inter = pki["inter"]
    with listening(_hold(asked)) as port:
        urls = tuple(f"http://127.0.0.1:{port}/dp{n}.crl" for n in range(12))
        leaf = issue(tmp_path, "many-dp", inter, crl_url=urls)
        revocation = Revocation([(make_crl(tmp_path, "declared", inter), "declared.crl")], timeout=2.0, budget=1.5)
        started = time.monotonic()
        status = revocation.status(x509.load_der_x509_certificate(leaf.der), "CN=localhost",
                                   x509.load_der_x509_certificate(inter.der), parse_certificate(inter.der),
                                   datetime.now(UTC))
        elapsed = time.monotonic() - started
    assert elapsed < 3.0, elapsed
    assert status.state == "unknown" and status.budget_exhausted, status
    assert "吊销状态未知（时间预算耗尽" in status.why and "不作未吊销判断" in status.why, status.why
    assert "CRL分发点过多（12 个），只读取前 4 个" in status.why, status.why
    assert len(asked) <= 4 and revocation.fetches == 4


def test_a_chain_of_slow_distribution_points_waits_one_budget(pki: dict[str, Any], tmp_path: Path) -> None:
    # the leaf's and the intermediate's distribution points are fetched together under one endpoint budget
    asked: list[int] = []
    root = pki["root"]
    with listening(_hold(asked)) as port:
        inter = make_ca(tmp_path, "F16j slow-DP intermediate", issuer=root, crl_url=f"http://127.0.0.1:{port}/r.crl")
        leaf = issue(tmp_path, "slow-chain", inter, crl_url=(f"http://127.0.0.1:{port}/i1.crl",
                                                             f"http://127.0.0.1:{port}/i2.crl"))
        with openssl_s_server(leaf, ["-tls1_3", "-cert_chain", str(inter.cert)]) as server:
            report = _probe(server)
        store = TrustStore.from_der([root.der], Revocation(timeout=3.0, budget=1.5))
        started = time.monotonic()
        view = view_of(report, trust=store)
        elapsed = time.monotonic() - started
    assert elapsed < 3.5, elapsed
    assert view.authentication is None, view
    assert any(n.startswith(f"TLS: {STATUS_UNKNOWN}") and "时间预算耗尽" in n and "CN=localhost" in n
               and "CN=F16j slow-DP intermediate" in n for n in view.notes), view.notes


def test_a_revoked_tlcp_encryption_certificate_fails_authentication(tmp_path: Path, crl_server: FileServer) -> None:
    # TLCP's second certificate: the ECC suites encrypt the pre-master secret to its key, so a revoked
    # one (its key compromised) is checked as the signing one is (review r16f, LOW-MED)
    root = make_ca(tmp_path, "F16 SM2 enc CRL root", kind="sm2")
    url = crl_server.url("/sm2-enc-revoked.crl")
    sign = issue_sm2(tmp_path, "sign", root, usage="digitalSignature", crl_url=url)
    enc = issue_sm2(tmp_path, "enc", root, usage="keyEncipherment", crl_url=url)
    crl_server.files["/sm2-enc-revoked.crl"] = sm2_crl(tmp_path, "sm2-enc", root, (enc.cert,))
    config = SmServerConfig(mode="tlcp", sign_cert=sign.der, enc_cert=enc.der, sign_key=sm2_private_scalar(sign.key))
    with sm_server(config) as port:
        report = asyncio.run(probe_endpoint(Target(host="127.0.0.1", port=port, protocol="tlcp",
                                                   server_name="tlcp.test")))
    view = view_of(report, trust=TrustStore.from_der([root.der]))
    assert view.authentication is not None and view.authentication[0] is False, view
    assert "TLCP加密证书" in view.authentication[1], view.authentication
    assert f"证书已被吊销：CN=tlcp.test（序列号 {serial_of(enc.der):X}" in view.authentication[1], view.authentication


def test_the_chains_of_one_endpoint_share_its_revocation_budget(tmp_path: Path) -> None:
    # a TLCP server's signing and encryption chains are validated one after the other: each naming
    # its own distribution point that never answers cost a budget each; now the endpoint has one
    asked: list[int] = []
    root = make_ca(tmp_path, "F16 SM2 slow-DP root", kind="sm2")
    with listening(_hold(asked)) as port:
        sign = issue_sm2(tmp_path, "sign", root, usage="digitalSignature", crl_url=f"http://127.0.0.1:{port}/s.crl")
        enc = issue_sm2(tmp_path, "enc", root, usage="keyEncipherment", crl_url=f"http://127.0.0.1:{port}/e.crl")
        config = SmServerConfig(mode="tlcp", sign_cert=sign.der, enc_cert=enc.der,
                                sign_key=sm2_private_scalar(sign.key))
        with sm_server(config) as server:
            report = asyncio.run(probe_endpoint(Target(host="127.0.0.1", port=server, protocol="tlcp",
                                                       server_name="tlcp.test")))
        started = time.monotonic()
        view = view_of(report, trust=TrustStore.from_der([root.der], Revocation(timeout=3.0, budget=1.5)))
        elapsed = time.monotonic() - started
    assert elapsed < 2.6, elapsed  # one budget (1.5 s) and the SM2 checks, not two budgets
    assert view.authentication is None, view
    assert sum("时间预算耗尽" in n for n in view.notes) == 2, view.notes  # both chains say so
