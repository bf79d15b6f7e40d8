"""The cyclic collector is held off while any report builds, and comes back after."""

from __future__ import annotations

import gc
import threading

from elconsole.data.gcpause import cyclic_gc_paused


def test_the_collector_comes_back_after_the_last_of_overlapping_holders() -> None:
    assert gc.isenabled()
    inside, release = threading.Event(), threading.Event()

    def other_report() -> None:
        with cyclic_gc_paused():
            inside.set()
            assert release.wait(5)

    worker = threading.Thread(target=other_report)
    with cyclic_gc_paused():
        assert not gc.isenabled()
        worker.start()
        assert inside.wait(5)
    assert not gc.isenabled()  # the other report still builds
    release.set()
    worker.join(5)
    assert gc.isenabled()


def test_a_collector_switched_off_before_stays_off() -> None:
    gc.disable()
    try:
        with cyclic_gc_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()
