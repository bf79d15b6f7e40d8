"""Quick date ranges and day windows in the plant zone, across DST changes."""

from __future__ import annotations

import datetime as dt

import pytest

from elconsole.domain.plantclock import PlantClock, zone
from elconsole.domain.ranges import days_window, quick_window, shift_window

SHANGHAI = PlantClock(zone("Asia/Shanghai"))
BERLIN = PlantClock(zone("Europe/Berlin"))
D = dt.date


def utc(text: str) -> float:
    return dt.datetime.fromisoformat(text).replace(tzinfo=dt.UTC).timestamp()


def test_today_in_shanghai() -> None:
    now = utc("2026-03-03T20:00")  # 2026-03-04 04:00 CST
    window = quick_window(SHANGHAI, "today", now)
    assert (window.first, window.last) == (D(2026, 3, 4), D(2026, 3, 4))
    assert window.start == utc("2026-03-03T16:00")
    assert window.end == utc("2026-03-04T16:00")


def test_yesterday_last7_and_month() -> None:
    now = utc("2026-03-15T09:00")  # 10:00 CET
    yesterday = quick_window(BERLIN, "yesterday", now)
    assert (yesterday.start, yesterday.end) == (utc("2026-03-13T23:00"), utc("2026-03-14T23:00"))
    last7 = quick_window(BERLIN, "last7", now)
    assert (last7.first, last7.last) == (D(2026, 3, 9), D(2026, 3, 15))
    assert last7.hours == 7 * 24
    month = quick_window(BERLIN, "month", now)
    assert (month.first, month.last) == (D(2026, 3, 1), D(2026, 3, 15))
    assert month.start == utc("2026-02-28T23:00")
    assert month.hours == 15 * 24


def test_dst_days_are_one_day_each() -> None:
    spring = days_window(BERLIN, D(2026, 3, 29), D(2026, 3, 29))
    assert spring.hours == 23
    autumn = days_window(BERLIN, D(2026, 10, 25), D(2026, 10, 25))
    assert autumn.hours == 25
    assert (autumn.start, autumn.end) == (utc("2026-10-24T22:00"), utc("2026-10-25T23:00"))
    # The last 7 days ending 2026-03-31 hold the 23-hour day: 7 * 24 - 1 hours.
    assert quick_window(BERLIN, "last7", utc("2026-03-31T10:00")).hours == 167
    assert quick_window(BERLIN, "today", utc("2026-10-25T12:00")).hours == 25


def test_this_shift() -> None:
    night = quick_window(SHANGHAI, "shift", utc("2026-03-03T19:00"))  # 03:00 CST on 03-04
    assert night.shift == "2026-03-03 night"
    assert (night.start, night.end) == (utc("2026-03-03T12:00"), utc("2026-03-04T00:00"))
    assert (night.first, night.last) == (D(2026, 3, 3), D(2026, 3, 4))
    day = shift_window(SHANGHAI, utc("2026-03-04T00:00"))  # 08:00 CST: the day shift begins
    assert day.shift == "2026-03-04 day"
    assert day.hours == 12
    # The night shift of 2026-03-28 in Berlin loses an hour to the change to summer time.
    assert shift_window(BERLIN, utc("2026-03-28T22:00")).hours == 11


def test_bad_input() -> None:
    with pytest.raises(ValueError, match="unknown quick range"):
        quick_window(SHANGHAI, "fortnight", 0.0)
    with pytest.raises(ValueError, match="after"):
        days_window(SHANGHAI, D(2026, 3, 5), D(2026, 3, 4))
