"""Time helpers: everything is stored as ISO-8601 UTC text; user input is read in a named zone."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from darkroom.errors import InvalidInput


def utc_now() -> datetime:
    """The current time, aware, in UTC."""
    return datetime.now(UTC)


def to_iso(moment: datetime) -> str:
    """Canonical storage text of an aware time: UTC, microseconds, explicit offset."""
    if moment.tzinfo is None:
        msg = f"naive datetime {moment!r} cannot be stored; attach a zone first"
        raise ValueError(msg)
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def from_iso(text: str) -> datetime:
    """Parse a stored time back into an aware UTC datetime."""
    return datetime.fromisoformat(text).astimezone(UTC)


def from_epoch_ns(epoch_ns: int) -> datetime:
    """A POSIX timestamp in nanoseconds as an aware UTC datetime (microsecond precision)."""
    return datetime.fromtimestamp(epoch_ns // 1000 / 1_000_000, UTC)


def zone(name: str) -> ZoneInfo:
    """A validated IANA time zone, or a clear error naming the bad value."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as err:
        hint = ", ".join(sorted(z for z in available_timezones() if z.startswith("Europe/"))[:5])
        msg = f"unknown time zone {name!r}; use an IANA name such as {hint} …"
        raise InvalidInput(msg) from err


def parse_user_time(text: str, zone_name: str) -> datetime:
    """Read a date or date-time an examiner typed; naive values are local time in `zone_name`."""
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError as err:
        msg = f"cannot read {text!r} as a date; use ISO form like 2026-03-14 or 2026-03-14T06:10"
        raise InvalidInput(msg) from err
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=zone(zone_name))
    return moment.astimezone(UTC)
