"""The one runner that takes work off the GUI thread and brings results back to it."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot

log = logging.getLogger(__name__)

Success = Callable[[Any], None]
Failure = Callable[[BaseException], None]


class _Relay(QObject):
    """Lives on the GUI thread; the worker emits through it (a queued connection)."""

    finished = Signal(object, object)  # result, exception


class _Job(QRunnable):
    def __init__(self, work: Callable[[], Any], relay: _Relay) -> None:
        super().__init__()
        self._work = work
        self._relay = relay

    def run(self) -> None:
        try:
            result = self._work()
        except BaseException as exc:  # noqa: BLE001 - handed to the failure callback
            self._relay.finished.emit(None, exc)
        else:
            self._relay.finished.emit(result, None)


class TaskRunner(QObject):
    """Runs callables on a thread pool; callbacks run on the GUI thread.

    Signals:
        busy_changed(int): the number of jobs still running changed.
    """

    busy_changed = Signal(int)

    def __init__(self, parent: QObject | None = None, threads: int = 4) -> None:
        super().__init__(parent)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(threads)
        self._relays: set[_Relay] = set()

    @property
    def busy(self) -> int:
        return len(self._relays)

    def run(
        self,
        work: Callable[[], Any],
        on_success: Success,
        on_failure: Failure | None = None,
    ) -> None:
        """Run ``work()`` in the pool, then ``on_success(result)`` or ``on_failure(exc)``."""
        relay = _Relay()
        self._relays.add(relay)

        @Slot(object, object)
        def finish(result: Any, exc: BaseException | None) -> None:
            self._relays.discard(relay)
            if not shiboken6.isValid(self):  # its owner (a closed widget) is gone
                log.debug("a job ended after its runner was deleted: %r", exc)
                return
            self.busy_changed.emit(len(self._relays))
            if exc is None:
                on_success(result)
            elif on_failure is not None:
                on_failure(exc)
            else:
                log.error("background task failed", exc_info=exc)

        relay.finished.connect(finish)
        self._pool.start(_Job(work, relay))
        self.busy_changed.emit(len(self._relays))

    def wait(self, msecs: int = 10000) -> bool:
        """Wait for running jobs (used when the window closes); True if all ended."""
        return bool(self._pool.waitForDone(msecs))
