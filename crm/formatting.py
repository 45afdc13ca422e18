"""How values read on pages and in documents: dates, times in a zone, shares, money,
names in two scripts. One place, so that a page and its PDF say the same thing, in the
reader's language (Babel's CLDR data: "2 Dec 2026", "2 дек. 2026 г.", "2026 ж. 02 жел.").

English is formatted the British way (day before month, "US$" rather than a bare "$"),
as the festivals' international paperwork is. Outside a request (commands, tests'
fixtures) values read in English.
"""
from __future__ import annotations

import functools
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from babel import Locale
from babel import dates as babel_dates
from babel import numbers as babel_numbers
from flask_babel import get_locale, gettext

DASH = "—"
# The language's formats: English as in the UK (CLDR `en` is American: "Dec 2, 2026").
_FORMATS_OF = {"en": "en_GB"}
# A currency's own sign where CLDR gives only its code in some language (KZT in English).
_SIGNS = {"KZT": "₸"}


@functools.lru_cache(maxsize=8)
def _formats(language: str) -> Locale:
    return Locale.parse(_FORMATS_OF.get(language, language))


def locale() -> Locale:
    """The formats of the request's language (English outside a request)."""
    current = get_locale()
    return _formats(current.language if current is not None else "en")


def format_date(value: date | None) -> str:
    """'2 Dec 2026', '2 дек. 2026 г.'."""
    return babel_dates.format_date(value, "medium", locale=locale()) if value else ""


def format_day(value: date) -> str:
    """'Wednesday, 2 December 2026', 'среда, 2 декабря 2026 г.'."""
    return babel_dates.format_date(value, "full", locale=locale())


def format_time(value: datetime, tz: str = "UTC") -> str:
    """'10:00 UTC', or '12:00 CEST' in tz='Europe/Paris' (24-hour clock in all three
    languages; the zone's abbreviation from the time-zone database)."""
    local = value.astimezone(ZoneInfo(tz))
    return f"{local:%H:%M} {local:%Z}"


def format_datetime(value: datetime | None, tz: str = "UTC") -> str:
    """'14 May 2018, 10:00 UTC': a moment in a named zone, saying which."""
    if not value:
        return ""
    local = value.astimezone(ZoneInfo(tz))
    return f"{format_date(local.date())}, {local:%H:%M} {local:%Z}"


def format_number(value: Decimal | int | float | None) -> str:
    """'1,800,000.5', '1 800 000,5'."""
    return "" if value is None else babel_numbers.format_decimal(value, locale=locale())


def format_share(value: Decimal | None) -> str:
    """'60 %', '12.5 %' ('12,5 %' in Russian): at most two decimals, none when whole."""
    if value is None:
        return ""
    number = babel_numbers.format_decimal(value.quantize(Decimal("0.01")), "#,##0.##",
                                          locale=locale())
    return f"{number}\N{NO-BREAK SPACE}%"


def format_money(amount: Decimal | None, currency: str | None) -> str:
    """An amount in its own currency, never converted, with that currency's digits and
    sign: 'US$1,800,000.00', 'JP¥150,000,000' (yen have no minor unit), '₸1,800,000.00';
    '1 800 000,00 ₸' in Russian and Kazakh. Without a currency: the number alone."""
    if amount is None:
        return ""
    if not currency:
        return format_number(amount)
    text = babel_numbers.format_currency(amount, currency, locale=locale())
    sign = _SIGNS.get(currency)
    return text.replace(currency, sign) if sign else text


def format_relative(days: int) -> str:
    """'in 18 days', 'today', '3 days ago', in the reader's language (CLDR's words)."""
    if days == 0:
        return gettext("today")
    return babel_dates.format_timedelta(timedelta(days=days), granularity="day",
                                        threshold=10 ** 6, add_direction=True,
                                        locale=locale())


def with_local_name(name: str | None, local_name: str | None) -> str:
    """'Kazakhfilm (Қазақфильм)': the Latin name and, if different, the local one."""
    name = name or ""
    if local_name and local_name.strip() and local_name.strip() != name.strip():
        return f"{name} ({local_name.strip()})"
    return name


def or_dash(text: str | None) -> str:
    return text if text else DASH
