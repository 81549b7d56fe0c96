"""When a bare number under a heading naming any document is a Taiwan permit (stage:
classification; R15x-2, after R15t-3).

A 台湾居民来往大陆通行证 (台胞证) number is 8 digits (+ 2 renewal digits): no letter, no check
character. Under its own heading (台胞证号, twtxz) that is enough. Under a heading naming any
document (证件号码, 证照号码, zjhm: recognizers.identity._ANY_DOCUMENT) it is not: the same 8 digits
are a business licence or permit number (证照号码 of a company register), a staff number (2023xxxx),
a date (yyyymmdd) or a sequence number, and read as permits they made a G1 column G3 and a table G4.
There, 8-digit numbers count as Taiwan permits only with evidence:

- the table's (or file's) name says its people are Taiwan residents (台胞信息, 台湾居民登记);
- the table holds a document-type column (证件类型, zjlx, cert_type ...) naming the Taiwan permit
  (台湾居民来往大陆通行证, 台胞证) in one of its values (:func:`said_by_type_column`);
- or the column mixes them with other documents (passports, HK/Macau permits): a register of
  foreigners and HK/Macau/Taiwan residents, which ``ColumnClassifier._documents`` counts together.

Alone, the other document shapes keep their letter (E, G, H, M, C, T, L) and stay as they were.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Final

from govsoc.classification.column_sample import ColumnSample

__all__ = ["TAIWAN_PERMIT", "said_by_type_column", "bare_permits", "mixed_documents", "MIXED_SHARE"]

TAIWAN_PERMIT: Final = "cn_taiwan_permit"
#: Headings of a column saying which document a row's number is.
_TYPE_HEADINGS: Final = ("证件类型", "证件种类", "证件名称", "证照类型", "证照种类", "证照名称")
_TYPE_TOKENS: Final = frozenset({"zjlx", "zjzl", "zjmc", "cert_type", "certtype", "id_type", "idtype",
                                 "doc_type", "doctype", "document_type", "documenttype", "credential_type"})
#: The Taiwan permit as a document-type column writes it (大陆居民往来台湾通行证 is the mainland
#: residents' permit, T/L + 8 digits, not this one).
_TAIWAN_WORDS: Final = ("台胞证", "台湾居民来往大陆", "来往大陆通行证", "台湾同胞")
#: A table (or file) named for Taiwan residents: its generic 证件号码 holds their permits.
_TAIWAN_TABLE_WORDS: Final = ("台胞", "台湾居民", "台湾同胞", "台湾籍")


def _type_heading(field: str, comment: str) -> bool:
    text = f"{field} {comment}"
    plain = text.replace(" ", "").replace("\u3000", "")
    return any(w in plain for w in _TYPE_HEADINGS) or text.strip().lower() in _TYPE_TOKENS


def said_by_type_column(samples: Iterable[ColumnSample]) -> frozenset[str]:
    """The bare-number documents the table says its numbers are: ``{"cn_taiwan_permit"}`` when
    its name names Taiwan residents, or a document-type column says 台湾居民来往大陆通行证 or 台胞证
    in one of its values; else empty."""
    samples = list(samples)
    if any(w in f"{s.table} {s.dataset}" for s in samples[:1] for w in _TAIWAN_TABLE_WORDS):
        return frozenset({TAIWAN_PERMIT})  # 台胞信息登记表: the table says whose documents they are
    for sample in samples:
        if _type_heading(sample.field, sample.comment) and any(
                w in v for v in sample.values if v for w in _TAIWAN_WORDS):
            return frozenset({TAIWAN_PERMIT})
    return frozenset()


def bare_permits(ident: str, named: Mapping[str, str], said: frozenset[str]) -> bool:
    """Whether ``ident``'s hits are bare 8-digit numbers with no evidence of being Taiwan permits:
    its column's heading names any document only (weak), and nothing in the table says so."""
    return ident == TAIWAN_PERMIT and named.get(ident) == "weak" and ident not in said


#: Share of a column the other documents must hold for its bare numbers to be taken in a mix.
MIXED_SHARE: Final = 0.10


def mixed_documents(docs: list[str], counts: Mapping[str, int], n: int, named: Mapping[str, str],
                    said: frozenset[str]) -> list[str]:
    """``docs`` (the documents a column's heading names) without the Taiwan permit when its bare
    numbers have no evidence (:func:`bare_permits`) and the other documents hold less than
    MIXED_SHARE of the ``n`` values: 300 business numbers are no register of documents by
    themselves, 200 of them beside 100 passports and HK/Macau permits are."""
    if TAIWAN_PERMIT not in docs or not bare_permits(TAIWAN_PERMIT, named, said):
        return docs
    others = sum(counts.get(i, 0) for i in docs if i != TAIWAN_PERMIT)
    return docs if n and others >= MIXED_SHARE * n else [i for i in docs if i != TAIWAN_PERMIT]
