"""Common Chinese words from jieba's dictionary, to tell a word from a person's name where the name reader has only
the characters to go by (stage: classification; issue 15, RR15aj-3 / RR15aj-4).

After a role label (学生：, 家长 ) the value is as often a field's as a name: 学生：高一和高二, 学生：白天上学,
家长：周一签字 open with a word whose first character is a surname (高, 白, 周) and which the name recognizer
takes (cn_codes.NOT_NAMES lists few such words). jieba's dict.txt (MIT, the dictionary of the most used Chinese
word segmenter, 349,046 words with a frequency and a part of speech) lists 高一, 白天, 周一, 时候 as words and
tags the names it holds nr/nrt/nrfg (李娜, 王建国): a token of two to four characters it lists with a tag of no
proper noun is a word, not a name. Its place, organisation and other proper nouns (ns, nt, nz) hold names too
(江建国, 高洋, 荆东 are tagged ns), so they are no words here, nor are names it does not list (王芳, 李明: most).

The file is read without importing jieba (its import reaches for pkg_resources) and once a process (about 0.3 s),
under a lock, so that threads masking at once read it once (RR15ao-6), in one pass for every list drawn from it
(these common words, record_names' words holding 号 or 单: :func:`dictionary_list`). Without it (jieba not installed,
dict.txt missing or unreadable) no token is a common word: a name after a label is read as such, more is masked,
never less, and no table is lost to the error (RR15ao-2); one warning names the missing file.
"""

from __future__ import annotations

import importlib.metadata
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Final

__all__ = ["is_common_word", "dictionary_list"]

#: jieba's part-of-speech tags of proper nouns: person names nr (Chinese), nrt (transliterated), nrfg (a name as a
#: term); places ns, organisations nt, other proper nouns nz.
_PROPER_TAGS: Final = ("nr", "ns", "nt", "nz")
#: Where dict.txt lies inside the jieba distribution.
_DICT: Final = "jieba/dict.txt"

_log = logging.getLogger(__name__)
_lock = threading.Lock()


@dataclass(frozen=True, slots=True, kw_only=True)
class _Listed:
    """A word list drawn from dict.txt (:func:`dictionary_list`)."""

    keep: Callable[[str, str], bool]
    what: str
    without: str
    why: str
    log: logging.Logger


#: The lists declared, each under a key of its own (not its ``what``: two lists said alike were one, RRR15bh-8),
#: and those read (or found unreadable).
_LISTS: dict[object, _Listed] = {}
_read: dict[object, frozenset[str]] = {}


def dictionary_list(keep: Callable[[str, str], bool], what: str, without: str, why: str, *,
                    log: logging.Logger = _log) -> Callable[[], frozenset[str]]:
    """The words of jieba's dict.txt that ``keep(word, tag)`` takes, as a function giving them: lists declared
    at import are read in one pass of the file (349,046 lines, about 0.3 s: the hook read it once a list) at the
    first call of any, under a lock, and kept for the process, then looked up without the lock. When jieba or the
    file is missing or unreadable the list asked for is empty and one warning on ``log`` (the caller's) names the
    file (and line), ``what`` was not read, ``without`` what is done instead and ``why`` to install jieba; a list
    not asked for yet warns when it is."""
    key = object()
    _LISTS[key] = _Listed(keep=keep, what=what, without=without, why=why, log=log)

    def listed() -> frozenset[str]:
        found = _read.get(key)  # once read, no lock: is_common_word asks once a token (RRR15bh-7)
        if found is not None:
            return found
        with _lock:  # the first callers: one reads, the others wait for it and find the list read
            if key not in _read:
                _read.update(_read_lists(key, {k: spec for k, spec in _LISTS.items() if k not in _read}))
            return _read[key]

    return listed


def _read_lists(asked: object, lists: dict[object, _Listed]) -> dict[object, frozenset[str]]:
    """Each of ``lists`` from one pass of dict.txt; or, where it cannot be read, ``asked`` empty (its warning
    logged), the others left to be read when asked for."""
    where, number = f"{_DICT} of the jieba distribution", 0
    try:
        where = str(importlib.metadata.distribution("jieba").locate_file(_DICT))
        words: dict[object, set[str]] = {key: set() for key in lists}
        with open(where, encoding="utf-8") as lines:
            for number, line in enumerate(lines, 1):  # noqa: B007 (the warning names the line that failed)
                word, _, tag = line.split()
                for key, spec in lists.items():
                    if spec.keep(word, tag):
                        words[key].add(word)
    except (importlib.metadata.PackageNotFoundError, OSError, UnicodeDecodeError, ValueError) as e:
        where += f":{number}" if number else ""
        spec = lists[asked]
        spec.log.warning("%s not read from %s (%s: %s): %s; pip install 'jieba>=0.42.1,<0.43' %s", spec.what, where,
                         type(e).__name__, e, spec.without, spec.why)
        return {asked: frozenset()}
    return {key: frozenset(found) for key, found in words.items()}


#: The words of two to four characters of dict.txt tagged as no proper noun; none when the file cannot be read
#: (then a token after a label is never taken for a word, so names are masked, never shown).
_words: Final = dictionary_list(lambda word, tag: 2 <= len(word) <= 4 and not tag.startswith(_PROPER_TAGS),
                                "common words", "every name after a role label is masked", "to tell words from names")


def is_common_word(token: str) -> bool:
    """Whether jieba's dictionary lists ``token`` (2-4 Chinese characters) as a word that is no proper noun."""
    return token in _words()
