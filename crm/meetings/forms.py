"""The meeting form: one form for logging and editing, built for a phone at a stand.

Who and what a meeting is about comes in three inputs per kind (see crm.meetings.services):
picked records as repeated `*_ids` values (chips), names typed as text (`people`, …,
resolved when the form is validated) and names to create (`new_people`, …)."""
from __future__ import annotations

import functools
import unicodedata

from flask_babel import lazy_gettext as _l
from markupsafe import escape
from flask_wtf import FlaskForm
from wtforms import (BooleanField, DateField, DateTimeLocalField, Field, FieldList, Form,
                     FormField, HiddenField, RadioField, SelectField, TextAreaField)
from wtforms.validators import InputRequired, Optional, ValidationError

from crm import timezones
from crm.form_fields import LongTextField, QuickSelect, TextField, as_choices
from crm.lookup.services import match_names, summaries_by_ids, unique_in_order
from crm.meetings import services
from crm.models import MeetingOutcome, User, parse_id
from crm.reference import choices as enum_choices


class IdListField(Field):
    """Record ids sent as repeated inputs (`<input name="person_ids" value="3">` …), in
    the order picked, without repeats."""

    def __init__(self, label=None, validators=None, **kw):
        super().__init__(label, validators, default=list, **kw)

    def process_formdata(self, valuelist):
        ids: list[int] = []
        for value in valuelist:
            for part in str(value).split(","):
                if not part.strip():
                    continue
                ident = parse_id(part)
                if ident is None:
                    self.data = unique_in_order(ids)
                    raise ValueError(_l("Something picked here is not valid: remove it and "
                                        "pick again."))
                ids.append(ident)
        self.data = unique_in_order(ids)

    def _value(self):
        return ",".join(str(i) for i in self.data or [])


class NamesField(TextAreaField):
    """Names typed as text, one per line; `resolved_ids` holds the records they named
    once the form has been validated."""

    resolved_ids: list[int]

    def __init__(self, label=None, kind: str = "people", validators=None, **kw):
        super().__init__(label, validators, filters=[_clean_lines], **kw)
        self.kind = kind
        self.resolved_ids = []

    def pre_validate(self, form):
        self.resolved_ids, problems = match_names(self.kind, self.data)
        self.errors.extend(problems)


class NewNamesField(Field):
    """Names of records to create: repeated values (chips) and/or lines of text."""

    def __init__(self, label=None, validators=None, **kw):
        super().__init__(label, validators, default=list, **kw)

    def process_formdata(self, valuelist):
        lines = (unicodedata.normalize("NFC", " ".join(line.split()))
                 for value in valuelist for line in str(value).splitlines())
        self.data = unique_in_order(line for line in lines if line)

    def _value(self):
        return ""


def _clean_lines(value):
    if not isinstance(value, str):
        return value
    return unicodedata.normalize("NFC", value.strip()) or None


class EventSelect(QuickSelect):
    """The event select, whose options carry each event's venue and time zone (meetings.js
    fills in the place and zone from them): written directly, as QuickSelect does, since
    a form offers hundreds of events."""

    @classmethod
    def render_option(cls, choice, **kwargs):
        if kwargs or not choice.render_kw or not isinstance(choice.value, str):
            return super().render_option(choice, **kwargs)
        attributes = "".join(f' {key}="{escape(value)}"'
                             for key, value in sorted(choice.render_kw.items()))
        selected = "selected " if choice.selected else ""
        return (f'<option {selected}value="{escape(choice.value)}"{attributes}>'
                f'{escape(choice.label)}</option>')


class OwnerField(SelectField):
    widget = QuickSelect()

    def pre_validate(self, form):
        if self.data not in {c.value for c in self.choices}:
            raise ValidationError(_l("Choose a member of staff."))


class FollowUpForm(Form):
    """One follow-up row (inside the meeting form, which carries the CSRF token)."""

    id = HiddenField()
    description = TextField(_l("Follow-up"), services.DESCRIPTION_MAX,
                            description=_l("What should happen next"))
    owner_id = OwnerField(_l("Owner"))
    due_date = DateField(_l("Due"), validators=[Optional()],
                         invalid_value_message=_l("Enter the date as YYYY-MM-DD, "
                                                  "e.g. 2018-06-15."),
                         render_kw={"min": "1900-01-01", "max": "2200-12-31"})
    done = BooleanField(_l("Done"))

    def validate(self, extra_validators=None):
        ok = super().validate(extra_validators)
        if not self.description.data and self.due_date.data and not self.id.data:
            self.description.errors.append(_l("Say what should happen, or clear the date."))
            ok = False
        return ok

    @property
    def is_blank(self) -> bool:
        """Left empty (a new row), or emptied (an existing follow-up to remove)."""
        return not self.description.data


class MeetingForm(FlaskForm):
    people = NamesField(_l("People"), kind="people",
                        description=_l("Who you met: type part of a name, in any script."))
    person_ids = IdListField()
    new_people = NewNamesField(_l("New people (not in the CRM yet), one per line"))
    organizations = NamesField(_l("Organizations"), kind="organizations",
                               description=_l("Names in any script and other spellings "
                                              "are found."))
    organization_ids = IdListField()
    new_organizations = NewNamesField(_l("New organizations (not in the CRM yet), one per line"))
    projects = NamesField(_l("Projects"), kind="projects",
                          description=_l("What was discussed."))
    project_ids = IdListField()

    summary = LongTextField(_l("Notes"), services.SUMMARY_MAX,
                            [InputRequired(message=_l("Write what was discussed."))],
                            description=_l("What was discussed and agreed."))
    outcome = RadioField(_l("Outcome"), choices=as_choices(enum_choices(MeetingOutcome)),
                         default=MeetingOutcome.NEUTRAL.value)
    follow_ups = FieldList(FormField(FollowUpForm), min_entries=1,
                           max_entries=services.MAX_FOLLOW_UPS)

    # Neither select checks its choices when the form is sent: the event is checked by the
    # service (it must still exist), the zone against TIMEZONES; their options are built
    # only to be shown (prepare_to_render), not for every meeting logged.
    event_id = SelectField(_l("Event"), validators=[Optional()], validate_choice=False,
                           widget=EventSelect())
    occurred_at = DateTimeLocalField(
        _l("When"), format=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"],
        validators=[InputRequired(message=_l("Enter when the meeting took place."))],
        invalid_value_message=_l("Enter a date and a time, e.g. 2018-05-14 10:30."))
    timezone = SelectField(_l("Time zone"), default="UTC", validate_choice=False,
                           widget=QuickSelect())
    location = TextField(_l("Where"), services.LOCATION_MAX,
                         description=_l("e.g. National Pavilion of Kazakhstan"))
    version = HiddenField()

    def __init__(self, *args, current_user: User | None = None, meeting=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.meeting = meeting
        self.owners = services.follow_up_owners()
        self.current_user = current_user
        for entry in self.follow_ups:
            self._prepare_row(entry)
        self.chips: dict[str, list] = {"people": [], "organizations": [], "projects": []}

    @functools.cached_property
    def events(self) -> list:
        """(id, label, venue, country) rows; an event archived since is still the meeting's."""
        events = list(services.event_choices())
        meeting = self.meeting
        if meeting is not None and meeting.event_id is not None \
                and meeting.event_id not in {e.id for e in events}:
            events.append(meeting.event)
        return events

    def prepare_to_render(self) -> None:
        """The options of the event and time-zone selects."""
        self.event_id.choices = as_choices([], blank=str(_l("No event"))) + [
            _event_choice(e) for e in self.events]
        self.timezone.choices = as_choices(
            (name, timezones.timezone_label(name)) for name in timezones.TIMEZONES)

    # --- defaults and rows -----------------------------------------------------------------

    def _prepare_row(self, entry) -> None:
        self.prepare_row_form(entry.form)

    def prepare_row_form(self, row: FollowUpForm) -> None:
        """Owner choices, and the current user as the owner of a new row."""
        row.owner_id.choices = as_choices((u.id, u.name) for u in self.owners)
        if not row.owner_id.data and self.current_user is not None:
            row.owner_id.data = str(self.current_user.id)

    def add_row(self) -> None:
        """One more blank follow-up row (the "Add another" button without JavaScript)."""
        if len(self.follow_ups.entries) < services.MAX_FOLLOW_UPS:
            self._prepare_row(self.follow_ups.append_entry())

    def set_defaults(self, event, now) -> None:
        """A fresh form: at `event` (its venue, its time zone), now."""
        zone = timezones.event_timezone(event)
        self.event_id.data = str(event.id) if event else ""
        self.timezone.data = zone
        self.location.data = event.venue if event else None
        self.occurred_at.data = timezones.to_local(now, zone)

    def load(self, meeting) -> None:
        """Fill a GET form from a stored meeting (editing)."""
        zone = timezones.meeting_timezone(meeting)
        self.event_id.data = str(meeting.event_id or "")
        self.timezone.data = zone
        self.occurred_at.data = timezones.to_local(meeting.occurred_at, zone)
        self.location.data = meeting.location
        self.summary.data = meeting.summary
        self.outcome.data = meeting.outcome.value
        self.person_ids.data = [p.id for p in meeting.people]
        self.organization_ids.data = [o.id for o in meeting.organizations]
        self.project_ids.data = [p.id for p in meeting.projects]
        self.version.data = meeting.version
        while self.follow_ups.entries:
            self.follow_ups.pop_entry()
        for follow_up in meeting.follow_ups:
            entry = self.follow_ups.append_entry()
            entry.form.id.data = str(follow_up.id)
            entry.form.description.data = follow_up.description
            entry.form.owner_id.data = str(follow_up.owner_id or "")
            entry.form.due_date.data = follow_up.due_date
            entry.form.done.data = follow_up.done
            self._prepare_row(entry)
        self.add_row()

    def load_chips(self) -> None:
        """The records picked so far, to show as chips (ids no longer visible are left
        out; the field's error says so)."""
        for kind, field in (("people", self.person_ids), ("organizations", self.organization_ids),
                            ("projects", self.project_ids)):
            self.chips[kind] = summaries_by_ids(kind, list(field.data or []))

    # --- validation and values -------------------------------------------------------------

    def validate_event_id(self, field):
        if field.data and parse_id(field.data) is None:
            raise ValidationError(_l("Choose an event from the list."))

    def validate_timezone(self, field):
        if field.data not in timezones.TIMEZONES:
            raise ValidationError(_l("Choose a time zone from the list."))

    def validate_new_people(self, field):
        self._check_new_names(field)

    def validate_new_organizations(self, field):
        self._check_new_names(field)

    @staticmethod
    def _check_new_names(field):
        too_long = [n for n in field.data if len(n) > services.NAME_MAX]
        if too_long:
            raise ValidationError(_l("A name may be at most %(max)d characters.",
                                     max=services.NAME_MAX))

    def values(self) -> dict:
        zone = self.timezone.data if self.timezone.data in timezones.TIMEZONES else "UTC"
        return {
            "occurred_at": timezones.to_utc(self.occurred_at.data, zone),
            "event_id": parse_id(self.event_id.data),
            "location": self.location.data,
            "summary": self.summary.data,
            "outcome": MeetingOutcome(self.outcome.data),
            "person_ids": unique_in_order([*self.person_ids.data, *self.people.resolved_ids]),
            "organization_ids": unique_in_order([*self.organization_ids.data,
                                                 *self.organizations.resolved_ids]),
            "project_ids": unique_in_order([*self.project_ids.data, *self.projects.resolved_ids]),
            "new_people": list(self.new_people.data),
            "new_organizations": list(self.new_organizations.data),
            "follow_ups": [
                {"id": parse_id(row.id.data),
                 "description": row.description.data,
                 "owner_id": parse_id(row.owner_id.data),
                 "due_date": row.due_date.data, "done": bool(row.done.data)}
                for row in (entry.form for entry in self.follow_ups) if not row.is_blank],
        }

    # --- for the template ------------------------------------------------------------------

    @property
    def context_open(self) -> bool:
        """Show the "when and where" section open (it has an error to fix)."""
        return bool(self.event_id.errors or self.occurred_at.errors or self.timezone.errors
                    or self.location.errors)

    def selected_event(self):
        """The chosen event's row (or Event), if any."""
        return next((e for e in self.events if str(e.id) == (self.event_id.data or "")), None)


def _event_choice(event):
    from wtforms import SelectChoice
    return SelectChoice(str(event.id), event.label, render_kw={
        "data-venue": event.venue or "", "data-timezone": timezones.event_timezone(event)})

