"""Quantitative scoring per 商用密码应用安全性评估量化评估规则 2023 版 (shared/reference/crypto-eval.md §2).

Object score from D (密码使用有效性), A (算法/技术合规性) and K (密钥管理安全性) with the Ra and
Rk factors (Tables 1-3); compensation B' = max(0.5·P_A, P_B); unit score = mean of applicable
objects; layer score = Σw·S / Σw over applicable units; total = 70 × technical + 30 × management
(layer weights 10/20/10/30 and 8/8/8/6, re-normalised over applicable layers). Decimal arithmetic,
rounded half-up only where the rules round: objects, units and layers to 4 places, the total to 2.
Not-applicable (不适用) parts leave numerator and denominator; a group with nothing applicable
has no defined total (None: a person must decide). The verdict: any high-risk problem or a total
below the threshold (60 [U]) is 不符合; 100 with no problem is 符合; otherwise 基本符合.

Missing evidence (an endpoint that did not answer, an item nobody declared) scores 0 but is no
finding: 密评 practice (GB/T 43206-2023 测评过程指南: a conclusion rests on the evidence gathered;
an item that could not be tested is recorded as such, not passed) gives no 符合 or 基本符合 while a
scored item lacks evidence. Such a system is 证据不足，无法判定 (INCOMPLETE), unless the evidence
already decides 不符合: a high-risk finding (a veto), or a total under the threshold even with full
marks on every item that lacks evidence (``best_total``).
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import Final, Literal

__all__ = ["ra_for_bits", "rk_for", "object_score", "compensate", "unit_score", "layer_score",
           "management_unit_score", "total_score", "verdict", "Verdict", "Judgement", "q4", "q2", "INCOMPLETE"]

Verdict = Literal["符合", "基本符合", "不符合", "证据不足，无法判定"]
#: The conclusion of a system whose evidence is incomplete (see the module docstring).
INCOMPLETE: Final = "证据不足，无法判定"
Judgement = Literal["符合", "部分符合", "不符合", "不适用"]

ZERO, HALF, QUARTER, ONE = Decimal(0), Decimal("0.5"), Decimal("0.25"), Decimal(1)
TECHNICAL_SHARE, MANAGEMENT_SHARE = Decimal(70), Decimal(30)
DEFAULT_THRESHOLD = Decimal(60)


def q4(value: Decimal) -> Decimal:
    """Round to 4 decimal places, half up (四舍五入)."""
    return value.quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)


def q2(value: Decimal) -> Decimal:
    """Round to 2 decimal places, half up."""
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def ra_for_bits(bits: int) -> Decimal:
    """Table 2: Ra by the security strength of the weakest non-compliant algorithm or technique."""
    if bits >= 112:
        return ONE
    if bits >= 80:
        return HALF
    return Decimal("0.2")


def rk_for(level: int, module_level: int | None, other_key_management_sound: bool) -> Decimal:
    """Table 3: Rk. Level 3: 1.2 when the only key-management gap is a GB/T 37092 level-1 module;
    level 4: 1.5 for a level-2 module under the same condition; otherwise 1."""
    if not other_key_management_sound or module_level is None:
        return ONE
    if level == 3 and module_level == 1:
        return Decimal("1.2")
    if level == 4 and module_level == 2:
        return Decimal("1.5")
    return ONE


def object_score(d: bool, a: bool, k: bool, ra: Decimal = ONE, rk: Decimal = ONE) -> Decimal:
    """Table 1: the score of one evaluation object, in [0, 1], 4 places."""
    if not d:
        return q4(ZERO)  # A and K are not evaluated
    if a and k:
        return q4(ONE)
    if k:
        return q4(HALF * ra)
    if a:
        return q4(HALF * rk)
    return q4(QUARTER * ra * rk)


def compensate(compensating: Decimal, compensated: Decimal) -> Decimal:
    """B' = max(0.5 × P_A, P_B): object A, confirmed by an evaluator to cover B's deficiency."""
    return q4(max(HALF * compensating, compensated))


def unit_score(object_scores: Sequence[Decimal]) -> Decimal | None:
    """A unit's score: the mean of its applicable objects' scores (None when none is applicable)."""
    if not object_scores:
        return None
    return q4(sum(object_scores, ZERO) / len(object_scores))


def management_unit_score(judgement: Judgement) -> Decimal | None:
    """Management units are judged directly: 符合 1, 部分符合 0.5, 不符合 0, 不适用 None."""
    return {"符合": ONE, "部分符合": HALF, "不符合": ZERO, "不适用": None}[judgement]


def _weighted(parts: Sequence[tuple[Decimal, Decimal | None]]) -> Decimal | None:
    applicable = [(w, s) for w, s in parts if s is not None]
    weight = sum((w for w, _ in applicable), ZERO)
    if not applicable or weight == 0:
        return None
    return sum((w * s for w, s in applicable), ZERO) / weight


def layer_score(units: Sequence[tuple[Decimal, Decimal | None]]) -> Decimal | None:
    """Σ w_j·S_j / Σ w_j over applicable units ((weight, score or None for 不适用) pairs), 4 places."""
    value = _weighted(units)
    return None if value is None else q4(value)


def total_score(technical: Sequence[tuple[Decimal, Decimal | None]],
                management: Sequence[tuple[Decimal, Decimal | None]]) -> Decimal | None:
    """70 × weighted technical layers + 30 × weighted management layers, 2 places.

    None when every layer of a group is 不适用: the rules divide by zero there and define nothing.
    """
    tech, mgmt = _weighted(technical), _weighted(management)
    if tech is None or mgmt is None:
        return None
    return q2(TECHNICAL_SHARE * tech + MANAGEMENT_SHARE * mgmt)


def verdict(total: Decimal, *, high_risk: int, problems: int, threshold: Decimal = DEFAULT_THRESHOLD,
            missing: int = 0, best_total: Decimal | None = None) -> Verdict:
    """符合 / 基本符合 / 不符合 (high risk is a veto, whatever the score), or 证据不足，无法判定 when
    ``missing`` items lack evidence and ``best_total`` (those items at full marks) reaches the threshold."""
    if high_risk or (total < threshold and (not missing or (best_total is not None and best_total < threshold))):
        return "不符合"
    if missing:
        return "证据不足，无法判定"
    if total == 100 and not problems:
        return "符合"
    return "基本符合"
