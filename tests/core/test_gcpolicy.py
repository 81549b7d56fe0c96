"""govsoc.core.gcpolicy: the cycle collector's threshold is raised inside relaxed_gc and put
back as it was when the outermost block ends, whichever thread ends last."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator

import pytest

from govsoc.core.gcpolicy import BULK_THRESHOLD, relaxed_gc


@pytest.fixture(autouse=True)
def thresholds() -> Iterator[tuple[int, int, int]]:
    before = gc.get_threshold()
    gc.set_threshold(700, 10, 10)
    yield gc.get_threshold()
    gc.set_threshold(*before)


def test_raised_inside_and_restored_after(thresholds: tuple[int, int, int]) -> None:
    with relaxed_gc():
        assert gc.get_threshold() == (BULK_THRESHOLD, 10, 10)
        with relaxed_gc():  # nested: still raised, and not restored by the inner block
            pass
        assert gc.get_threshold()[0] == BULK_THRESHOLD
    assert gc.get_threshold() == thresholds


def test_restored_after_an_exception(thresholds: tuple[int, int, int]) -> None:
    with pytest.raises(RuntimeError), relaxed_gc():
        raise RuntimeError("boom")
    assert gc.get_threshold() == thresholds


def test_overlapping_blocks_of_two_threads_restore_once_both_ended(thresholds: tuple[int, int, int]) -> None:
    inside, release = threading.Event(), threading.Event()

    def other() -> None:
        with relaxed_gc():
            inside.set()
            release.wait(30)

    worker = threading.Thread(target=other)
    with relaxed_gc():
        worker.start()
        assert inside.wait(30)
    assert gc.get_threshold()[0] == BULK_THRESHOLD  # the other thread's block still runs
    release.set()
    worker.join()
    assert gc.get_threshold() == thresholds


def test_a_disabled_threshold_is_left_alone() -> None:
    gc.set_threshold(0)
    with relaxed_gc():
        assert gc.get_threshold()[0] == 0
    assert gc.get_threshold()[0] == 0
