"""The plant's time zone, its days and its shifts."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


@dataclass(frozen=True)
class Shift:
    """A shift that starts every day at ``start`` local time and runs until the next one."""

    name: str
    start: dt.time


DEFAULT_SHIFTS: tuple[Shift, ...] = (
    Shift("day", dt.time(8, 0)),
    Shift("night", dt.time(20, 0)),
)


def local_zone_name() -> str:
    """Return the IANA name of this computer's zone, or ``UTC`` if it has none."""
    tz = dt.datetime.now().astimezone().tzinfo
    key = getattr(tz, "key", None)
    if key:
        return str(key)
    try:
        with open("/etc/timezone", encoding="utf-8") as fh:
            return fh.read().strip() or "UTC"
    except OSError:
        pass
    try:
        import os

        link = os.path.realpath("/etc/localtime")
        marker = "zoneinfo/"
        if marker in link:
            return link.split(marker, 1)[1]
    except OSError:
        pass
    return "UTC"


def zone(name: str | None) -> ZoneInfo:
    """Return the zone of that name (the computer's zone for None).

    Raises ValueError with a plain message for an unknown zone.
    """
    key = name or local_zone_name()
    try:
        return ZoneInfo(key)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(
            f"unknown time zone {key!r} (use an IANA name like Asia/Shanghai)"
        ) from exc


LATEST = 253_370_764_800.0  # 9999-01-01T00:00Z: later days overflow in zones east of UTC


class PlantClock:
    """Converts between stored unix seconds and the plant's days and shifts."""

    def __init__(self, tz: ZoneInfo, shifts: tuple[Shift, ...] = DEFAULT_SHIFTS) -> None:
        if not shifts:
            raise ValueError("at least one shift is needed")
        self.tz = tz
        self.shifts = tuple(sorted(shifts, key=lambda s: s.start))

    @property
    def zone_name(self) -> str:
        return str(self.tz.key)

    def parse(self, text: str) -> float:
        """Return the unix seconds of an ISO date or date-time read in the plant zone.

        A date-time with its own offset keeps it. Raises ValueError with the text.
        """
        try:
            moment = dt.datetime.fromisoformat(text.strip())
        except ValueError as exc:
            raise ValueError(f"{text!r} is not an ISO date or date-time") from exc
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=self.tz)
        out_of_range = ValueError(
            f"{text!r} is out of the range of dates the console handles (1970 to 9998)"
        )
        try:
            ts = moment.timestamp()
        except (OverflowError, ValueError) as exc:
            raise out_of_range from exc
        if not 0 <= ts < LATEST:  # days and shifts must be nameable in every zone
            raise out_of_range
        return ts

    def local(self, ts: float) -> dt.datetime:
        """Return the plant-local date-time of unix seconds."""
        return dt.datetime.fromtimestamp(ts, self.tz)

    def midnight(self, day: dt.date) -> float:
        """Return the unix seconds of the local midnight that starts ``day``."""
        return dt.datetime.combine(day, dt.time(0), tzinfo=self.tz).timestamp()

    def day_key(self, ts: float) -> str:
        """Return the plant-local date of a timestamp as ``YYYY-MM-DD``."""
        return self.local(ts).date().isoformat()

    def shift_key(self, ts: float) -> str:
        """Return ``YYYY-MM-DD name`` of the shift a timestamp falls in.

        A shift belongs to the date on which it starts, so the small hours
        belong to the previous date's last shift.
        """
        moment = self.local(ts)
        now = moment.time()
        started = [s for s in self.shifts if s.start <= now]
        if started:
            return f"{moment.date().isoformat()} {started[-1].name}"
        previous = moment.date() - dt.timedelta(days=1)
        return f"{previous.isoformat()} {self.shifts[-1].name}"

    def format(self, ts: float) -> str:
        """Return a timestamp as local ``YYYY-MM-DD HH:MM:SS ZONE``."""
        return self.local(ts).strftime("%Y-%m-%d %H:%M:%S %Z")
