"""Python's cyclic garbage collector held off while a report builds many small objects."""

from __future__ import annotations

import contextlib
import gc
import threading
from collections.abc import Iterator

_LOCK = threading.Lock()
_holders = 0
_was_enabled = False


@contextlib.contextmanager
def cyclic_gc_paused() -> Iterator[None]:
    """Hold off the cyclic collector (reference counting still frees) until the last holder ends.

    A month of hour summaries is some hundred thousand small lists and dicts
    that live until the report is added up; full collections over them held
    the interpreter lock for 100-150 ms, and the window waited that long.
    """
    global _holders, _was_enabled
    with _LOCK:
        if _holders == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _holders += 1
    try:
        yield
    finally:
        with _LOCK:
            _holders -= 1
            if _holders == 0 and _was_enabled:
                gc.enable()
