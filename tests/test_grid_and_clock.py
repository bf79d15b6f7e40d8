"""Module grids, position labels, the plant zone, its days and shifts."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from elconsole.domain.grid import Grid, position_label
from elconsole.domain.plantclock import PlantClock, Shift, zone

# 2026-03-03T00:00:00Z = 20515 days * 86400 (see test_records.py for the day count).
UTC_0303 = 1_772_496_000
SH_0303 = UTC_0303 - 8 * 3600  # 2026-03-03 00:00 in Asia/Shanghai (UTC+8, no DST)


@pytest.fixture
def shanghai() -> PlantClock:
    return PlantClock(ZoneInfo("Asia/Shanghai"))


# -- grid -----------------------------------------------------------------------


def test_position_labels() -> None:
    assert position_label(3, 17) == "C17"
    assert position_label(*[3, 17]) == "C17"
    assert position_label(1, 1) == "A1"
    assert position_label(6, 24) == "F24"
    # off any 6-row grid (old data)
    assert position_label(37, 41) == "R37C41"
    assert position_label(0, 5) == "R0C5"


@pytest.mark.parametrize(
    "size, amount, columns, half, split",
    [
        ("full", 60, 10, False, None),
        ("full", 72, 12, False, None),
        ("half", 120, 20, True, 10),
        ("half", 144, 24, True, 12),
    ],
)
def test_grid_sizes(size: str, amount: int, columns: int, half: bool, split: int | None) -> None:
    grid = Grid.for_module(size, amount)
    assert (grid.rows, grid.columns, grid.half, grid.split_after) == (6, columns, half, split)
    assert grid.rows * grid.columns == amount
    assert grid.contains(1, 1) and grid.contains(6, columns)
    assert not grid.contains(7, 1) and not grid.contains(1, columns + 1)
    assert not grid.contains(0, 1) and not grid.contains(1, 0)


@pytest.mark.parametrize("size, amount", [("full", 120), ("half", 72), ("quarter", 60)])
def test_no_grid_for_an_unknown_layout(size: str, amount: int) -> None:
    with pytest.raises(ValueError):
        Grid.for_module(size, amount)


# -- parsing ----------------------------------------------------------------------


def test_parse_a_date_in_the_plant_zone(shanghai: PlantClock) -> None:
    assert shanghai.parse("2026-03-03") == SH_0303
    assert shanghai.parse(" 2026-03-03 ") == SH_0303


def test_parse_a_date_time_in_the_plant_zone(shanghai: PlantClock) -> None:
    # 08:00 in Shanghai is 00:00 UTC.
    assert shanghai.parse("2026-03-03T08:00") == UTC_0303
    assert shanghai.parse("2026-03-03 08:00:30") == UTC_0303 + 30


def test_an_explicit_offset_wins_over_the_plant_zone(shanghai: PlantClock) -> None:
    assert shanghai.parse("2026-03-03T08:00:00+00:00") == UTC_0303 + 8 * 3600
    assert shanghai.parse("2026-03-03T00:00:00-05:00") == UTC_0303 + 5 * 3600
    berlin = PlantClock(ZoneInfo("Europe/Berlin"))
    assert berlin.parse("2026-03-03T08:00:00+00:00") == UTC_0303 + 8 * 3600


@pytest.mark.parametrize("text", ["", "yesterday", "2026-13-01", "03/03/2026", "2026-02-30"])
def test_parse_refuses_what_is_not_iso(shanghai: PlantClock, text: str) -> None:
    with pytest.raises(ValueError):
        shanghai.parse(text)


def test_unknown_zone_name() -> None:
    with pytest.raises(ValueError, match="Mars/Olympus"):
        zone("Mars/Olympus")
    assert zone("Asia/Shanghai").key == "Asia/Shanghai"


# -- days and shifts ----------------------------------------------------------------


def test_day_key_changes_at_local_midnight(shanghai: PlantClock) -> None:
    assert shanghai.day_key(SH_0303 - 1) == "2026-03-02"
    assert shanghai.day_key(SH_0303) == "2026-03-03"
    # 23:59:59 UTC on 2026-03-02 is already 07:59:59 on 2026-03-03 in Shanghai
    assert shanghai.day_key(UTC_0303 - 1) == "2026-03-03"


def test_shift_keys(shanghai: PlantClock) -> None:
    at = lambda h, m=0, s=0: SH_0303 + h * 3600 + m * 60 + s  # noqa: E731
    assert shanghai.shift_key(at(0)) == "2026-03-02 night"
    assert shanghai.shift_key(at(7, 59)) == "2026-03-02 night"
    assert shanghai.shift_key(at(7, 59, 59)) == "2026-03-02 night"
    assert shanghai.shift_key(at(8)) == "2026-03-03 day"
    assert shanghai.shift_key(at(19, 59, 59)) == "2026-03-03 day"
    assert shanghai.shift_key(at(20)) == "2026-03-03 night"
    assert shanghai.shift_key(at(23, 59)) == "2026-03-03 night"
    assert shanghai.shift_key(at(24 + 2)) == "2026-03-03 night"
    assert shanghai.shift_key(at(24 + 8)) == "2026-03-04 day"


def test_three_configured_shifts() -> None:
    clock = PlantClock(
        ZoneInfo("UTC"),
        (Shift("C", dt.time(22)), Shift("A", dt.time(6)), Shift("B", dt.time(14))),
    )
    assert clock.shift_key(UTC_0303 + 5 * 3600) == "2026-03-02 C"
    assert clock.shift_key(UTC_0303 + 6 * 3600) == "2026-03-03 A"
    assert clock.shift_key(UTC_0303 + 14 * 3600) == "2026-03-03 B"
    assert clock.shift_key(UTC_0303 + 22 * 3600) == "2026-03-03 C"


def test_a_clock_needs_a_shift() -> None:
    with pytest.raises(ValueError):
        PlantClock(ZoneInfo("UTC"), ())


# -- daylight saving time -------------------------------------------------------------


def test_berlin_spring_forward_day_is_23_hours() -> None:
    # 2026-03-29 is the last Sunday of March (2026-03-01 is a Sunday, +28 days).
    berlin = PlantClock(ZoneInfo("Europe/Berlin"))
    start = berlin.midnight(dt.date(2026, 3, 29))
    end = berlin.midnight(dt.date(2026, 3, 30))
    assert end - start == 82800  # 23 * 3600
    # 00:00 CET (UTC+1) is 23:00 UTC the day before; 2026-03-29 is day 20515 + 26.
    assert start == (20515 + 26) * 86400 - 3600
    assert berlin.parse("2026-03-29") == start
    assert berlin.day_key(start) == "2026-03-29"
    assert berlin.day_key(end - 1) == "2026-03-29"
    assert berlin.day_key(end) == "2026-03-30"
    # 01:59:59 CET + 1 s = 03:00 CEST
    assert berlin.local(start + 2 * 3600).hour == 3


def test_new_york_fall_back_day_is_25_hours() -> None:
    # 2026-11-01 is the first Sunday of November (245 = 35 * 7 days after Sunday 2026-03-01).
    ny = PlantClock(ZoneInfo("America/New_York"))
    start = ny.midnight(dt.date(2026, 11, 1))
    end = ny.midnight(dt.date(2026, 11, 2))
    assert end - start == 90000  # 25 * 3600
    assert ny.day_key(end - 1) == "2026-11-01"
    # 2026-11-01 00:00 EDT = 04:00 UTC; 2026-11-01 is day 20515 - 2 + 245 = 20758.
    assert start == 20758 * 86400 + 4 * 3600


def test_shifts_across_a_dst_change() -> None:
    berlin = PlantClock(ZoneInfo("Europe/Berlin"))
    start = berlin.midnight(dt.date(2026, 3, 29))
    # 08:00 CEST on the 23-hour day is 7 h after midnight CET.
    assert berlin.shift_key(start + 7 * 3600 - 1) == "2026-03-28 night"
    assert berlin.shift_key(start + 7 * 3600) == "2026-03-29 day"
    assert berlin.shift_key(start + 19 * 3600) == "2026-03-29 night"


def test_format_shows_the_plant_time(shanghai: PlantClock) -> None:
    assert shanghai.format(UTC_0303).startswith("2026-03-03 08:00:00")
    assert shanghai.zone_name == "Asia/Shanghai"


@pytest.mark.parametrize(
    ("text", "zone_name"),
    [
        ("9999-12-31", "Pacific/Kiritimati"),
        ("0001-01-01", "America/New_York"),
        ("1969-12-31", "UTC"),
    ],
)
def test_dates_beyond_what_every_zone_can_name_are_refused(text: str, zone_name: str) -> None:
    with pytest.raises(ValueError, match="out of the range of dates"):
        PlantClock(ZoneInfo(zone_name)).parse(text)


def test_the_last_accepted_date_still_has_named_days_and_shifts() -> None:
    clock = PlantClock(ZoneInfo("Pacific/Kiritimati"))  # UTC+14, the furthest east
    ts = clock.parse("9998-12-31T23:00")
    assert clock.day_key(ts) == "9998-12-31" and clock.shift_key(ts) == "9998-12-31 night"
    assert clock.format(ts).startswith("9998-12-31 23:00:00")
