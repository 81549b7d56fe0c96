"""Decisions per column or field (stage: classification; shared/reference/classification.md §7).

A column is judged on a sample of its non-null values, cells saying nothing is there (无, /, NULL:
placeholders.py) left out as blank ones are (up to 1,000 by default, as AWS SDPS and
Huawei DBSS do; ``govsoc classify --sample N`` judges up to N) together with its name, its comment
and its table's name as context (Google DLP's ``windowBefore = 1`` hotword on the header, Macie's
column-name keywords). Per recognizer:

==========================  =========================================================
kind of recognizer          tagged when
==========================  =========================================================
check character backed      >= 3 hits (or all, if fewer values), whatever their share
                            of the column; >= 0.02 of it when the name says so; and,
                            either way, hits far above chance among the distinct
                            candidates (below: without a name, 4 of 4 at least, 3 of
                            3 ID numbers; with
                            one, 2 of 2)
shape only                  hit ratio >= 0.30; >= 0.10 when the name says so
context only (names, ...)   the name says so and hit ratio >= 0.50 (or a keyword in
                            the value says so: 申请人黄伟芳, 联系人李四)
==========================  =========================================================

A check character passes by chance in a share of the numbers of a recognizer's form
(:attr:`Recognizer.CHANCE`: Luhn 1 in 10 of random digit runs with an issuer's prefix, GB 11643
MOD 11-2 1 in 11 of 办件编号 = 区划代码 + date + sequence): a column of random 16-19-digit order
numbers has ~10 % Luhn hits (R15-2). So the hits are counted per candidate, not per value: each
distinct number of the form, meeting all that ``validate`` asks but the check
(:meth:`Recognizer.candidates`: issuer prefix and length and no ID number's form for a card; region
and real date of birth for an ID number), placeholders (one digit repeated) and repeats left out.
A cell listing seven order numbers is seven candidates, not one value with a 52 % chance of a hit
(R15b-2); a payload's timestamp or an ID number is no card candidate, and cannot outweigh the
cards beside it (R15b-1). The hits must be at least :data:`CHANCE_TIMES` the chance rate and so
many that chance gives as many less than :data:`ALPHA` of the time (binomial tail; ALPHA_NAMED
when the name says so). It is the count of validated numbers against chance that decides, not
their share of the column: 84 ID numbers in the 情况说明 of 1,000 rows (1 in 12) are 84 people's,
and a larger sample finds more of them, never fewer (R15e-2). A column whose name says so but
whose hits fail that is ``suspected``, for review; unless its candidates are spreadsheet numbers
(15 significant digits kept: the check character lost, R15b-19), which a column whose name says
so is tagged with, saying why.

A name that says so with no value evidence (empty, hashed or encrypted columns) gives a
``suspected`` decision for review. Ambiguous abbreviations (xm 姓名/项目, dz 地址/电子,
kh 卡号/客户, dh 电话/单号) are weak: they enable context-only recognizers but never tag alone.
A name one of whose whole words says record numbers (单号, 订单号, order_no, ddh: record_names; not
黑名单号码 nor order_notify_mobile) and which names no phone (手机, 电话, mobile, sjh, lxdh) tells
against the mobile, whose form an 11-digit order number has (R15at-9): values passing as mobiles
there are ``suspected``, with masked examples, never tagged; 编号 and bh alone are no such word (a
会员编号 is often the member's mobile: RRR15aw-1).
Among candidates the one with a passing check character wins, then the name match, then the
higher ratio, then the stricter validation (scanner.PRIORITY); the others stay as runners-up, and
each of them, having passed its own bar, is a kind the column holds too (grading.column_kinds).
Each decision carries a confidence and a reason a person can check.

A field name can be data (a JSON object keyed by phone numbers, the first row of a CSV file without
a header): names are shown masked like values, in the decision, its reason and everything built on
it. Every recognizer that needs no context masks what it finds in the name; and when the name does
not name the column's kind but holds one of the column's own values (张伟 heading a column of
names), the column's recognizer masks it as well.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Final, Literal

from govsoc.classification.cell_names import cell_names
from govsoc.classification.column_sample import ColumnSample
from govsoc.classification.document_evidence import bare_permits, mixed_documents, said_by_column, said_by_type_column
from govsoc.classification.identifier_names import is_field_word, is_person_name
from govsoc.classification.invisible import INVISIBLE, visible
from govsoc.classification.lone_checks import (
    binomial_tail,
    counts_alone,
    lone_beyond_chance,
    min_hits,
    minors_by_birth_date,
    whole_column_changes,
)
from govsoc.classification.masking import mask
from govsoc.classification.pinyin_names import PERSON_HEADINGS, column_name_value
from govsoc.classification.placeholders import is_placeholder
from govsoc.classification.recognizer import Match, Recognizer, masked_text, normalize
from govsoc.classification.recognizers.documents import DOCUMENTS
from govsoc.classification.recognizers.identity import MINOR
from govsoc.classification.recognizers.sensitive import PEOPLE_ONLY, about_people
from govsoc.classification.record_names import AMBIGUOUS, ORDER_WORDS, records
from govsoc.classification.role_names import NAME_SHARE, is_role_heading, name_share
from govsoc.classification.scanner import PRIORITY, Scanner
from govsoc.classification.spreadsheet_values import as_written

__all__ = ["ColumnSample", "ColumnDecision", "ColumnClassifier", "name_tokens", "SAMPLE_SIZE"]

SAMPLE_SIZE: Final = 1000
#: The recognizer whose numbers other kinds may be (a 社会保障号码 is one): R15d-29.
_RESIDENT_ID: Final = "cn_resident_id"
#: The recognizer whose names may be written in Latin letters too (R15e-14).
_PERSON: Final = "cn_person_name"
#: Identifiers a name stands beside in a list line's cell (袁春 330802…: cell_names, R15i-11).
_BESIDE_NAMES: Final = ("cn_resident_id", "cn_mobile")
#: Path separators of a field name (JSON paths): each segment is scanned alone.
_SEGMENTS: Final = re.compile(r"(\.|\[\])")
#: A bracketed remark in a field name: 收件人号码(运单号), 手机号【下单人】.
#: No opening bracket inside: an unclosed one then fails at the next, in linear time (RRR15bd-5).
_REMARKS: Final = re.compile(r"[(\[【（][^(\[【（)\]】）]*[)\]】）]")
STRONG_RATIO_NAMED: Final = 0.02
#: A checksum recognizer's hits must be at least this many times its check's chance rate
#: (Recognizer.CHANCE) among its distinct candidates ...
CHANCE_TIMES: Final = 2
#: ... and chance alone must give as many so rarely (binomial tail): once in 10,000 columns, once
#: in 100 where the column's name says so.
ALPHA: Final = 1e-4
ALPHA_NAMED: Final = 1e-2
#: Every one of at least ALL_OF distinct candidates passing, where chance gives that less than ALPHA_ALL
#: of the time: 3 of 3 ID numbers (1 in 1,331, beyond their region and real date) are people's,
#: whatever the column's share; 3 of 3 Luhn candidates (1 in 1,000) stay below (R15x-5).
ALL_OF: Final = 3
ALPHA_ALL: Final = 1e-3
#: Significant digits a spreadsheet keeps of a number (Excel, IEEE 754 double): an ID number or a
#: card stored as a number loses the rest, its check character with them.
SIGNIFICANT: Final = 15
#: How often a number of more than 15 digits has only zeros after the 15th by chance (16 digits).
LOST_CHANCE: Final = 1 / 10
SHAPE_RATIO: Final = 0.30
SHAPE_RATIO_NAMED: Final = 0.10
CONTEXT_RATIO: Final = 0.50
MIN_HITS: Final = 5
#: Share of a column's values that are names for it to be suspected whatever its heading (R15f-15).
ALMOST_ALL_NAMES: Final = 0.95
EXAMPLES: Final = 3

#: Tokens that make a column named "..._name" not a person's name (accounts, products, files).
_NOT_PERSON: Final = frozenset({"user", "username", "login", "account", "product", "file", "host", "company", "org",
                                "dept", "department", "project", "item", "goods", "table", "column", "app", "domain",
                                "display", "nick", "nickname", "city", "province", "district", "street", "bank",
                                "shop", "store", "brand", "model", "device", "server", "service", "task", "job"})
#: Last tokens that make an address-, phone- or card-named column something else (ids, counts, flags).
_NOT_VALUES: Final = frozenset({"id", "type", "count", "flag", "status", "len", "length"})
Status = Literal["tagged", "suspected", "none"]


#: Spaces (ASCII, U+3000) and line breaks between two Chinese characters of a name: a form spreads
#: a heading over its cell's width (姓  名, 身 份 证 号) or breaks it in two (姓\n名, 手机\n号码, R15c-17).
_CJK_GAP: Final = re.compile(r"(?<=[\u4e00-\u9fff])\s+(?=[\u4e00-\u9fff])")


def name_tokens(*names: str) -> tuple[frozenset[str], str]:
    """Lower-case tokens of column/table names (split on '_', '-', '.', spaces, camelCase and
    digits) and the joined text (for Chinese words and multi-word keys like ``id_card``). Spaces and
    line breaks between Chinese characters are no split: 姓  名 and 姓\n名 are 姓名 (R15c-17), and
    invisible characters none: 姓\u200b名 is 姓名."""
    tokens: set[str] = set()
    parts: list[str] = []
    for name in names:
        # a heading copied from a web form or a template may hold a zero-width character (R15e-12)
        spaced = re.sub(r"([a-z])([A-Z])", r"\1_\2", _CJK_GAP.sub("", INVISIBLE.sub("", name)))
        for token in re.split(r"[^0-9A-Za-z\u4e00-\u9fff]+|(?<=[A-Za-z])(?=\d)|(?<=\d)(?=[A-Za-z])", spaced):
            if token:
                tokens.add(token.lower())
                parts.append(token.lower())
    return frozenset(tokens), "_".join(parts)


@dataclass(frozen=True, slots=True, kw_only=True)
class ColumnDecision:
    """The decision for one column: the recognizer it holds (or none), confidence, reason, counts
    and masked examples; ``runners_up`` keeps the other candidates with their ratios."""

    dataset: str
    field: str
    comment: str
    status: Status
    recognizer: str | None
    entity: str
    confidence: float
    reason: str
    sampled: int
    hits: int
    hit_ratio: float
    name_match: Literal["strong", "weak", "none"]
    masked_examples: tuple[str, ...] = ()
    runners_up: tuple[tuple[str, float], ...] = ()
    rows: int | None = None
    #: sampled values whose hit says its holder is under 14 (ID numbers: date of birth)
    minors: int = 0


@dataclass(slots=True)
class _Candidate:
    rec: Recognizer
    hits: int
    name: Literal["strong", "weak", "none"]
    examples: list[str]
    #: the recognizer's checks, when its candidates are taken with their check characters lost
    lost: _Checks | None = None


class ColumnClassifier:
    """Decides columns with one :class:`Scanner` (all recognizers by default)."""

    def __init__(self, scanner: Scanner | None = None, *, sample_size: int = SAMPLE_SIZE) -> None:
        self.scanner = scanner or Scanner()
        #: values judged per column at most (``govsoc classify --sample``: R15b-26, never capped below it)
        self.sample_size = sample_size

    def name_context(self, *names: str) -> dict[str, Literal["strong", "weak"]]:
        """Recognizer id -> how strongly the names (column, comment, table) point at it."""
        tokens, joined = name_tokens(*names)
        found: dict[str, Literal["strong", "weak"]] = {}
        for ident, rec in self.scanner.recognizers.items():
            if _says(rec.CONTEXT, tokens, _without(joined, rec.CONTEXT_EXCEPT)):
                found[ident] = "strong"
            elif _says(rec.WEAK_CONTEXT, tokens, joined):
                found[ident] = "weak"
        if "cn_person_name" in found and tokens & _NOT_PERSON:
            del found["cn_person_name"]
        parts = joined.split("_")
        if len(parts) > 1 and parts[-1] in _NOT_VALUES and not _says(("id_card", "id_no"), tokens, joined):
            found = {}  # address_id, phone_type, card_count: about the thing, not the thing
        return found

    def name_against(self, *names: str) -> frozenset[str]:
        """Recognizer ids whose NOT_CONTEXT the names (column, comment) hold: a column named
        ``version`` or ``固件版本`` holds versions, whatever share of them is an IPv4 address."""
        tokens, joined = name_tokens(*names)
        return frozenset(i for i, rec in self.scanner.recognizers.items()
                         if rec.NOT_CONTEXT and _says(rec.NOT_CONTEXT, tokens, joined))

    def shown_name(self, name: str, recognizer: str | None = None) -> str:
        """``name`` as it may be printed: what any recognizer finds in it without context masked,
        and, with ``recognizer`` (the column's kind, which the name does not name), what that one
        finds in it with context (a person's name heading a column of names). Dotted paths are
        scanned segment by segment (``by_phone.13800138000.name``: a '.' before digits is no decimal)."""
        parts = _SEGMENTS.split(name)
        shown = [self._shown_part(part, recognizer) if i % 2 == 0 and part else part for i, part in enumerate(parts)]
        return "".join(shown)

    def _shown_part(self, part: str, recognizer: str | None) -> str:
        if is_person_name(part):
            return mask("name", part)  # a heading per person (排班表 日期,黄伟芳,李娜 …): R15f-10
        recs = self.scanner.recognizers
        # a keyword gives context to what surrounds it, and never is the value (申请人, 联系人)
        # ... and a heading word shaped as a name (修改人, 母亲 after 姓名 in a reason) is no name (R15e-19)
        hits = [m for m in self.scanner.scan(part) if part[m.start:m.end] not in recs[m.recognizer].CONTEXT
                and not (m.recognizer == "cn_person_name" and is_field_word(part[m.start:m.end]))]
        if recognizer is not None:
            extra = [m for m in self.scanner.recognizers[recognizer].find(part, context=True)
                     if all(m.end <= h.start or h.end <= m.start for h in hits)]
            hits = [*hits, *extra]
        return masked_text(part, hits) if hits else part

    def decide(self, sample: ColumnSample, *, said: frozenset[str] = frozenset()) -> ColumnDecision:
        """The decision for one column (its field name shown masked, see the module docstring).
        A name that names nothing but is itself a value of a context-only kind (张伟 heading a
        column of names: a file without a header row) gives that kind its context. ``said``: the
        bare-number documents the table's document-type column names (document_evidence, R15x-2)."""
        # a cell saying nothing is there (无, /, NULL) is left out as a blank one is (R15t-1)
        filled = [v for v in sample.values if not is_placeholder(v)]
        empty = len(sample.values) - len(filled)
        if empty:
            sample = replace(sample, values=filled, places=())
        decision = self._decide(sample, {}, said)
        if decision.status != "tagged" and not self.name_context(sample.field, sample.comment):
            decision = self._by_heading(sample, decision)
        rest, rid = [v for v in sample.values if v], self.scanner.recognizers.get(_RESIDENT_ID)
        if len(rest) > self.sample_size and rid and _RESIDENT_ID not in self.name_against(sample.field, sample.comment):
            # not the sample only: R15y-5
            decision = replace(decision, **whole_column_changes(decision, rid, rest, self.sample_size))
        if empty:
            decision = replace(decision, reason=f"{decision.reason}; {empty} cells saying nothing is there"
                               " (无, /, NULL, ...) left out of the sample, as blank cells are")
        strong = decision.status == "tagged" and decision.name_match == "strong"
        # a heading word shaped as a value (修改人, 母亲: surname 修, 母) is shown as it is (R15e-19)
        word = is_field_word(sample.field) or is_role_heading(sample.field)
        shown = self.shown_name(sample.field, None if strong or word else decision.recognizer)
        if shown == sample.field:
            return decision
        return replace(decision, field=shown, reason=decision.reason.replace(f"'{sample.field}'", f"'{shown}'"))

    def _by_heading(self, sample: ColumnSample, decision: ColumnDecision) -> ColumnDecision:
        """``decision`` of a column whose heading names no kind, retried with the heading as context:
        a role or kin word (车主, 承租人, 父亲) over values nearly all names gives names theirs (R15f-15);
        a heading that is itself a value of a context-only kind (张伟, 修改人) its kind (R15e-19); a
        heading word naming no one (房号, 门牌号) none (R15f-25). Values almost all names are suspected."""
        names, n = name_share(sample.values[:self.sample_size])
        role = is_role_heading(sample.field)
        if role and n and names >= NAME_SHARE * n:
            kinds = [_PERSON]
        else:  # a heading word naming no one (房号) is no name; it may still be a kind's own word (罪名: R15f-28)
            word = is_field_word(sample.field) and not role
            kinds = [i for i, r in self.scanner.recognizers.items() if r.needs_context and not sample.field.isascii()
                     and not (word and i == _PERSON) and any(r.find(sample.field, context=True))]
        retry = self._decide(sample, dict.fromkeys(kinds, "weak")) if kinds else decision
        if retry.status == "tagged" and retry.recognizer in kinds:
            return replace(retry, reason=retry.reason.replace(f"the name '{sample.field}' may say so",
                                                              _heading_is_value(sample.field)))
        if n < MIN_HITS or names < ALMOST_ALL_NAMES * n:
            return decision
        rec = self.scanner.recognizers[_PERSON]
        examples = tuple(mask(rec.mask_rule, v.strip()) for v in sample.values if v.strip())[:EXAMPLES]
        return replace(decision, status="suspected", recognizer=_PERSON, entity=rec.entity, confidence=0.3,
                       hits=names, hit_ratio=round(names / n, 3), masked_examples=examples,
                       reason=f"{names} of {n} sampled values are people's names (a listed surname, no common, "
                              f"heading or place word) under a heading that names no person: review")

    def _decide(self, sample: ColumnSample, heading: dict[str, Literal["strong", "weak"]],
                said: frozenset[str] = frozenset()) -> ColumnDecision:
        # read as a reader sees them: a zero-width space inside an ID number hides nothing (R15b-16)
        values, scientific = as_written([v if v.isascii() or (seen := visible(v)) is None else seen[0]
                                         for v in sample.values if v][:self.sample_size])
        named = {**self.name_context(sample.field, sample.comment), **heading}
        said |= said_by_column(*name_tokens(sample.field, sample.comment), values)  # 证件号码 of permits: F15h
        counts, minors, examples = self._tally(values, named)
        if _PERSON in named:
            self._latin_names(values, counts, examples, self._says_person(sample))
        n = len(values)
        doubted, record = self._doubted(sample)
        against = self.name_against(sample.field, sample.comment) | doubted
        passing = [_Candidate(self.scanner.recognizers[i], c, named.get(i, "none"), examples[i])
                   for i, c in counts.items()
                   if i not in against and _passes(self.scanner.recognizers[i], c, n, named.get(i, "inline"))
                   and not bare_permits(i, named, said)]  # 8 digits under 证件号码 alone: R15x-2
        checks = self._checks(passing, values, named, against)
        by_chance = {i: e for i, e in checks.items() if not e.beyond_chance(named.get(i) == "strong")}
        lost = [e for i, e in by_chance.items() if named.get(i) == "strong" and e.lost_checks(n)]
        passing = [c for c in passing if c.rec.id not in by_chance]
        passing += [_Candidate(e.rec, e.lost_values, "strong", e.lost_examples, e) for e in lost]
        passing += self._in_cells(values, passing, against)
        if documents := self._documents(values, named, counts, examples, against, said):
            passing = [c for c in passing if c.rec.id not in DOCUMENTS] + documents
        if passing:
            # ties go to the stricter validation (scanner.PRIORITY), then the id: the same column
            # decides the same in every run (the hits' kinds come out of a set, in hash order)
            passing.sort(key=lambda c: (c.rec.id,))
            # a clear kind that reached its threshold before a masked one (recognizers.masked, RAW): the
            # column holds personal data in clear, whatever more of it is masked (R15x-1: 90 clear mobiles
            # beside 210 masked ones were tagged masked_cn_mobile, the clear ones left out of the finding)
            passing.sort(key=lambda c: (c.rec.checksum, getattr(c.rec, "RAW", None) is None, c.name == "strong",
                                        c.hits, PRIORITY.get(c.rec.id, 0)), reverse=True)
            best = passing[0]
            runners = tuple((c.rec.id, round(c.hits / n, 3)) for c in passing[1:])
            tagged = self._tagged(sample, best, n, runners, checks.get(best.rec.id))
            return replace(tagged, minors=max(minors[c.rec.id] for c in passing))
        strong = [i for i, how in named.items() if how == "strong"]
        chance = [i for i in strong if i in by_chance and by_chance[i].candidates]
        by_name = [i for i in strong if self.scanner.recognizers[i].BY_NAME and i not in against]
        sci = n > 0 and scientific >= 0.8 * n
        if strong and (n == 0 or _opaque(values) or chance or by_name or sci):
            rec = self.scanner.recognizers[(chance or (strong if n == 0 or sci or _opaque(values) else by_name))[0]]
            why = "values are hashed or encoded (pseudonymised?)"
            if n == 0:
                why = "no values sampled"
            elif sci:
                why = (f"{scientific} of {n} sampled values are numbers in a spreadsheet's scientific form"
                       " (1.10105E+17): the digits past those kept, check characters with them, lost by a spreadsheet")
            elif chance:
                why = by_chance[rec.id].why_chance()
            elif refused := _refused(rec, values):
                why = refused
            elif rec.BY_NAME and not _opaque(values):
                why = (f"a PIPL art. 28 category ({rec.category}) whose values need no shape; {counts[rec.id]} of {n}"
                       " sampled values are of the expected kind")
            # the date of birth a suspected ID number's shape carries still says a child holds it (RRR15bs-2)
            young = minors_by_birth_date(rec, values) if rec.id == _RESIDENT_ID else 0
            return _suspected(sample, rec, n, f"name '{sample.field}' names {rec.entity}, {why}: review", minors=young)
        if doubt := self._record_doubt(sample, n, (doubted, record), counts, examples):
            return doubt
        best_ratio = max((c for i, c in counts.items() if i not in against), default=0) / n if n else 0.0
        return ColumnDecision(dataset=sample.dataset, field=sample.field, comment=sample.comment, status="none",
                              recognizer=None, entity="", confidence=round(1.0 - best_ratio, 3), sampled=n, hits=0,
                              hit_ratio=0.0, name_match="none", rows=sample.rows,
                              reason=f"no recognizer reached its threshold on {n} sampled values"
                              + "".join(f"; {i} set aside: the name '{sample.field}' says the values are"
                                        " something else" for i in sorted(against) if counts[i]))

    def _doubted(self, sample: ColumnSample) -> tuple[frozenset[str], str | None]:
        """The recognizers of a record number's form (Recognizer.RECORD_FORM: cn_mobile) that the field name
        (:func:`_head`) does not name, with what says record numbers, when a whole word of the name does
        (record_names: 单号, order_no; not 黑名单号码, order_notify_mobile): their values are suspected, never
        tagged (R15at-9). The comment is read for record words only for a name that is nothing but initials read
        both ways (record_names.AMBIGUOUS: dh 电话 or 单号, reference §7.3), never against a name (RRR15az-1);
        a comment naming the kind by a CONTEXT word (订单联系电话, 运单号（收件人手机号）) keeps it (RRR15bd-2).
        Any of the recognizer's own words (CONTEXT or WEAK_CONTEXT: 手机, lxdh, dhhm, 联系方式, contact) wins, but where
        it only qualifies an order word right after it, the last word, which says what the column is (手机订单号,
        mobile_order_no: RRR15az-3)."""
        kinds = [i for i, r in self.scanner.recognizers.items() if r.RECORD_FORM]
        tokens, joined = name_tokens(_head(sample.field))
        found, by = (records(joined) if kinds else ()), f"the field name '{sample.field}'"
        if kinds and not found and tokens and tokens <= AMBIGUOUS:
            tokens, joined = name_tokens(_head(sample.comment))
            found, by = records(joined), f"the comment '{sample.comment}' on the field name '{sample.field}'"
        if not found:
            return frozenset(), None
        record, start, _ = found[-1]
        noted, in_comment = name_tokens(unicodedata.normalize("NFKC", sample.comment))
        doubted = []
        for i in kinds:
            rec = self.scanner.recognizers[i]
            if _says(rec.CONTEXT, noted, in_comment):
                continue  # the comment names the kind outright (订单联系电话, 用户手机号码), as a name would
            said = _last_said((*rec.CONTEXT, *rec.WEAK_CONTEXT), tokens, joined)
            if said is None or (said <= start and record in ORDER_WORDS and joined[said:start] in ("", "_")):
                doubted.append(i)
        return (frozenset(doubted), f"{by} says record numbers ('{record}')") if doubted else (frozenset(), None)

    def _record_doubt(self, sample: ColumnSample, n: int, doubted: tuple[frozenset[str], str | None],
                      counts: Counter[str], examples: dict[str, list[str]]) -> ColumnDecision | None:
        """The suspected decision of a column whose ``n`` sampled values pass as a kind of ``doubted``
        (:meth:`_doubted`: the kinds, the record word) under a name saying record numbers, or None where
        none passes its bar. The reviewer reads them, masked; the inventory keeps them (RRR15aw-1, RRR15ay-3)."""
        kinds, record = doubted
        for i in (i for i in sorted(kinds) if _passes(self.scanner.recognizers[i], counts[i], n, "inline")):
            rec = self.scanner.recognizers[i]
            return _suspected(sample, rec, n, f"{counts[i]} of {n} sampled values ({counts[i] / n:.1%}) are of the "
                              f"form of {rec.entity}, but {record}: review", hits=counts[i], name_match="none",
                              examples=examples[i])
        return None

    def _documents(self, values: Sequence[str], named: Mapping[str, str], counts: Counter[str],
                   examples: dict[str, list[str]], against: frozenset[str], said: frozenset[str]) -> list[_Candidate]:
        """A column of identity documents of several kinds (passports, HK/Macau and Taiwan permits: a
        register of foreigners under 证件号码), each below CONTEXT_RATIO or one just over it: the values
        any named one finds count together, for the one finding most (R15t-3)."""
        recs = self.scanner.recognizers
        docs: list[str] = [i for i in DOCUMENTS if i in named and i in recs and i not in against]
        docs = mixed_documents(docs, counts, len(values), named, said)  # 8 digits alone: no mix (R15x-2)
        if len(docs) < 2 or not values:
            return []
        held = sum(1 for v in values if any(any(recs[i].find(v, context=True)) for i in docs))
        best = max(docs, key=lambda i: (counts[i], i))
        if not counts[best] or held < CONTEXT_RATIO * len(values):
            return []
        return [_Candidate(recs[best], held, named[best], examples[best])]  # type: ignore[arg-type]

    def _in_cells(self, values: Sequence[str], passing: Sequence[_Candidate],
                  against: frozenset[str]) -> list[_Candidate]:
        """Names written after role, kin and status words inside free-text cells (经办人张建国核实:
        cell_names, R15i-14) when no candidate holds names already, and the PIPL art. 28 categories
        their status words say (吸毒人员, 残疾人), as a keyword in the value gives names context."""
        if _PERSON in against or any(c.rec.id == _PERSON for c in passing):
            return []
        recs = self.scanner.recognizers
        cells = cell_names(values, recs[_PERSON], [recs[i] for i in _BESIDE_NAMES if i in recs])
        if not cells.holds_names(len(values), CONTEXT_RATIO):
            return []
        kinds = {_PERSON: cells.values, **{i: c for i, c in cells.sensitive.items() if i not in against}}
        return [_Candidate(self.scanner.recognizers[i], c, "none", cells.examples) for i, c in kinds.items()
                if i in self.scanner.recognizers]

    def _tally(self, values: Sequence[str], named: Mapping[str, str]) -> tuple[Counter[str], Counter[str],
                                                                              dict[str, list[str]]]:
        """Per recognizer: the values it hits, those of them whose holder is under 14, and a few
        masked examples. A hit of another kind whose number validates as a resident ID number (a
        社会保障号码 is the 公民身份号码, Social Insurance Law art. 58; a 医保号 often is) counts for
        cn_resident_id as well: the value is one, whatever its column calls it (R15d-29)."""
        counts: Counter[str] = Counter()
        minors: Counter[str] = Counter()
        examples: dict[str, list[str]] = {}
        resident = self.scanner.recognizers.get(_RESIDENT_ID)
        for index, hits in self.scanner.scan_many(values, frozenset(named)):
            if resident is not None and all(m.recognizer != _RESIDENT_ID for m in hits):
                hits = [*hits, *_as_resident_id(resident, values[index], hits)]
            for ident in {m.recognizer for m in hits if MINOR in m.reason}:
                minors[ident] += 1
            for ident in {m.recognizer for m in hits}:
                counts[ident] += 1
                shown = examples.setdefault(ident, [])
                if len(shown) < EXAMPLES:
                    shown.append(next(m.masked for m in hits if m.recognizer == ident))
        return counts, minors, examples

    def _says_person(self, sample: ColumnSample) -> bool:
        """Whether the column's names say a person (a Chinese heading of cn_person_name, or one of
        PERSON_HEADINGS), not just ``name`` or ``xm``: under it a name in any Latin spelling counts."""
        tokens, joined = name_tokens(sample.field, sample.comment)
        rec = self.scanner.recognizers[_PERSON]
        chinese = tuple(w for w in rec.CONTEXT if not w.isascii())
        return _says(chinese, tokens, _without(joined, rec.CONTEXT_EXCEPT)) or _says(tuple(PERSON_HEADINGS), tokens,
                                                                                   joined)

    @staticmethod
    def _latin_names(values: Sequence[str], counts: Counter[str], examples: dict[str, list[str]],
                     any_spelling: bool) -> None:
        """Counts for cn_person_name, when its column's name says so, the values that are names in Latin
        letters (pinyin_names.column_name_value: ZHANG WEI, passport spelling; R15e-14). Chinese names
        are the recognizer's; a column holds one script or the other, so the counts add up."""
        shown = examples.setdefault(_PERSON, [])
        for value in values:
            if value.isascii() and column_name_value(value.strip(), any_spelling=any_spelling):
                counts[_PERSON] += 1
                if len(shown) < EXAMPLES:
                    shown.append(mask("name", value.strip()))

    def _checks(self, passing: list[_Candidate], values: Sequence[str], named: Mapping[str, str],
                against: frozenset[str]) -> dict[str, _Checks]:
        """The candidates and hits (:class:`_Checks`) of each checksum recognizer that passed its
        ratio, and of each one the name strongly says (whose checks may all be lost)."""
        recs = self.scanner.recognizers
        asked = {c.rec.id for c in passing if c.rec.checksum}
        asked |= {i for i, how in named.items() if how == "strong" and recs[i].checksum and i not in against}
        return {i: _Checks.of(recs[i], values, context=i in named) for i in sorted(asked)}

    def _tagged(self, sample: ColumnSample, best: _Candidate, n: int, runners: tuple[tuple[str, float], ...],
                checks: _Checks | None = None) -> ColumnDecision:
        rec, ratio = best.rec, best.hits / n
        if best.lost is not None:
            confidence, kind = 0.6, ""
        elif rec.checksum:
            confidence = 0.7 + 0.3 * min(1.0, ratio / 0.9)
            kind = "validated (check character)"
        elif rec.needs_context:
            confidence = 0.4 + 0.5 * ratio
            kind = "matching, with the column name as context," if best.name != "none" else \
                "matching, with a keyword in the value as context,"
        else:
            confidence = 0.5 + 0.4 * ratio
            kind = "matching"
        if best.name == "strong":
            confidence += 0.1
        said = {"strong": f"; the name '{sample.field}' says so", "weak": f"; the name '{sample.field}' may say so",
                "none": ""}[best.name]
        reason = f"{best.hits} of {n} sampled values ({ratio:.1%}) are {kind} {rec.entity}{said}"
        if best.lost is not None:
            reason = (f"{best.hits} of {n} sampled values ({ratio:.1%}) are {rec.entity} with the digits after"
                      f" the {SIGNIFICANT}th lost (stored as spreadsheet numbers?){said}")
        if checks is not None:
            reason += "; " + (checks.why_lost() if best.lost is not None else checks.why_checked())
        return ColumnDecision(dataset=sample.dataset, field=sample.field, comment=sample.comment, status="tagged",
                              recognizer=rec.id, entity=rec.entity, confidence=round(min(1.0, confidence), 3),
                              reason=reason, sampled=n, hits=best.hits, hit_ratio=round(ratio, 4),
                              name_match=best.name, masked_examples=tuple(best.examples), runners_up=runners,
                              rows=sample.rows)

    def decide_all(self, samples: Iterable[ColumnSample]) -> list[ColumnDecision]:
        """Decisions for the columns of one table, in order; a kind that is a person's only in a
        table about people (sensitive.PEOPLE_ONLY: 工资, 存款, 收入) none in a table about none (R15f-26)."""
        samples = list(samples)
        said = said_by_type_column(samples)
        decided = [self.decide(s, said=said) for s in samples]
        recs = self.scanner.recognizers
        kinds = [(d.recognizer, recs[d.recognizer].category) for d in decided if d.recognizer in recs]
        if not any(r in PEOPLE_ONLY for r, _ in kinds) or about_people(samples[0].table or samples[0].dataset, kinds):
            return decided
        return [replace(d, status="none", recognizer=None, entity="", confidence=0.5, hits=0, hit_ratio=0.0,
                        name_match="none", masked_examples=(), reason=f"{d.reason}; set aside: no column of the "
                        "table names a person nor does its name, so these are an organisation's figures")
                if d.recognizer in PEOPLE_ONLY else d for d in decided]


def _as_resident_id(resident: Recognizer, value: str, hits: Sequence[Match]) -> list[Match]:
    """The first hit in ``value`` whose number is a valid resident ID number, as ``resident``'s."""
    text = value if value.isascii() else normalize(value)
    for m in hits:
        number = text[m.start:m.end].replace(" ", "").replace("-", "").upper()
        if len(number) == 18 and number[:17].isdigit():
            why = resident.validate(number)
            if why is not None:
                return [replace(m, recognizer=resident.id, masked=resident.mask(number), reason=why)]
    return []


def _says(words: Sequence[str], tokens: frozenset[str], joined: str) -> bool:
    for word in words:
        if not word.isascii():
            if word in joined:
                return True
        elif "_" in word:
            if word in joined:
                return True
        elif word in tokens:
            return True
    return False


def _head(field: str) -> str:
    """A field name as record words are looked for in it: NFKC-folded (ＯＲＤＥＲ＿ＮＯ is ORDER_NO), and without
    its bracketed remarks where something is left (收件人号码(运单号) is a 收件人号码: RRR15az-1)."""
    folded = unicodedata.normalize("NFKC", field)
    head = _REMARKS.sub(" ", folded)
    return head if head.strip() else folded


def _last_said(words: Sequence[str], tokens: frozenset[str], joined: str) -> int | None:
    """Where in ``joined`` the last of ``words`` (as :func:`_says` reads them) that it holds ends, or None."""
    ends = [joined.rfind(w) + len(w) for w in words if (not w.isascii() or "_" in w) and w in joined]
    at = 0
    for token in joined.split("_"):
        at += len(token)
        if token in words:
            ends.append(at)
        at += 1
    return max(ends, default=None)


def _suspected(sample: ColumnSample, rec: Recognizer, n: int, reason: str, *, hits: int = 0,
               name_match: Literal["strong", "none"] = "strong", examples: Sequence[str] = (),
               minors: int = 0) -> ColumnDecision:
    """A decision for review: ``rec``'s kind, named by the column or of its values' form, not shown to be it;
    ``minors``: its values whose holder the shape says is under 14 (lone_checks.minors_by_birth_date)."""
    return ColumnDecision(dataset=sample.dataset, field=sample.field, comment=sample.comment, status="suspected",
                          recognizer=rec.id, entity=rec.entity, confidence=0.3, sampled=n, hits=hits,
                          hit_ratio=round(hits / n, 3) if n else 0.0, name_match=name_match, rows=sample.rows,
                          masked_examples=tuple(examples), reason=reason, minors=minors)


def _without(joined: str, words: Sequence[str]) -> str:
    """``joined`` with each of ``words`` (Recognizer.CONTEXT_EXCEPT: words or regular expressions,
    人脸...设备 for any device that reads faces) blanked out."""
    return re.sub("|".join(words), "_", joined) if words else joined


def _passes(rec: Recognizer, hits: int, n: int, name: str) -> bool:
    """Whether ``hits`` of ``n`` values reach the bar of ``rec`` (module docstring); ``name``: how
    strongly the column's names say so, ``inline`` where they do not (a context-only recognizer's
    hits then had a keyword in their value as context: 申请人黄伟芳, R15d-5)."""
    if n == 0 or hits == 0:
        return False
    ratio = hits / n
    if rec.needs_context:
        return name != "none" and ratio >= CONTEXT_RATIO
    if rec.checksum:
        if name == "strong":
            return ratio >= STRONG_RATIO_NAMED
        # a count, not a share: the binomial test of _Checks then decides (R15e-2), from 3 (R15x-5);
        # from 1 where one number's checks stand alone (an ID number: lone_checks, R15y-5)
        return hits >= min_hits(rec, n, ALL_OF)
    return ratio >= (SHAPE_RATIO_NAMED if name == "strong" else SHAPE_RATIO)  # weak, none, inline alike


def _placeholder(candidate: str) -> bool:
    """One character repeated (0000000000000000000, 6666666666666666): a blank filled in."""
    return candidate.count(candidate[0]) == len(candidate)


def _spreadsheet_number(candidate: str) -> bool:
    """A number of more than 15 digits of which only the first 15 are real: written with zeros
    after the 15th (Excel shows and exports 110105194912310000 for 110105194912310021), or as the
    exact value of the binary float a spreadsheet keeps (110105194912310016): the check
    character, and the digits before it, are lost."""
    if len(candidate) <= SIGNIFICANT or not candidate.isdigit():
        return False
    if candidate[SIGNIFICANT:].count("0") == len(candidate) - SIGNIFICANT:
        return True
    kept = float(candidate)
    if int(kept) != int(candidate):
        return False
    mantissa = repr(kept).split("e")[0].replace(".", "").rstrip("0")
    return len(mantissa) <= SIGNIFICANT


@dataclass(slots=True)
class _Checks:
    """The check characters of one checksum recognizer over a column: its distinct candidates
    (numbers of its form, :meth:`Recognizer.candidates`; placeholders left out), how many pass the
    check, and how many are spreadsheet numbers whose check is lost (:func:`_spreadsheet_number`)."""

    rec: Recognizer
    candidates: int = 0
    hits: int = 0
    lost: int = 0
    lost_values: int = 0
    lost_examples: list[str] = field(default_factory=list)

    @classmethod
    def of(cls, rec: Recognizer, values: Sequence[str], *, context: bool) -> _Checks:
        """Count over ``values``: each distinct candidate once, however often it comes back."""
        checks = cls(rec)
        seen: set[str] = set()
        for value in values:
            lost_here = False
            for candidate in rec.candidates(value, context=context):
                if _placeholder(candidate):
                    continue
                if _spreadsheet_number(candidate):
                    if not lost_here and len(checks.lost_examples) < EXAMPLES:
                        checks.lost_examples.append(rec.mask(candidate))
                    lost_here = True
                    checks.lost += candidate not in seen
                seen.add(candidate)
            checks.lost_values += lost_here
        checks.candidates = len(seen)
        # validate_many: at once where the recognizer can (a column's ID numbers, numpy)
        checks.hits = sum(1 for why in rec.validate_many(list(seen)) if why is not None)
        return checks

    def beyond_chance(self, named: bool) -> bool:
        """Whether the hits are more than the check passing by chance gives: at least
        CHANCE_TIMES the chance rate of the candidates, and a binomial tail under ALPHA
        (ALPHA_NAMED where the column's name says so). A column whose name says so and whose every
        distinct candidate passes is what its name says, however few they are: one account repeated
        on every row of a 银行卡号 (yhkh) column is a card number to mask (a test can tell chance from
        a column only over many numbers; the name already told)."""
        if named and self.hits and self.hits == self.candidates:
            return True
        if counts_alone(self.rec) and lone_beyond_chance(self.hits, self.candidates, self.rec.CHANCE):
            return True  # 3 ID numbers beside a mistyped one, one ID number 3 times (lone_checks, R15y-5)
        if self.hits >= ALL_OF and self.hits == self.candidates and self.rec.CHANCE ** self.hits < ALPHA_ALL:
            return True  # 3 ID numbers among 297 无 in a 备注 column are 3 people's (R15x-5)
        return _beyond(self.hits, self.candidates, self.rec.CHANCE, ALPHA_NAMED if named else ALPHA)

    def lost_checks(self, n: int) -> bool:
        """Whether the candidates are spreadsheet numbers (their checks lost) beyond chance (a
        number of 16 digits ends in 0 one time in 10, longer ones less often), in a share of the
        ``n`` sampled values a named column needs."""
        named_share = n > 0 and self.lost_values / n >= STRONG_RATIO_NAMED
        return named_share and _beyond(self.lost, self.candidates, LOST_CHANCE, ALPHA_NAMED)

    def _counted(self) -> str:
        return f"{self.hits} of the {self.candidates} distinct numbers of its form pass its check"

    def why_checked(self) -> str:
        """The hits against chance, for a tagged column's reason."""
        return f"{self._counted()} (by chance 1 in {round(1 / self.rec.CHANCE)})"

    def why_chance(self) -> str:
        """Why the hits are not taken, for a suspected column's reason."""
        return (f"only {self._counted()}, where chance alone passes 1 in {round(1 / self.rec.CHANCE)}:"
                " not shown to be written with the check")

    def why_lost(self) -> str:
        """Why a column whose checks fail is still tagged (a spreadsheet kept 15 digits)."""
        return (f"{self.lost} of the {self.candidates} distinct numbers of its form keep only {SIGNIFICANT} "
                f"significant digits, so their check characters are lost ({self._counted()})")


def _beyond(hits: int, candidates: int, chance: float, alpha: float) -> bool:
    if candidates == 0 or hits < CHANCE_TIMES * chance * candidates:
        return False
    # a relative margin: p ** k in floating point lands just over ALPHA (0.1 ** 4 = 1.0000000000000009e-4)
    return binomial_tail(hits, candidates, chance) <= alpha * (1 + 1e-9)


def _refused(rec: Recognizer, values: Sequence[str]) -> str | None:
    """Why most ``values`` are of the form of ``rec`` but refused by it (a birth year before
    1900 under sfzh: R15at-10, told as 'hashed or encoded' before), or None."""
    whys = Counter(next(rec.refusals(v, context=True), None) for v in values)
    refused = len(values) - whys.pop(None, 0)
    if not whys or refused < 0.5 * len(values):
        return None
    return f"{refused} of {len(values)} sampled values are of its form but refused: {whys.most_common(1)[0][0]}"


def _opaque(values: Sequence[str]) -> bool:
    """Most values look like hashes or Base64 (32/40/64 hex, or long Base64)."""
    opaque = sum(1 for v in values if re.fullmatch(r"[0-9a-fA-F]{32}|[0-9a-fA-F]{40}|[0-9a-fA-F]{64}|"
                                                   r"[A-Za-z0-9+/]{16,}={0,2}", v))
    return opaque >= 0.8 * len(values)


def _heading_is_value(field: str) -> str:
    """Why a heading naming no kind gives its column's kind context: a heading word (修改人, 母亲)
    names a person's role or kin; any other heading is taken for one of the values (R15e-19)."""
    if is_field_word(field) or is_role_heading(field):
        return f"the heading '{field}' names a person's role or kin"
    return f"the heading '{field}' is one of them (no header row?)"
