"""A stop signal arriving while the main thread holds the lock of the Event it sets (as
``Event.wait`` does around its wait) still stops the command: `govsoc ingest --follow` never
ended after its SIGINT (CI of stop 34), because its handler called ``Event.set`` and waited for
a lock its own thread held. Each case runs in a child process, so a hang is a timeout here."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

CHILD = textwrap.dedent("""
    import os, signal, threading, time
    from govsoc.cli.stop_signals import stopping_on_signals
    stop = threading.Event()
    with stopping_on_signals(stop.set, {signals}):
        with stop._cond:  # what Event.wait holds between entering and waiting, and after waking
            os.kill(os.getpid(), signal.{signal})
            time.sleep(0.2)  # the handler has run by now (it runs between two bytecodes)
        print("stop set:", stop.wait(10), flush=True)
    print("ended", flush=True)
""")


@pytest.mark.parametrize(("signals", "sent"), [("(signal.SIGINT,)", "SIGINT"), ("", "SIGTERM"), ("", "SIGHUP")])
def test_a_signal_while_the_event_lock_is_held_still_stops(signals: str, sent: str) -> None:
    done = subprocess.run([sys.executable, "-c", CHILD.format(signals=signals, signal=sent)], capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["stop set: True", "ended"]


def test_a_second_sigint_interrupts_and_the_handlers_are_put_back() -> None:
    child = textwrap.dedent("""
        import os, signal, threading, time
        from govsoc.cli.stop_signals import stopping_on_signals
        stop = threading.Event()
        before = signal.getsignal(signal.SIGINT)  # SIG_IGN when started in the background (nohup, CI)
        try:
            with stopping_on_signals(stop.set, (signal.SIGINT,), second_interrupts=True):
                os.kill(os.getpid(), signal.SIGINT)
                print("first stops:", stop.wait(10), flush=True)
                os.kill(os.getpid(), signal.SIGINT)
                time.sleep(10)
                print("not interrupted", flush=True)
        except KeyboardInterrupt:
            print("second interrupts", flush=True)
        print("handler back:", signal.getsignal(signal.SIGINT) is before, flush=True)
        print("threads:", threading.active_count(), flush=True)
    """)
    done = subprocess.run([sys.executable, "-c", child], capture_output=True, text=True, timeout=60)
    assert done.stdout.splitlines() == ["first stops: True", "second interrupts", "handler back: True", "threads: 1"], \
        done.stderr
