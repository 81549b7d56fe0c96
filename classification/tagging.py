"""Ingest-time classification: tag events that carry sensitive values, mask them before storage
where asked, and name personal data seen in motion (stage: classification; issue 15 "Sources").

A :class:`ClassificationTagger` is an enrichment hook (govsoc.core.enrichment.Enricher) that the
CLI hands to the ingest pipeline. For each event it scans the text fields where personal data
travels (message, URLs, referrers, request bodies) and sets:

- ``govsoc.classification.tags``: the recognizer ids found (cn_resident_id, cn_mobile, ...);
- ``govsoc.classification.level``: the highest default level among them (G1..G4);
- ``govsoc.classification.fields``: which fields held them;
- ``govsoc.classification.findings``: what seeing them there means, for detection rules and
  reports: ``personal_data_in_url_query`` (an ID or phone number in a query string: logged by
  every proxy and server on the way), ``personal_data_in_url_path`` (the same in a REST path,
  /api/users/<ID>/profile: logged alike, R15t-5), ``personal_data_in_cleartext_http`` (plain
  http), and ``personal_data_in_log_message``.

For sources whose path or origin matches one of ``mask_sources`` (fnmatch globs), every hit is
replaced by its masked form before the event is stored, in every string and list-of-string field
(the scanned ones, ``event.original`` and what parsers cut out of the message: user.name,
related.user, url.path ...), and ``govsoc.flags`` gets ``masked``. Only the recognizers of AT_INGEST run by default
and tag events. In a masked source the free-text fields (message, event.original, the URLs, a request
body) are also masked for what the reports' free-text masker finds there after a key or label naming it
(names in Chinese characters, addresses, passports, 15-digit IDs, landlines, plates: R15at-4), never
accounts, host names or identifier fields (govsoc.classification.ingest_masking).
"""

from __future__ import annotations

import dataclasses
import fnmatch
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any, Final

from govsoc.classification.grading import rank
from govsoc.classification.ingest_kinds import AT_INGEST
from govsoc.classification.ingest_masking import FREE_TEXT_FIELDS, IngestMasker, head_end
from govsoc.classification.percent import may_read_otherwise, percent_decoded
from govsoc.classification.recognizer import Match, in_a_word, masked_text
from govsoc.classification.scanner import Scanner

__all__ = ["ClassificationTagger", "SCAN_FIELDS", "AT_INGEST"]

#: Fields scanned on every event.
SCAN_FIELDS: Final = ("message", "url.original", "url.full", "url.query", "http.request.referrer",
                      "http.request.body.content", "error.message")
_URL_FIELDS: Final = frozenset({"url.original", "url.full", "url.query", "http.request.referrer"})
_LOG_FIELDS: Final = frozenset({"message", "error.message"})
#: Texts read decoded in their head and as written, a span either reading takes kept: a log message, a
#: request body (application/x-www-form-urlencoded, RFC 3986 §2.1); E12345678%2Epdf decoded reads .pdf
#: as the next label, 13800138000%41 as a word (RRR15br-2). The URLs are read decoded whole.
_TEXT_FIELDS: Final = _LOG_FIELDS | {"http.request.body.content"}
#: The shortest message event.original is cut at (tagging._holding_the_message)
MESSAGE_AT_LEAST: Final = 8
#: How far either side of that cut an ASCII line is read for a value across it (a spaced card: 23)
ACROSS: Final = 64
#: What a value (a spaced or dashed number, an e-mail address) may hold before the message, beside letters and digits
_IN_A_VALUE: Final = frozenset("+-._@")


class ClassificationTagger:
    """The enrichment hook; see the module docstring."""

    def __init__(self, *, ids: Iterable[str] | None = None, mask_sources: Sequence[str] = (),
                 fields: Sequence[str] = SCAN_FIELDS) -> None:
        self.scanner = Scanner(AT_INGEST if ids is None else ids)
        self.fields = tuple(fields)
        self.mask_sources = tuple(mask_sources)
        self._masking: dict[str, bool] = {}
        self.free_text = IngestMasker()

    def masks(self, source: str) -> bool:
        """Whether events of ``source`` are masked before storage."""
        if source not in self._masking:
            path = source[len("file://"):] if source.startswith("file://") else source
            self._masking[source] = any(fnmatch.fnmatch(path, g) or fnmatch.fnmatch(source, g)
                                        for g in self.mask_sources)
        return self._masking[source]

    def enrich(self, fields: Mapping[str, Any], source: str) -> Mapping[str, Any]:
        """The classification fields for one event (and masked texts for masked sources)."""
        found: dict[str, list[Match]] = {}
        scan = self.scanner.scan
        for name in self.fields:
            value = fields.get(name)
            if isinstance(value, str) and value:
                hits = _scan_field(scan, name, value) if "%" in value else scan(value)
                if hits:
                    found[name] = hits
        masked: dict[str, Any] = {}
        elsewhere: dict[str, set[str]] = {}
        if self.masks(source):
            masked = self._mask_all(fields, found, elsewhere)
        if not found and not elsewhere:
            return masked
        ids = sorted({m.recognizer for hits in found.values() for m in hits}.union(*elsewhere.values()))
        existing = fields.get("govsoc.classification.tags") or []
        out: dict[str, Any] = {
            "govsoc.classification.tags": sorted(set(existing) | set(ids)),
            "govsoc.classification.level": max((self.scanner.recognizers[i].level for i in ids), key=rank),
            "govsoc.classification.fields": sorted(set(found) | set(elsewhere)),
            "govsoc.classification.findings": self._findings(fields, found),
        }
        out.update(masked)
        return out

    def _mask_all(self, fields: Mapping[str, Any], found: Mapping[str, list[Match]],
                  elsewhere: dict[str, set[str]]) -> dict[str, Any]:
        """Every string (and list-of-string) field of a masked source's event with its hits
        masked: the scanned fields by their hits, every other field (user.name, related.user,
        url.path, event.original ...) by its own scan and by the raw values found in the scanned
        fields (a parser may cut a value out of the message where alone it has no context); the
        free-text fields also by what only a key or label shows (IngestMasker: names, addresses,
        keyed passports, IDs, landlines, plates), in that field alone.
        ``elsewhere`` gets, per other field (event.original aside), the recognizers its own scan found."""
        raw: dict[str, str] = {}  # the ingest scan's validated numbers, carried to every field as text
        for name, hits in found.items():
            text = fields[name]
            for m in hits:
                raw.setdefault(text[m.start:m.end], m.masked)
        longest_first = sorted(raw, key=len, reverse=True)
        out: dict[str, Any] = {}
        whole = _holding_the_message(fields)
        for name, value in fields.items():
            if name.startswith("govsoc.") or (name == "event.original" and whole is not None):
                continue
            seen: set[str] = set()
            if isinstance(value, str):
                # a scanned field was scanned in enrich: nothing found is no reason to scan it again
                ingest = found.get(name, [] if name in self.fields else None)
                masked = self._mask_text(value, longest_first, raw, seen, ingest,
                                         free_text=name in FREE_TEXT_FIELDS)
                if masked != value:
                    out[name] = masked
            elif isinstance(value, list) and value and any(isinstance(v, str) for v in value):
                items = [self._mask_text(v, longest_first, raw, seen) if isinstance(v, str) else v for v in value]
                if items != value:
                    out[name] = items
            if seen and name != "event.original":
                elsewhere[name] = seen
        if whole is not None:  # the message as masked, the rest (a syslog header) by its own hits (RRR15bc-3)
            before, after = whole
            whole_text = fields["event.original"]
            parts = [self._mask_text(part, longest_first, raw, set(), free_text=True) if part else part
                     for part in (before, after)]
            original = parts[0] + out.get("message", fields["message"]) + parts[1]
            if self._read_across(whole_text, len(before), original):
                original = self._mask_text(whole_text, longest_first, raw, set(), free_text=True)
            if original != whole_text:
                out["event.original"] = original
        if found or out:
            flags = list(fields.get("govsoc.flags") or [])
            out["govsoc.flags"] = [*flags, "masked"] if "masked" not in flags else flags
        return out

    def _mask_text(self, text: str, longest_first: Sequence[str], raw: Mapping[str, str], seen: set[str],
                   ingest: list[Match] | None = None, *, free_text: bool = False) -> str:
        """``text`` masked: by its ingest hits (``ingest``, or its own scan), in a free-text field
        also by what the free-text masker adds (names, addresses, keyed numbers: IngestMasker),
        and by the raw values of the ingest hits of the event's scanned fields."""
        if not text:
            return text
        if ingest is None:
            ingest = self.scanner.scan(text)
            seen.update(m.recognizer for m in ingest)
        hits = [*ingest, *self.free_text.hits(text, ingest)] if free_text else ingest
        # a scanned field too gets the values only another field's scan found (a percent-escaped
        # ID that url.original's decoded scan finds, written the same in the message: RRR15be-1)
        masked = masked_text(text, hits) if hits else text
        return _replaced(masked, longest_first, raw, alone=free_text) if raw else masked

    def _read_across(self, original: str, cut: int, rebuilt: str) -> bool:
        """Whether a scan across the cut of ``original`` at ``cut`` reads a value that the parts
        left in clear in ``rebuilt``: a value of one side named by a context word of the other
        (护照号 in the header, its passport in the message, or the other way round: that side
        scanned again with the context the other gives, _named_across), or a value across the cut,
        read in the ACROSS characters either side of it, where the header ends in what a value
        holds (a letter, a digit, +-._@). A header ending in ':', ']', '"', '=' (a syslog tag, a
        key) and an ASCII line without such a word cost no second scan."""
        if not original.isascii() and self._named_across(original[:cut], original[cut:], rebuilt):
            return True
        end = original[:cut].rstrip()[-1:]
        if not (end.isalnum() or end in _IN_A_VALUE):
            return False
        start = max(0, cut - ACROSS)
        return any(m.start < cut - start < m.end for m in self.scanner.scan(original[start:cut + ACROSS]))

    def _named_across(self, head: str, rest: str, rebuilt: str) -> bool:
        """Whether a context word of ``head`` or ``rest`` that the other lacks names a value of the
        other that ``rebuilt`` holds in clear (each side was scanned with its own words only)."""
        head_words, rest_words = self.scanner.inline_context(head), self.scanner.inline_context(rest)
        named = [head[m.start:m.end] for m in self.scanner.scan(head, rest_words)] if rest_words - head_words else []
        if head_words - rest_words:
            named += [rest[m.start:m.end] for m in self.scanner.scan(rest, head_words)]
        return any(value in rebuilt for value in named)

    @staticmethod
    def _findings(fields: Mapping[str, Any], found: Mapping[str, list[Match]]) -> list[str]:
        kinds = []
        if any(_in_query(name, fields[name], hits) for name, hits in found.items() if name in _URL_FIELDS):
            kinds.append("personal_data_in_url_query")
        # a REST path is written to the same access logs as a query string (R15t-5)
        if any(_in_path(name, fields[name], hits) for name, hits in found.items() if name in _URL_FIELDS):
            kinds.append("personal_data_in_url_path")
        scheme = str(fields.get("url.scheme") or "").lower()
        protocol = str(fields.get("network.protocol") or "").lower()
        if (scheme == "http" or protocol == "http") and (set(found) & (_URL_FIELDS | {"http.request.body.content"})):
            kinds.append("personal_data_in_cleartext_http")
        if set(found) & _LOG_FIELDS:
            kinds.append("personal_data_in_log_message")
        return kinds


def _holding_the_message(fields: Mapping[str, Any]) -> tuple[str, str] | None:
    """What event.original holds before and after the message, when it holds it as its tail, one
    whole token (a syslog line): the message part of both is masked once, so that both read alike
    past READ too (RRR15bc-3). Only a message of at least MESSAGE_AT_LEAST characters, found once,
    with no letter or digit beside it: a short message ('0', '8') may be found inside a number of
    the line, and the two halves of a number cut there are masked by no scan (RRR15bl-1). Otherwise
    None: event.original is masked as one text (by its own scan, the free-text masker and the
    values carried from the scanned fields)."""
    original, message = fields.get("event.original"), fields.get("message")
    if not (isinstance(original, str) and isinstance(message, str) and len(message) >= MESSAGE_AT_LEAST):
        return None
    at = original.find(message)
    end = at + len(message)
    if at < 0 or original.find(message, at + 1) >= 0:
        return None
    if (at > 0 and original[at - 1].isalnum()) or original[end:].strip():
        return None  # a value after the message would be read without its key before it
    return original[:at], original[end:]


def _replaced(text: str, longest_first: Sequence[str], raw: Mapping[str, str], *, alone: bool = True) -> str:
    """``text`` with every raw value of the event's ingest hits replaced by its masked form. In a
    free-text field (``alone``) only where the ingest scan reads it as a number of its own
    (recognizer.in_a_word): one inside a longer number or word (an order id, a snowflake id, a hex
    hash, a decimal, a version) is kept (RRR15bj-1, RRR15bk-1). A field with no context of its own
    (file.name, user.name, url.path) gets it everywhere, inside a longer word too: the carried
    value is the only mask it gets (E12345678.pdf, u13800138000: RRR15bl-2)."""
    for value in longest_first:
        if value not in text:
            continue
        if not alone:
            text = text.replace(value, raw[value])
            continue
        parts, at = [], 0
        for start in _occurrences(text, value):
            end = start + len(value)
            if in_a_word(text, start, end):
                continue
            parts += [text[at:start], raw[value]]
            at = end
        text = "".join(parts) + text[at:] if parts else text
    return text


def _occurrences(text: str, value: str) -> Iterator[int]:
    """The starts of ``value`` in ``text``, left to right, none overlapping."""
    start = text.find(value)
    while start >= 0:
        yield start
        start = text.find(value, start + len(value))


def _scan_field(scan: Callable[[str], list[Match]], name: str, value: str) -> list[Match]:
    """The ingest scan's hits in ``value`` (holding a '%') of the scanned field ``name``: a URL
    decoded; a request body or a log message that holds a %XX escape (a form, or a query string
    logged in it: data=id%3D<ID>%26phone%3D<mobile>) decoded and as written (RRR15bp-1): raw, the
    escape's hex digit stands against the value, and the scan's bound reads it as part of a word.
    Such a text is decoded only where an escape may change an answer (percent.may_read_otherwise:
    4 KB of %2F%20 cost 50x its scan decoded, RRR15br-3), and in its head only
    (ingest_masking.head_end), as the free-text masker
    reads it: decoding costs ~0.4 µs a character of escapes, an 8 MB body whole 3 s and 300-450 MB
    (RRR15br-1)."""
    if name in _URL_FIELDS:
        return _scan_decoded(scan, value)
    if name in _TEXT_FIELDS and may_read_otherwise(value, head_end(value)):
        return _scan_decoded(scan, value, as_written=True)
    return scan(value)


def _scan_decoded(scan: Callable[[str], list[Match]], value: str, *, as_written: bool = False) -> list[Match]:
    """Hits in a text whose values may be percent-encoded (sfzh=%31%31%30..., UTF-8 or GBK):
    scanned decoded, each span mapped back to the encoded text; ``as_written``: only the first
    READ characters decoded (cut where ingest_masking.head_end cuts), with the hits of the
    whole text as written that overlap none of those."""
    head = value[:head_end(value)] if as_written else value
    text, offsets = percent_decoded(head)
    if text == head:
        return scan(value)
    hits = [dataclasses.replace(h, start=offsets[h.start], end=offsets[h.end]) for h in scan(text)]
    if as_written:
        hits += [m for m in scan(value) if all(m.end <= h.start or h.end <= m.start for h in hits)]
        hits.sort(key=lambda m: m.start)
    return hits


def _in_query(name: str, value: str, hits: list[Match]) -> bool:
    if name == "url.query":
        return True
    mark = value.find("?")
    return mark >= 0 and any(m.start > mark for m in hits)


#: Kinds whose shape alone says what they are in a REST path: a resident ID carries a check
#: character and a birth date, an e-mail address its @. An 11-digit number (an order or user id
#: as often as a mobile: 54 % of ids 1e10-2e10 read as mobiles) or a Luhn-valid 16 digits (1 in
#: 10 of transaction ids) is personal data there only when the path names it (R15y-2).
_SELF_EVIDENT_IN_PATH: Final = frozenset({"cn_resident_id", "email"})
#: Words of the path right before a number (its segment or the one before it) naming the kind.
_PATH_NAMING: Final = re.compile(
    r"phone|mobile|tel|cell|sjh|shouji|sjhm|lxdh|card|bank|yhk|idcard|sfz|passport|hzh|cert|zjhm",
    re.IGNORECASE)


def _in_path(name: str, value: str, hits: list[Match]) -> bool:
    """Whether a hit lies in the URL before its query string (url.query holds none of the path),
    of a kind its shape proves or named by the path before it (/api/phone/<mobile>)."""
    if name == "url.query":
        return False
    mark = value.find("?")
    path_hits = [m for m in hits if mark < 0 or m.start < mark]
    return any(m.recognizer in _SELF_EVIDENT_IN_PATH or _named_in_path(value, m.start) for m in path_hits)


def _named_in_path(value: str, start: int) -> bool:
    """Whether the number's own segment or the segment before it names a personal kind."""
    before = value[:start].rstrip("/").rsplit("/", 2)
    return bool(_PATH_NAMING.search("/".join(before[-2:])))
