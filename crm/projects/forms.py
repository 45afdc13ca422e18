import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (DateField, DecimalField, FieldList, Form, FormField, HiddenField, SelectField,
                     SubmitField)
from wtforms.validators import DataRequired, NumberRange, Optional

from crm.extensions import db
from crm.form_fields import (CurrencyField, EnumField, LongTextField, OrganizationNameField,
                             TextField, as_choices, resolve_record)
from crm.models import (CreditRole, Event, Organization, PartyRole, Person, PipelineStage,
                        ProjectFormat, ProjectStatus, stage_name)

BLANK_ROWS = 2


def stage_choices():
    rows = db.session.execute(sa.select(PipelineStage.id, stage_name())
                              .order_by(PipelineStage.position)).all()
    return as_choices(rows)


def event_choices():
    rows = db.session.scalars(sa.select(Event).order_by(Event.start_date.desc().nulls_last(),
                                                        Event.name)).all()
    return as_choices(((e.id, e.label) for e in rows), blank="—")


class PartyRow(Form):
    organization = OrganizationNameField()
    organization_id = HiddenField()
    role = EnumField(_l("Role"), PartyRole, default=PartyRole.COPRODUCER.value)
    share_percent = DecimalField(_l("Share %"), places=2, validators=[
        Optional(), NumberRange(min=0.01, max=100, message=_l("A share is above 0 and at most 100."))],
        render_kw={"inputmode": "decimal", "step": "0.01"})


class PersonRow(Form):
    person = TextField(_l("Person"), 200)
    person_id = HiddenField()
    role = EnumField(_l("Credit"), CreditRole, default=CreditRole.DIRECTOR.value)


class ProjectForm(FlaskForm):
    title = TextField(_l("Title"), 200, [DataRequired()])
    original_title = TextField(_l("Original title"), 200,
                               description=_l("In its own script, e.g. Жылқы ұрылары"))
    logline = LongTextField(_l("Logline"), 2000)
    format = EnumField(_l("Format"), ProjectFormat)
    genre = TextField(_l("Genre"), 80)
    stage_id = SelectField(_l("Stage"), coerce=int)
    status = EnumField(_l("Status"), ProjectStatus)
    budget_amount = DecimalField(_l("Budget"), places=2, validators=[
        Optional(), NumberRange(min=0, max=999_999_999_999, message=_l("Enter an amount of 0 or more."))],
        render_kw={"inputmode": "decimal", "step": "0.01"})
    budget_currency = CurrencyField()
    origin_event_id = SelectField(_l("First discussed at"), validators=[Optional()])
    next_step = TextField(_l("Next step"), 500)
    next_step_due = DateField(_l("Next step due"), validators=[Optional()])
    notes = LongTextField(_l("Notes"))
    parties = FieldList(FormField(PartyRow), min_entries=BLANK_ROWS)
    people = FieldList(FormField(PersonRow), min_entries=BLANK_ROWS)
    add_party = SubmitField(_l("Add another party"))
    add_person = SubmitField(_l("Add another person"))
    version = HiddenField()
    submit = SubmitField(_l("Save"))

    def __init__(self, *args, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.stage_id.choices = stage_choices()
        self.origin_event_id.choices = event_choices()
        if editing:  # the stage moves through the pipeline (with history), not here
            del self.stage_id

    def add_blank_row(self) -> bool:
        """'Add another …' pressed (works without JavaScript): one more empty row."""
        if self.add_party.data:
            self.parties.append_entry()
            return True
        if self.add_person.data:
            self.people.append_entry()
            return True
        return False

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        self._party_ids = [resolve_record(r.form.organization, r.form.organization_id,
                                          "organizations", Organization, "name")
                           for r in self.parties]
        self._person_ids = [resolve_record(r.form.person, r.form.person_id, "people", Person,
                                           "full_name") for r in self.people]
        named = [r.form.organization for r in self.parties] + [r.form.person for r in self.people]
        return valid and not any(field.errors for field in named)

    def values(self) -> dict:
        values = {name: getattr(self, name).data for name in (
            "title", "original_title", "logline", "genre", "budget_amount", "budget_currency",
            "next_step", "next_step_due", "notes")}
        values["format"] = ProjectFormat(self.format.data)
        values["status"] = ProjectStatus(self.status.data)
        values["origin_event_id"] = int(self.origin_event_id.data) if self.origin_event_id.data else None
        if "stage_id" in self:
            values["stage_id"] = self.stage_id.data
        return values

    def party_rows(self) -> list[dict]:
        """Filled party rows, in order, with their row index (for errors at the row)."""
        return [{"row": i, "organization_id": ident, "role": PartyRole(row.form.role.data),
                 "share_percent": row.form.share_percent.data}
                for i, (row, ident) in enumerate(zip(self.parties, self._party_ids))
                if ident is not None]

    def person_rows(self) -> list[dict]:
        return [{"row": i, "person_id": ident, "role": CreditRole(row.form.role.data)}
                for i, (row, ident) in enumerate(zip(self.people, self._person_ids))
                if ident is not None]

    def fill_rows(self, project) -> None:
        """Show a project's parties and people, plus blank rows to add more."""
        while len(self.parties):
            self.parties.pop_entry()
        while len(self.people):
            self.people.pop_entry()
        for party in project.parties:
            self.parties.append_entry({"organization": party.organization.name,
                                       "organization_id": str(party.organization_id),
                                       "role": party.role.value,
                                       "share_percent": party.share_percent})
        for credit in project.people:
            self.people.append_entry({"person": credit.person.full_name,
                                      "person_id": str(credit.person_id),
                                      "role": credit.role.value})
        self.parties.append_entry()
        self.people.append_entry()


class MoveForm(FlaskForm):
    """Move a project to another stage, with an optional note (kept in the history)."""

    stage_id = SelectField(_l("Move to stage"), coerce=int)
    note = LongTextField(_l("Note (optional)"), 2000)
    version = HiddenField()
    submit = SubmitField(_l("Move"))

    def __init__(self, *args, stages=None, **kwargs):
        """`stages`: the ordered stages when the caller has them already (no query)."""
        super().__init__(*args, **kwargs)
        self.stage_id.choices = (stage_choices() if stages is None
                                 else as_choices((s.id, s.name) for s in stages))
