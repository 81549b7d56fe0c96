"""Third review of issue 16, findings 2, 8, 10 and 11: what a person declares must be a real,
located statement. A mitigation that lifts a high-risk veto (高风险判定指引 2021, 可能的缓解措施;
reference §3: "mitigations declared and accepted by a human") names what is in place, who accepted
it and when, and the objects it covers; a compensation (量化评估规则 2023, 弥补) has a justification
and a confirmer, names catalogue items, and is made by a tested technical object; a product sample
that is not hex of the algorithm's sizes is an inventory typo; a declaration under an unknown item
id, d/a/k on a management item or 符合 with d: false is a contradiction. Each is a ConfigError
naming the inventory file, line and field, raised before anything is probed. Hostile inventories
are written to files and loaded as the CLI loads them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from govsoc.core.errors import ConfigError
from govsoc.core.inventory import Inventory
from govsoc.crypto_eval.evaluate import evaluate_inventory, systems_in_scope
from tests.servers.cleartext import telnet_listener

TELNET_ITEM = "gbt39786.l3.8.3.b"
ACCEPTED = {"measure": "仅经国密SSL VPN及堡垒机访问管理网段", "accepted_by": "测评师 张三", "accepted_on": "2026-11-02"}


def _load(tmp_path: Path, crypto: dict[str, Any], endpoints: list[dict[str, Any]] | None = None) -> Inventory:
    path = tmp_path / "inventory.yaml"
    path.write_text(yaml.safe_dump({"systems": [{"name": "s", "level": 3, "endpoints": endpoints or [],
                                                 "crypto": crypto}]}, allow_unicode=True, sort_keys=False),
                    encoding="utf-8")
    return Inventory.load(path)


def _refused(tmp_path: Path, crypto: dict[str, Any], field: str) -> str:
    """The error text of a refused inventory; it must name the file, a line and the field."""
    with pytest.raises(ConfigError) as caught:
        systems_in_scope(_load(tmp_path, crypto))
    text = str(caught.value)
    assert f"{tmp_path / 'inventory.yaml'}:" in text and field in text, text
    line = text.split("inventory.yaml:", 1)[1].split(":", 1)[0]
    assert line.isdigit() and int(line) > 1, text
    return text


@pytest.mark.parametrize(("mitigation", "field"), [
    (" ", "mitigation"),                                           # finding 2: a blank
    (".", "mitigation"),                                           # a dot
    ({**ACCEPTED, "measure": " . "}, "mitigation.measure"),        # no substance
    ({**ACCEPTED, "accepted_by": " ", "objects": ["x:23"]}, "mitigation.accepted_by"),  # nobody accepted it
    ({k: v for k, v in ACCEPTED.items() if k != "accepted_on"} | {"objects": ["x:23"]}, "mitigation.accepted_on"),
    (ACCEPTED, "mitigation.objects"),                              # covers no named object
])
def test_a_mitigation_must_be_an_accepted_statement(tmp_path: Path, mitigation: Any, field: str) -> None:
    _refused(tmp_path, {"declarations": {TELNET_ITEM: {"mitigation": mitigation}}}, f"{TELNET_ITEM}.{field}")


def test_an_accepted_mitigation_lifts_the_veto_of_the_objects_it_names_only(tmp_path: Path) -> None:
    with telnet_listener() as first, telnet_listener() as second:  # two cleartext telnet admin channels
        endpoints = [{"host": "127.0.0.1", "port": p, "protocol": "telnet", "kind": "admin"} for p in (first, second)]
        named = {**ACCEPTED, "objects": [f"127.0.0.1:{first}"]}
        both = {**ACCEPTED, "objects": [f"127.0.0.1:{first}", f"127.0.0.1:{second}"]}
        results = []
        for case, decl in (("none", {}), ("one", {TELNET_ITEM: {"mitigation": named}}),
                           ("both", {TELNET_ITEM: {"mitigation": both}})):
            (tmp_path / case).mkdir()
            inventory = _load(tmp_path / case, {"declarations": decl}, endpoints)
            (e,) = evaluate_inventory(systems_in_scope(inventory), question_timeout=1.0)
            results.append(e)
    plain, one, both_e = results
    assert {f.object for f in plain.high_risk if f.item == TELNET_ITEM} == {f"127.0.0.1:{first}",
                                                                          f"127.0.0.1:{second}"}
    # one object named: that object's veto is lifted, the other's stays (and says why)
    assert {f.object for f in one.high_risk if f.item == TELNET_ITEM} == {f"127.0.0.1:{second}"}
    assert {f.object for f, _m in one.mitigated} >= {f"127.0.0.1:{first}"}
    assert one.verdict == "不符合"
    assert any(f.object == f"127.0.0.1:{second}" and "未涵盖该对象" in f.why for f in one.findings)
    assert not [f for f in both_e.high_risk if f.item == TELNET_ITEM]
    assert all("确认人：测评师 张三，2026-11-02" in m for _f, m in both_e.mitigated)


@pytest.mark.parametrize(("obj", "hint"), [
    ("127.0.0.1:20131", "the system lists localhost:20131"),  # the same socket spelt otherwise
    ("10.9.9.9:23", "its endpoints are localhost:20131"),      # a typo naming no endpoint
])
def test_a_mitigation_naming_no_endpoint_of_the_system_is_refused(tmp_path: Path, obj: str, hint: str) -> None:
    # review R16 finding 12: the mitigation vanished silently (no error, no finding, no 已缓解)
    endpoints = [{"host": "localhost", "port": 20131, "protocol": "telnet", "kind": "admin"}]
    crypto = {"declarations": {TELNET_ITEM: {"mitigation": {**ACCEPTED, "objects": ["声明", obj]}}}}
    with pytest.raises(ConfigError) as caught:
        systems_in_scope(_load(tmp_path, crypto, endpoints))
    text = str(caught.value)
    assert f"{tmp_path / 'inventory.yaml'}:" in text and f"{TELNET_ITEM}.mitigation.objects.1" in text, text
    assert repr(obj) in text and hint in text, text
    listed = {"declarations": {TELNET_ITEM: {"mitigation": {**ACCEPTED, "objects": ["localhost:20131"]}}}}
    assert systems_in_scope(_load(tmp_path, listed, endpoints))  # spelt as listed: accepted


COMP = {"item": "gbt39786.l3.8.2.c", "object": "127.0.0.1:80", "by_item": "gbt39786.l3.8.2.c",
        "by_object": "127.0.0.1:443", "justification": "明文端口仅供内网回源，经TLS网关转发",
        "confirmed_by": "测评师 张三"}


@pytest.mark.parametrize(("change", "field"), [
    ({"justification": " "}, "compensations.0.justification"),       # finding 10 a
    ({"confirmed_by": " "}, "compensations.0.confirmed_by"),
    ({"by_item": "gbt39786.l3.8.5.a", "by_object": "声明"}, "compensations.0.by_item"),  # 10 b: management
    ({"by_item": "gbt39786.l3.8.4.e", "by_object": "声明"}, "compensations.0.by_object"),  # 10 b: declared only
    ({"item": "gbt39786.l3.8.3.x"}, "compensations.0.item"),          # 10 c: not a catalogue item
    ({"by_item": "gbt39786.l3.8.9.z"}, "compensations.0.by_item"),
])
def test_a_compensation_is_refused_where_it_is_no_confirmed_technical_measure(
        tmp_path: Path, change: dict[str, str], field: str) -> None:
    _refused(tmp_path, {"compensations": [{**COMP, **change}]}, field)


SM3_ABC = "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"  # GB/T 32905 A.1


@pytest.mark.parametrize(("sample", "field"), [
    ({"algorithm": "sm4-ecb", "input": "zz", "key": "00" * 16, "output": "00" * 16}, "samples.0.input"),  # finding 8
    ({"algorithm": "sm3", "input": "616263", "output": SM3_ABC[:-2]}, "samples.0.output"),
    ({"algorithm": "sm4-ecb", "input": "00" * 16, "key": "00" * 15, "output": "00" * 16}, "samples.0.key"),
    ({"algorithm": "sm4-ecb", "input": "00" * 15, "key": "00" * 16, "output": "00" * 15}, "samples.0.input"),
    ({"algorithm": "sm2-verify", "input": "00", "public_key": "04" + "00" * 64, "output": "00" * 64},
     "samples.0.public_key"),                                         # not a point on the curve
    ({"algorithm": "sm2-verify", "input": "00", "public_key": "04" + "11" * 64, "output": "00" * 63},
     "samples.0.output"),
])
def test_a_malformed_product_sample_is_an_inventory_error(tmp_path: Path, sample: dict[str, str], field: str) -> None:
    product = {"name": "密码机", "certificate_no": "GM003312220230001", "module_level": 2, "samples": [sample]}
    _refused(tmp_path, {"products": [product]}, f"products.0.{field}")


def test_a_well_formed_wrong_sample_is_still_a_finding(tmp_path: Path) -> None:
    # the shape is right, the value is not the SM3 of "abc": that is evidence about the product
    product = {"name": "密码机", "certificate_no": "GM003312220230001", "module_level": 2,
               "samples": [{"algorithm": "sm3", "input": "616263", "output": "00" * 32}]}
    (e,) = evaluate_inventory(systems_in_scope(_load(tmp_path, {"products": [product]})), probe=False)
    assert any("密码机" == f.object and "sm3" in f.why for f in e.high_risk)
    good = {**product, "samples": [{"algorithm": "sm3", "input": "616263", "output": SM3_ABC}]}
    (ok,) = evaluate_inventory(systems_in_scope(_load(tmp_path, {"products": [good]})), probe=False)
    assert not any(f.object == "密码机" for f in ok.high_risk)


@pytest.mark.parametrize(("declarations", "field"), [
    ({"gbt39786.l3.8.3.z": {"judgement": "符合"}}, "declarations.gbt39786.l3.8.3.z"),   # finding 11: unknown id
    ({"gbt39786.l3.8.5.a": {"d": True, "a": True, "k": True}}, "declarations.gbt39786.l3.8.5.a.d"),  # d on management
    ({TELNET_ITEM: {"judgement": "符合", "d": False}}, f"declarations.{TELNET_ITEM}.judgement"),  # contradiction
])
def test_a_declaration_the_tool_cannot_use_is_an_inventory_error(
        tmp_path: Path, declarations: dict[str, Any], field: str) -> None:
    _refused(tmp_path, {"declarations": declarations}, field)
