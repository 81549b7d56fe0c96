"""Items judged on channels need a channel that was examined (issue 16 fifth review, finding 7).

GB/T 39786-2021 8.2 a)-c) concern the communication channels that cross the system's network
boundary and 8.3 b) its remote-management channels; what an evaluator collects for them is the
channel itself (the handshake, the certificate chain, the negotiated suite: reference §5, 6.2.1-6.2.3
and 6.3.2), and what a person declares is which channels there are. So a level-3 system whose
inventory lists none of its channels, or only its SSH administration port, has no evidence for
those items however much is declared, and listing its one sound channel can only raise its score.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

from govsoc.crypto_eval.catalogue import load_catalogue
from govsoc.crypto_eval.evaluate import evaluate_inventory
from tests.crypto_eval.test_review_declared import KM, _item, _systems
from tests.servers.sshd import running_sshd
from tests.servers.tlcp_server import SmServerConfig, sm_server

NETWORK = ("gbt39786.l3.8.2.a", "gbt39786.l3.8.2.b", "gbt39786.l3.8.2.c")
ADMIN = "gbt39786.l3.8.3.b"
SM_PRODUCT = {"name": "国密SSL网关", "certificate_no": "GM0033122202300001", "module_level": 2,
              "used_for": ["network", "device", "application"]}


def _all_declared_ok() -> dict[str, Any]:
    """Every technical item declared D ✓ A ✓ K ✓ and every management item 符合."""
    catalogue = load_catalogue()
    return {item.id: ({"judgement": "符合", "evidence": "制度齐全"} if catalogue.layer(item.layer).kind == "management"
                      else {"d": True, "a": True, "k": True, "evidence": "已部署"})
            for item in catalogue.items()}


def _system(name: str, endpoints: list[dict[str, Any]], anchors: list[str]) -> dict[str, Any]:
    return {"name": name, "level": 3, "endpoints": endpoints, "crypto": {
        "products": [SM_PRODUCT], "key_management": KM, "trust_anchors": anchors,
        "declarations": _all_declared_ok()}}


def test_no_endpoint_is_missing_evidence_and_a_sound_endpoint_never_lowers_the_score(
        sm_config: SmServerConfig, anchor_files: list[str]) -> None:
    with sm_server(sm_config) as port:  # TLCP and TLS 1.3-SM, SM2 chain to the declared SM2 test root
        tlcp = {"host": "127.0.0.1", "port": port, "protocol": "tlcp", "kind": "web", "server_name": "tlcp.test"}
        none, sound = evaluate_inventory(_systems(_system("none", [], anchor_files),
                                                  _system("sound", [tlcp], anchor_files)), question_timeout=1.0)
    for item_id in NETWORK:
        result = _item(none, item_id)
        (obj,) = result.objects
        assert obj.missing and obj.d is None and result.score == Decimal("0.0000"), result
        (missing,) = [f for f in result.findings if f.factor == "MISSING"]
        assert "资产清单未列出该系统的跨网络边界的通信信道" in missing.why and "endpoints" in missing.why
        # the declaration is kept for the evaluator, unscored
        assert any(f.factor == "INFO" and f.why.startswith("人工声明（未计分") for f in result.findings)
    assert none.verdict != "符合" and none.total is not None and none.total < Decimal(100)
    # the TLCP channel gives 8.2 a-c evidence of its own: each is scored on it
    for item_id in NETWORK:
        result = _item(sound, item_id)
        assert [o.name for o in result.objects] == [f"127.0.0.1:{port}"] and result.objects[0].d is True, result
    assert sound.total is not None and sound.total > none.total


def test_declarations_only_run_names_the_endpoints_not_probed() -> None:
    web = {"host": "192.0.2.7", "port": 443, "protocol": "https", "kind": "web"}
    (e,) = evaluate_inventory(_systems(_system("unprobed", [web], [])), probe=False)
    (missing,) = [f for f in _item(e, "gbt39786.l3.8.2.a").findings if f.factor == "MISSING"]
    assert "192.0.2.7:443 未经探测" in missing.why


def test_ssh_only_inventory_has_no_evidence_for_the_boundary_channels(tmp_path: Path) -> None:
    with running_sshd(tmp_path) as sshd:  # Debian's OpenSSH: a sound SSH-2 administration channel
        admin = {"host": "127.0.0.1", "port": sshd.port, "protocol": "ssh", "kind": "admin"}
        (e,) = evaluate_inventory(_systems(_system("ssh-admin", [admin], [])), question_timeout=1.0)
    # 8.3 b is judged on the probed sshd ...
    assert [o.name for o in _item(e, ADMIN).objects] == [f"127.0.0.1:{sshd.port}"]
    assert _item(e, ADMIN).objects[0].d is True
    # ... and 8.2 a-c, whose channels the inventory does not list, are missing evidence, not the declaration's ✓
    for item_id in NETWORK:
        result = _item(e, item_id)
        assert result.score == Decimal("0.0000") and result.missing, result
        assert any("未列出该系统的跨网络边界的通信信道" in f.why for f in result.findings if f.factor == "MISSING")


def test_admitted_failure_without_a_channel_still_stands() -> None:
    declared = {"gbt39786.l3.8.2.c": {"d": False, "evidence": "专线明文传输重要数据"}}
    (e,) = evaluate_inventory(_systems({"name": "admits", "level": 3, "crypto": {"declarations": declared}}),
                              probe=False)
    assert "gbt39786.l3.8.2.c" in {f.item for f in e.high_risk} and e.verdict == "不符合"
