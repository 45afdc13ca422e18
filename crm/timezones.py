"""Time zones of festivals: the zone a meeting is shown and entered in, and converting
between that wall-clock time and the UTC the database keeps."""
from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from crm.models import utcnow

# Festival time zones offered by the meeting form; an event in one of these countries
# defaults to its zone (a meeting at Cannes is logged in Paris time).
TIMEZONES = (
    "UTC", "Europe/London", "Europe/Paris", "Europe/Madrid", "Europe/Berlin", "Europe/Rome",
    "Europe/Prague", "Europe/Moscow", "Asia/Almaty", "Asia/Tashkent", "Asia/Shanghai",
    "Asia/Hong_Kong", "Asia/Seoul", "Asia/Tokyo", "America/Toronto", "America/Los_Angeles",
)
COUNTRY_TIMEZONES = {
    "GB": "Europe/London", "FR": "Europe/Paris", "ES": "Europe/Madrid", "DE": "Europe/Berlin",
    "IT": "Europe/Rome", "CZ": "Europe/Prague", "RU": "Europe/Moscow", "KZ": "Asia/Almaty",
    "UZ": "Asia/Tashkent", "CN": "Asia/Shanghai", "HK": "Asia/Hong_Kong", "KR": "Asia/Seoul",
    "JP": "Asia/Tokyo",
}


def event_timezone(event) -> str:
    """The zone a meeting at `event` (an Event, or None) is shown and entered in: its
    country's, else UTC."""
    return COUNTRY_TIMEZONES.get(getattr(event, "country", None) or "", "UTC")


def meeting_timezone(meeting) -> str:
    return event_timezone(meeting.event)


def timezone_label(name: str, at: datetime | None = None) -> str:
    """'Paris (UTC+02:00)' with the offset in force at `at` (default now)."""
    if name == "UTC":
        return "UTC"
    offset = (at or utcnow()).astimezone(ZoneInfo(name)).strftime("%z")
    return f"{name.split('/')[-1].replace('_', ' ')} (UTC{offset[:3]}:{offset[3:]})"


def to_utc(local: datetime, zone: str) -> datetime:
    """A wall-clock time in `zone` (as a datetime-local input gives it) as aware UTC."""
    return local.replace(tzinfo=ZoneInfo(zone)).astimezone(UTC)


def to_local(moment: datetime, zone: str) -> datetime:
    """Aware UTC -> naive wall-clock time in `zone`, to the minute (for the form)."""
    return moment.astimezone(ZoneInfo(zone)).replace(tzinfo=None, second=0, microsecond=0)
