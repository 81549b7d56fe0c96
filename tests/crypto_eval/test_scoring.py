"""Every hand-checked example of shared/reference/crypto-eval.md §2.4, reproduced exactly, and the
rules of §2.2-2.5 they rest on."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from govsoc.crypto_eval import scoring
from govsoc.crypto_eval.catalogue import load_catalogue

TECH_W = [D(10), D(20), D(10), D(30)]   # 物理, 网络, 设备, 应用
MGMT_W = [D(8), D(8), D(8), D(6)]       # 制度, 人员, 建设运行, 应急


@pytest.mark.parametrize("d,a,k,ra,rk,expected", [
    (True, False, True, D(1), D(1), "0.5000"),       # D✓ A✗ (AES-128, Ra=1) K✓
    (True, True, False, D(1), D("1.2"), "0.6000"),   # D✓ A✓ K✗, L3 level-1 module (Rk=1.2)
    (True, False, False, D("0.5"), D(1), "0.1250"),  # D✓ A✗ (Ra=0.5) K✗ (Rk=1)
    (True, False, True, D("0.2"), D(1), "0.1000"),   # D✓ A✗ (Ra=0.2) K✓
    (True, True, True, D(1), D(1), "1.0000"),        # all satisfied
    (False, True, True, D(1), D(1), "0.0000"),       # D✗: A and K not evaluated
])
def test_object_examples(d: bool, a: bool, k: bool, ra: D, rk: D, expected: str) -> None:
    assert scoring.object_score(d, a, k, ra, rk) == D(expected)
    assert str(scoring.object_score(d, a, k, ra, rk)) == expected if d else True


def test_compensation_example() -> None:
    assert scoring.compensate(D("0.6"), D("0.1")) == D("0.3000")


def test_unit_mean_example() -> None:
    assert scoring.unit_score([D(1), D(1), D(0)]) == D("0.6667")


def test_layer_example() -> None:
    assert scoring.layer_score([(D(1), D(1)), (D("0.7"), D("0.5")), (D("0.4"), D(0))]) == D("0.6429")


def test_l3_network_layer_example() -> None:
    # 6.2.1=1, 6.2.2=0.5, 6.2.3=1, 6.2.4=0, 6.2.5 不适用; weights from the catalogue, not retyped
    network = load_catalogue().layer("network")
    scores = {"6.2.1": D(1), "6.2.2": D("0.5"), "6.2.3": D(1), "6.2.4": D(0), "6.2.5": None}
    assert scoring.layer_score([(i.weight, scores[i.unit]) for i in network.items]) == D("0.7581")


def _total(tech: list[D | None], mgmt: list[D | None]) -> D | None:
    return scoring.total_score(list(zip(TECH_W, tech, strict=True)), list(zip(MGMT_W, mgmt, strict=True)))


@pytest.mark.parametrize("tech,mgmt,expected", [
    ([D("0.5")] * 4, [D("0.5")] * 4, "50.00"),                           # every layer 0.5
    ([D(0)] * 4, [D(0), D(0), D(0), D(1)], "6.00"),                     # only 应急 = 1 (7.5-each bug gives 7.50)
    ([None] + [D("0.5")] * 3, [D("0.5")] * 4, "50.00"),                 # 物理 不适用
    ([D("0.5")] * 4, [None, None, None, D(1)], "65.00"),                # 制度/人员/建设 不适用, 应急 1
    ([D("0.3333")] * 4, [D("0.6667")] * 4, "43.33"),                    # technical 0.3333, management 0.6667
])
def test_total_examples(tech: list[D | None], mgmt: list[D | None], expected: str) -> None:
    total = _total(tech, mgmt)
    assert total is not None and str(total) == expected


def test_layer_weights_come_from_the_catalogue() -> None:
    layers = load_catalogue().layers
    assert [x.weight for x in layers if x.kind == "technical"] == TECH_W
    assert [x.weight for x in layers if x.kind == "management"] == MGMT_W


def test_whole_group_not_applicable_has_no_total() -> None:
    assert _total([None] * 4, [D(1)] * 4) is None
    assert _total([D(1)] * 4, [None] * 4) is None


@pytest.mark.parametrize("bits,ra", [(256, "1"), (112, "1"), (111, "0.5"), (80, "0.5"), (79, "0.2"), (0, "0.2")])
def test_ra_bands(bits: int, ra: str) -> None:
    assert scoring.ra_for_bits(bits) == D(ra)


@pytest.mark.parametrize("level,module,sound,rk", [
    (3, 1, True, "1.2"),    # L3, level-1 module is the only gap
    (3, 1, False, "1"),     # other key-management gaps too
    (4, 2, True, "1.5"),
    (2, 1, True, "1"),      # levels 1-2: always 1
])
def test_rk(level: int, module: int, sound: bool, rk: str) -> None:
    assert scoring.rk_for(level, module, sound) == D(rk)


@pytest.mark.parametrize("total,high,problems,expected", [
    (D(100), 0, 0, "符合"),
    (D("95.00"), 1, 1, "不符合"),      # high risk is a veto
    (D("59.99"), 0, 3, "不符合"),      # below the threshold
    (D("60.00"), 0, 3, "基本符合"),
    (D(100), 0, 1, "基本符合"),        # a problem that does not move the score
])
def test_verdict(total: D, high: int, problems: int, expected: str) -> None:
    assert scoring.verdict(total, high_risk=high, problems=problems) == expected


@pytest.mark.parametrize("total,high,missing,best,expected", [
    # an unreachable endpoint scores 0 but is no evidence: neither 符合 nor 基本符合 (review r18d finding 10)
    (D("73.78"), 0, 6, D("100.00"), "证据不足，无法判定"),
    (D("100.00"), 0, 1, D("100.00"), "证据不足，无法判定"),
    # what the evidence shows still decides 不符合: a high risk vetoes, and a total that full marks
    # on the missing units could not lift over the threshold
    (D("73.78"), 1, 6, D("100.00"), "不符合"),
    (D("40.00"), 0, 2, D("59.99"), "不符合"),
    # under the threshold only because evidence is missing: no conclusion
    (D("40.00"), 0, 2, D("60.00"), "证据不足，无法判定"),
])
def test_verdict_with_missing_evidence(total: D, high: int, missing: int, best: D, expected: str) -> None:
    assert scoring.verdict(total, high_risk=high, problems=missing, missing=missing, best_total=best) == expected


def test_management_judgements() -> None:
    assert [scoring.management_unit_score(j) for j in ("符合", "部分符合", "不符合", "不适用")] == [
        D(1), D("0.5"), D(0), None]
