"""How values read on pages and in documents: dates, times in a zone, shares, money,
names in two scripts. One place, so that a page and its PDF say the same thing."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

DASH = "—"


def format_date(value: date | None) -> str:
    return value.strftime("%-d %b %Y") if value else ""


def format_day(value: date) -> str:
    return value.strftime("%A, %-d %B %Y")


def format_time(value: datetime, tz: str = "UTC") -> str:
    """'10:00 UTC', or '12:00 CEST' in tz='Europe/Paris'."""
    return value.astimezone(ZoneInfo(tz)).strftime("%H:%M %Z")


def format_datetime(value: datetime | None, tz: str = "UTC") -> str:
    """'14 May 2018, 10:00 UTC': a moment in a named zone, saying which."""
    if not value:
        return ""
    return value.astimezone(ZoneInfo(tz)).strftime("%-d %b %Y, %H:%M %Z")


def format_share(value: Decimal | None) -> str:
    if value is None:
        return ""
    text = format(value.quantize(Decimal("0.01")), "f").rstrip("0").rstrip(".")
    return f"{text} %"


def format_money(amount: Decimal | None, currency: str | None) -> str:
    if amount is None:
        return ""
    return f"{amount:,.2f} {currency or ''}".strip()


def with_local_name(name: str | None, local_name: str | None) -> str:
    """'Kazakhfilm (Қазақфильм)': the Latin name and, if different, the local one."""
    name = name or ""
    if local_name and local_name.strip() and local_name.strip() != name.strip():
        return f"{name} ({local_name.strip()})"
    return name


def or_dash(text: str | None) -> str:
    return text if text else DASH
