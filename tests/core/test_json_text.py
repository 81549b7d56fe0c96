"""govsoc.core.json_text: a raw record as Sigma keywords search it (RFC 8259 section 7 escapes
of a JSON document decoded, any other text as written)."""

from __future__ import annotations

import pytest

from govsoc.core.json_text import json_text


@pytest.mark.parametrize(("raw", "text"), [
    # the escapes of RFC 8259 section 7: quote, backslash, solidus, controls, \uXXXX
    ('{"c": "C:\\\\Windows \\"x\\" a\\/b\\tz"}', '{"c": "C:\\Windows "x" a/b\tz"}'),
    ('{"m": "\\u767b\\u5f55"}', '{"m": "登录"}'),
    ('[{"e": "\\ud83d\\ude00"}]', '[{"e": "😀"}]'),  # a surrogate pair is one character
    ('{"e": "\\ud800x"}', '{"e": "\ufffdx"}'),  # a lone surrogate is no character: U+FFFD
    # names and the structure are kept, so a keyword across them is still found
    ('  {"a\\"b": 1, "n": null}', '  {"a"b": 1, "n": null}'),
    # not a JSON document: text as written, its backslashes kept
    ('prog: a\\"b', 'prog: a\\"b'),
    ('{"c": "a\\"b"', '{"c": "a\\"b"'),  # cut short
    ('{"c": "a\\"b", "v": NaN}', '{"c": "a\\"b", "v": NaN}'),  # NaN is no JSON (Python reads it)
    ('{"c": "plain"}', '{"c": "plain"}'),  # no backslash, no escape
])
def test_json_text_decodes_a_json_documents_escapes_only(raw: str, text: str) -> None:
    assert json_text(raw) == text
