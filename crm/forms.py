"""What every form view does the same way: run the service (the request commits once at its
end, crm.transactions), and on bad input or a stale edit come back with the user's input
and the messages at the fields."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask_babel import gettext as _
from flask_wtf import FlaskForm

from crm.errors import StaleObject, ValidationFailed
from crm.extensions import db


def _resolve(form, path: str):
    """'parties.1.share_percent' -> that subfield of the second party row (or None). A
    record named by type-ahead keeps its id in a hidden `<name>_id` field next to the
    visible `<name>` field (crm.form_fields.resolve_record): its messages go there."""
    target, parent = form, None
    for part in path.split("."):
        if part.isdigit():
            entries = getattr(target, "entries", None)
            target = entries[int(part)] if entries and int(part) < len(entries) else None
        else:
            parent = getattr(target, "form", target)  # FormField -> its form
            target = getattr(parent, part, None)
        if target is None:
            return None
    if getattr(target, "type", None) == "HiddenField" and path.endswith("_id"):
        return getattr(parent, path.rsplit(".", 1)[-1][:-3], None) or target
    return target


def apply_errors(form: FlaskForm, failure: ValidationFailed) -> None:
    """Put a service's {field: [messages]} next to the form's fields: 'title' is a field,
    'parties.1.share_percent' a field of a row, 'parties' a whole list (shown above its
    rows through `form.section_errors`), anything else goes above the form."""
    if not hasattr(form, "section_errors"):
        form.section_errors = {}
    for path, messages in failure.errors.items():
        field = _resolve(form, path)
        if field is None or not hasattr(field, "errors"):
            form.form_errors.extend(messages)
        elif hasattr(field, "entries"):
            form.section_errors.setdefault(path, []).extend(messages)
        else:
            field.errors = [*field.errors, *messages]


def stale_message() -> str:
    return _("Someone else changed this record since you opened it. Their version is shown "
             "on the record page; your input is kept below: check it and save again.")


_NOT_COMPARED = {"csrf_token", "version", "submit"}


def _shown(value) -> str:
    """A stored or typed value as the user reads it: a linked record by its name (as its
    type-ahead field shows it), an enum by its value."""
    if value is None:
        return ""
    if isinstance(value, db.Model):
        for attr in ("name", "title", "full_name"):
            if hasattr(value, attr):
                return str(getattr(value, attr)).strip()
    return str(getattr(value, "value", value)).strip()


def their_version(form: FlaskForm, obj) -> list[tuple[str, str, str]]:
    """(label, stored value, your value) for each plain field where the record as stored
    now differs from what the user submitted: what the other person changed."""
    differences = []
    for name, field in form._fields.items():
        # Hidden ids are not shown: the type-ahead field next to one shows the change.
        if name in _NOT_COMPARED or field.type in ("SubmitField", "FieldList", "FormField",
                                                   "HiddenField") or not hasattr(obj, name):
            continue
        stored, mine = _shown(getattr(obj, name)), _shown(field.data)
        if stored != mine:
            differences.append((str(field.label.text), _in_words(field, stored),
                                _in_words(field, mine)))
    return differences


def _in_words(field, value: str) -> str:
    """A choice by its label, as the form shows it ("Director", not "director")."""
    choices = getattr(field, "choices", None)
    if value and choices and not callable(choices):
        for choice in choices:
            choice_value, choice_label = (
                (choice.value, choice.label) if hasattr(choice, "value") else tuple(choice)[:2])
            if str(choice_value) == value:
                return str(choice_label)
    return value


def add_row_if_asked(*buttons_and_rows) -> bool:
    """(button, FieldList) pairs: when the user pressed one "Add another …" button (a plain
    submit, so it works without JavaScript), its list gets one more empty row and the form
    comes back with everything typed kept. Returns whether one was pressed."""
    for button, rows in buttons_and_rows:
        if button.data:
            rows.append_entry()
            return True
    return False


def submit(form: FlaskForm, action: Callable[[], Any]) -> tuple[bool, Any]:
    """Validate `form`; if valid run `action` (a service call) and flush.

    Returns (True, result) when saved. Returns (False, None) when the input was invalid,
    broke a domain rule or was stale: nothing is written, the errors are on the form and
    the form keeps what the user typed (a stale form is moved to the stored version, so
    saving again deliberately overwrites it)."""
    if not form.validate_on_submit():
        return False, None
    try:
        result = action()
    except ValidationFailed as failure:
        db.session.rollback()
        apply_errors(form, failure)
        return False, None
    except StaleObject as stale:
        db.session.rollback()
        form.form_errors.append(stale_message())
        form.stale_differences = their_version(form, stale.obj)
        if hasattr(form, "version"):
            form.version.data = stale.obj.version
        form.stale = True
        return False, None
    db.session.flush()  # a constraint the services did not foresee fails here, not later
    return True, result
