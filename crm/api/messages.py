"""The API's validation messages in the reader's language.

marshmallow writes its messages in English when a request is validated ("Longer than
maximum length 200."), some with the value filled in. `translate` finds the English
template a message came from and gives it back in the request's language, with the same
values; a message it does not know is returned as it is. The field names (`errors`' keys)
and the problem `type` never change with the language.

The English below is marshmallow's own (and the schemas' own `error=`) with `{x}`
written as `%(x)s`; `make translations` extracts it like every other message.
"""
from __future__ import annotations

import functools
import re

from flask_babel import gettext

from crm.i18n import N_

TEMPLATES = (
    N_("Missing data for required field."),
    N_("Field may not be null."),
    N_("Invalid value."),
    N_("Invalid input."),
    N_("Invalid input type."),
    N_("Invalid type."),
    N_("Unknown field."),
    N_("Not a valid string."),
    N_("Not a valid integer."),
    N_("Not a valid number."),
    N_("Number too large."),
    N_("Not a valid boolean."),
    N_("Not a valid list."),
    N_("Not a valid mapping type."),
    N_("Not a valid date."),
    N_("Not a valid datetime."),
    N_("Not a valid aware datetime."),
    N_("Not a valid naive datetime."),
    N_("Not a valid email address."),
    N_("Not a valid URL."),
    N_("Special numeric values (nan or infinity) are not permitted."),
    N_("String does not match expected pattern."),
    N_("Must be one of: %(choices)s."),
    N_("Shorter than minimum length %(min)s."),
    N_("Longer than maximum length %(max)s."),
    N_("Length must be between %(min)s and %(max)s."),
    N_("Length must be %(equal)s."),
    N_("Must be greater than or equal to %(min)s."),
    N_("Must be greater than %(min)s."),
    N_("Must be less than or equal to %(max)s."),
    N_("Must be less than %(max)s."),
    N_("Must be greater than or equal to %(min)s and less than or equal to %(max)s."),
    # the schemas' own (crm/api/schemas.py)
    N_("Text may not contain NUL characters."),
    N_("Not valid Unicode text."),
    N_("At most %(places)s decimal places."),
    N_("Enter a date between 1900 and 2200."),
    N_("Use an ISO 3166-1 alpha-2 code."),
    N_("At most 999,999,999,999.99."),
)

_PLACEHOLDER = re.compile(r"%\((\w+)\)s")


@functools.cache
def _patterns() -> tuple[tuple[re.Pattern, str], ...]:
    found = []
    for template in TEMPLATES:
        pattern = "".join(f"(?P<{part}>.+?)" if index % 2 else re.escape(part)
                          for index, part in enumerate(_PLACEHOLDER.split(template)))
        found.append((re.compile(f"^{pattern}$", re.DOTALL), template))
    return tuple(found)


def translate(message: str) -> str:
    """`message` in the request's language if it is one of the templates above."""
    for pattern, template in _patterns():
        match = pattern.match(message)
        if match:
            return gettext(template, **match.groupdict())
    return message
