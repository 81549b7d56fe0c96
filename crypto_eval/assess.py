"""From findings to scores: each object's D/A/K, unit (item), layer and total scores, the
high-risk list and the verdict (scoring.py does the arithmetic of the 2023 rules).

Per (item, object): NA → not applicable; D ✗ → 0; D ✓ → A from the A findings (Ra from the
weakest), K from the K findings (Rk 1.2 only when every K gap carries it); a declared judgement
(J) scores 1 / 0.5 / 0. Evidence from probes outranks a declaration for the same item: the
declaration then stays as an INFO finding when it claims more than a probe saw, while a declared
✗ (a person admitting a problem) stands beside the probe's findings on every probed object, the
worse deciding. Objects without evidence score 0 and
are counted as missing evidence, which is not 不适用. High-risk findings are listed, with a
declared mitigation when the item has one, and veto the verdict unless mitigated; an item the
catalogue marks ``mitigation: "none"`` admits no mitigation (a declared one is refused, with a finding).
An evaluator-confirmed compensation between two objects (inventory ``crypto.compensations``)
raises the compensated object's score by the 2023 rule's 弥补 formula (scoring.compensate).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, replace
from decimal import Decimal

from govsoc.core.crypto_profile import Mitigation
from govsoc.crypto_eval import scoring
from govsoc.crypto_eval.algorithms import DEPRECATED_PROTOCOL
from govsoc.crypto_eval.catalogue import Item, Layer
from govsoc.crypto_eval.checks import SystemContext, endpoint_key
from govsoc.crypto_eval.checks.channels import is_admin
from govsoc.crypto_eval.checks.declared import DECLARED_OBJECT
from govsoc.crypto_eval.finding import Finding

__all__ = ["ObjectResult", "ItemResult", "LayerResult", "SystemEvaluation", "assess", "level_note"]


@dataclass(frozen=True, slots=True, kw_only=True)
class ObjectResult:
    """One evaluation object's factors and score."""

    name: str
    applicable: bool
    score: Decimal | None
    d: bool | None = None
    a: bool | None = None
    k: bool | None = None
    ra: Decimal = Decimal(1)
    rk: Decimal = Decimal(1)
    missing: bool = False
    provenance: str = "auto"


@dataclass(frozen=True, slots=True, kw_only=True)
class ItemResult:
    """One catalogue item (测评单元): its objects, score (None = 不适用) and findings."""

    item: Item
    objects: tuple[ObjectResult, ...]
    score: Decimal | None
    findings: tuple[Finding, ...]

    @property
    def missing(self) -> bool:
        """Whether some applicable object lacks evidence."""
        return any(o.missing for o in self.objects if o.applicable)


@dataclass(frozen=True, slots=True, kw_only=True)
class LayerResult:
    """One layer's items and weighted score (None = 不适用)."""

    layer: Layer
    items: tuple[ItemResult, ...]
    score: Decimal | None


@dataclass(frozen=True, slots=True, kw_only=True)
class SystemEvaluation:
    """The evaluation of one system."""

    system: str
    level: int
    layers: tuple[LayerResult, ...]
    total: Decimal | None
    verdict: str | None  # None: the total is undefined, a person must decide
    high_risk: tuple[Finding, ...]
    mitigated: tuple[tuple[Finding, str], ...]
    problems: int
    missing: int
    findings: tuple[Finding, ...]
    catalogue_level: int = 3
    level_note: str | None = None  # set when the system's 等保 level is not the catalogue's

    @property
    def level_mismatch(self) -> bool:
        """Whether the system was scored against another level's requirements than its own."""
        return self.level != self.catalogue_level


def level_note(system_level: int, catalogue_level: int) -> str | None:
    """Why a verdict does not apply when a system is scored against another level: GB/T 39786-2021
    gives each level its own chapter (第一至第四级: 第6至第9章; 通用要求 第5章) and knows no level 5."""
    if system_level == catalogue_level:
        return None
    chapter = {1: 6, 2: 7, 3: 8, 4: 9}
    own = (f"其适用要求为GB/T 39786-2021第{system_level}级（第{chapter[system_level]}章）"
           if system_level in chapter else "GB/T 39786-2021只规定第一至第四级要求，第五级系统的要求须另行确定")
    return (f"该系统定级为等保{system_level}级，本次按GB/T 39786-2021第{catalogue_level}级要求"
            f"（第{chapter.get(catalogue_level, '?')}章）评分；{own}。此得分和结论不是该系统的密评结论，仅供参考")


def _object(name: str, findings: list[Finding]) -> ObjectResult:
    scored = [f for f in findings if f.factor != "INFO"]
    provenance = "declared" if all(f.provenance == "declared" for f in scored) else "auto"
    if any(f.factor == "NA" for f in scored):
        return ObjectResult(name=name, applicable=False, score=None, provenance=provenance)
    judged = [f for f in scored if f.factor == "J"]
    factors = {x: [f for f in scored if f.factor == x] for x in "DAK"}
    if judged and not factors["D"]:
        value = scoring.management_unit_score(judged[-1].judgement or "不符合")  # type: ignore[arg-type]
        return ObjectResult(name=name, applicable=True, score=value, provenance=provenance)
    if not factors["D"]:
        return ObjectResult(name=name, applicable=True, score=scoring.q4(Decimal(0)), missing=True,
                            provenance=provenance)
    if any(not f.satisfied for f in factors["D"]):
        return ObjectResult(name=name, applicable=True, score=scoring.q4(Decimal(0)), d=False, provenance=provenance)
    a_bad = [f for f in factors["A"] if not f.satisfied]
    k_bad = [f for f in factors["K"] if not f.satisfied]
    ra = scoring.ra_for_bits(min(f.bits if f.bits is not None else 0 for f in a_bad)) if a_bad else Decimal(1)
    rk = Decimal("1.2") if k_bad and all(f.rk == Decimal("1.2") for f in k_bad) else Decimal(1)
    a, k = not a_bad and bool(factors["A"]), not k_bad and bool(factors["K"])
    missing = not factors["A"] or not factors["K"]
    return ObjectResult(name=name, applicable=True, score=scoring.object_score(True, a, k, ra, rk), d=True, a=a,
                        k=k, ra=ra, rk=rk, missing=missing, provenance=provenance)


def _declared(f: Finding) -> bool:
    """A finding from the item's declaration (object 声明), not from a probe or the key check."""
    return f.provenance == "declared" and f.object == DECLARED_OBJECT and f.check.startswith("declared.")


def _stand_in(findings: list[Finding]) -> list[Finding]:
    """Objects a probe saw nothing of keep their missing evidence: a declaration is not evidence
    for them (reference §5 design consequence (2), "auto results pre-fill, a person confirms").

    An endpoint the probe could not reach (refused, a name that does not resolve, timed out)
    showed no certificate, chain nor signature: a declared ✓ standing in for it would score a
    firewall that drops the probe, or a typo in a host name, better than an impostor's certificate,
    and listing dead endpoints would raise a system's score (issue 16 fourth review, finding 1).
    An endpoint that answered but could not be read (unknown protocol, incomplete handshake) is
    where the declaration is in doubt (a telnet port declared "SSH"). Either way the object stays
    missing evidence (scores 0, counted as missing, not 不适用) naming the endpoint and why, with the
    declaration kept as a note for the evaluator; its ✗ admissions still stand."""
    declared = [f for f in findings if _declared(f) and f.factor in ("D", "A", "K", "J")]
    seen = {f.object for f in findings if f.factor == "D" and not _declared(f)}
    unseen = sorted({f.object for f in findings if f.factor == "MISSING" and not _declared(f)} - seen)
    if not declared or not unseen:
        return findings
    admitted = [f for f in declared if not f.satisfied]
    out = list(findings)
    for obj in unseen:
        missing = next(f for f in findings if f.object == obj and f.factor == "MISSING")
        out += [replace(f, object=obj) for f in admitted]
        answered = ("端点无法连接" if _unreachable(missing) else "端点可连接但对探测无应答"
                    if "无应答" in missing.observed else "端点有应答但未能确认其密码保护")
        out.append(replace(declared[0], object=obj, factor="INFO", satisfied=False, risk="中", judgement=None,
                           high_risk=False, why=f"{answered}（{missing.why}）：人工声明未获证实，"
                                                "不作为证据计分，需测评人员现场核实"))
    return out


def _unreachable(f: Finding) -> bool:
    """A MISSING finding because the endpoint did not answer at all."""
    return "无法连接" in f.observed or "探测超时" in f.observed


#: What each kind of channel item needs listed, as the missing-evidence finding says it.
_CHANNELS = {"network": ("跨网络边界的通信信道（web门户、API、VPN网关、数据库等端点）",
                         "endpoints（boundary 为 true）"),
             "admin": ("远程管理通道（kind: admin 的端点，或SSH、Telnet端点）", "endpoints（kind: admin）")}


def _unexamined(item: Item, findings: list[Finding], context: SystemContext | None) -> list[Finding]:
    """An item judged on channels (catalogue ``channel_evidence``: 8.2 a-c, 8.3 b) of which no
    channel was probed or seen in traffic has no technical evidence: a declared ✓ is then no
    evidence (reference §5: a probe or the traffic gives it, a person declares only which channels
    there are), so the item is missing evidence naming what to list or probe, and the declaration
    stays as a note (issue 16 fifth review, finding 7: a system that lists no endpoint scored 100
    符合, and listing its one sound endpoint lowered the score). A declared ✗ (a person admitting a
    problem, D ✗ or 不符合: the score is 0 either way) and a reasoned 不适用 of a 宜/可 item still stand."""
    if item.channel_evidence is None or context is None:
        return findings
    if any(not _declared(f) and f.factor != "INFO" for f in findings):
        return findings  # a channel was probed or seen in traffic: its findings decide (_item)
    declared = [f for f in findings if _declared(f)]
    if any(f.factor == "NA" for f in declared) or any(
            (f.factor == "D" and not f.satisfied) or (f.factor == "J" and f.judgement == "不符合")
            for f in declared):
        return findings
    what, field_name = _CHANNELS[item.channel_evidence]
    listed = [endpoint_key(e.host, e.port) for e in context.endpoints
              if (is_admin(e) if item.channel_evidence == "admin" else e.boundary and not is_admin(e))]
    if listed:
        why = (f"资产清单列出的{what.split('（')[0]} {'、'.join(dict.fromkeys(listed))} 未经探测，流量中也未观察到："
               "人工声明不能代替技术证据，该测评单元缺少证据，需探测这些端点（不带 --no-probe 运行）")
    else:
        why = (f"资产清单未列出该系统的{what}，流量中也未观察到：人工声明不能代替技术证据，该测评单元缺少证据，"
               f"需在资产清单 {field_name} 中列出并探测")
    kept = [f for f in findings if not _declared(f) or f.factor in ("INFO", "MISSING")]
    notes = [replace(f, factor="INFO", satisfied=False, risk="中", judgement=None, high_risk=False,
                     why=f"人工声明（未计分，缺少技术证据）：{f.why}") for f in declared if f.factor in ("D", "J")]
    missing = Finding(item=item.id, clause=item.clause, system=context.name, object=DECLARED_OBJECT,
                      check="assess", factor="MISSING", satisfied=False, observed="", provenance="declared",
                      risk="中", why=why)
    return [*kept, *notes, missing]


def _admissions(declared: list[Finding], objects: list[str]) -> list[Finding]:
    """A person's ✗ (D/A/K ✗, or 不符合) for the item, set against every object a probe saw: the
    declaration does not say which object it concerns, and an admitted problem is never outweighed
    by an endpoint that looked fine (reference §5: what a person knows about channels and data is
    evidence a probe cannot give). The worse of the two then decides each object."""
    out = []
    for f in declared:
        if f.satisfied or f.factor not in ("D", "A", "K", "J") or (f.factor == "J" and f.judgement != "不符合"):
            continue
        why = f"人工声明：{f.why}" + (f"（{f.observed}）" if f.observed else "")
        out += [replace(f, object=obj, factor="D" if f.factor == "J" else f.factor, why=why) for obj in objects]
    return out


def _item(item: Item, findings: list[Finding], context: SystemContext | None = None) -> ItemResult:
    findings = _unexamined(item, _stand_in(findings), context)
    declared = [f for f in findings if _declared(f)]
    observed = [f for f in findings if f.factor == "D" and f.provenance != "declared"]
    if observed and declared:
        # probes outrank declarations: keep the declaration as a note when it claims more than was seen
        auto_bad = any(not f.satisfied for f in observed)
        notes = [replace(f, factor="INFO", why=f"声明与探测结果矛盾：{f.why}", risk="中")
                 for f in declared if f.factor in ("D", "J") and f.satisfied and auto_bad]
        partial = [replace(f, factor="INFO", why=f"人工声明：{f.why}", risk="中")
                   for f in declared if f.factor == "J" and f.judgement == "部分符合"]
        admitted = _admissions(declared, sorted({f.object for f in observed}))
        findings = [f for f in findings if f not in declared or f.factor in ("INFO", "NA")] + notes + partial + admitted
    by_object: dict[str, list[Finding]] = defaultdict(list)
    for f in findings:
        by_object[f.object].append(f)
    has_probed_objects = any(f.factor != "INFO" and f.object != DECLARED_OBJECT for f in findings)
    if has_probed_objects and all(f.factor in ("MISSING", "INFO") or _declared(f)
                                  for f in by_object.get(DECLARED_OBJECT, [])):
        # probes saw the objects (or the declaration already stands in for each unseen one): the
        # 声明 object is then no object of its own
        by_object.pop(DECLARED_OBJECT, None)
    objects = tuple(_object(name, fs) for name, fs in sorted(by_object.items())
                    if any(f.factor != "INFO" for f in fs))
    applicable = [o.score for o in objects if o.applicable and o.score is not None]
    if not objects:
        score: Decimal | None = scoring.q4(Decimal(0))
        objects = (ObjectResult(name="-", applicable=True, score=score, missing=True),)
    else:
        score = scoring.unit_score(applicable)
    return ItemResult(item=item, objects=objects, score=score, findings=tuple(findings))


def _compensate(context: SystemContext, scored: dict[str, ItemResult]) -> None:
    """Apply the inventory's evaluator-confirmed compensations (量化评估规则 2023, 弥补: B' =
    max(0.5 × P_A, P_B), scoring.compensate) to the objects they name, in place; each leaves an
    INFO finding with its justification, and one naming an object that does not exist is said, not
    dropped. Only the score moves: a high-risk finding of the object still needs the 高风险判定指引's
    mitigation (ItemDeclaration.mitigation) to stop vetoing the verdict."""
    for c in context.system.crypto.compensations if context.system.crypto else []:
        target, source = scored.get(c.item), scored.get(c.by_item)
        b = next((o for o in target.objects if o.name == c.object), None) if target else None
        a = next((o for o in source.objects if o.name == c.by_object), None) if source else None
        if target is None:
            continue  # not a catalogue item: nothing to score
        if b is None or a is None or a.score is None or b.score is None or not (a.applicable and b.applicable):
            why = (f"弥补关系无法适用，所指对象不是该系统的已评分测评对象：{c.object}（{c.item}）、"
                   f"{c.by_object}（{c.by_item}）")
            new_score, objects = target.score, target.objects
        else:
            after = scoring.compensate(a.score, b.score)
            why = (f"经测评人员确认的弥补：{c.by_object}（{c.by_item}，得分 {a.score}）→ max(0.5 × {a.score}, "
                   f"{b.score}) = {after}（{c.justification}；确认人：{c.confirmed_by}）")
            objects = tuple(replace(o, score=after) if o is b else o for o in target.objects)
            new_score = scoring.unit_score([o.score for o in objects if o.applicable and o.score is not None])
        note = Finding(item=c.item, clause=target.item.clause, system=context.name, object=c.object, check="assess",
                       factor="INFO", satisfied=False, observed=c.by_object, provenance="declared", risk="低", why=why)
        scored[c.item] = replace(target, objects=objects, score=new_score, findings=target.findings + (note,))


def _best_total(layers: list[LayerResult]) -> Decimal | None:
    """The total if every object that lacks evidence had scored full marks: the most the missing
    evidence could give (a total under the threshold even then is 不符合 on the evidence there is)."""
    def best(r: ItemResult) -> Decimal | None:
        if not r.missing:
            return r.score
        scores = [Decimal(1) if o.missing else o.score for o in r.objects if o.applicable]
        return scoring.unit_score([s for s in scores if s is not None])

    weighted = [(x.layer, scoring.layer_score([(r.item.weight, best(r)) for r in x.items])) for x in layers]
    return scoring.total_score([(layer.weight, score) for layer, score in weighted if layer.kind == "technical"],
                               [(layer.weight, score) for layer, score in weighted if layer.kind == "management"])


def _mitigation_text(m: Mitigation) -> str:
    """How a mitigation reads in the results: the measure, who accepted it and when."""
    return f"{m.measure}（确认人：{m.accepted_by}，{m.accepted_on.isoformat()}）"


def _deprecated(f: Finding) -> bool:
    """A high-risk finding of a weak or deprecated algorithm or technique: an A ✗ on the guide's list
    (MD5, SHA-1, RSA < 2048, SSL 2/3, TLS 1.0, SSH-1.99, ...) or a channel speaking a deprecated
    protocol (SSH-1). The 2021 high-risk guidance's 通用 conditions 密码算法 and 密码技术 admit no
    mitigation (reference §3): an item's mitigation (a VPN in front, app-layer encryption) lifts the
    item's own condition, never these (review R16c 7)."""
    return f.high_risk and not f.satisfied and (f.factor == "A" or DEPRECATED_PROTOCOL in f.why)


def assess(context: SystemContext, findings: list[Finding]) -> SystemEvaluation:
    """Score one system from its findings."""
    by_item: dict[str, list[Finding]] = defaultdict(list)
    for f in findings:
        by_item[f.item].append(f)
    scored = {item.id: _item(item, by_item.get(item.id, []), context) for layer in context.catalogue.layers
              for item in layer.items}
    _compensate(context, scored)
    layers = []
    for layer in context.catalogue.layers:
        items = tuple(scored[item.id] for item in layer.items)
        layers.append(LayerResult(layer=layer, items=items,
                                  score=scoring.layer_score([(r.item.weight, r.score) for r in items])))
    total = scoring.total_score([(x.layer.weight, x.score) for x in layers if x.layer.kind == "technical"],
                                [(x.layer.weight, x.score) for x in layers if x.layer.kind == "management"])
    declarations = context.system.crypto.declarations if context.system.crypto else {}
    catalogued = {item.id: item for item in context.catalogue.items()}
    high: list[Finding] = []
    mitigated: list[tuple[Finding, str]] = []
    refused: dict[str, Finding] = {}
    for f in findings:
        if f.high_risk:
            declared = declarations[f.item].mitigation if f.item in declarations else None
            # an accepted mitigation covers the objects it names, not every object of the item
            mitigation = _mitigation_text(declared) if declared and f.object in declared.objects else None
            item = catalogued.get(f.item)
            allowed = (item is None or item.high_risk is None or item.high_risk.mitigation.strip().lower() != "none"
                       ) and not _deprecated(f)
            if mitigation and allowed:
                mitigated.append((f, mitigation))
            else:
                high.append(f)
                if declared and not mitigation and item is not None:
                    refused.setdefault(f"{f.item} {f.object}", Finding(
                        item=f.item, clause=item.clause, system=context.name, object=f.object, check="assess",
                        factor="INFO", satisfied=False, observed=", ".join(declared.objects), provenance="declared",
                        risk="高", why="声明的缓解措施未涵盖该对象（仅适用于其所列对象），该对象的高风险不予降低"))
                elif mitigation and item is not None:  # the 高风险判定指引 admits no mitigation for this item
                    why = ("该对象的高风险来自已废弃或不安全的密码算法/技术（高风险判定指引 通用要求：密码算法、"
                           "密码技术，无缓解措施），声明的缓解措施不予采纳" if _deprecated(f) else
                           "该测评单元的高风险不可通过缓解措施降低（高风险判定指引：无缓解措施），声明的缓解措施不予采纳")
                    refused.setdefault(f"{f.item} {f.object}", Finding(
                        item=f.item, clause=item.clause, system=context.name, object=f.object, check="assess",
                        factor="INFO", satisfied=False, observed=mitigation, provenance="declared", risk="高", why=why))
    results = [r for x in layers for r in x.items]
    problems = sum(1 for r in results if r.score is not None and r.score < 1) + len(high)
    missing = sum(1 for r in results if r.missing)
    weighted = sum(1 for r in results if r.missing and r.item.weight > 0)  # what can move the total
    verdict = None if total is None else scoring.verdict(total, high_risk=len(high), problems=problems,
                                                          threshold=context.catalogue.threshold, missing=weighted,
                                                          best_total=_best_total(layers) if weighted else None)
    known = {item.id for item in context.catalogue.items()}
    everything = ([f for r in results for f in r.findings] + [f for f in findings if f.item not in known]
                  + list(refused.values()))
    return SystemEvaluation(system=context.name, level=context.system.level, layers=tuple(layers), total=total,
                            verdict=verdict, high_risk=tuple(high), mitigated=tuple(mitigated), problems=problems,
                            missing=missing, findings=tuple(everything), catalogue_level=context.catalogue.level,
                            level_note=level_note(context.system.level, context.catalogue.level))
