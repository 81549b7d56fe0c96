"""The assessment rules on declared profiles and probe results built as data (a pure-logic seam:
the probes themselves are tested against real servers in tests/crypto_eval/probes)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from govsoc.collectors.protocols.ssh import KexInit
from govsoc.core.inventory import InventoryModel
from govsoc.crypto_eval.assess import SystemEvaluation
from govsoc.crypto_eval.evaluate import evaluate_system
from govsoc.crypto_eval.probes.cleartext import CleartextProbeResult
from govsoc.crypto_eval.probes.runner import EndpointReport, Target
from govsoc.crypto_eval.probes.ssh import SshProbeResult
from govsoc.crypto_eval.probes.tlcp import TlcpProbeResult

HOST = "10.0.0.5"


def _system(crypto: dict[str, Any], endpoints: list[dict[str, Any]] | None = None) -> Any:
    model = InventoryModel.model_validate({"systems": [{"name": "s", "level": 3, "crypto": crypto, "endpoints":
                                                        endpoints if endpoints is not None else [
                                                            {"host": HOST, "port": 443, "protocol": "tlcp",
                                                             "kind": "web"}]}]})
    return model.systems[0]


def _tlcp_report() -> EndpointReport:
    return EndpointReport(target=Target(host=HOST, port=443, protocol="tlcp"),
                          tlcp=TlcpProbeResult(endpoint=f"{HOST}:443", supported=True, suite="TLCP_ECC_SM4_GCM_SM3",
                                               answer="server_hello"))


def _score(e: SystemEvaluation, item: str) -> Decimal | None:
    return next(r.score for layer in e.layers for r in layer.items if r.item.id == item)


def test_level1_module_gives_rk_1_2() -> None:
    # D✓ A✓ K✗ only because the module is GB/T 37092 level 1, key management otherwise sound: 0.5 × 1.2
    product = {"name": "网关", "certificate_no": "GM1", "module_level": 1, "used_for": ["network"]}
    system = _system({"products": [product], "key_management": {"keys_in_plaintext": False}})
    e = evaluate_system(system, [_tlcp_report()])
    assert _score(e, "gbt39786.l3.8.2.c") == Decimal("0.6000")


def test_uncertified_product_and_plaintext_keys_are_high_risk() -> None:
    system = _system({"products": [{"name": "自研加密", "module_level": 2, "used_for": ["network"]}],
                      "key_management": {"keys_in_plaintext": True}})
    e = evaluate_system(system, [_tlcp_report()])
    whys = {f.why for f in e.high_risk}
    assert any("认证证书" in w for w in whys) and any("明文" in w for w in whys)
    assert e.verdict == "不符合"


def test_declared_mitigation_lifts_the_veto_but_stays_listed() -> None:
    telnet = EndpointReport(target=Target(host=HOST, port=23, protocol="telnet"), cleartext=CleartextProbeResult(
        endpoint=f"{HOST}:23", reachable=True, service="telnet", login=True, evidence="\xff\xfd\x18"))
    endpoints = [{"host": HOST, "port": 23, "protocol": "telnet", "kind": "admin"}]
    plain = evaluate_system(_system({}, endpoints), [telnet])
    # a telnet login is 8.3 b (cleartext administration) and 8.3 a (device login by password only)
    assert sorted({f.item for f in plain.high_risk}) == ["gbt39786.l3.8.3.a", "gbt39786.l3.8.3.b"]
    assert plain.verdict == "不符合"
    accepted = {"measure": "仅经国密SSL VPN访问管理网段", "accepted_by": "张测评", "accepted_on": "2026-11-02",
                "objects": [f"{HOST}:23"]}
    mitigated = evaluate_system(_system({"declarations": {"gbt39786.l3.8.3.a": {"mitigation": accepted},
                                                          "gbt39786.l3.8.3.b": {"mitigation": accepted}}},
                                        endpoints), [telnet])
    assert not mitigated.high_risk
    assert mitigated.mitigated[0][1] == "仅经国密SSL VPN访问管理网段（确认人：张测评，2026-11-02）"


def test_declaration_contradicted_by_a_probe() -> None:
    ssh1 = EndpointReport(target=Target(host=HOST, port=22, protocol="ssh"), ssh=SshProbeResult(
        endpoint=f"{HOST}:22", reachable=True, speaks_ssh=True, banner="SSH-1.5-Old", ssh1=True))
    system = _system({"declarations": {"gbt39786.l3.8.3.b": {"d": True, "a": True, "k": True,
                                                             "evidence": "运维手册：SSH管理"}}},
                     [{"host": HOST, "port": 22, "protocol": "ssh", "kind": "admin"}])
    e = evaluate_system(system, [ssh1])
    assert _score(e, "gbt39786.l3.8.3.b") == Decimal("0.0000")
    assert any(f.factor == "INFO" and "矛盾" in f.why for f in e.findings)
    assert any("SSH-1" in f.why for f in e.high_risk)


def test_not_applicable_needs_a_reason() -> None:
    system = _system({"declarations": {"gbt39786.l3.8.1.a": {"judgement": "不适用"},
                                       "gbt39786.l3.8.1.b": {"judgement": "不适用", "na_reason": "云上机房"}}})
    e = evaluate_system(system, [])
    assert _score(e, "gbt39786.l3.8.1.a") == Decimal("0.0000")  # no reason: missing evidence, not 不适用
    assert _score(e, "gbt39786.l3.8.1.b") is None


def test_failing_product_sample_is_high_risk() -> None:
    system = _system({"products": [{"name": "签名服务器", "certificate_no": "GM2", "module_level": 2,
                                    "samples": [{"algorithm": "sm3", "input": "616263", "output": "00" * 32}]}]})
    e = evaluate_system(system, [])
    assert any("样例 sm3" in f.why for f in e.high_risk)


def test_no_profile_at_all() -> None:
    model = InventoryModel.model_validate({"systems": [{"name": "裸系统", "level": 3}]})
    e = evaluate_system(model.systems[0], [])
    # every unit lacks evidence: full marks on them would give 100, so nothing is concluded (review r18d finding 10)
    assert e.total == Decimal("0.00") and e.verdict == "证据不足，无法判定" and e.missing == 41


def _ssh_system() -> Any:
    return _system({"products": [{"name": "堡垒机", "certificate_no": "GM3", "module_level": 2,
                                  "used_for": ["device"]}]},
                   [{"host": HOST, "port": 22, "protocol": "ssh", "kind": "admin"}])


def test_ssh_without_kexinit_is_missing_evidence_not_compliant() -> None:
    # a banner and then nothing (or a KEXINIT with empty lists): the algorithms were never seen, so
    # A cannot be ✓ (weakest([]) is None only because there is nothing to judge)
    empty = KexInit(cookie=bytes(16), kex_algorithms=(), server_host_key_algorithms=(),
                    encryption_client_to_server=(), encryption_server_to_client=(), mac_client_to_server=(),
                    mac_server_to_client=(), compression_client_to_server=(), compression_server_to_client=(),
                    languages_client_to_server=(), languages_server_to_client=())
    for kexinit in (None, empty):
        report = EndpointReport(target=Target(host=HOST, port=22, protocol="ssh"), ssh=SshProbeResult(
            endpoint=f"{HOST}:22", reachable=True, speaks_ssh=True, banner="SSH-2.0-OpenSSH_9.6", kexinit=kexinit))
        e = evaluate_system(_ssh_system(), [report])
        item = next(r for layer in e.layers for r in layer.items if r.item.id == "gbt39786.l3.8.3.b")
        assert item.missing and item.score == Decimal("0.0000")
        assert not any(f.factor == "A" and f.satisfied for f in item.findings)
        assert any(f.factor == "MISSING" and "KEXINIT" in f.why for f in item.findings)


def test_mitigation_refused_where_the_catalogue_admits_none() -> None:
    # 8.2 a (身份鉴别) has no mitigation in the 高风险判定指引 (catalogue: mitigation "none"): a
    # declared free-text mitigation must not lift it; 8.3 b (which has one) still may be mitigated
    http = EndpointReport(target=Target(host=HOST, port=80, protocol="http"), cleartext=CleartextProbeResult(
        endpoint=f"{HOST}:80", reachable=True, service="http", login=True, evidence="POST /login"))
    endpoints = [{"host": HOST, "port": 80, "protocol": "http", "kind": "web"}]
    waf = {"measure": "已部署WAF", "accepted_by": "张测评", "accepted_on": "2026-11-02", "objects": [f"{HOST}:80"]}
    e = evaluate_system(_system({"declarations": {"gbt39786.l3.8.2.a": {"mitigation": waf}}}, endpoints), [http])
    assert "gbt39786.l3.8.2.a" in {f.item for f in e.high_risk} and e.verdict == "不符合"
    assert not [f for f, _ in e.mitigated if f.item == "gbt39786.l3.8.2.a"]
    assert any(f.item == "gbt39786.l3.8.2.a" and f.observed.startswith("已部署WAF（确认人：张测评")
               and "不予采纳" in f.why for f in e.findings)


def test_shall_item_not_applicable_only_with_a_reason_and_flagged() -> None:
    # review R16 HIGH 2: a 应 item whose object does not exist (8.4 a: no login function) is 不适用 with
    # a reason, left out of the score and flagged for the evaluator to confirm; without a reason it is
    # missing evidence scored 0; 8.1 b (宜) with a reason stays 不适用
    system = _system({"declarations": {"gbt39786.l3.8.4.a": {"judgement": "不适用", "na_reason": "无登录功能"},
                                       "gbt39786.l3.8.4.b": {"judgement": "不适用"},
                                       "gbt39786.l3.8.1.b": {"judgement": "不适用", "na_reason": "云上机房"}}})
    e = evaluate_system(system, [])
    assert _score(e, "gbt39786.l3.8.4.a") is None
    assert any(f.item == "gbt39786.l3.8.4.a" and f.factor == "INFO" and "需测评人员现场确认" in f.why
               for f in e.findings)
    assert _score(e, "gbt39786.l3.8.4.b") == Decimal("0.0000")
    assert any(f.item == "gbt39786.l3.8.4.b" and f.factor == "MISSING" and "未说明理由" in f.why for f in e.findings)
    assert _score(e, "gbt39786.l3.8.1.b") is None


def test_a_bare_declaration_without_evidence_scores_nothing() -> None:
    # review R16 finding 7: 符合 or d/a/k ✓ with no evidence scored full marks on a person's word
    bare = _system({"declarations": {"gbt39786.l3.8.5.a": {"judgement": "符合"},
                                     "gbt39786.l3.8.1.a": {"d": True, "a": True, "k": True},
                                     "gbt39786.l3.8.5.b": {"judgement": "部分符合", "evidence": " "}}})
    e = evaluate_system(bare, [])
    for item in ("gbt39786.l3.8.5.a", "gbt39786.l3.8.1.a", "gbt39786.l3.8.5.b"):
        assert _score(e, item) == Decimal("0.0000"), item
        assert any(f.item == item and f.factor == "MISSING" and "未提供证据" in f.why for f in e.findings), item
    said = _system({"declarations": {"gbt39786.l3.8.5.a": {"judgement": "符合", "evidence": "《密码管理制度》v2"},
                                     "gbt39786.l3.8.5.b": {"judgement": "部分符合", "evidence": "《操作规程》草案"}}})
    e = evaluate_system(said, [])
    assert (_score(e, "gbt39786.l3.8.5.a"), _score(e, "gbt39786.l3.8.5.b")) == (Decimal("1.0000"), Decimal("0.5000"))
