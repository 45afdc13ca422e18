"""The language a request is answered in (SPEC "Names fixed for the second round").

- A signed-in user: their `preferred_language`, which the picker in the navigation sets.
- Before sign-in: the language picked on the sign-in page in this browser, else the
  browser's `Accept-Language`, else English. A language picked before sign-in becomes
  the user's preference when they sign in.
- The API: `Accept-Language` when the client sends one (error messages follow it; field
  names and codes never change), else the token owner's preference.

The catalogues are in crm/translations (`make translations` extracts and merges them;
the install step compiles them).
"""
from __future__ import annotations

from contextlib import AbstractContextManager, nullcontext

from flask import g, has_request_context, request, session
from flask_babel import force_locale, get_locale
from flask_login import current_user

DEFAULT = "en"
# Each language under its own name, as the picker shows it.
LANGUAGES: dict[str, str] = {"en": "English", "ru": "Русский", "kk": "Қазақша"}
PICKED = "language"  # session key: a language picked before sign-in


def N_(message: str) -> str:
    """Marks a message for extraction (Babel's default keywords include N_); it is
    translated where it is shown."""
    return message


def select_locale() -> str | None:
    if not has_request_context():  # CLI, background work: the default language
        return None
    from crm.api.errors import is_api_request  # the API imports the app's modules

    if is_api_request() and request.headers.get("Accept-Language"):
        return from_header()
    if current_user and current_user.is_authenticated:
        if current_user.preferred_language in LANGUAGES:
            return current_user.preferred_language
        return from_header()
    picked = session.get(PICKED)
    return picked if picked in LANGUAGES else from_header()


def from_header() -> str:
    """The browser's most wanted language that we have ("ru-RU" is ru, "kk-KZ" is kk:
    "kk-KZ, ru;q=0.8" is Kazakh, where werkzeug's best_match would prefer the exact "ru"),
    English when none fits."""
    for value, _quality in request.accept_languages:  # the most wanted first
        code = value.replace("_", "-").partition("-")[0].lower()
        if code in LANGUAGES:
            return code
    return DEFAULT


def current_language() -> str:
    """The language of this request ("en" outside one), read where Flask-Babel keeps the
    request's locale (and the one `force_locale` sets): on its namespace in `g`. A page
    asks for it hundreds of times (each date, country and stage name), and `get_locale()`
    through its proxies cost more than formatting the value; anything unexpected goes
    through `get_locale()`."""
    try:
        found = g._get_current_object()._flask_babel.babel_locale
    except (AttributeError, RuntimeError):  # not yet chosen in this request, no app context
        found = get_locale()
    return found.language if found is not None else DEFAULT


def is_language(code: str | None) -> bool:
    return code in LANGUAGES


def requested_language() -> AbstractContextManager:
    """A document in the language the `lang` query parameter names (`?lang=kk`), else in
    the reader's own: `with requested_language(): ...`."""
    code = request.args.get("lang")
    return force_locale(code) if is_language(code) else nullcontext()
