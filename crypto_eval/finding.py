"""Findings of 密评 checks: one observation about one evaluation object of one catalogue item.

A finding says which factor it bears on (D 密码使用有效性, A 算法/技术合规性, K 密钥管理安全性,
J a direct judgement for management items, NA 不适用, MISSING evidence not available, INFO a note
that does not move the score, such as a declaration a probe contradicts), whether
that factor is satisfied, what was observed, why it matters, the clause it cites, its risk and
where it came from (auto = an active probe, passive = traffic, declared = a person's declaration).
crypto_eval.assess turns the findings of an object into its D/A/K and score.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal

__all__ = ["Finding", "Factor", "Risk", "Provenance"]

Factor = Literal["D", "A", "K", "J", "NA", "MISSING", "INFO"]
Risk = Literal["高", "中", "低"]
Provenance = Literal["auto", "passive", "declared"]


@dataclass(frozen=True, slots=True, kw_only=True)
class Finding:
    """One evidence-bearing observation (STYLE: rule or clause, observed value, why)."""

    item: str
    clause: str
    system: str
    object: str
    check: str
    factor: Factor
    satisfied: bool
    observed: str
    why: str
    provenance: Provenance = "auto"
    risk: Risk | None = None
    high_risk: bool = False
    bits: int | None = None         # A ✗: security strength of the weakest algorithm (sets Ra)
    rk: Decimal | None = None       # K ✗: 1.2 when a level-1 module is the only gap (sets Rk)
    judgement: str | None = None    # J: 符合 / 部分符合 / 不符合

    def to_json(self) -> dict[str, Any]:
        """The finding as JSON-ready values."""
        out: dict[str, Any] = {k: getattr(self, k) for k in self.__slots__}
        out["rk"] = None if self.rk is None else str(self.rk)
        return {k: v for k, v in out.items() if v is not None}
