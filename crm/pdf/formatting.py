"""How values read in documents: dates, UTC times, shares, money, names in two scripts."""
from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

DASH = "—"


def format_date(value: date | None) -> str:
    return value.strftime("%-d %b %Y") if value else ""


def format_day(value: date) -> str:
    return value.strftime("%A, %-d %B %Y")


def format_time(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%H:%M UTC")


def format_datetime(value: datetime | None) -> str:
    """'14 May 2018, 10:00 UTC': times are stored in UTC and shown saying so."""
    if not value:
        return ""
    return value.astimezone(UTC).strftime("%-d %b %Y, %H:%M UTC")


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
