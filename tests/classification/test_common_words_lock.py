"""jieba's word lists looked up without a lock once read (issue 15, review R15bh: RRR15bh-7, LOW), and
kept apart when said alike (RRR15bh-8, LOW).

is_common_word is asked once a token by the name reader; F15at's listed() took the module's lock on every call,
4-14x the cost of a call (R15bh's speed_common.py: 70-276 ns before, 978-1,215 ns after). Once a list is read the
lookup takes no lock; the first read stays under it (test_common_words_missing: eight threads read dict.txt once)."""

from __future__ import annotations

import threading
from types import TracebackType

import pytest

from govsoc.classification import common_words
from govsoc.classification.common_words import is_common_word


class _CountedLock:
    """A lock that counts how often it is taken."""

    def __init__(self) -> None:
        self.taken = 0
        self._lock = threading.Lock()

    def __enter__(self) -> bool:
        self.taken += 1
        return self._lock.__enter__()

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self._lock.__exit__(kind, error, trace)


def test_a_list_once_read_is_looked_up_without_the_lock(monkeypatch: pytest.MonkeyPatch) -> None:
    is_common_word("工作")  # the first call reads the lists, under the lock
    counted = _CountedLock()
    monkeypatch.setattr(common_words, "_lock", counted)
    for token in ("工作", "王芳", "报告", "李明") * 50:
        is_common_word(token)
    assert counted.taken == 0


def test_a_list_not_yet_read_is_read_under_the_lock(monkeypatch: pytest.MonkeyPatch) -> None:
    counted = _CountedLock()
    monkeypatch.setattr(common_words, "_lock", counted)
    monkeypatch.setattr(common_words, "_read", {})  # as at a process's first call
    assert is_common_word("工作")  # dict.txt lists 工作 (work) as a verb: the list was read
    assert not is_common_word("王芳")
    assert counted.taken == 1  # the first call read every list; the second found its list read


def test_two_lists_said_alike_are_two_lists(monkeypatch: pytest.MonkeyPatch) -> None:
    # RRR15bh-8: lists were kept by their ``what``, so the second replaced the first (both gave 报告)
    monkeypatch.setattr(common_words, "_LISTS", {})
    monkeypatch.setattr(common_words, "_read", {})
    work = common_words.dictionary_list(lambda word, _: word == "工作", "probe list", "-", "-")
    report = common_words.dictionary_list(lambda word, _: word == "报告", "probe list", "-", "-")
    assert (work(), report()) == (frozenset({"工作"}), frozenset({"报告"}))
