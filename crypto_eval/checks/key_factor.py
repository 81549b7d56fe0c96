"""The K factor (密钥管理安全性) of an object from the declared products and key management.

K ✓ needs a product that covers the object (its ``used_for`` names the layer, the item or the
endpoint), holds a 商用密码产品认证证书 and reaches GB/T 37092 level 2 (level 3 systems), and key
management without the Annex A hazard of plaintext keys. A level-1 module with otherwise sound
key management is K ✗ with Rk = 1.2 (量化评估规则 2023 Table 3, at the level of the requirements
scored, the catalogue's: a level-2 system scored against level 3 gets level 3's Rk).

What a probe saw outranks the declaration: a channel whose algorithms are not the SM ones a
certified product implements (AES, RSA, SHA-1 ... in its TLS or SSH) is not protected by that
product, whatever ``used_for`` says, so its keys are not managed by it: K ✗ (unless the product
itself declares those algorithms).
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from govsoc.core.crypto_profile import CryptoProduct
from govsoc.crypto_eval.algorithms import Assessment
from govsoc.crypto_eval.checks import SystemContext
from govsoc.crypto_eval.finding import Finding
from govsoc.crypto_eval.scoring import rk_for

__all__ = ["key_findings", "covering_products"]


def covering_products(context: SystemContext, item_id: str, obj: str, scope: str) -> list[CryptoProduct]:
    """Declared products whose ``used_for`` names this scope (layer), item or object."""
    profile = context.system.crypto
    if profile is None:
        return []
    return [p for p in profile.products if {scope, item_id, obj} & set(p.used_for)]


def _not_the_products(seen: Sequence[Assessment], products: Sequence[CryptoProduct]) -> list[str]:
    """Algorithms a probe saw on the object that none of the covering products declares (a product
    without an ``algorithms`` list is a 商用密码 product: SM algorithms only)."""
    declared = [a.lower() for p in products for a in p.algorithms]
    return list(dict.fromkeys(a.name for a in seen if a.klass in ("strong", "weak")
                              and not any(name in a.name.lower() for name in declared)))


def key_findings(context: SystemContext, item_id: str, obj: str, scope: str, check: str,
                 seen: Sequence[Assessment] = ()) -> list[Finding]:
    """One K finding for the object; ``seen``: the algorithms a probe observed on it."""
    item = context.catalogue.item(item_id)
    profile = context.system.crypto
    products = covering_products(context, item_id, obj, scope)

    def k(satisfied: bool, observed: str, why: str, rk: Decimal | None = None, risk: str | None = None,
          high: bool = False) -> list[Finding]:
        return [Finding(item=item_id, clause=item.clause, system=context.name, object=obj, check=check, factor="K",
                        satisfied=satisfied, observed=observed, why=why, provenance="declared", rk=rk,
                        risk=risk, high_risk=high)]  # type: ignore[arg-type]

    if not products:
        return k(False, f"{scope} 未声明密码产品", "该对象未声明获得认证的密码产品，"
                 "无法证明密钥管理安全", risk="中")
    names = ", ".join(p.name for p in products)
    uncertified = [p.name for p in products if not p.certificate_no]
    if uncertified:
        return k(False, names, f"密码产品无商用密码产品认证证书：{', '.join(uncertified)}", risk="高",
                 high=scope == "network")
    foreign = _not_the_products(seen, products)
    if foreign:
        return k(False, f"{names}; 探测到：{', '.join(foreign[:4])}",
                 "探测到的密码算法并非所声明的获得认证的密码产品所实现：该对象的密钥不由该产品管理", risk="中")
    km = profile.key_management if profile else None
    if km is not None and km.keys_in_plaintext:
        return k(False, names, "密钥明文存储（附录A 密钥管理严重隐患）", risk="高", high=True)
    levels = [p.module_level for p in products if p.module_level is not None]
    if not levels:
        return k(False, names, "未声明密码产品的GB/T 37092安全等级", risk="中")
    level = min(levels)
    if level >= 2:
        return k(True, f"{names} (GB/T 37092 level {level})", "获得认证的密码产品，安全等级二级及以上")
    sound = km is not None and km.keys_in_plaintext is False
    return k(False, f"{names} (GB/T 37092 level {level})", "密码模块低于GB/T 37092二级",
             rk=rk_for(context.catalogue.level, level, sound), risk="中")
