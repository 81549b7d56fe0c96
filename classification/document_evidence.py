"""When a bare number under a heading naming any document is a Taiwan permit (stage:
classification; R15x-2, after R15t-3; F15h).

A 台湾居民来往大陆通行证 (台胞证) number is 8 digits (+ 2 renewal digits): no letter, no check
character. Under its own heading (台胞证号, twtxz) that is enough. Under a heading naming any
document (证件号码, 证照号码, zjhm: recognizers.documents._ANY_DOCUMENT) the same 8 digits may be a
business licence or permit number (证照号码 of a company register), a staff number (2023xxxx), a
date (yyyymmdd) or a sequence number, and read as permits they made a G1 column G3 and a table G4.

Which way to lean depends on whose document the heading names. A heading of licences (证照号码,
证照编号, zzhm: a company register's) needs evidence that its 8 digits are permits:

- the table's (or file's) name says its people are Taiwan residents (台胞信息, 台湾居民登记);
- the table holds a document-type column (证件类型, zjlx, cert_type ...) naming the Taiwan permit
  (台湾居民来往大陆通行证, 台胞证) in one of its values (:func:`said_by_type_column`);
- or the column mixes them with other documents (passports, HK/Macau permits): a register of
  foreigners and HK/Macau/Taiwan residents, which ``ColumnClassifier._documents`` counts together.

A heading of a person's identity document (证件号码, 证件号, zjhm, zjh, cert_no) holds permits: its 8
digits are taken as such unless the values themselves say otherwise (:func:`said_by_column`): most
of them are calendar dates, they fill a dense run (staff or sequence numbers), or the heading also
says they are numbered (工号, 编号). A register of Taiwan residents under a bare 证件号码 graded G2
is a grade too low, the worse error; a column of staff numbers graded G3 the lesser one.

Alone, the other document shapes keep their letter (E, G, H, M, C, T, L) and stay as they were.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import Final

from govsoc.classification.column_sample import ColumnSample

__all__ = ["TAIWAN_PERMIT", "said_by_type_column", "said_by_column", "bare_permits", "mixed_documents", "MIXED_SHARE",
           "DATE_SHARE", "DENSE_MIN", "DENSE_BLOCK"]

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


#: Headings of a business's licences and certificates (证照号码, 证照编号; zzhm, its pinyin initials):
#: their 8 digits are Taiwan permits only with the evidence of said_by_type_column.
_LICENCE_WORDS: Final = ("证照",)
_LICENCE_TOKENS: Final = frozenset({"zzhm", "zzh", "zzbh"})
#: Headings of a person's identity document (证件号码, zjhm): a heading naming both (证件/证照号码) is
#: read as this one, whose grade too low would be the worse error. Every other heading of
#: _ANY_DOCUMENT is one too (cert_no: Alipay's and many a 政务 API's field for a person's ID number).
_PERSON_WORDS: Final = ("证件",)
_PERSON_TOKENS: Final = frozenset({"zjhm", "zjh", "zjzhm"})
#: Words of a heading saying its numbers are assigned in a series, not a document's: 证件号码(工号),
#: zjhm_bh. Pinyin initials as headings write them (gh 工号, bh 编号, xh 序号/学号, lsh 流水号).
_NUMBERED_WORDS: Final = ("工号", "编号", "序号", "流水号", "学号", "考号", "员工", "职工", "工作证", "准考证")
_NUMBERED_TOKENS: Final = frozenset({"gh", "bh", "xh", "lsh", "gonghao", "bianhao", "xuhao", "staff", "emp",
                                     "employee", "seq", "serial", "sn"})
#: Share of a column's 8-digit numbers that must be calendar dates (yyyymmdd, 1900-01-01 to 2100-12-31)
#: for the column to be dates. Random 8 digits are such a date about 7 times in 10,000 (2 % of the
#: years, 12 % of the months, ~30 % of the days), real permit numbers as rarely: 8 in 10 leaves a
#: dated column its typos (20231301) and placeholders (00000000), and no real register of permits
#: comes near it.
DATE_SHARE: Final = 0.8
#: Fewest distinct numbers a column needs before their density speaks: under it a family's or a
#: group's permits, issued together, may follow each other.
DENSE_MIN: Final = 20
#: A dense run: the 90th percentile of the gaps between a column's sorted distinct numbers, times
#: their count, at most this. For numbers picked at random from a block of B, that product is about
#: 2.3 B (the gaps are near exponential), whatever their count; the 90th percentile, not the whole
#: span, so that a few jumps (2019xxxx beside 2023xxxx) leave a run a run. Staff numbers 2023xxxx
#: (a block of 10,000) give 11,000 to 36,000 for 20 to 300 of them, a sequence its count; permits,
#: spread over 10^8 numbers, give ~2 x 10^8, and even 20 to 300 permits out of one stretch of
#: 100,000 give 110,000 or more (/work/findings/F15h/dense_sim.py): 50,000 sits between, twice
#: away from the nearest permits, since a grade too low is the worse error.
DENSE_BLOCK: Final = 50_000


def _says(words: Sequence[str], tokens: frozenset[str], joined: str, token_words: frozenset[str]) -> bool:
    return any(w in joined for w in words) or bool(tokens & token_words)


def _numbers(values: Iterable[str]) -> list[str]:
    """The values that are a Taiwan permit's shape, 8 digits (+ 2 renewal digits), as 8 digits."""
    return [v[:8] for v in (v.strip() for v in values) if v.isascii() and v.isdigit() and len(v) in (8, 10)]


def _is_date(number: str) -> bool:
    year, month, day = int(number[:4]), int(number[4:6]), int(number[6:8])
    try:
        return 1900 <= year <= 2100 and date(year, month, day) is not None
    except ValueError:
        return False


def _dense(numbers: Sequence[str]) -> bool:
    """Whether the numbers fill a dense run (staff or sequence numbers): see DENSE_BLOCK."""
    distinct = sorted({int(n) for n in numbers})
    if len(distinct) < DENSE_MIN:
        return False
    gaps = sorted(b - a for a, b in zip(distinct, distinct[1:], strict=False))
    return gaps[int(0.9 * (len(gaps) - 1))] * len(distinct) <= DENSE_BLOCK


def said_by_column(tokens: frozenset[str], joined: str, values: Sequence[str]) -> frozenset[str]:
    """``{"cn_taiwan_permit"}`` when the column's heading (``tokens`` and ``joined``, as
    columns.name_tokens gives them) names a person's identity document, not a licence, and its
    values do not say they are something else: most of them dates (DATE_SHARE), a dense run
    (DENSE_BLOCK), or the heading numbered (工号, 编号); else empty (F15h)."""
    if _says(_LICENCE_WORDS, tokens, joined, _LICENCE_TOKENS) and not _says(_PERSON_WORDS, tokens, joined,
                                                                          _PERSON_TOKENS):
        return frozenset()  # 证照号码: a company register's licences need evidence (R15x-2)
    if _says(_NUMBERED_WORDS, tokens, joined, _NUMBERED_TOKENS):
        return frozenset()
    numbers = _numbers(values)
    if not numbers or sum(map(_is_date, numbers)) >= DATE_SHARE * len(numbers) or _dense(numbers):
        return frozenset()
    return frozenset({TAIWAN_PERMIT})


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
