"""Barcode scanner input: cleaning the keystrokes and ignoring a repeated scan."""

from __future__ import annotations

import time
from collections.abc import Callable

from elconsole.domain.records import clean_barcode

DEBOUNCE_S = 3.0


def clean_scan(text: str, prefix: str = "", suffix: str = "") -> str:
    """Return the barcode in a scanner's text: trimmed, without prefix and suffix."""
    value = clean_barcode(text)
    if prefix and value.startswith(prefix):
        value = value[len(prefix) :]
    if suffix and value.endswith(suffix):
        value = value[: -len(suffix)]
    return clean_barcode(value)


class ScanDebouncer:
    """Treats the same barcode scanned again within ``window_s`` seconds as one scan."""

    def __init__(
        self, window_s: float = DEBOUNCE_S, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.window_s = window_s
        self._clock = clock
        self._last: tuple[str, float] | None = None

    def accept(self, barcode: str) -> bool:
        """Return False when ``barcode`` repeats the previous scan within the window."""
        now = self._clock()
        last, self._last = self._last, (barcode, now)
        if last is not None and last[0] == barcode and now - last[1] < self.window_s:
            self._last = last  # the window runs from the first scan
            return False
        return True
