"""Field types and filters that every form uses the same way."""
from __future__ import annotations

import unicodedata

from flask_babel import lazy_gettext as _l
from wtforms import SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import Length, Optional, ValidationError

from crm.reference import choices, countries, currencies


def as_choices(pairs, blank: str | None = None) -> list[SelectChoice]:
    """(value, label) pairs as select options, optionally after an empty one."""
    options = [SelectChoice("", blank)] if blank is not None else []
    return options + [SelectChoice(str(value), label) for value, label in pairs]


def clean_text(value):
    """Strip surrounding space and NFC-normalise; empty becomes None."""
    if isinstance(value, str):
        value = unicodedata.normalize("NFC", value.strip())
        return value or None
    return value


def TextField(label, max_length: int, validators=(), **kw):  # noqa: N802 - a field factory
    return StringField(label, validators=[*validators, Length(max=max_length)],
                       filters=[clean_text], render_kw={"maxlength": max_length}, **kw)


def LongTextField(label, max_length: int = 20_000, validators=(), **kw):  # noqa: N802
    return TextAreaField(label, validators=[*validators, Length(max=max_length)],
                         filters=[clean_text], render_kw={"rows": 4}, **kw)


class CodeSelectField(SelectField):
    """A select of ISO codes with a clear message for an unknown one."""

    unknown_message = _l("Unknown code.")

    def pre_validate(self, form):
        if self.data in (None, ""):
            return
        if self.data not in {choice.value for choice in self.choices}:
            raise ValidationError(self.unknown_message)


class CountryField(CodeSelectField):
    unknown_message = _l("Unknown country code: choose a country from the list.")

    def __init__(self, label=_l("Country"), validators=None, **kw):
        super().__init__(label, validators=validators or [Optional()],
                         choices=as_choices(countries().items(), blank="—"),
                         filters=[lambda v: (v or "").strip().upper() or None], **kw)


class CurrencyField(CodeSelectField):
    unknown_message = _l("Unknown currency code: choose a currency from the list.")

    def __init__(self, label=_l("Currency"), validators=None, **kw):
        super().__init__(label, validators=validators or [Optional()],
                         choices=as_choices(((c, f"{c} — {n}") for c, n in currencies().items()),
                                            blank="—"),
                         filters=[lambda v: (v or "").strip().upper() or None], **kw)


def EnumField(label, enum_cls, **kw):  # noqa: N802 - a field factory
    return SelectField(label, choices=as_choices(choices(enum_cls)), **kw)
