"""End to end: systems in an inventory, their endpoints served by real servers on loopback,
probed, checked, scored and reported; and `govsoc crypto-eval` on the same inventory."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator
from contextlib import ExitStack
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml

from govsoc.cli import main
from govsoc.cli.commands.crypto_eval import EXIT_INCOMPLETE
from govsoc.core.inventory import Inventory, InventoryModel
from govsoc.crypto_eval.evaluate import evaluate_inventory, systems_in_scope
from govsoc.crypto_eval.report import section, to_json
from tests.servers.certs import CertFiles
from tests.servers.cleartext import telnet_listener
from tests.servers.sshd import running_sshd
from tests.servers.tlcp_server import SmServerConfig, sm_server
from tests.servers.tls import openssl_s_server, python_tls_server

MANAGEMENT = {f"gbt39786.l3.8.{s}.{c}": {"judgement": "符合", "evidence": "制度文件"}
              for s, letters in ((5, "abcdef"), (6, "abcde"), (7, "abcde"), (8, "abc")) for c in letters}
STRONG_SSHD = ["Ciphers aes256-gcm@openssh.com", "MACs hmac-sha2-256-etm@openssh.com",
               "KexAlgorithms curve25519-sha256"]
PRODUCT = {"name": "SSL VPN 网关", "certificate_no": "GM0033122202300001", "module_level": 2,
           "used_for": ["network", "device", "application"]}
#: the physical layer's declared K ✓ needs a certified product covering it (review R16 finding 7)
DOOR_PRODUCT = {"name": "门禁系统密码模块", "certificate_no": "GM0033122202300002", "module_level": 2,
                "used_for": ["physical"]}


@pytest.fixture(scope="module")
def servers(tmp_path_factory: pytest.TempPathFactory, rsa_cert: CertFiles, sm_config: SmServerConfig,
            openssl: str, sshd_binary: Path) -> Iterator[dict[str, int]]:
    folder = tmp_path_factory.mktemp("e2e")
    with ExitStack() as stack:
        yield {
            "tlcp": stack.enter_context(sm_server(dataclasses.replace(sm_config, mode="tlcp"))),
            "tls": stack.enter_context(python_tls_server(rsa_cert)),
            "tls10": stack.enter_context(openssl_s_server(rsa_cert, ["-tls1", "-cipher", "ALL:@SECLEVEL=0"])),
            "ssh": stack.enter_context(running_sshd(folder, STRONG_SSHD)).port,
            "telnet": stack.enter_context(telnet_listener()),
        }


def _inventory(tmp_path: Path, servers: dict[str, int], anchors: list[str]) -> Path:
    good = {"name": "国密门户", "level": 3, "endpoints": [
        {"host": "127.0.0.1", "port": servers["tlcp"], "protocol": "tlcp", "kind": "web", "expects": ["tlcp"]},
        {"host": "127.0.0.1", "port": servers["ssh"], "protocol": "ssh", "kind": "admin"}],
        "crypto": {"products": [PRODUCT, DOOR_PRODUCT], "important_data": ["个人信息"], "trust_anchors": anchors,
                   "key_management": {"storage": "服务器密码机", "keys_in_plaintext": False},
                   "declarations": {**MANAGEMENT,
                                    **{f"gbt39786.l3.8.{x}": {"d": True, "a": True, "k": True, "evidence": "方案"}
                                       for x in ("1.a", "1.b", "1.c", "2.d", "3.a", "3.c", "3.e", "3.f", "4.a",
                                                 "4.b", "4.e", "4.g", "4.h")},
                                    "gbt39786.l3.8.2.e": {"judgement": "不适用", "na_reason": "无外部接入"},
                                    "gbt39786.l3.8.3.d": {"judgement": "不适用", "na_reason": "无安全标记"},
                                    "gbt39786.l3.8.4.c": {"judgement": "不适用", "na_reason": "无安全标记"}}}}
    bad = {"name": "旧办公系统", "level": 3, "endpoints": [
        {"host": "127.0.0.1", "port": servers["tls10"], "protocol": "https", "kind": "web", "expects": ["tlcp"]},
        {"host": "127.0.0.1", "port": servers["telnet"], "protocol": "telnet", "kind": "admin"}]}
    other = {"name": "二级系统", "level": 2, "endpoints": [
        {"host": "127.0.0.1", "port": servers["tls"], "protocol": "https", "kind": "web"}]}
    path = tmp_path / "inventory.yaml"
    path.write_text(yaml.safe_dump({"systems": [good, bad, other]}, allow_unicode=True), encoding="utf-8")
    return path


def test_scores_and_verdicts(tmp_path: Path, servers: dict[str, int], anchor_files: list[str]) -> None:
    model = Inventory.load(_inventory(tmp_path, servers, anchor_files)).model
    systems = systems_in_scope(model)
    assert [s.name for s in systems] == ["国密门户", "旧办公系统"]  # level 2 is out of scope
    good, bad = evaluate_inventory(systems, question_timeout=1.0)
    # TLCP channel: D✓ A✓ K✓ → 1 on 8.2 a-c; SSH admin channel: A✗ (not SM, Ra 1) and K✗ (OpenSSH's
    # algorithms are not the declared SM product's: its keys are not managed by it) → 0.25 (Table 1)
    scores = {r.item.id: r.score for layer in good.layers for r in layer.items}
    assert scores["gbt39786.l3.8.2.a"] == scores["gbt39786.l3.8.2.c"] == Decimal("1.0000")
    assert scores["gbt39786.l3.8.3.b"] == Decimal("0.2500")
    assert scores["gbt39786.l3.8.4.d"] == Decimal("1.0000")  # 个人信息 over the TLCP channel
    assert scores["gbt39786.l3.8.2.e"] is None  # 不适用 with a reason
    # device layer: 8.3.a 1, 8.3.b 0.25, c 1, d 不适用, e 1, f 1 → (1 + 0.25 + 0.4 + 0.4 + 0.7)/(1+1+0.4+0.4+0.7)
    device = next(x for x in good.layers if x.layer.id == "device")
    assert device.score == Decimal("0.7857")
    # total: 70 · (10·1 + 20·1 + 10·0.7857 + 30·1)/70 + 30 · 1 = 67.857 + 30 = 97.857 → 97.86
    assert good.total == Decimal("97.86") and good.verdict == "基本符合" and not good.high_risk
    # the old system: TLS 1.0 with anonymous suites, telnet administration, nothing declared
    assert bad.verdict == "不符合" and bad.total is not None and bad.total < 60
    assert any(f.item == "gbt39786.l3.8.3.b" and f.why == "telnet 明文传输，含登录口令" for f in bad.high_risk)
    assert any(f.item == "gbt39786.l3.8.2.c" and "TLSv10" in f.observed for f in bad.high_risk)
    notes = [f for f in bad.findings if f.factor == "INFO" and "声明支持 tlcp" in f.why]
    assert len(notes) == 1
    assert bad.missing > 0  # management not declared: missing evidence, scored 0, not 不适用
    document = section(bad)
    assert document["结论"] == "不符合" and "高风险项" in document["摘要"]
    network = next(layer for layer in document["层面"] if layer["层面"] == "网络和通信安全")
    confidentiality = next(i for i in network["测评单元"] if i["测评单元"] == "6.2.3")
    assert confidentiality["风险"] == "高" and "TLCP" in confidentiality["整改建议"]
    json.dumps(to_json(good), ensure_ascii=False)


def test_cli(tmp_path: Path, servers: dict[str, int], capsys: pytest.CaptureFixture[str],
             monkeypatch: pytest.MonkeyPatch, anchor_files: list[str]) -> None:
    monkeypatch.setenv("GOVSOC_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("GOVSOC_CONFIG", raising=False)
    inventory = _inventory(tmp_path, servers, anchor_files)
    out = tmp_path / "out"
    capsys.readouterr()
    code = main(["crypto-eval", "--inventory", str(inventory), "--output", str(out), "--format", "json",
                 "--timeout", "1"])
    stdout, stderr = capsys.readouterr()
    assert code == 0, stderr
    documents = json.loads(stdout)
    assert [d["evaluation"]["system"] for d in documents] == ["国密门户", "旧办公系统"]
    assert sorted(p.name for p in out.iterdir()) == ["国密门户.json", "旧办公系统.json"]
    # declarations only: nothing probed, so the run ends without a verdict on evidence (exit 3)
    assert main(["crypto-eval", "--inventory", str(inventory), "--system", "二级系统", "--no-probe"]) == EXIT_INCOMPLETE
    assert "二级系统" in capsys.readouterr().out
    assert main(["crypto-eval", "--inventory", str(inventory), "--system", "没有"]) == 2
    assert "no system" in capsys.readouterr().err


def test_main_lists_the_command() -> None:
    from govsoc.cli.main import COMMANDS

    assert COMMANDS["crypto-eval"] == "govsoc.cli.commands.crypto_eval" and callable(main)


def _closed_port() -> int:
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_unreachable_endpoints_give_no_conclusion_and_keep_the_last_one(tmp_path: Path,
                                                                        servers: dict[str, int]) -> None:
    # review r18d finding 10: a failing system (TLS 1.0, telnet) scanned again while its endpoints
    # are down (a closed port: connection refused) was 基本符合 and replaced the 不符合 result
    from datetime import UTC, datetime

    from govsoc.crypto_eval.report import LAST_EVIDENCE_SUFFIX, load_results, result_file_name, save_results

    def system(tls: int, telnet: int) -> Any:
        model = InventoryModel.model_validate({"systems": [{"name": "旧办公系统", "level": 3, "endpoints": [
            {"host": "127.0.0.1", "port": tls, "protocol": "https", "kind": "web"},
            {"host": "127.0.0.1", "port": telnet, "protocol": "telnet", "kind": "admin"}],
            "crypto": {"declarations": MANAGEMENT}}]})
        return systems_in_scope(model)

    folder = tmp_path / "results" / "crypto_eval"
    (before,) = evaluate_inventory(system(servers["tls10"], servers["telnet"]), question_timeout=1.0)
    assert before.verdict == "不符合" and before.high_risk
    save_results([before], folder, now=datetime(2026, 11, 29, 2, tzinfo=UTC))
    (after,) = evaluate_inventory(system(_closed_port(), _closed_port()), question_timeout=1.0)
    assert after.missing > 0 and not after.high_risk
    assert after.verdict == "证据不足，无法判定"
    save_results([after], folder, now=datetime(2026, 12, 6, 1, tzinfo=UTC))
    (current,) = load_results(folder)
    # the new run is current and says what it could not see; the last conclusion on evidence is named and kept
    assert current["verdict"] == "证据不足，无法判定" and current["missing_evidence"] == after.missing
    assert current["last_conclusive"]["verdict"] == "不符合"
    assert current["last_conclusive"]["evaluated_at"] == "2026-11-29T02:00:00+00:00"
    kept = folder / (result_file_name("旧办公系统")[:-5] + LAST_EVIDENCE_SUFFIX)
    assert json.loads(kept.read_text(encoding="utf-8"))["verdict"] == "不符合"
    # a third run that reaches nothing carries the same last conclusion on
    save_results([after], folder, now=datetime(2026, 12, 13, 1, tzinfo=UTC))
    (current,) = load_results(folder)
    assert current["last_conclusive"]["evaluated_at"] == "2026-11-29T02:00:00+00:00"
