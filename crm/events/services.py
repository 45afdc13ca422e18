"""Creating and changing events (the same code for pages, API and CLI)."""
from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from crm import lifecycle
from crm.errors import ValidationFailed
from crm.extensions import db
from crm.models import Event
from crm.reference import is_country, with_codes_normalized
from crm.postgresql import fixed_limit


def edition_taken(name: str | None, edition: int | None, event: Event | None = None) -> bool:
    """Whether another event than `event` (archived ones included) is this edition."""
    clash = sa.select(Event.id).where(Event.name == name, Event.edition == edition)
    if event is not None:
        clash = clash.where(Event.id != event.id)
    return db.session.scalar(clash.execution_options(include_archived=True)) is not None


def _validate(values: dict, event: Event | None = None) -> None:
    merged = {**({c: getattr(event, c) for c in ("name", "edition", "start_date", "end_date")}
                 if event else {}), **values}
    errors: dict[str, list[str]] = {}
    if not (merged.get("name") or "").strip():
        errors["name"] = [str(_l("A name is required."))]
    if values.get("country") and not is_country(values["country"]):
        errors["country"] = [str(_l("Unknown country code."))]
    start, end = merged.get("start_date"), merged.get("end_date")
    if start and end and end < start:
        errors["end_date"] = [str(_l("The end date is before the start date."))]
    edition = merged.get("edition")
    if edition is not None and not 1900 <= edition <= 2200:
        errors["edition"] = [str(_l("Enter a year between 1900 and 2200."))]
    if not errors and merged.get("name") and edition_taken(merged["name"], edition, event):
        errors["edition"] = [str(_l("This edition of the event is already recorded."))]
    if errors:
        raise ValidationFailed(errors)


def create_event(values: dict) -> Event:
    values = with_codes_normalized(values, "country")
    _validate(values)
    return lifecycle.create(Event(**values))


def update_event(event: Event, values: dict, expected_version=None) -> dict:
    values = with_codes_normalized(values, "country")
    _validate(values, event)
    return lifecycle.update(event, values, expected_version)


def find_events(q: str | None = None, *, country=None, year=None) -> sa.Select:
    """Events matching the filters, newest first."""
    return (sa.select(Event).where(*Event.criteria(q, country=country, edition=year))
            .order_by(Event.start_date.desc().nulls_last(), Event.name, Event.id))


def ongoing_event(today: date) -> Event | None:
    """The event running today (the one a meeting at the stand most likely belongs to)."""
    return db.session.scalars(
        sa.select(Event).where(Event.start_date <= today, Event.end_date >= today)
        .order_by(Event.start_date.desc()).limit(fixed_limit(1))).first()
