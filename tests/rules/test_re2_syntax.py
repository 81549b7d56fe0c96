"""Sigma regular expressions in RE2 (govsoc.rules.backends.re2_syntax) match what the SQLite store
matched with Python's ``re`` (rules/backends/pcre.py, PCRE's meaning), on the patterns and values
tests/rules/test_regex.py generates from the specification's constructs; what RE2 cannot say is
refused (None), to run in Python's ``re`` under a CPU bound (R12f, 3)."""

from __future__ import annotations

import re

import pytest
import re2
from hypothesis import HealthCheck, example, given, settings

from govsoc.rules.backends.pcre import python_regexp
from govsoc.rules.backends.re2_syntax import re2_options, re2_regexp
from tests.rules.test_regex import FLAGS, ORACLE_CPU_SECONDS, VALUES, _cpu_budget, _OracleTooSlow, patterns


def _python(pattern: str, flags: set[str], value: str) -> bool:
    """What the SQLite store's search answered: Python's re over python_regexp's rewrite."""
    written = (f"(?{''.join(sorted(flags))})" if flags else "") + python_regexp(pattern)
    return re.search(written, value) is not None


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(patterns(), FLAGS, VALUES)
@example("a$", set(), "a\n")  # PCRE's $ before a final newline
@example("a$", set(), "a\nb")  # ...but not before an inner one
@example("(a$)|b", set(), "xa\n")
@example("\\s", set(), "\x0b")  # PCRE's \s takes VT, RE2's does not
@example("[^\\s/]", set(), "\x0b")
@example("\\S", set(), "\x0b")
@example("\\d", set(), "\u0661")  # ASCII digits only, as PCRE without the u flag
@example("\\w", {"i"}, "\u00e9")
@example("É", {"i"}, "é")  # caseless letters beyond ASCII, as the SQLite store folds them
@example("^b", {"m"}, "a\nb")
@example("a.b", {"s"}, "a\nb")
@example("a{,2}b", set(), "aab")  # PCRE2's {,m}
@example("a{x}", set(), "a{x}")  # a brace that starts no quantifier is itself
def test_re2_matches_what_python_matched(pattern: str, flags: set[str], value: str) -> None:
    written = re2_regexp(pattern, "".join(sorted(flags)))
    if written is None:
        return
    try:
        with _cpu_budget(ORACLE_CPU_SECONDS):
            expected = _python(pattern, flags, value)
    except _OracleTooSlow:
        return  # the backtracking this module exists for: RE2 answers it, Python cannot judge it
    assert (re2.compile(written, re2_options()).search(value) is not None) == expected, written


@pytest.mark.parametrize("pattern", [
    "(?=a)b",  # lookahead
    "(?<!a)b",  # lookbehind
    "(a)\\1",  # backreference
    "(?>a+)b",  # atomic group
    "a++b", "a{2}+b",  # possessive
    "(a$|b)c", "a$\\n",  # something may follow a $ (PCRE's $ does not consume the newline)
    "[\\S]",  # PCRE's \S in a class: RE2's would take VT
    "a\\Z", "\\v", "\\h", "\\p{L}",  # escapes whose meaning differs or that Python refuses
    "x{1001}",  # over RE2's repetition limit
    "(?x) a",  # a flag RE2 lacks
])
def test_what_re2_cannot_say_is_left_to_python(pattern: str) -> None:
    assert re2_regexp(pattern, "") is None


#: Characters that Unicode case folding maps into ASCII letters: K (KELVIN SIGN) -> k, LATIN SMALL
#: LETTER LONG S -> s. PCRE's \w and \W (no u flag) are character types that caseless matching
#: leaves alone: \w is [0-9A-Za-z_] whether or not i is on (pcre2pattern, "Generic character types").
FOLDING_INTO_ASCII = ("admin\u212a", "\u017fystem", "cmd\u212a", "k", "s")


@pytest.mark.parametrize(("pattern", "flags", "means"), [
    ("^\\w+$", "i", lambda v: re.fullmatch(r"[0-9A-Za-z_]+", v) is not None),
    ("(?i:^\\w+$)", "", lambda v: re.fullmatch(r"[0-9A-Za-z_]+", v) is not None),
    ("cmd\\W", "i", lambda v: re.search(r"(?i:cmd)[^0-9A-Za-z_]", v) is not None),
    ("^[\\w]+$", "i", lambda v: re.fullmatch(r"[0-9A-Za-z_]+", v) is not None),
])
@pytest.mark.parametrize("value", FOLDING_INTO_ASCII)
def test_word_characters_are_not_folded_under_i(pattern: str, flags: str, means: object, value: str) -> None:
    """R12g F1: RE2 folds \\w under (?i), so '^\\w+$' with i matched 'admin' + KELVIN SIGN on the
    SQLite store (and 'ſystem' there but not on Elasticsearch). Each pattern is run the way the
    store runs it: in RE2 when re2_regexp writes it, else in Python's re over python_regexp."""
    written = re2_regexp(pattern, flags)
    if written is not None:
        found = re2.compile(written, re2_options()).search(value) is not None
    else:
        found = _python(pattern, set(flags), value)
    assert found == means(value), (pattern, flags, value, written)  # type: ignore[operator]
