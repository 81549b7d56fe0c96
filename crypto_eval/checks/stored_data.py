"""8.4 e) 重要数据存储机密性 from what classification found in stores (issue 16, passive evidence:
"plaintext sensitive data found by classification in flows or stores, linked to the systems in the
inventory by address and port"; review R16 HIGH 10).

``govsoc classify <source>`` saves the sensitive fields it recognised in a database's sampled values
(classification.inventory). A recognizer matching the stored values (身份证号, 手机号, 银行卡号 with
their check digits) means those values are stored in the clear: encrypted values match none. The
CLI (the only stage that may read both) turns each saved inventory into one ``StoredPlaintext``;
this check links it to the system whose endpoint is that store's address and port (any spelling of
the address, as probes are linked), or whose ``hosts`` / ``addresses`` hold the store's host, and
makes the store an 8.4 e) object with D ✗, high risk per the 高风险判定指引 ("important data stored
in plaintext"), naming the source, table and field (names masked by the caller) and the category.
Being observed, it outranks a declared ✓ (assess: probes outrank declarations). Only the newest
scan of a store decides, and only one within the evaluation's window (crypto-eval --days): an
older one is stated as stale evidence (INFO) and decides nothing, as the values may have been
encrypted since (review R16c 3).
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass

from govsoc.crypto_eval.checks import CHECKS, SystemContext, endpoint_key, object_name
from govsoc.crypto_eval.finding import Finding
from govsoc.crypto_eval.probes.address import same_host

__all__ = ["StoredPlaintext", "StoredPlaintextCheck", "STORED_ITEM", "INTEGRITY_ITEM"]

#: The item stored plaintext decides.
STORED_ITEM = "gbt39786.l3.8.4.e"
#: 8.4 g) 重要数据存储完整性: the store holds important data, so it is one of its objects.
INTEGRITY_ITEM = "gbt39786.l3.8.4.g"


@dataclass(frozen=True, slots=True, kw_only=True)
class StoredPlaintext:
    """Sensitive fields one classified store holds in the clear: ``source`` as saved (no
    credentials), the store's ``host`` and ``port``, and per field (table.field, category, level)."""

    source: str
    host: str
    port: int | None
    fields: tuple[tuple[str, str, str], ...]
    scanned: str = ""  # when the scan ran (ISO 8601), "" when the saved result does not say
    stale: bool = False  # older than the evaluation's window (or of no known date): stated, not deciding


@CHECKS.register("stored.plaintext")
class StoredPlaintextCheck:
    """Stores of this system where classification found sensitive values in the clear."""

    def __init__(self, context: SystemContext) -> None:
        self.context = context
        self._seen: list[tuple[str, StoredPlaintext]] = []

    def evaluate(self, evidence: object) -> None:
        if isinstance(evidence, StoredPlaintext) and evidence.fields and (obj := self._object(evidence)):
            self._seen.append((obj, evidence))

    def _object(self, store: StoredPlaintext) -> str | None:
        """The evaluation object the store is for this system (None: not this system's store)."""
        address = self.context.target_key(store.host, store.port or 0, "-", None)[0]
        known = dict(self.context.addresses)
        for e in self.context.endpoints:
            if e.port == store.port and same_host(e.host, store.host, known):
                return object_name(self.context, e)
        system = self.context.system
        named = any(same_host(h, store.host, known) for h in system.hosts)
        try:
            ip = ipaddress.ip_address(address)
            within = any(ip in net for net in system.addresses)
        except ValueError:
            within = False
        return endpoint_key(store.host, store.port) if (named or within) and store.port else (
            store.host if named or within else None)

    def finalize(self) -> list[Finding]:
        item = self.context.catalogue.item(STORED_ITEM)
        out = []
        for obj, store in self._seen:
            listed = "、".join(f"{name}（{category}，{level}）" for name, category, level in store.fields[:8])
            more = f" 等 {len(store.fields)} 个字段" if len(store.fields) > 8 else ""
            if store.stale:
                out.append(Finding(
                    item=item.id, clause=item.clause, system=self.context.name, object=obj, check="stored.plaintext",
                    factor="INFO", satisfied=False, risk="低", provenance="auto",
                    observed=f"{store.source}：{listed}{more}",
                    why=(f"过期的扫描结果：数据分类分级扫描（govsoc classify，{store.scanned or '时间未知'}）曾在 "
                         f"{store.source} 的抽样值中识别出明文敏感字段 {listed}{more}，但早于本次测评的时间窗口"
                         "（crypto-eval --days），不据此判定；需重新扫描")))
                continue
            out.append(self._integrity(obj, store, f"{listed}{more}"))
            out.append(Finding(
                item=item.id, clause=item.clause, system=self.context.name, object=obj, check="stored.plaintext",
                factor="D", satisfied=False, risk="高", high_risk=True, provenance="auto",
                observed=f"{store.source}：{listed}{more}",
                why=(f"重要数据以明文存储：数据分类分级扫描（govsoc classify）在 {store.source} 的抽样值中识别出"
                     f"敏感字段 {listed}{more}，存储值未加密"
                     "（GB/T 39786-2021 8.4 e；高风险判定指引：重要数据明文存储）")))
        return out

    def _integrity(self, obj: str, store: StoredPlaintext, listed: str) -> Finding:
        """The store as an 8.4 g) object: it holds important data (the scan found it), but whether
        a MAC or signature protects those values (HMAC-SM3, SM2) no scan of values shows, so it is
        missing evidence unless the system declares 8.4 g), whose evidence must then cover these
        fields (a note for the evaluator)."""
        item = self.context.catalogue.item(INTEGRITY_ITEM)
        crypto = self.context.system.crypto
        declared = crypto.declarations.get(INTEGRITY_ITEM) if crypto else None
        seen = f"数据分类分级扫描（govsoc classify）在 {store.source} 的抽样值中发现明文存储的重要数据 {listed}"
        if declared is not None:
            return Finding(item=item.id, clause=item.clause, system=self.context.name, object=obj,
                           check="stored.plaintext", factor="INFO", satisfied=False, risk="低", provenance="auto",
                           observed=store.source, why=f"{seen}：所声明的存储完整性保护须覆盖这些字段，需测评人员核实")
        return Finding(item=item.id, clause=item.clause, system=self.context.name, object=obj,
                       check="stored.plaintext", factor="MISSING", satisfied=False, risk="中", provenance="auto",
                       observed=store.source,
                       why=f"{seen}：其存储完整性保护（HMAC-SM3 / SM2签名）无法由扫描得知，"
                           "需提供证据（GB/T 39786-2021 8.4 g）")
