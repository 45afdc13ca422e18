"""Field types and filters that every form uses the same way."""
from __future__ import annotations

import unicodedata

import wtforms
from flask_babel import lazy_gettext as _l
from markupsafe import escape
from wtforms import SelectChoice, StringField, TextAreaField
from wtforms.validators import Length, Optional, ValidationError
from wtforms.widgets import Select

from crm.reference import choices, country_names, current_language, currencies
from crm.text import clean_multiline, line_problem


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


def clean_multiline_text(value):
    """`clean_text` for a text area: line breaks as \\n, stray control characters gone
    (crm.text.clean_multiline)."""
    if isinstance(value, str):
        value = clean_multiline(value)
    return clean_text(value)


def one_line(_form, field) -> None:
    """A one-line field refuses line breaks, controls and direction overrides (crm.text)."""
    if problem := line_problem(field.data if isinstance(field.data, str) else None):
        raise ValidationError(problem)


def TextField(label, max_length: int, validators=(), **kw):  # noqa: N802 - a field factory
    return StringField(label, validators=[*validators, one_line, Length(max=max_length)],
                       filters=[clean_text], render_kw={"maxlength": max_length}, **kw)


def LongTextField(label, max_length: int = 20_000, validators=(), **kw):  # noqa: N802
    return TextAreaField(label, validators=[*validators, Length(max=max_length)],
                         filters=[clean_multiline_text], render_kw={"rows": 4}, **kw)


def NameLinesField(label, max_length: int, validators=(), **kw):  # noqa: N802
    """A text area of one name per line (other spellings): each line is a one-line value
    that the form's own validator checks, so nothing in it is dropped unseen."""
    return TextAreaField(label, validators=[*validators, Length(max=max_length)],
                         filters=[clean_text], render_kw={"rows": 4}, **kw)


class QuickSelect(Select):
    """WTForms' select widget, writing plain options (a text value, no extra attributes)
    itself: the same HTML in a quarter of the time, which matters for the 250 countries
    and the hundreds of events a form offers."""

    @classmethod
    def render_option(cls, choice, **kwargs):
        if kwargs or choice.render_kw or not isinstance(choice.value, str):
            return super().render_option(choice, **kwargs)
        selected = "selected " if choice.selected else ""
        return (f'<option {selected}value="{escape(choice.value)}">'
                f'{escape(choice.label or choice.value)}</option>')


class SelectField(wtforms.SelectField):
    widget = QuickSelect()


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
                         choices=as_choices(country_names(current_language()).items(), blank="—"),
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


def resolve_record(name_field, id_field, kind: str, model, name_attr: str) -> int | None:
    """The record a type-ahead field names (`kind`: organizations, people or projects, as
    /lookup/<kind> suggests them). The form carries the name as typed and, once
    saved, the record's id in a hidden field: an unchanged name keeps its id (even when
    another record shares the name, or the record was archived since); a changed name is
    matched like the meeting log does, with the message at the field. Without JavaScript
    the user just types the name."""
    import sqlalchemy as sa

    from crm.extensions import db
    from crm.lookup.services import match_names
    from crm.models import parse_id

    text = (name_field.data or "").strip()
    ident = parse_id(id_field.data)
    if ident is not None:
        stored = db.session.scalar(sa.select(getattr(model, name_attr)).where(model.id == ident)
                                   .execution_options(include_archived=True))
        if stored is not None and (not text or text == stored):
            return ident
        if stored is None and not text:
            name_field.errors = [*name_field.errors,
                                 str(_l("That record no longer exists: type the name again."))]
            return None
    if not text:
        return None
    ids, problems = match_names(kind, text, inline_creation=False)
    if not problems and len(ids) != 1:
        problems = [str(_l("Name one per row."))]
    name_field.errors = [*name_field.errors, *problems]
    return ids[0] if not problems else None


def OrganizationNameField(label=_l("Organization"), **kw):  # noqa: N802 - a field factory
    """The visible half of a type-ahead organization (its id goes in a HiddenField)."""
    return TextField(label, 200, description=kw.pop(
        "description", _l("Type part of a name, in any script")), **kw)

