"""Date windows in the plant zone: whole days, the quick ranges and the current shift."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from elconsole.domain.plantclock import PlantClock

QUICK_RANGES = ("today", "shift", "yesterday", "last7", "month")
LAST_DAYS = 7


@dataclass(frozen=True)
class Window:
    """A half-open window ``[start, end)`` of unix seconds and the plant days it touches."""

    start: float
    end: float
    first: dt.date  # the first plant-local day of the window
    last: dt.date  # the last plant-local day (inclusive)
    shift: str | None = None  # the shift key when the window is one shift

    @property
    def hours(self) -> float:
        return (self.end - self.start) / 3600


def at(clock: PlantClock, day: dt.date, time: dt.time) -> float:
    """Return the unix seconds of a plant-local wall time (a time in a DST gap moves on)."""
    return dt.datetime.combine(day, time, tzinfo=clock.tz).timestamp()


def days_window(clock: PlantClock, first: dt.date, last: dt.date) -> Window:
    """Return the window from ``first``'s midnight to the midnight after ``last``.

    A day is whatever its local midnights enclose (23 or 25 hours across DST changes).
    Raises ValueError when ``first`` is after ``last``.
    """
    if first > last:
        raise ValueError(f"the first day {first} is after the last day {last}")
    end = clock.midnight(last + dt.timedelta(days=1))
    return Window(clock.midnight(first), end, first, last)


def shift_window(clock: PlantClock, ts: float) -> Window:
    """Return the window of the shift that ``ts`` falls in (it may end in the future)."""
    key = clock.shift_key(ts)
    day_text, _, name = key.partition(" ")
    day = dt.date.fromisoformat(day_text)
    shifts = clock.shifts
    index = [s.name for s in shifts].index(name)
    start = at(clock, day, shifts[index].start)
    if index + 1 < len(shifts):
        end = at(clock, day, shifts[index + 1].start)
    else:
        end = at(clock, day + dt.timedelta(days=1), shifts[0].start)
    last = clock.local(end - 1e-3).date()
    return Window(start, end, day, last, key)


def quick_window(clock: PlantClock, kind: str, now: float) -> Window:
    """Return the window of a quick range at ``now``.

    ``today``, ``yesterday``: that plant day; ``shift``: the running shift;
    ``last7``: the last seven days ending today; ``month``: from the 1st of this
    month to the end of today. Raises ValueError for an unknown kind.
    """
    today = clock.local(now).date()
    if kind == "today":
        return days_window(clock, today, today)
    if kind == "yesterday":
        yesterday = today - dt.timedelta(days=1)
        return days_window(clock, yesterday, yesterday)
    if kind == "last7":
        return days_window(clock, today - dt.timedelta(days=LAST_DAYS - 1), today)
    if kind == "month":
        return days_window(clock, today.replace(day=1), today)
    if kind == "shift":
        return shift_window(clock, now)
    raise ValueError(f"unknown quick range {kind!r} (use {', '.join(QUICK_RANGES)})")
