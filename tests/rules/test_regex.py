"""Sigma regular expressions as Lucene regexps (govsoc.rules.backends.regex), checked against
Python's ``re``: a Sigma ``|re`` searches as ``re.search`` does (the SQLite store runs it so), the
Lucene regexp must match the whole (folded, for ``i``) value exactly when that search finds
something. Patterns are generated from the constructs the Sigma specification defines (modifiers
appendix): characters, ``.``, classes (negated, ranges, shorthands, escapes first), groups,
alternation, quantifiers, ``^``/``$`` at the ends and as alternatives of groups at the ends, at any
depth, and the flags i, m, s. The Lucene output is read back with Python's ``re`` (the operators
it uses mean the same there; its ``.`` takes a newline, hence ``re.S``); the node itself is checked
by tests/rules/test_semantics.py's rows.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from govsoc.core.caseless import fold
from govsoc.core.errors import RuleError
from govsoc.rules.backends.pcre import python_regexp
from govsoc.rules.backends.regex import lucene_regexp, relax_loops

#: Values: the characters the patterns name, a newline (for m, s and $), a Lucene operator (@),
#: upper case (for i).
VALUES = st.text(alphabet="ab/%.-1 \n@A", max_size=8)

_CHARS = st.sampled_from(["a", "b", "/", "%", "-", "1", "@", "A", "\\.", "\\$", "\\/", "\\d", "\\s", "\\w",
                          "\\S", "\\W", "\\D", ".", "[ab]", "[^a]", "[a-c]", "[\\d]", "[^\\s/]", "[\\d/]", "[-a]",
                          "[^-%]", "[.]", "[$]", "[\\]a]"])
_QUANTIFIERS = st.sampled_from(["", "", "", "*", "+", "?", "{1,2}", "{2}", "*?", "+?"])


def _sequence(atoms: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.lists(st.tuples(atoms, _QUANTIFIERS).map("".join), min_size=1, max_size=4).map("".join)


#: Patterns without anchors: characters and groups of alternatives, repeated or not.
BODIES = st.recursive(
    _sequence(_CHARS),
    lambda inner: _sequence(st.one_of(_CHARS, st.lists(st.one_of(inner, st.just("")), min_size=1, max_size=3).map(
        lambda alternatives: "(" + "|".join(alternatives) + ")"))),
    max_leaves=6)


@st.composite
def _edge(draw: st.DrawFn, anchor: str, depth: int = 0) -> str:
    """A pattern anchored at one end (``^`` at the start, ``$`` at the end): the anchor itself, or
    a group there with the anchor, an anchored pattern or a body as its alternatives."""
    leading = anchor == "^"
    body = draw(BODIES)
    kind = draw(st.sampled_from(["anchor", "group", "none"] if depth < 2 else ["anchor", "none"]))
    if kind == "none":
        return body
    if kind == "anchor":
        return anchor + body if leading else body + anchor
    alternatives = draw(st.lists(st.one_of(st.just(anchor), BODIES, _edge(anchor, depth + 1)), min_size=1, max_size=3))
    if anchor not in alternatives:
        alternatives.append(draw(st.sampled_from([anchor, (anchor + "a") if leading else ("a" + anchor)])))
    group = "(" + ("?:" if draw(st.booleans()) else "") + "|".join(alternatives) + ")"
    return group + body if leading else body + group


@st.composite
def patterns(draw: st.DrawFn) -> str:
    """A Sigma pattern: a body, maybe anchored at each end, maybe several such alternatives."""
    def one() -> str:
        start = draw(_edge("^"))
        end = draw(_edge("$"))
        return start + draw(BODIES) + end if draw(st.booleans()) else start

    return "|".join(one() for _ in range(draw(st.integers(1, 2))))


FLAGS = st.sets(st.sampled_from("ims"))


def _search(pattern: str, flags: set[str], value: str) -> bool:
    options = (re.I if "i" in flags else 0) | (re.M if "m" in flags else 0) | (re.S if "s" in flags else 0)
    return re.search(pattern, value, options | re.ASCII) is not None


def _empty_branch(lucene: str) -> bool:
    """Whether a Lucene regexp has an empty alternative (``(a|)``, ``||``), which Lucene's
    RegExp parser refuses although Python's accepts it (SigmaHQ writes ``(?:\\s|)``)."""
    bare = re.sub(r"\\.|\[(?:\\.|[^\]\\])+\]", "x", lucene, flags=re.S)
    return re.search(r"\(\||\|\||\|\)|^\||\|$", bare) is not None


def _lucene_matches(lucene: str, flags: set[str], value: str) -> bool:
    # A caseless rule searches the .caseless field, which holds the value folded.
    return re.fullmatch(lucene, fold(value) if "i" in flags else value, re.S | re.ASCII) is not None


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(pattern=patterns(), flags=FLAGS, values=st.lists(VALUES, min_size=1, max_size=12))
@example(pattern="([^a-z_]|^)union", flags={"i"}, values=["union", "xunion", "_union", "a\nunion"])
@example(pattern="([^a-z_]|%(25)?[0-9a-f][0-9a-f])x", flags={"i"}, values=["%25ax", "/x", "ax", "%2"])
@example(pattern="x(a|b(c|$))", flags=set(), values=["xb", "xb\n", "xbd", "xbc!", "xa!"])
@example(pattern="([\\d]|z)a", flags=set(), values=["1a", "za", "a"])
@example(pattern="a(?:\\s|)b|(|x)y(z|)", flags=set(), values=["ab", "a b", "a-b", "y", "xyz", "zy"])
def test_lucene_regexps_match_what_python_finds(pattern: str, flags: set[str], values: list[str]) -> None:
    lucene = lucene_regexp(pattern, ignore_case="i" in flags, multiline="m" in flags, dotall="s" in flags)
    loose = relax_loops(lucene)
    bounded = lucene_regexp(pattern, ignore_case="i" in flags, multiline="m" in flags, dotall="s" in flags,
                            relax_above=1)
    assert not any(_empty_branch(r) for r in (lucene, loose, bounded)), (lucene, loose, bounded)
    for value in values:
        found = _search(pattern, flags, value)
        assert _lucene_matches(lucene, flags, value) == found, (lucene, value)
        if found:  # the looser forms sent to a node for costly regexps keep every match
            assert _lucene_matches(loose, flags, value), (loose, value)
            assert _lucene_matches(bounded, flags, value), (bounded, value)


@pytest.mark.parametrize("pattern", [
    "a^b",          # '^' inside: never at the start
    "(a|^b)x(c|^)",  # '^' in a group that is not the first
    "x(^a|b)",      # '^' in the last group
    "(a$|b)x",      # '$' in the first group
    "(a|$)?",       # an anchor in a repeated group
    "(^|a)^b",      # two start anchors
    "(?=a)b",       # a look-ahead: outside the Sigma flavour
    "(?i:a)b",      # a scoped flag
    "[a",           # an unterminated class
    "(a",           # an unclosed group
    "a\\",          # a trailing backslash
])
def test_lucene_regexps_refuse_what_they_cannot_say_with_a_reason(pattern: str) -> None:
    with pytest.raises(ValueError, match=r"\S"):
        lucene_regexp(pattern)


def test_every_shipped_regular_expression_goes_to_elasticsearch_as_a_regexp() -> None:
    # A |re lucene_regexp refused became "every document" (checked exactly, but each event of the
    # log source a candidate). The structure walk misread a class opening with an escape ([^\s] in
    # the Huawei rule, the webshell rule's [^/] once written [^\/] for Lucene) as running on past
    # its ']', so an anchor at the end or a group looked misplaced or unclosed.
    from govsoc.rules import load_rules
    from govsoc.rules.backends import backend_for
    from govsoc.rules.loader import BUILTIN_PACKS
    from govsoc.store.elasticsearch_query import decode_native

    ruleset = load_rules([BUILTIN_PACKS])
    with_re = [rule for rule in ruleset.rules if "|re" in ruleset.files[str(rule.id)].read_text(encoding="utf-8")]
    assert len(with_re) >= 10
    caught_all = []
    for rule in with_re:
        native = decode_native(backend_for("elasticsearch").convert(rule))
        if native is not None and "*:*" in native.lucene:
            caught_all.append(ruleset.files[str(rule.id)].name)
    assert caught_all == []


def test_posix_classes_load_without_warning_and_an_unknown_one_is_refused(tmp_path: Path) -> None:
    # PCRE's [[:alpha:]] is no Python nested set: the rule loads (filterwarnings=error turns the
    # re module's FutureWarning into a failure), and a name PCRE does not know is an error (R12c F5).
    from govsoc.rules import load_rules  # noqa: PLC0415

    rule = ("title: posix\nid: 00000000-0000-4000-8000-0000000000f5\nlogsource: {product: linux}\n"
            "detection: {s: {user.name|re: '^[[:alpha:]]+$'}, condition: s}\n")
    (tmp_path / "posix.yml").write_text(rule, encoding="utf-8")
    assert load_rules([tmp_path / "posix.yml"]).errors == []
    with pytest.raises(RuleError, match="no POSIX class"):
        python_regexp("^[[:alfa:]]+$")
