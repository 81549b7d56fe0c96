"""Checks of what people declare in the system's crypto profile (core.crypto_profile.CryptoProfile):
item declarations for technical items no probe sees, management judgements, and key management
with the products' sample outputs recomputed (crypto_eval.kat). A missing or self-contradicting
declaration is a finding, never an exception.
"""

from __future__ import annotations

from dataclasses import replace

from govsoc.core.crypto_profile import ItemDeclaration
from govsoc.crypto_eval.catalogue import Item
from govsoc.crypto_eval.checks import CHECKS, SystemContext
from govsoc.crypto_eval.checks.key_factor import key_findings
from govsoc.crypto_eval.finding import Finding
from govsoc.crypto_eval.kat import Sample, verify_sample

__all__ = ["DeclaredItemCheck", "DeclaredManagementCheck", "DeclaredKeyManagementCheck", "DECLARED_OBJECT"]

#: The object name of findings that come from a declaration rather than from one endpoint.
DECLARED_OBJECT = "声明"


#: Items whose objects are the system's important data (GB/T 39786 8.4 d-g: its transmission and
#: storage confidentiality and integrity): 不适用 contradicts a profile declaring important data.
IMPORTANT_DATA_ITEMS = frozenset({"gbt39786.l3.8.4.d", "gbt39786.l3.8.4.e", "gbt39786.l3.8.4.f",
                                  "gbt39786.l3.8.4.g"})

#: 8.7 b) 密钥安全管理策略: what crypto.key_management declares is its evidence.
KEY_POLICY_ITEM = "gbt39786.l3.8.7.b"


def _declared_key(context: SystemContext, item: Item, scope: str, check: str) -> Finding | None:
    """A declared K ✓ the profile contradicts: K at level 3 needs a certified product of GB/T 37092
    level 2 covering the object and key management without the Annex A hazard (reference §2.1 K,
    key_factor); when the declared products and key management do not give K ✓, that K ✗ scores,
    the declaration named beside it. None: the profile bears the declaration out."""
    found = key_findings(context, item.id, DECLARED_OBJECT, scope, check)[0]
    if found.satisfied:
        return None
    return replace(found, why=f"声明 K ✓，但与资产清单的密码产品/密钥管理声明矛盾：{found.why}")


def _key_policy_contradiction(context: SystemContext, judgement: str) -> tuple[str, str, str] | None:
    """(factor, why, risk) when 8.7 b) is declared 符合/部分符合 but the profile's key management
    says otherwise: none declared is missing evidence, keys stored in plaintext (Annex A) is 不符合."""
    km = context.system.crypto.key_management if context.system.crypto else None
    if km is None:
        return ("MISSING", f"声明{judgement}，但资产清单未声明密钥管理（crypto.key_management）："
                           "密钥安全管理策略缺少证据", "中")
    if km.keys_in_plaintext:
        return ("J", f"声明{judgement}，但资产清单声明密钥明文存储（附录A 密钥管理严重隐患）：判为不符合", "高")
    return None


def _declaration_findings(context: SystemContext, item: Item, decl: ItemDeclaration | None,
                          check: str, management: bool, scope: str = "") -> list[Finding]:
    def f(factor: str, satisfied: bool, why: str, **kw: object) -> Finding:
        return Finding(item=item.id, clause=item.clause, system=context.name, object=DECLARED_OBJECT, check=check,
                       factor=factor, satisfied=satisfied, observed=decl.evidence if decl else "",  # type: ignore[arg-type]
                       why=why, provenance="declared", **kw)  # type: ignore[arg-type]

    if decl is None:
        return [f("MISSING", False, "未声明：需人工提供该测评单元的证据", risk="中")]
    if decl.judgement == "不适用":
        data = context.system.crypto.important_data if context.system.crypto else []
        if item.id in IMPORTANT_DATA_ITEMS and data:
            said = "、".join(data)
            return [f("MISSING", False, f"声明不适用，但资产清单声明了重要数据（crypto.important_data：{said}）："
                                        "该条款的对象存在，不适用不成立，按未提供证据计", risk="中")]
        if not decl.na_reason:
            return [f("MISSING", False, "声明不适用但未说明理由（应在密码应用方案中论证）",
                      risk="中")]
        if item.strength == "shall":
            # a 应 item is 不适用 only when its object does not exist (no remote administration for
            # 8.3 b, no legal-liability use for 8.4 h): the 量化评估规则 leaves 不适用 units out of the
            # score; whether the object is absent is the evaluator's to confirm (review R16 HIGH 2)
            return [f("NA", True, f"不适用：{decl.na_reason}"),
                    f("INFO", False, f"“应”条款（{item.clause}）声明不适用（{decl.na_reason}）：仅当该条款的对象"
                                     "不存在时成立，需测评人员现场确认；存在该对象时按未提供证据计", risk="中")]
        return [f("NA", True, f"不适用：{decl.na_reason}")]
    if not management and (decl.d is not None or decl.a is not None or decl.k is not None):
        out = []
        for factor, value in (("D", decl.d), ("A", decl.a), ("K", decl.k)):
            if value is None:
                out.append(f("MISSING", False, f"未声明 {factor}", risk="低"))
            elif value and not decl.evidence.strip():
                out.append(f("MISSING", False, _BARE.format(said=f"{factor} ✓"), risk="中"))
            elif factor == "D" and not value and item.high_risk is not None:
                out.append(f("D", False, _high_risk_why(item, "声明 D ✗"), risk="高", high_risk=True))
            elif factor == "K" and value:
                out.append(_declared_key(context, item, scope, check) or f("K", True, "声明 K ✓"))
            else:
                out.append(f(factor, value, f"声明 {factor} {'✓' if value else '✗'}",
                             bits=None if value or factor != "A" else 128, risk=None if value else "中"))
        return out
    if decl.judgement is None:
        return [f("MISSING", False, "声明既无判定也无D/A/K", risk="中")]
    ok = decl.judgement == "符合"
    if decl.judgement in ("符合", "部分符合") and not decl.evidence.strip():
        return [f("MISSING", False, _BARE.format(said=decl.judgement), risk="中")]
    if item.id == KEY_POLICY_ITEM and decl.judgement in ("符合", "部分符合"):
        contradiction = _key_policy_contradiction(context, decl.judgement)
        if contradiction is not None:
            factor, why, risk = contradiction
            return [f(factor, False, why, risk=risk, judgement="不符合" if factor == "J" else None)]
    if decl.judgement == "不符合" and not management and item.high_risk is not None:
        return [f("J", False, _high_risk_why(item, "声明不符合"), judgement=decl.judgement, risk="高",
                  high_risk=True)]
    return [f("J", ok, f"声明{decl.judgement}", judgement=decl.judgement, risk=None if ok else "中")]


#: A ✓ or 符合 declared with no evidence: a person's word alone scores nothing (review R16 finding 7;
#: compensations and mitigations without a justification or acceptor are refused likewise).
_BARE = "声明{said}但未提供证据（evidence 为空）：人工声明须附证据（文件、记录、测评材料），按未提供证据计"


def _high_risk_why(item: Item, said: str) -> str:
    """A declared failure of an item the 高风险判定指引 (2021) lists: the person says cryptography is
    not used or not effective for it, which is the guide's condition itself (reference §3: 'no
    crypto used', 'mechanism incorrect/ineffective'), so the declaration raises the high risk."""
    assert item.high_risk is not None
    return f"{said}：符合高风险判定指引的情形（{item.high_risk.condition}），判为高风险"


def _declarations(context: SystemContext) -> dict[str, ItemDeclaration]:
    return dict(context.system.crypto.declarations) if context.system.crypto else {}


@CHECKS.register("declared.item")
class DeclaredItemCheck:
    """Technical items from declarations (physical, device, storage, ... what no probe can see)."""

    def __init__(self, context: SystemContext) -> None:
        self.context = context

    def evaluate(self, evidence: object) -> None:
        """Declarations are in the context; evidence is not needed."""

    def finalize(self) -> list[Finding]:
        """One or more findings per technical item that names this check."""
        declared = _declarations(self.context)
        out: list[Finding] = []
        for layer in self.context.catalogue.layers:
            if layer.kind != "technical":
                continue
            for item in layer.items:
                if "declared.item" in item.checks:
                    out += _declaration_findings(self.context, item, declared.get(item.id), "declared.item", False,
                                                 layer.id)
        unknown = sorted(set(declared) - {i.id for i in self.context.catalogue.items()})
        for ident in unknown:
            out.append(Finding(item=ident, clause="-", system=self.context.name, object=DECLARED_OBJECT,
                               check="declared.item", factor="INFO", satisfied=False, observed=ident,
                               why="声明的测评单元不在目录中（拼写错误？）", provenance="declared", risk="低"))
        return out


@CHECKS.register("declared.management")
class DeclaredManagementCheck:
    """Management items (8.5-8.8): judged directly from what a person declares."""

    def __init__(self, context: SystemContext) -> None:
        self.context = context

    def evaluate(self, evidence: object) -> None:
        """Declarations are in the context."""

    def finalize(self) -> list[Finding]:
        """One finding per management item."""
        declared = _declarations(self.context)
        return [f for layer in self.context.catalogue.layers if layer.kind == "management"
                for item in layer.items
                for f in _declaration_findings(self.context, item, declared.get(item.id), "declared.management",
                                               True)]


@CHECKS.register("declared.key_management")
class DeclaredKeyManagementCheck:
    """Key management and products: a declared key lifecycle, certified products, and sample
    outputs that recompute (a product whose SM3/SM4/SM2 outputs are wrong is not doing SM)."""

    ITEM = KEY_POLICY_ITEM
    STAGES = ("生成", "存储", "分发", "导入导出", "使用", "备份恢复", "归档", "销毁")

    def __init__(self, context: SystemContext) -> None:
        self.context = context

    def evaluate(self, evidence: object) -> None:
        """Declarations are in the context."""

    def _f(self, obj: str, why: str, observed: str = "", risk: str = "中", high: bool = False,
           satisfied: bool = False) -> Finding:
        item = self.context.catalogue.item(self.ITEM)
        return Finding(item=self.ITEM, clause=item.clause, system=self.context.name, object=obj,
                       check="declared.key_management", factor="INFO", satisfied=satisfied, observed=observed,
                       why=why, provenance="declared", risk=risk, high_risk=high)  # type: ignore[arg-type]

    def finalize(self) -> list[Finding]:
        """Findings on key management and products."""
        profile = self.context.system.crypto
        if profile is None:
            return [self._f("密码应用", "该三级系统未声明密码应用情况")]
        out = []
        km = profile.key_management
        if km is None:
            out.append(self._f("密钥管理", "未声明密钥管理"))
        else:
            if km.keys_in_plaintext:
                out.append(self._f("密钥管理", "密钥明文存储（附录A 密钥管理严重隐患）",
                                   observed=km.storage or "", risk="高", high=True))
            missing = [s for s in self.STAGES if s not in km.lifecycle]
            if missing:
                out.append(self._f("密钥管理", f"未声明的密钥生命周期环节：{', '.join(missing)}", risk="低"))
        if not profile.products:
            out.append(self._f("密码产品", "未声明密码产品"))
        for product in profile.products:
            if not product.certificate_no:
                out.append(self._f(product.name, "未声明商用密码产品认证证书编号", risk="高"))
            for sample in product.samples:
                ok, why = verify_sample(Sample(algorithm=sample.algorithm, output=sample.output, input=sample.input,
                                               key=sample.key, public_key=sample.public_key, user_id=sample.user_id))
                out.append(self._f(product.name, f"样例 {sample.algorithm}：{why}", observed=sample.output[:64],
                                   risk="低" if ok else "高", high=not ok, satisfied=ok))
        return out
