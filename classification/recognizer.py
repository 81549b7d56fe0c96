"""The recognizer interface and its registry (stage: classification).

A recognizer finds one kind of sensitive value in a string. As in Presidio's PatternRecognizer it
is a PATTERNS table (name, regular expression, base score) plus one ``validate`` hook that
decides whether a candidate is real (a check character, a real date, an allocated prefix) and says
why. Every hit is a :class:`Match`: which recognizer, where, the masked value and the reason;
the raw value never leaves the caller's hands through a Match.

Adding a recognizer touches no other code: a class with ``@register("stable_id")`` in a module
that ``govsoc.classification.recognizers`` imports, or a plug-in in the ``govsoc.recognizers``
entry-point group. Grading defaults (category, personal-information class, level) travel on the
class; schemes (grading YAML) may override them by id.

Patterns are compiled with re.ASCII and never use ``\\b`` next to Chinese text: Python's ``re``
treats CJK characters as word characters, so boundaries are written as look-arounds on ASCII
letters and digits (shared/reference/classification.md §5).
"""

from __future__ import annotations

import re
import time
import unicodedata
from abc import ABC, abstractmethod
from bisect import bisect_right
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, fields
from itertools import chain, compress, islice, repeat
from operator import add, is_, is_not, itemgetter, not_, sub
from typing import TYPE_CHECKING, ClassVar, Final, Literal, TypeVar, cast

from govsoc.classification import masking
from govsoc.classification.percent import ESCAPE, percent_decoded
from govsoc.core.registry import Registry

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

__all__ = ["Pattern", "Match", "Recognizer", "recognizers", "register", "normalize", "PiClass", "CONTEXT_BOOST",
           "masked_text", "in_a_word", "new_match", "new_matches", "HitCache", "not_labelled", "Occupied", "MANY_SPANS"]

PiClass = Literal["none", "general", "sensitive"]

#: Presidio's context enhancement: a context word raises a shape-only score by this much, to at
#: least CONTEXT_FLOOR (LemmaContextAwareEnhancer defaults).
CONTEXT_BOOST: Final = 0.35
CONTEXT_FLOOR: Final = 0.4

#: Left and right boundaries that work next to Chinese text (no \b).
NOT_BEFORE: Final = r"(?<![0-9A-Za-z])"
NOT_AFTER: Final = r"(?![0-9A-Za-z])"
#: The same around a number, where a '.' followed by a digit belongs to the digit run: no hit
#: inside a decimal ('latency=0.13812345678', '13812345678.5'); a full stop ends a number.
NUMBER_BEFORE: Final = NOT_BEFORE + r"(?!(?<=\.)[0-9])"
NUMBER_AFTER: Final = NOT_AFTER + r"(?!\.[0-9])"
_NUMBER_BEFORE: Final = re.compile(NUMBER_BEFORE)
_NUMBER_AFTER: Final = re.compile(NUMBER_AFTER)
#: How far back in_a_word reads a run of escapes before a value: the window a keyed value is read in
#: (ingest_masking's _WINDOW), so that a run is read whole as the decoded scan reads it (RRR15bt-6)
_RUN_READ: Final = 256


def in_a_word(text: str, start: int, end: int) -> bool:
    """Whether ``text[start:end]`` (a number found elsewhere) is part of a longer number or word, by
    the scan's own bounds NUMBER_BEFORE and NUMBER_AFTER: a letter or digit beside it, a '.' and a
    digit after it, a '.' before it when it starts with a digit (13800138000.1, 1.13800138000,
    u13800138000). A '.' and a letter after it ends it, as a full stop or a file extension does
    (E12345678.pdf): the scan reads it alone there too (RRR15bl-2). A percent-escape before it
    (RFC 3986 §2.1) is read as the character it encodes, as the scan of the text decoded reads it:
    %3D, %26, %20, %2B or a Chinese character end a word, %41 ('A') or %30 ('0') do not (a value
    found in a URL decoded, carried into the line as written: id%3D<ID>, RRR15bp-2). The whole
    character before it is judged: GBK 玥 is %AB%68, and its trail byte 0x68 is no 'h' (RRR15br-5)."""
    if _NUMBER_AFTER.match(text, end) is None:
        return True
    if _NUMBER_BEFORE.match(text, start) is not None:
        return False
    run = start  # the run of escapes that ends at start, decoded whole (GBK 玥 %AB%68: its 'h' is no letter)
    while run >= 3 and start - run < _RUN_READ and ESCAPE.fullmatch(text, run - 3, run):
        run -= 3
    if run == start:
        return True
    decoded = _run_decoded(text, run, start)
    if decoded is None:  # neither UTF-8 nor GBK: the decoded scan reads it as written too
        return True
    decoded = decoded[-1] if decoded[-1].isascii() else " "  # a character past ASCII: no ASCII letter or digit
    return _NUMBER_BEFORE.match(decoded + text[start:start + 1], 1) is None


def _run_decoded(text: str, run: int, start: int) -> str | None:
    """The escapes ``text[run:start]`` decoded, or None where they stay as written. A run longer than
    _RUN_READ is read from a character's first byte: no UTF-8 continuation byte (0x80-0xBF) opens the
    read, and where it still decodes as neither, one escape on (GBK's other parity; RRR15bt-6)."""
    capped = run >= 3 and ESCAPE.fullmatch(text, run - 3, run) is not None
    if capped:
        while run < start - 3 and 0x80 <= int(text[run + 1:run + 3], 16) <= 0xBF:
            run += 3
    for at in (run, run + 3) if capped else (run,):
        decoded = percent_decoded(text[at:start])[0]
        if at < start and decoded != text[at:start]:
            return decoded
    return None


def not_labelled(labels: Iterable[str], separators: Iterable[str] = ("",), *, then: str = "") -> str:
    """Look-behinds that fail where one of ``labels`` followed by one of ``separators`` (and by
    ``then``, an expression of one character: a pattern's first, already consumed) stands just
    before: a number after a label saying what it is (``订单9908...``, ``version 1.7.19.104``) is
    that, not a card or an address. ASCII labels match in any case, as words of their own. Python's look-behinds take
    alternatives of one width only, so the labels are grouped by width."""
    by_width: dict[int, list[str]] = {}
    last: set[str] = set()
    second: set[str] = set()
    for label in labels:
        for sep in separators:
            text = label + sep
            # an ASCII label is a word of its own ('ver ' but not 'server ')
            form = f"(?<![A-Za-z])(?i:{re.escape(text)})" if text.isascii() else re.escape(text)
            by_width.setdefault(len(text), []).append(form + then)
            last.update((text[-1].lower(), text[-1].upper()))
            second.update((text[-2].lower(), text[-2].upper()) if len(text) > 1 else ())
    full = "".join(f"(?<!{'|'.join(forms)})" for _, forms in sorted(by_width.items()))
    # two one-character tests first, which settle most places (a blank before an address in a
    # log line, then a character no label ends in): the full look-behinds cost 3x a search.
    # [^\x00]: any character but the joined scan's separator (batch.SEP), which no value holds
    # that is joined; an expression that could match it would not be run joined (batch.joinable)
    one, two = (re.escape("".join(sorted(chars))) for chars in (last, second))
    return f"(?:(?<![{one}]{then})|(?<![{two}][^\x00]{then})|{full})"


@dataclass(frozen=True, slots=True)
class Pattern:
    """One row of a PATTERNS table: a name for the reason text, the expression, a base score,
    and whether it counts only with context (a bare 8-digit permit number, a 15-digit number).
    ``search``, when given, is an expression that finds exactly what ``regex`` finds, written to
    begin with a character class: ``re`` then skips in C to where a match can start instead of
    trying every position (a leading look-behind prevents that), which pays on long text such as
    log lines (on short digit runs the look-behind first is as fast). The scanner searches joined
    values with it; the plain path (``find``) runs ``regex``, and tests hold them equal.
    ``shapes``, when given, are class substrings (as :attr:`Recognizer.SHAPES`; here a value's
    class string is framed by ``^`` and ``$``, its edges, and every character that is not ASCII
    is ``x``) one of which every value holds that this pattern matches in: the joined scan
    searches this pattern only in such values (an ID number's 6-8-4 form only where spaced digit
    groups are; an unseparated mobile number only in a digit run of its lengths), the other
    patterns in every value the recognizer's SHAPES admit. ``layout``, when given, is a regular
    expression over that same framed class string that every value this pattern matches in
    matches (a whole token of 18 digits and letters for a USCC: ``(?<![0a])...(?![0a])``), for
    what substrings cannot say (a run's exact length, a token's edges); the joined scan then
    searches the pattern only in such values. Both are tested once per distinct class string."""

    name: str
    regex: str
    score: float
    context_only: bool = False
    search: str | None = None
    shapes: tuple[str, ...] | None = None
    layout: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Match:
    """One validated hit: recognizer id, the span [start, end) in the scanned string, the
    masked value, a score in 0..1 and a human-readable reason."""

    recognizer: str
    start: int
    end: int
    masked: str
    score: float
    reason: str


#: Match's slot setters, in field order.
_MATCH_SLOTS: Final = tuple(Match.__dict__[f.name].__set__ for f in fields(Match))
_START: Final = re.Match.start
_GROUP: Final = re.Match.group


def new_match(recognizer: str, start: int, end: int, masked: str, score: float, reason: str) -> Match:
    """``Match(recognizer=..., ...)`` built without the frozen dataclass's ``__init__``, which sets
    each field through ``object.__setattr__``: the same object (equal, hashable, picklable) at
    about a third of the cost, for scanners that build one per hit."""
    match = object.__new__(Match)
    set_recognizer, set_start, set_end, set_masked, set_score, set_reason = _MATCH_SLOTS
    set_recognizer(match, recognizer)
    set_start(match, start)
    set_end(match, end)
    set_masked(match, masked)
    set_score(match, score)
    set_reason(match, reason)
    return match


def new_matches(recognizer: str, starts: Sequence[int], ends: Sequence[int], masked: Iterable[str], score: float,
                reasons: Iterable[str]) -> list[Match]:
    """``new_match`` of many hits of one recognizer and score at once: the objects made and
    their fields set by ``map`` over the slot setters, so no Python frame runs per hit."""
    matches = list(map(object.__new__, repeat(Match, len(starts))))
    set_recognizer, set_start, set_end, set_masked, set_score, set_reason = _MATCH_SLOTS
    for setter, values in ((set_recognizer, repeat(recognizer)), (set_start, starts), (set_end, ends),
                           (set_masked, masked), (set_score, repeat(score)), (set_reason, reasons)):
        deque(map(setter, matches, values), maxlen=0)
    return matches


def masked_text(text: str, hits: Iterable[Match]) -> str:
    """``text`` with every hit's span replaced by its masked form (hits must not overlap). The
    pieces between hits are joined once: cutting and gluing the whole text at each hit copied it
    once a hit, quadratic in the hits (R15ac-3: 2 MB of ``tel=13812345678abcdef`` took 18 s here)."""
    order = sorted(hits, key=lambda h: h.start, reverse=True)
    pieces: list[str] = []
    at = len(text)
    for m in order:
        if not m.start <= m.end <= at:  # overlapping spans: as one at a time did it
            return _masked_one_by_one(text, order)
        pieces += (text[m.end:at], m.masked)
        at = m.start
    pieces.append(text[:at])
    return "".join(reversed(pieces))


def _masked_one_by_one(text: str, order: list[Match]) -> str:
    for m in order:
        text = text[:m.start] + m.masked + text[m.end:]
    return text


class Occupied:
    """The positions of a text that kept spans cover, for "does [start, end) overlap a kept span?"
    in time linear in the span's length (bytearray.find, C code) instead of in the number of
    spans kept: a value of h hits cost O(h²) comparisons when every hit was tested against
    every kept one (R15-11: 20,000 hits in one value took 10 s). Spans must not be empty (no
    pattern matches the empty string); callers keep a plain list while the spans are few."""

    __slots__ = ("marks",)

    def __init__(self, spans: Iterable[tuple[int, int]] = ()) -> None:
        self.marks = bytearray()
        for start, end in spans:
            self.take(start, end)

    def free(self, start: int, end: int) -> bool:
        """Whether no kept span overlaps [start, end)."""
        return self.marks.find(1, start, end) < 0

    def take(self, start: int, end: int) -> None:
        """Keep [start, end)."""
        if end > len(self.marks):
            self.marks.extend(bytes(end - len(self.marks)))
        self.marks[start:end] = _ONES[:end - start] if end - start <= len(_ONES) else b"\x01" * (end - start)


_ONES: Final = b"\x01" * 256
#: From this many kept spans on, overlaps are tested with an :class:`Occupied` (below it, a list).
MANY_SPANS: Final = 16


def normalize(value: str) -> str:
    """NFKC (full-width digits and letters to ASCII; dashes to '-') one character at a time, keeping every
    offset: a character that NFKC turns into several ('……' into six dots, '™' into "TM", '½'
    into "1⁄2", U+FDFA into 18) stays as it is, and so does a sequence NFKC would compose into
    one ('e' + U+0301, Hangul jamo): spans found in the folded text are spans of the value. An
    ASCII letter before a combining mark is folded to the letter they compose to ('e' + U+0301
    to 'é' + U+0301), so that a number ends before a decomposed letter as before a composed one.
    (Before F15i the whole value's NFKC was taken whenever its length was unchanged, and an
    expansion and a composition in one value cancelled out in length but shifted every span
    after them: the mask fell beside an ID number's digits.)"""
    if value.isascii():
        return value
    if unicodedata.is_normalized("NFKC", value):
        return value.translate(_DASHES)  # the common case: NFKC changes nothing
    folded = value.translate(_FOLDS)
    # an ASCII letter and the combining mark after it are one letter, the precomposed one
    # ('a' + U+0301 is 'á'): the letter is folded to it, the mark left beside it, so that the
    # decomposed text (NFD: macOS file names) ends a number as the composed one does
    return _MARKED.sub(_composed, folded) if _MARKED.search(folded) else folded


#: Dashes NFKC leaves alone that people (and word processors) put between digit groups
#: (138–0013–8000): read as '-', one character for one, so spans stay.
_DASHES: Final = str.maketrans(dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212", "-"))


#: An ASCII letter followed by a combining diacritical mark (U+0300-U+036F, U+1AB0-U+1AFF,
#: U+1DC0-U+1DFF, U+20D0-U+20FF, U+FE20-U+FE2F), the mark captured.
_MARKED: Final = re.compile("([A-Za-z])(?=([\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]))")


def _composed(m: re.Match[str]) -> str:
    """The letter the match's letter and mark compose to (NFC), or the letter when none does."""
    one = unicodedata.normalize("NFC", m.group(1) + m.group(2))
    return one if len(one) == 1 else m.group(1)


def _fold(c: str) -> str:
    folded = unicodedata.normalize("NFKC", c).translate(_DASHES)
    return folded if len(folded) == 1 else c


class _Folds(dict[int, str]):
    """Code point -> the one character NFKC folds it to alone (itself when NFKC lengthens it), for
    str.translate: filled as characters are met, so a value is folded by C code per character."""

    def __missing__(self, point: int) -> str:
        folded = _fold(chr(point))
        if len(self) < 65536:  # bounded: a text of every code point must not keep them all
            self[point] = folded
        return folded


_FOLDS: Final = _Folds()


class Recognizer(ABC):
    """Base of every recognizer: subclasses fill the class attributes and ``validate``."""

    #: Stable id (also the registry key), e.g. ``cn_resident_id``.
    id: ClassVar[str]
    #: What it finds, in Chinese and English, for reasons and reports.
    entity: ClassVar[str]
    #: GB/T 35273 Annex A category (个人身份信息, 个人基本资料, ...) or an organisational one.
    category: ClassVar[str]
    pi_class: ClassVar[PiClass] = "general"
    #: Default level on the internal scale (G1..G4, shared/reference/classification.md §3).
    level: ClassVar[str] = "G3"
    #: True when a check character backs the hit (GB 11643, GB 32100, Luhn ...).
    checksum: ClassVar[bool] = False
    #: Of a checksum recognizer, the share of its candidates (:meth:`candidates`) whose check
    #: passes by chance: Luhn and ISO 7064 MOD 11,10 one in 10, MOD 11 with an X (GB 11643,
    #: GB 11714, ISO 3779) one in 11, GB 32100's MOD 31 one in 31.
    CHANCE: ClassVar[float] = 1 / 10
    #: True when a hit counts only with context (a column name or keyword): bare 8-digit
    #: permit numbers, names, 15-digit legacy IDs. Set by itself when every pattern is
    #: context_only.
    needs_context: ClassVar[bool] = False
    #: True when a column's name alone makes it ``suspected`` of holding this, whatever its values
    #: (PIPL art. 28 categories whose values have no shape: 宗教信仰, 健康状况; recognizers/sensitive.py).
    BY_NAME: ClassVar[bool] = False
    #: The masking rule of govsoc.classification.masking that displays a hit.
    mask_rule: ClassVar[str] = "generic"
    #: A cheap expression every hit contains: the scanner's prefilter.
    TRIGGER: ClassVar[str]
    #: Faster prefilter where it can be said this way: substrings of the value's character
    #: classes (digits -> 0, letters -> a, space and '-' -> s; see scanner.CLASSES) of which
    #: every hit contains one ("0" * 17 for an ID number). None: the TRIGGER decides.
    SHAPES: ClassVar[tuple[str, ...] | None] = None
    #: True when every hit holds a Chinese character (plates, addresses, names): never on ASCII text.
    NEEDS_NON_ASCII: ClassVar[bool] = False
    PATTERNS: ClassVar[tuple[Pattern, ...]]
    #: Characters removed from a candidate before ``validate`` (separators inside numbers).
    STRIP: ClassVar[str] = " -"
    #: Column-name and comment words that are context for this recognizer (lower-case; pinyin,
    #: English, Chinese). Words the reference calls ambiguous (xm, dz, kh ...) go in WEAK_CONTEXT.
    CONTEXT: ClassVar[tuple[str, ...]] = ()
    WEAK_CONTEXT: ClassVar[tuple[str, ...]] = ()
    #: Chinese column-name words (or regular expressions) that hold a CONTEXT word but do not name
    #: this kind (用户名, a login, holds 户名, an account holder): read as if absent.
    CONTEXT_EXCEPT: ClassVar[tuple[str, ...]] = ()
    #: Column-name words that say a column holds something else of this shape (a column named
    #: ``version`` holds 1.7.19.104 versions, not IPv4 addresses): the column is not tagged so.
    NOT_CONTEXT: ClassVar[tuple[str, ...]] = ()
    #: Whether record numbers (orders, waybills, serials) may have this form (an 11-digit order
    #: number a mobile's): under a name one of whose whole words says record number (record_names:
    #: 单号, order_no, ddh) and that names this kind by no CONTEXT word, values passing as this kind
    #: are suspected for review, not tagged (R15at-9).
    RECORD_FORM: ClassVar[bool] = False
    FLAGS: ClassVar[int] = re.ASCII

    _compiled: ClassVar[tuple[tuple[Pattern, re.Pattern[str]], ...]]
    #: The same patterns in their search form (Pattern.search), for the joined scan.
    _searching: ClassVar[tuple[tuple[Pattern, re.Pattern[str]], ...]]
    _strip_table: ClassVar[dict[int, None]]

    def __init_subclass__(cls, **kwargs: object) -> None:
        super().__init_subclass__(**kwargs)
        if "PATTERNS" in cls.__dict__:
            cls._compiled = tuple((p, re.compile(p.regex, cls.FLAGS)) for p in cls.PATTERNS)
            cls._searching = tuple((p, re.compile(p.search or p.regex, cls.FLAGS)) for p in cls.PATTERNS)
            if all(p.context_only for p in cls.PATTERNS):
                cls.needs_context = True
        cls._strip_table = {ord(c): None for c in cls.STRIP}

    @abstractmethod
    def validate(self, candidate: str) -> str | None:
        """Why ``candidate`` (separators removed, upper-case) is real, or None to drop it."""

    def mask(self, text: str) -> str:
        """The display form of a hit, by this recognizer's masking rule."""
        return masking.mask(self.mask_rule, text)

    def find(self, value: str, *, context: bool = False) -> Iterator[Match]:
        """Every validated hit in ``value``. ``context`` says that a column name, comment or
        nearby keyword names this kind of data; recognizers that need context find nothing
        without it."""
        return iter(self.find_folded(value if value.isascii() else normalize(value), context=context))

    def unchecked(self, candidate: str) -> bool:
        """Whether ``candidate`` (separators removed, upper-case) meets everything ``validate``
        asks but the check character: an issuer prefix and length, a region and a real date.
        The base class has no such test (the pattern is all the rest); a checksum recognizer
        whose ``validate`` asks more overrides it."""
        return True

    def refusal(self, candidate: str) -> str | None:
        """Why ``candidate`` (separators removed, upper-case), a match of a pattern, is refused,
        where there is more to say than that ``validate`` refused it (a birth year no holder has);
        telling no more of the value than its mask shows. None: nothing more to say."""
        return None

    def refusals(self, value: str, *, context: bool = False) -> Iterator[str]:
        """:meth:`refusal` of each match of a pattern in ``value`` that has one."""
        text = value if value.isascii() else normalize(value)
        for pattern, regex in self._compiled:
            if pattern.context_only and not context:
                continue
            for m in regex.finditer(text):
                if (why := self.refusal(m.group().translate(self._strip_table).upper())) is not None:
                    yield why

    def candidates(self, value: str, *, context: bool = False) -> Iterator[str]:
        """The numbers in ``value`` (separators removed, upper-case) that could have passed the
        check: each match of a pattern that :meth:`unchecked` accepts. A column decision compares
        the hits with these, since a check character passes by chance in :attr:`CHANCE` of them."""
        if self.needs_context and not context:
            return
        text = value if value.isascii() else normalize(value)
        for pattern, regex in self._compiled:
            if pattern.context_only and not context:
                continue
            for m in regex.finditer(text):
                candidate = m.group().translate(self._strip_table).upper()
                if self.unchecked(candidate):
                    yield candidate

    def find_folded(self, text: str, *, context: bool = False) -> list[Match]:
        """``find`` of a value that ``normalize`` has folded already (the scanner folds each
        value once); spans are the same in both."""
        if self.needs_context and not context:
            return []
        found: list[Match] = []
        # the spans of earlier patterns' hits (a pattern's own matches never overlap each other):
        # a list while few, then an Occupied (R15-11)
        taken: list[tuple[int, int]] = []
        earlier: list[tuple[int, int]] = []
        occupied: Occupied | None = None
        for pattern, regex in self._compiled:
            if pattern.context_only and not context:
                continue
            if taken:  # the pattern before's hits join the earlier ones
                if occupied is not None:
                    for start, end in taken:
                        occupied.take(start, end)
                else:
                    earlier += taken
                    if len(earlier) >= MANY_SPANS:
                        occupied = Occupied(earlier)
                taken = []
            for m in regex.finditer(text):
                start, end = m.span()
                if occupied is not None:
                    if not occupied.free(start, end):
                        continue
                elif earlier and any(start < e and s < end for s, e in earlier):
                    continue  # an earlier pattern of this recognizer already covers it
                hit = self._hit(pattern, m.group(), start, end, context)
                if hit is not None:
                    taken.append((start, end))
                    found.append(hit)
        return found

    def find_joined(self, text: str, offsets: Sequence[int] | npt.NDArray[np.intp], *, context: bool = False,
                    within: Sequence[Sequence[tuple[int, int]]] | None = None, labels: Sequence[int] | None = None,
                    claim: dict[HitKey, None] | None = None, claimed: dict[HitKey, None] | None = None,
                    ) -> tuple[list[tuple[int, Match]], set[int]]:
        """``find_folded`` of every value of a joined folded text at once (the values start at
        ``offsets``, separated by a character no pattern of this recognizer can match: see
        :func:`joinable`): (value index, hit with spans in that value) in the order find_folded
        of each value gives them, and the indexes of the values a pattern matched in.
        ``within``, when given, holds for each pattern (in ``_searching`` order) the (start, end)
        spans of ``text`` to search it in, in order, each from a value's start to a value's end:
        the values outside them are not looked at. ``labels``, when given, holds the index to give
        each value instead of its place in ``offsets`` (the scanner's chunk indexes: no second
        pass over the hits to rename them).

        A pattern's matches are taken out and looked up by C code (``map`` over the regex
        matches) in a :class:`HitCache` of (matched text, start in its value) -> the Match or
        None (the text alone where the match starts its value: :func:`_keys`): an address, a
        phone number or an order number that comes back (log lines, a column's repeated values)
        is judged and masked once. :meth:`_judge` does the others.

        ``claim``, when given, gets the keys of the first pattern's hits; a match whose key is in
        ``claimed`` is refused unjudged, as one ``validate`` refuses: the scanner passes the keys a
        recognizer that outranks this one hit at exactly that span of every value holding them
        (scanner.SAME_SPAN), a hit ``_resolve`` would drop (F15w)."""
        found: list[tuple[int, Match]] = []
        matched: set[int] = set()
        if self.needs_context and not context:
            return found, matched
        caches = HitCache.of(self)
        table = None  # the offsets as an array, made when a pattern has many matches
        # the values an earlier pattern hit (their spans looked up only when a later pattern
        # matches in one of them); one pattern's matches never overlap each other
        taken: set[int] | None = set() if len(self._searching) > 1 else None
        for number, (pattern, regex) in enumerate(self._searching):
            if pattern.context_only and not context:
                continue
            spans = None if within is None else within[number]
            if spans is not None and not spans:
                continue
            matches = list(regex.finditer(text) if spans is None else
                           chain.from_iterable(map(regex.finditer, repeat(text), *zip(*spans, strict=True))))
            if not matches:
                continue
            if table is None and len(matches) >= _FEW:
                table = _offset_table(offsets)
            indexes, inside = _locate(matches, offsets, table)
            if labels is not None:
                indexes = list(map(labels.__getitem__, indexes))
            matched.update(indexes)
            texts = list(map(_GROUP, matches))
            keys = _keys(texts, inside)
            cache = caches.table(number, context)
            hits: list[Match | None | object] = list(map(cache.get, keys, repeat(_UNSEEN) if claimed is None else
                                                         map(claimed.get, keys, repeat(_UNSEEN))))
            unseen = list(compress(range(len(hits)), map(is_, hits, repeat(_UNSEEN))))
            if unseen:  # each new key judged once, however often the chunk holds it
                first = dict(zip(map(keys.__getitem__, unseen), unseen, strict=True))  # key -> a match of it
                judged = self._judge(pattern, list(first), list(map(texts.__getitem__, first.values())),
                                     list(map(inside.__getitem__, first.values())), context)
                hits = list(map(judged.get, keys, hits))
                caches.keep(cache, judged)
            valid = list(map(is_not, hits, repeat(None)))
            if claim is not None and number == 0:
                claim.update(zip(compress(keys, valid), repeat(None)))
            pairs = zip(compress(indexes, valid), cast("Iterator[Match]", compress(hits, valid)), strict=True)
            if taken is None:
                found.extend(pairs)
                continue
            listed = list(pairs)
            if not taken.isdisjoint(indexes):  # a value an earlier pattern hit matched again
                listed = _uncovered(listed, found, taken.intersection(indexes))
            found.extend(listed)
            taken.update(map(_INDEX, listed))
        if taken is not None:  # find_folded gives a value's hits pattern by pattern: keep that order per value
            found.sort(key=_INDEX)
        return found, matched

    def _judge(self, pattern: Pattern, keys: list[HitKey], matched: list[str], at: list[int],
               context: bool) -> dict[HitKey, Match | None]:
        """HitCache key -> its Match, or None, for candidates ``matched`` at ``at`` in their
        values (one per key, in order): stripped and upper-cased by C code, :meth:`screen`
        dropping in bulk those ``validate`` would, the Matches of the rest built together
        (:func:`new_matches`)."""
        stripped, together = matched, "".join(matched)
        for c in self.STRIP:
            if c in together:
                stripped = list(map(str.replace, stripped, repeat(c), repeat("")))
        upper = list(map(str.upper, stripped))
        keep = self.screen(upper)
        asked = list(range(len(keys)) if keep is None else compress(range(len(keys)), keep))
        whys = self.validate_many(list(map(upper.__getitem__, asked)))
        valid = list(map(is_not, whys, repeat(None)))
        real = list(compress(asked, valid))
        judged: dict[HitKey, Match | None] = dict.fromkeys(keys)
        if real:
            starts = list(map(at.__getitem__, real))
            ends = list(map(add, starts, map(len, map(matched.__getitem__, real))))
            prefix = f"{self.entity}: {pattern.name}; "
            reasons = map(str.__add__, repeat(prefix), cast("Iterator[str]", compress(whys, valid)))
            if context:
                reasons = map(str.__add__, reasons, repeat("; column context"))
            hits = new_matches(self.id, starts, ends, self._mask_many(list(map(stripped.__getitem__, real))),
                               self._score(pattern, context), reasons)
            judged.update(zip(map(keys.__getitem__, real), hits, strict=True))
        return judged

    def _mask_many(self, texts: list[str]) -> list[str]:
        """``self.mask`` of each text; when it is the base class's, the rule's bulk form
        (:func:`masking.mask_many`: no Python call a hit for the common rules)."""
        if type(self).mask is not Recognizer.mask:
            return list(map(self.mask, texts))
        return masking.mask_many(self.mask_rule, texts)

    def validate_many(self, candidates: list[str]) -> list[str | None]:
        """``validate`` of every candidate (separators removed, upper-case), in order: how the
        joined scan judges a chunk's new candidates. A subclass may answer them all at once
        (vectorised) where its candidates are many and distinct (a table's ID numbers), and must
        answer exactly as ``validate`` does."""
        return list(map(self.validate, candidates))

    def screen(self, candidates: list[str]) -> list[bool] | None:
        """A bulk test of candidates (separators removed, upper-case) that is False only where
        ``validate`` returns None, so that the joined scan skips them without a Python call
        each; None (the default) keeps every candidate. Subclasses whose candidates mostly
        fail (card-like order numbers, 18-digit codes) override it with a vectorised check."""
        return None

    def _hit(self, pattern: Pattern, matched: str, start: int, end: int, context: bool) -> Match | None:
        stripped = matched
        for c in self.STRIP:  # translate() costs more than these tests when there is nothing to strip
            if c in stripped:
                stripped = stripped.translate(self._strip_table)
                break
        why = self.validate(stripped.upper())
        if why is None:
            return None
        return self._match(pattern, stripped, start, end, why, context)

    def _match(self, pattern: Pattern, stripped: str, start: int, end: int, why: str, context: bool) -> Match:
        return new_match(self.id, start, end, self.mask(stripped), self._score(pattern, context),
                         f"{self.entity}: {pattern.name}; {why}" + ("; column context" if context else ""))

    def pattern_scores(self, context: bool) -> list[float]:
        """The score a hit of each pattern gets (in search order), with or without context."""
        return [self._score(pattern, context) for pattern, _ in self._searching]

    def _score(self, pattern: Pattern, context: bool) -> float:
        score = 1.0 if self.checksum else pattern.score
        if context and not self.checksum:
            score = min(1.0, max(CONTEXT_FLOOR, score + CONTEXT_BOOST))
        return score


_UNSEEN: Final = object()
_INDEX: Final = itemgetter(0)

#: A HitCache key: the matched text alone for a match at its value's start, else (text, start).
HitKey = str | tuple[str, int]


def _keys(texts: list[str], inside: list[int]) -> list[HitKey]:
    """The HitCache keys of matches of ``texts`` that start at ``inside`` in their values: the
    text alone where the match starts its value (most of a table's: a column's values are the
    candidates), (text, start) elsewhere. A text key is hashed and compared as the string only
    (no tuple made and hashed per match), and a text never equals a tuple, so the two kinds
    never meet. Python steps only for the fewer kind (a log's matches mostly stand inside)."""
    moved = list(compress(range(len(inside)), inside))  # the matches not at their value's start
    if len(moved) * 2 <= len(inside):
        keys: list[HitKey] = list(texts)
        for index in moved:
            keys[index] = (texts[index], inside[index])
        return keys
    keys = list(zip(texts, inside, strict=True))
    for index in compress(range(len(inside)), map(not_, inside)):
        keys[index] = texts[index]
    return keys


def _uncovered(pairs: list[tuple[int, Match]], found: list[tuple[int, Match]],
               again: set[int]) -> list[tuple[int, Match]]:
    """The (value index, hit) of ``pairs`` that no hit of ``found`` (earlier patterns') overlaps
    in its value; ``again``: the values holding both. A pattern's own hits never overlap."""
    spans: dict[int, list[tuple[int, int]]] = {}
    for index, hit in found:
        if index in again:
            spans.setdefault(index, []).append((hit.start, hit.end))
    # a value of many hits: its spans as an Occupied (R15-11)
    many = {index: Occupied(kept) for index, kept in spans.items() if len(kept) >= MANY_SPANS}
    return [(index, hit) for index, hit in pairs
            if index not in again or (many[index].free(hit.start, hit.end) if index in many else
                                      not any(hit.start < e and s < hit.end for s, e in spans[index]))]
#: Below this many matches of a pattern, bisect finds their values; from it, numpy (whose calls
#: cost a few microseconds each, its work per match a few nanoseconds).
_FEW: Final = 32


def _offset_table(offsets: Sequence[int] | npt.NDArray[np.intp]) -> npt.NDArray[np.intp]:
    import numpy as np

    return np.asarray(offsets, dtype=np.intp)


def _locate(matches: list[re.Match[str]], offsets: Sequence[int] | npt.NDArray[np.intp],
            table: npt.NDArray[np.intp] | None) -> tuple[list[int], list[int]]:
    """For each match of a joined text whose values start at ``offsets`` (``table``: the same
    as an array, or None), the index of the value it is in and its start in that value. Many
    matches are placed by one numpy ``searchsorted``: a bisect per match costs about 0.2 us
    (a Python comparison a step), the vectorised search a few nanoseconds."""
    if table is None or len(matches) < _FEW:
        at = list(map(_START, matches))
        indexes = list(map(sub, map(bisect_right, repeat(offsets), at), repeat(1)))
        # int(): ``offsets`` may be a numpy array, whose items are numpy integers; a Match's start
        # and end are plain ints (R1115p R1: json.dumps of a Match failed)
        return indexes, [start - int(offsets[index]) for start, index in zip(at, indexes, strict=True)]
    import numpy as np

    starts = np.fromiter(map(_START, matches), dtype=np.intp, count=len(matches))
    where = np.searchsorted(table, starts, side="right") - 1
    return where.tolist(), (starts - table[where]).tolist()


def judged_while(mask_rules: Iterable[str]) -> tuple[object, ...]:
    """What a judgement kept for later depends on besides its value: the hour (an ID number's
    "today": a holder turns 14, a birth date stops being in the future) and the masking rules in
    force for the ``mask_rules`` names (the masked form). A kept judgement is good while this is
    equal (``is``-equal rules: a replaced rule is another object); HitCache and the scanner's
    table of repeats (repeats.py) both start again when it changes."""
    return (int(time.time()) // 3600, *map(masking.MASK_RULES.get, mask_rules))


class HitCache:
    """A recognizer's judgements of the joined scan, kept: per pattern and context flag, (matched
    text, start in its value) -> the Match, or None when ``validate`` refused it; a match at its
    value's start is keyed by its text alone (:data:`HitKey`). A Match is a
    function of that key (spans, masked form, reason; ``validate`` looks at nothing else but
    today's date), and is frozen, so one object serves every value that repeats it. Bounded:
    a table of LIMIT entries starts again; every table starts again when the hour changes (as
    the ID numbers' "today" does: a holder turns 14, a birth date stops being in the future).
    The keys are candidate values in clear text; they stay in this process's memory as the
    values scanned do, and leave it only through the masked Matches. The masked form is the
    recognizer's masking rule's, so the tables also start again when that rule is no longer the
    one in force (a deployment's MASK_RULES entry put in place after a scan: before F15k the
    cache kept the old masks for up to an hour, and scan_many disagreed with scan, R15-20)."""

    __slots__ = ("stamp", "tables")

    LIMIT: Final = 1 << 16

    def __init__(self) -> None:
        self.stamp: tuple[object, ...] = ()
        self.tables: dict[tuple[int, bool], dict[HitKey, Match | None]] = {}

    @staticmethod
    def of(recognizer: Recognizer) -> HitCache:
        """The recognizer instance's cache, emptied if the hour or the masking rule in force for
        its ``mask_rule`` has changed since it was filled."""
        cache: HitCache | None = recognizer.__dict__.get("_hit_cache")
        if cache is None:
            cache = recognizer.__dict__["_hit_cache"] = HitCache()
        stamp = judged_while((recognizer.mask_rule,))
        if cache.stamp != stamp:
            cache.stamp, cache.tables = stamp, {}
        return cache

    def table(self, pattern: int, context: bool) -> dict[HitKey, Match | None]:
        """The judgements of the ``pattern``-th pattern with or without context."""
        return self.tables.setdefault((pattern, context), {})

    def keep(self, table: dict[HitKey, Match | None], judged: dict[HitKey, Match | None]) -> None:
        """Add judgements to ``table``, emptied first when they would not fit (and then only
        the first LIMIT of them kept)."""
        if len(table) + len(judged) > self.LIMIT:
            table.clear()
        table.update(judged if len(judged) <= self.LIMIT else islice(judged.items(), self.LIMIT))


#: id -> recognizer class; third parties add theirs through the ``govsoc.recognizers`` entry points.
recognizers: Registry[type[Recognizer]] = Registry("recognizer", "govsoc.recognizers")


R = TypeVar("R", bound=Recognizer)


def register(ident: str) -> Callable[[type[R]], type[R]]:
    """Class decorator: register a recognizer under ``ident`` and set its ``id``."""

    def decorate(cls: type[R]) -> type[R]:
        cls.id = ident
        recognizers.register(ident)(cls)
        return cls

    return decorate
