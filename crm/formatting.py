"""How values read on pages and in documents: dates, times in a zone, shares, money,
names in two scripts. One place, so that a page and its PDF say the same thing, in the
reader's language (Babel's CLDR data: "2 Dec 2026", "2 дек. 2026 г.", "2026 ж. 02 жел.").

English is formatted the British way (day before month, "US$" rather than a bare "$"),
as the festivals' international paperwork is. Outside a request (commands, tests'
fixtures) values read in English.
"""
from __future__ import annotations

import functools
import re
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from babel import Locale
from babel import dates as babel_dates
from babel import numbers as babel_numbers
from flask_babel import gettext

from crm.i18n import current_language

DASH = "—"
# The language's formats: English as in the UK (CLDR `en` is American: "Dec 2, 2026").
_FORMATS_OF = {"en": "en_GB"}
# A currency's own sign where CLDR gives only its code in some language (KZT in English).
_SIGNS = {"KZT": "₸"}


class _Formats:
    """One language's date formats, compiled once: CLDR's pattern ("d MMM y", "y 'ж'. dd
    MMM") read by Babel, then filled with the language's month and day names here, which
    costs a tenth of Babel's formatting a date at every call (a timeline has sixty)."""

    _FIELDS = {"d", "dd", "MMM", "MMMM", "y", "EEEE"}

    def __init__(self, language: str):
        self.locale = Locale.parse(_FORMATS_OF.get(language, language))
        months, days = self.locale.months["format"], self.locale.days["format"]
        # plain dicts: Babel's own look their values up again at each access
        self._months = {"MMM": dict(months["abbreviated"]), "MMMM": dict(months["wide"])}
        self._weekdays = dict(days["wide"])
        self.medium_date = self._compile("medium")
        self.full_date = self._compile("full")

    def _compile(self, width: str):
        pattern = babel_dates.get_date_format(width, locale=self.locale)
        parsed = babel_dates.parse_pattern(pattern.pattern)
        if not set(re.findall(r"%\((\w+)\)s", parsed.format)) <= self._FIELDS:
            return lambda value: pattern.apply(value, self.locale)  # what Babel does
        template, months, weekdays = parsed.format, self._months, self._weekdays

        def fill(value: date) -> str:
            return template % {
                "d": value.day, "dd": f"{value.day:02d}", "y": value.year,
                "MMM": months["MMM"][value.month], "MMMM": months["MMMM"][value.month],
                "EEEE": weekdays[value.weekday()]}
        return fill


@functools.lru_cache(maxsize=8)
def _formats(language: str) -> _Formats:
    return _Formats(language)


def _current() -> _Formats:
    """The formats of the request's language (English outside a request)."""
    return _formats(current_language())


def locale() -> Locale:
    """The formats' locale of the request's language (English outside a request)."""
    return _current().locale


def format_date(value: date | None) -> str:
    """'2 Dec 2026', '2 дек. 2026 г.'."""
    return _current().medium_date(value) if value else ""


def format_day(value: date) -> str:
    """'Wednesday, 2 December 2026', 'среда, 2 декабря 2026 г.'."""
    return _current().full_date(value)


def format_time(value: datetime, tz: str = "UTC") -> str:
    """'10:00 UTC', or '12:00 CEST' in tz='Europe/Paris' (24-hour clock in all three
    languages; the zone's abbreviation from the time-zone database)."""
    return value.astimezone(ZoneInfo(tz)).strftime("%H:%M %Z")


def format_datetime(value: datetime | None, tz: str = "UTC") -> str:
    """'14 May 2018, 10:00 UTC': a moment in a named zone, saying which."""
    if not value:
        return ""
    local = value.astimezone(ZoneInfo(tz))
    return f"{_current().medium_date(local)}, {local.strftime('%H:%M %Z')}"


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
