"""A 应 item whose object does not exist is 不适用 when the inventory says why (review R16 HIGH 2):
GB/T 39786-2021 8.3 b) binds only a system administered remotely, and the 量化评估规则 leaves 不适用
units, objects and layers out of numerator and denominator. The reference's hand-checked total
"管理制度/人员/建设 不适用, technical all 0.5, 应急 1 → 65.00" (reference/crypto-eval.md §2.4) is
reached from an inventory file, and the declaration is flagged for the evaluator's confirmation."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import yaml

from govsoc.core.inventory import Inventory
from govsoc.crypto_eval.catalogue import load_catalogue
from govsoc.crypto_eval.evaluate import evaluate_system

#: A reason per channel item: its object does not exist in this system.
ABSENT = {"gbt39786.l3.8.2.a": "系统不跨网络边界通信：仅机房内网单机运行",
          "gbt39786.l3.8.2.b": "系统不跨网络边界通信：仅机房内网单机运行",
          "gbt39786.l3.8.2.c": "系统不跨网络边界通信：仅机房内网单机运行",
          "gbt39786.l3.8.3.b": "本系统无远程管理：设备仅在机房本地控制台运维，管理口物理断开"}


def _declarations() -> dict[str, dict[str, object]]:
    out: dict[str, dict[str, object]] = {}
    for layer in load_catalogue().layers:
        for item in layer.items:
            if item.id in ABSENT:
                out[item.id] = {"judgement": "不适用", "na_reason": ABSENT[item.id]}
            elif layer.kind == "technical":  # D ✓, A ✗ at 128 bits (Ra 1), K ✓: 0.5 per object
                out[item.id] = {"d": True, "a": False, "k": True, "evidence": "密码应用方案 v1 第3章"}
            elif layer.id == "emergency":
                out[item.id] = {"judgement": "符合", "evidence": "《密码应急处置预案》v1"}
            else:
                out[item.id] = {"judgement": "不适用", "na_reason": "管理由上级单位统一负责（上级单位密评覆盖）"}
    return out


def test_reference_total_65_from_an_inventory(tmp_path: Path) -> None:
    path = tmp_path / "inventory.yaml"
    product = {"name": "服务器密码机", "certificate_no": "GM003312220230001", "module_level": 2,
               "used_for": ["physical", "network", "device", "application"]}
    path.write_text(yaml.safe_dump({"systems": [{"name": "本地系统", "level": 3, "crypto": {
        "products": [product], "key_management": {"storage": "服务器密码机", "keys_in_plaintext": False},
        "declarations": _declarations()}}]}, allow_unicode=True), encoding="utf-8")
    (system,) = Inventory.load(path).model.systems
    e = evaluate_system(system, [])
    scores = {layer.layer.id: layer.score for layer in e.layers}
    assert scores["policies"] is None and scores["people"] is None and scores["build_run"] is None, scores
    assert scores["emergency"] == Decimal("1.0000"), scores
    assert all(scores[t] == Decimal("0.5000") for t in ("physical", "network", "device", "application")), scores
    assert e.total == Decimal("65.00"), (e.total, scores)
    assert e.verdict is not None and e.verdict != "证据不足，无法判定", e.verdict
    admin = next(r for layer in e.layers for r in layer.items if r.item.id == "gbt39786.l3.8.3.b")
    assert admin.score is None  # left out of the device layer, not scored 0
    assert any(f.factor == "INFO" and "需测评人员现场确认" in f.why and "管理口物理断开" in f.why
               for f in admin.findings), admin.findings
