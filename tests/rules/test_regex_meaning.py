"""What ``|re`` means where the two search paths used to part from PCRE (R12g F2, F4, POSIX under i).

The Sigma specification gives ``|re`` PCRE's flavour without the u flag. The expectations here
come from PCRE2's definitions (pcre2pattern: "Generic character types", "Posix character
classes", "Circumflex and dollar"; pcre2_compile's class code: under caseless matching
``[:lower:]`` and ``[:upper:]`` are ``[:alpha:]``), checked with pcre2test 10.42 in UTF mode, not
from either path's output. Each pattern runs the way the SQLite store runs it: RE2 when
re2_syntax writes it (linear_search), else Python's re over python_regexp (bounded_search); the
RE2 form and the Python form are each checked alone too, since a store takes one or the other.
"""

from __future__ import annotations

import re
import string
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest

from govsoc.core.caseless import fold
from govsoc.core.event import Event, make_id
from govsoc.rules import detect
from govsoc.rules.backends.pcre import python_regexp
from govsoc.rules.backends.re2_syntax import re2_regexp
from govsoc.rules.backends.regex import _APART, lucene_regexp
from govsoc.store.base import Store
from govsoc.store.sqlite_regexp import bounded_search, linear_search
from tests.rules.test_incremental import T0, ruleset, write

#: Every Latin-1 and Latin Extended-A character, and those that matter beyond: the Kelvin sign and
#: the long s (case folding maps them into ASCII), NBSP's wider kin, an Arabic-Indic digit, a CJK
#: letter, the line separator.
CHARACTERS = [chr(c) for c in range(0x180)] + ["\u212a", "\u2028", "\u3000", "\u0661", "\u4e2d", "\uff11"]

SPACES = " \t\n\x0b\f\r"
#: PCRE's character types without the u flag: which characters each takes.
TYPES: dict[str, Callable[[str], bool]] = {
    "d": lambda c: c in string.digits, "D": lambda c: c not in string.digits,
    "w": lambda c: c in string.ascii_letters + string.digits + "_",
    "W": lambda c: c not in string.ascii_letters + string.digits + "_",
    "s": lambda c: c in SPACES, "S": lambda c: c not in SPACES}
#: The POSIX classes without the u flag (pcre2pattern, "Posix character classes"): ASCII only.
POSIX: dict[str, Callable[[str], bool]] = {
    "alnum": lambda c: c.isascii() and c.isalnum(), "alpha": lambda c: c.isascii() and c.isalpha(),
    "ascii": lambda c: ord(c) < 128, "blank": lambda c: c in " \t",
    "cntrl": lambda c: ord(c) < 32 or ord(c) == 127, "digit": lambda c: c in string.digits,
    "graph": lambda c: 33 <= ord(c) <= 126, "lower": lambda c: c in string.ascii_lowercase,
    "print": lambda c: 32 <= ord(c) <= 126, "punct": lambda c: c in string.punctuation,
    "space": lambda c: c in SPACES, "upper": lambda c: c in string.ascii_uppercase,
    "word": lambda c: c.isascii() and (c.isalnum() or c == "_"), "xdigit": lambda c: c in string.hexdigits}


def store_search(pattern: str, flags: str, value: str) -> bool:
    """The SQLite store's answer: RE2 if re2_syntax writes the pattern, else the bounded re."""
    written = re2_regexp(pattern, flags)
    if written is not None:
        return linear_search(written, value)
    return python_search(pattern, flags, value)


def python_search(pattern: str, flags: str, value: str) -> bool:
    """The fallback's answer (what a pattern RE2 refuses gets)."""
    python = (f"(?{flags})" if flags else "") + python_regexp(pattern, multiline="m" in flags)
    return bounded_search(python, value, "message")


def paths(pattern: str, flags: str) -> list[Callable[[str], bool]]:
    """Each way the pattern may be run: the fallback, and RE2 when it takes the pattern."""
    runs = [lambda v: python_search(pattern, flags, v)]
    written = re2_regexp(pattern, flags)
    if written is not None:
        runs.append(lambda v: linear_search(written, v))
    return runs


@pytest.mark.parametrize("flags", ["", "i"])
@pytest.mark.parametrize("kind", sorted(TYPES))
@pytest.mark.parametrize("shape", [
    "{t}(?=x)",  # first in the pattern, behind a lookahead RE2 refuses: R12g F2's case (re only)
    "^{t}x",  # first after an anchor
    "x{t}",  # after a literal
    "[{t}]x",  # alone in a class, first in the pattern
])
def test_a_character_type_is_its_ascii_set_wherever_it_stands(shape: str, kind: str, flags: str) -> None:
    """R12g F2: python_regexp wrote \\W as (?a:\\W), and CPython builds the set a match may start
    with from a pattern's first category without the group's ASCII flag: '\\W(?=cmd)' missed
    '中cmd', '\\S(?=x)' NBSP + 'x', '\\D(?=x)' an Arabic-Indic digit + 'x' (PCRE matches all)."""
    pattern = shape.format(t="\\" + kind)
    means = TYPES[kind]
    for run in paths(pattern, flags):
        wrong = [c for c in CHARACTERS if run(("x" if shape.startswith("x") else "") + c + "x") != means(c)]
        assert not wrong, (pattern, flags, [f"U+{ord(c):04X}" for c in wrong[:8]], len(wrong))


@pytest.mark.parametrize("flags", ["", "i"])
@pytest.mark.parametrize("name", sorted(POSIX))
@pytest.mark.parametrize(("shape", "negated", "with_x"), [
    ("[[:{n}:]]", False, False),
    ("[[:^{n}:]]", True, False),
    ("[^[:{n}:]]", True, False),
    ("[x[:{n}:]]", False, True),  # with a member that i folds: x or X
    ("[^x[:{n}:]]", True, True),
])
def test_a_posix_class_is_not_folded_under_i(shape: str, negated: bool, with_x: bool, name: str, flags: str) -> None:
    """PCRE's POSIX classes are ASCII sets that caseless matching leaves alone, but for
    [:lower:] and [:upper:], which become [:alpha:] (pcre2_compile). Both paths folded them:
    '(?i)[[:alpha:]]' took the Kelvin sign and the long s, '(?i)[[:^alpha:]]' in RE2 lost them."""
    pattern = "^" + shape.format(n=name) + "$"
    base = POSIX["alpha" if "i" in flags and name in ("lower", "upper") else name]
    def means(c: str) -> bool:
        member = base(c) or (with_x and (c in "xX" if "i" in flags else c == "x"))
        return member != negated
    for run in paths(pattern, flags):
        wrong = [c for c in CHARACTERS if run(c) != means(c)]
        assert not wrong, (pattern, flags, [f"U+{ord(c):04X}" for c in wrong[:8]], len(wrong))


#: Patterns with ^ under m, the values, and PCRE's answer: ^ matches at the start and after a
#: newline that does not end the value (pcre2pattern, "Circumflex and dollar"), where $ matches
#: before any newline and at the very end.
LINE_STARTS = [
    ("^$", "a\n", False),  # no empty line: 'a' and the end (R12g F4: every line ending in \n alerted)
    ("^$", "a\n\nb", True),  # an empty line inside
    ("^$", "a\n\n", True),  # an empty line before the final newline
    ("^$", "", True),  # the empty value is one empty line
    ("^$", "\n", True),  # ...and so is a lone newline: ^ at 0, $ before it
    ("(?:^|x)$", "a\n", False),
    ("(?:^|x)$", "a\nx", True),
    ("\\n^", "a\n", False),
    ("\\n^", "a\nb", True),
    ("^\\s*$", "a\n", False),
    ("^\\s*$", "a\n \n", True),
    ("^(?!x)$", "a\n", False),  # behind a lookahead: the fallback's case
    ("^(?!x)$", "a\n\n", True),
    ("^a", "b\na", True),  # something must follow ^: RE2 keeps it
    ("^a*", "b\n", True),  # matches empty at the start anyway
]


@pytest.mark.parametrize(("pattern", "value", "expected"), LINE_STARTS)
def test_a_line_start_is_not_after_a_final_newline(pattern: str, value: str, expected: bool) -> None:
    assert store_search(pattern, "m", value) == expected
    assert python_search(pattern, "m", value) == expected


@pytest.mark.parametrize(("pattern", "value", "expected"), LINE_STARTS)
def test_lucene_does_not_take_a_line_start_it_cannot_place(pattern: str, value: str, expected: bool) -> None:
    """A Lucene ``(.*\\n)?`` before the rest took the final newline with nothing after it: the
    pattern is refused (ValueError), so the Elasticsearch rule becomes a superset checked by the
    store's own search; where something must follow ^ the regexp is exact."""
    try:
        lucene = lucene_regexp(pattern, multiline=True)
    except ValueError:
        return
    assert (re.fullmatch(lucene, value, re.DOTALL) is not None) == expected


LINE_ID = "7d3c0b1e-0000-4000-8000-0000000f1211"
POSIX_ID = "7d3c0b1e-0000-4000-8000-0000000f1212"
TYPE_ID = "7d3c0b1e-0000-4000-8000-0000000f1213"
WORD_ID = "7d3c0b1e-0000-4000-8000-0000000f1214"
LETTER_ID = "7d3c0b1e-0000-4000-8000-0000000f1215"
MEANING_RULES = f"""
title: an empty line
id: {LINE_ID}
logsource: {{product: linux, service: sshd}}
detection: {{sel: {{message|re|m: '^$'}}, condition: sel}}
level: low
---
title: letters only, caseless
id: {POSIX_ID}
logsource: {{product: linux, service: sshd}}
detection: {{sel: {{message|re|i: '^[[:lower:]]+$'}}, condition: sel}}
level: low
---
title: a non-word character before cmd
id: {TYPE_ID}
logsource: {{product: linux, service: sshd}}
detection: {{sel: {{message|re: '\\W(?=cmd)'}}, condition: sel}}
level: low
---
title: word characters only, caseless
id: {WORD_ID}
logsource: {{product: linux, service: sshd}}
detection: {{sel: {{message|re|i: '^\\w+$'}}, condition: sel}}
level: low
---
title: system, caseless
id: {LETTER_ID}
logsource: {{product: linux, service: sshd}}
detection: {{sel: {{message|re|i: '^system$'}}, condition: sel}}
level: low
"""
#: Each message and the rules PCRE finds in it.
MESSAGES = [
    ("session opened\n", set()),  # a line ending in a newline holds no empty line
    ("session opened\n\nfor root", {LINE_ID}),
    ("ADMIN", {POSIX_ID, WORD_ID}),  # [:lower:] is [:alpha:] under i
    ("admin\u212a", set()),  # ...ASCII letters only: the Kelvin sign is none (nor a word character:
    ("\u017fystem", {LETTER_ID}),  # Elasticsearch's lower-cased field holds it as k), nor the long s,
    ("SYSTEM", {LETTER_ID, POSIX_ID, WORD_ID}),  # which is an s to caseless PCRE, though the field keeps it
    ("adm\u0130n", set()),  # nor İ, an i on that field
    ("run \u4e2dcmd", {TYPE_ID}),  # 中 is no ASCII word character
    ("run acmd", set()),
]


def test_both_stores_alert_as_pcre_does(store: Store, tmp_path: Path) -> None:
    """The shapes above through a detection pass, on SQLite and on Elasticsearch (where the
    patterns go as supersets checked by the store's search): the same alerts, PCRE's. On the
    old code Elasticsearch also alerted '^\\w+$' with i on 'admin' + KELVIN SIGN (R12g F1,
    whose RE2 half 88c659d fixed), and missed '^system$' with i on 'ſystem'."""
    rules = ruleset(tmp_path, MEANING_RULES)
    events = [Event(id=make_id("meaning", n), timestamp=T0 + timedelta(seconds=n), dataset="linux.auth",
                    fields={"event.module": "linux", "process.name": "sshd", "message": message})
              for n, (message, _) in enumerate(MESSAGES)]
    write(store, events)
    summary = detect(store, rules)
    assert not summary.failed, [str(e) for e in summary.failed]
    found = {(rule_id, event_id) for rule_id in (LINE_ID, POSIX_ID, TYPE_ID, WORD_ID, LETTER_ID)
             for alert in store.alerts(rule_id=rule_id) for event_id in alert.event_ids}
    expected = {(rule_id, event.id) for event, (_, rules_found) in zip(events, MESSAGES, strict=True)
                for rule_id in rules_found}
    assert found == expected


def test_what_the_lower_cased_field_keeps_apart_is_written_beside_its_letter() -> None:
    """Every character that Unicode simple case folding (PCRE's caseless matching) takes with a
    letter while the field's Java lower-casing (govsoc.core.caseless.fold) keeps it apart, from
    every code point: regex._APART must name each, or Elasticsearch misses what SQLite finds."""
    apart: dict[str, str] = {}
    for point in range(0x110000):
        char = chr(point)
        if 0xD800 <= point < 0xE000 or len(folded := char.casefold()) != 1 or len(fold(char)) != 1:
            continue
        if fold(char) != fold(folded):
            apart[fold(folded)] = apart.get(fold(folded), "") + char
    assert apart == _APART


COUNT_ID = "7d3c0b1e-0000-4000-8000-0000000f1216"


@pytest.mark.parametrize("count", [9, 12, 32, 40, 999])
def test_an_exact_count_after_a_loop_alerts_on_both_stores(store: Store, tmp_path: Path, count: int) -> None:
    """F12k: Elasticsearch refused the Lucene form of an exact count after a loop that overlaps
    it ('[ab]*a[ab]{n}': the automaton must remember every a of the last n characters, "would
    require more than 10000 effort"; from n = 12 here), and the rule failed on Elasticsearch alone
    (HTTP 400 "all shards failed"). A count over 8 goes there as a superset ({8,}) checked exactly,
    and alerts as PCRE does: an a exactly n characters of a or b before y."""
    rules = ruleset(tmp_path, f"""
title: an exact count after a loop
id: {COUNT_ID}
logsource: {{product: linux, service: sshd}}
detection: {{sel: {{message|re: '[ab]*a[ab]{{{count}}}y'}}, condition: sel}}
level: low
""")
    messages = {"hit": "ba" + "b" * count + "y", "one more": "a" + "b" * (count + 1) + "y",
                "one fewer": "a" + "b" * (count - 1) + "y"}
    events = [Event(id=make_id("count", n), timestamp=T0 + timedelta(seconds=n), dataset="linux.auth",
                    fields={"event.module": "linux", "process.name": "sshd", "message": text})
              for n, text in enumerate(messages.values())]
    write(store, events)
    summary = detect(store, rules)
    assert not summary.failed, [str(e) for e in summary.failed]
    found = {event_id for alert in store.alerts(rule_id=COUNT_ID) for event_id in alert.event_ids}
    assert found == {events[0].id}



def test_a_regexp_the_node_will_not_build_is_said_so() -> None:
    """The store's error for a search the node refuses names the first root cause and says what
    a refused regexp means, not "HTTP 400 all shards failed" alone (F12k). The answer is the one
    Elasticsearch 9.2 gave for '.*([ab]*a[ab]{12}y).*' (before counts over 8 went as supersets)."""
    from govsoc.store.elasticsearch import _reason

    refused = {"type": "search_phase_execution_exception", "reason": "all shards failed", "root_cause": [
        {"type": "query_shard_exception", "reason": "failed to create query: Determinizing automaton with 16 states "
         "and 17 transitions would require more than 10000 effort."}]}
    said = _reason(refused)
    assert said.startswith("the node refused a regular expression of this rule as too complex to build")
    assert "all shards failed: failed to create query: Determinizing automaton with 16 states" in said
    assert _reason({"type": "x", "reason": "index closed"}) == "index closed"
