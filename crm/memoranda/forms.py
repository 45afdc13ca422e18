"""Forms of the memoranda area: the memorandum with its parties and terms, a change of
status, an attachment. Domain rules live in services.py; these only shape the input."""
from __future__ import annotations

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import DateField, FieldList, Form, FormField, HiddenField, SubmitField
from wtforms.validators import AnyOf, DataRequired, Optional

from crm.extensions import db
from crm.form_fields import (EnumField, LongTextField, OrganizationNameField, SelectField,
                             TextField, as_choices, resolve_record)
from crm.forms import add_row_if_asked
from crm.models import (Event, Memorandum, MemorandumKind, MemorandumParty, MemorandumStatus,
                        MemorandumTerm, Organization, Person, Project)
from crm.models.base import column_length
from crm.reference import label

BLANK_PARTY_ROWS = 3
BLANK_TERM_ROWS = 3


def event_choices(keep_id: int | None = None) -> list:
    """Every event by (id, label), newest first; an archived one only if it is `keep_id`."""
    stmt = (sa.select(Event.id, Event.label)
            .where(sa.or_(Event.archived_at.is_(None), Event.id == keep_id))
            .order_by(Event.start_date.desc().nulls_last(), Event.name)
            .execution_options(include_archived=True))
    return as_choices(db.session.execute(stmt), blank="—")


def _int_or_none(value) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


def StatusField(label, **kw):  # noqa: N802 - a field factory
    """A status select that offers the next steps of the workflow but accepts any real
    status, so that a move the workflow forbids gets the service's clear message."""
    return SelectField(label, validate_choice=False, validators=[
        AnyOf([s.value for s in MemorandumStatus], message=_l("Choose a status from the list."))],
        **kw)


def status_choices(statuses) -> list:
    return as_choices((s.value, label(s)) for s in statuses)


class PartyForm(Form):
    """A party row: the organization and its signatory are named by type-ahead (a festival
    season has thousands of each), their ids kept in hidden fields once chosen."""

    organization = OrganizationNameField()
    organization_id = HiddenField()
    signatory_person = TextField(_l("Signatory"), column_length(Person.full_name))
    signatory_person_id = HiddenField()
    role = TextField(_l("Role in the memorandum"), column_length(MemorandumParty.role))

    def is_blank(self) -> bool:
        return not any(f.data for f in (self.organization, self.organization_id,
                                        self.signatory_person, self.signatory_person_id,
                                        self.role))

    def resolve(self) -> bool:
        self.organization_value = resolve_record(self.organization, self.organization_id,
                                                 "organizations", Organization, "name")
        self.signatory_value = resolve_record(self.signatory_person, self.signatory_person_id,
                                              "people", Person, "full_name")
        return not (self.organization.errors or self.signatory_person.errors)

    def show(self, party) -> None:
        self.organization.data = party.organization.name
        self.organization_id.data = str(party.organization_id)
        signatory = party.signatory
        self.signatory_person.data = signatory.full_name if signatory else None
        self.signatory_person_id.data = str(signatory.id) if signatory else ""
        self.role.data = party.role


class TermForm(Form):
    heading = TextField(_l("Heading"), column_length(MemorandumTerm.heading))
    text = LongTextField(_l("Text"), 20_000)

    def is_blank(self) -> bool:
        return not (self.heading.data or self.text.data)


class MemorandumForm(FlaskForm):
    reference = TextField(_l("Reference"), column_length(Memorandum.reference), [DataRequired()],
                          description=_l("Unique, e.g. MOU-2018-001"))
    title = TextField(_l("Title"), column_length(Memorandum.title), [DataRequired()])
    kind = EnumField(_l("Kind"), MemorandumKind)
    status = StatusField(_l("Status"), default=MemorandumStatus.DRAFT.value)
    project = TextField(_l("Project"), column_length(Project.title),
                        description=_l("Type part of its title"))
    project_id = HiddenField()
    event_id = SelectField(_l("Event"), validators=[Optional()],
                           description=_l("Where it was signed or discussed"))
    signed_on = DateField(_l("Signed on"), validators=[Optional()])
    signed_place = TextField(_l("Place of signing"), column_length(Memorandum.signed_place),
                             description=_l("e.g. National Pavilion of Kazakhstan, Cannes"))
    effective_from = DateField(_l("Takes effect"), validators=[Optional()])
    expires_on = DateField(_l("Expires"), validators=[Optional()])
    summary = LongTextField(_l("Summary"))
    parties = FieldList(FormField(PartyForm))
    terms = FieldList(FormField(TermForm))
    add_party = SubmitField(_l("Add a party"))
    add_term = SubmitField(_l("Add a term"))
    version = HiddenField()
    submit = SubmitField(_l("Save"))

    def __init__(self, *args, memo: Memorandum | None = None, statuses=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.event_id.choices = event_choices(memo.event_id if memo else None)
        self.status.choices = status_choices(statuses or list(MemorandumStatus))

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        self.project_value = resolve_record(self.project, self.project_id, "projects", Project,
                                            "title")
        rows_named = [entry.form.resolve() for entry in self.parties]
        return valid and not self.project.errors and all(rows_named)

    def show_project(self, project: Project | None) -> None:
        self.project.data = project.title if project else None
        self.project_id.data = str(project.id) if project else ""

    def pad_rows(self, parties: int = 1, terms: int = 1) -> None:
        """At least `parties` / `terms` empty rows at the end, for adding without JavaScript."""
        for field, wanted in ((self.parties, parties), (self.terms, terms)):
            blanks = 0
            for entry in reversed(field.entries):
                if not entry.form.is_blank():
                    break
                blanks += 1
            for _ in range(wanted - blanks):
                field.append_entry()

    def wants_another_row(self) -> bool:
        """True when the user pressed "Add a party/term": one more row of it."""
        return add_row_if_asked((self.add_party, self.parties), (self.add_term, self.terms))

    def fill_from(self, memo: Memorandum) -> None:
        """Show a stored memorandum (GET of the edit page)."""
        for name in ("reference", "title", "signed_on", "signed_place", "effective_from",
                     "expires_on", "summary"):
            getattr(self, name).data = getattr(memo, name)
        self.kind.data = memo.kind.value
        self.status.data = memo.status.value
        self.show_project(memo.project)
        self.event_id.data = str(memo.event_id or "")
        self.version.data = memo.version
        for field in (self.parties, self.terms):
            while field.entries:
                field.pop_entry()
        for party in memo.parties:
            self.parties.append_entry().form.show(party)
        for term in sorted(memo.terms, key=lambda t: t.position):
            entry = self.terms.append_entry()
            entry.heading.data, entry.text.data = term.heading, term.text

    def values(self) -> dict:
        return {
            "reference": self.reference.data, "title": self.title.data,
            "kind": MemorandumKind(self.kind.data), "status": MemorandumStatus(self.status.data),
            "project_id": self.project_value,
            "event_id": _int_or_none(self.event_id.data),
            "signed_on": self.signed_on.data, "signed_place": self.signed_place.data,
            "effective_from": self.effective_from.data, "expires_on": self.expires_on.data,
            "summary": self.summary.data,
        }

    # Every row, empty ones included, so that the service's 'parties.<index>.<field>'
    # errors land on the row the user typed in (the service skips empty rows).
    def party_rows(self) -> list[dict]:
        return [{"organization_id": e.form.organization_value,
                 "signatory_person_id": e.form.signatory_value,
                 "role": e.role.data} for e in self.parties]

    def term_rows(self) -> list[dict]:
        return [{"heading": e.heading.data, "text": e.text.data} for e in self.terms]


class StatusForm(FlaskForm):
    """The workflow control on the detail page: one button per next status."""

    status = StatusField(_l("New status"))
    signed_on = DateField(_l("Signed on"), validators=[Optional()],
                          description=_l("Needed to mark it signed"))
    version = HiddenField()

    def __init__(self, *args, statuses=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.status.choices = status_choices(statuses)
        self.next_statuses = list(statuses)


class AttachmentForm(FlaskForm):
    file = FileField(_l("Attach a file"), validators=[FileRequired(_l("Choose a file to attach."))],
                     description=_l("The signed scan: PDF, PNG or JPEG, at most 10 MB"),
                     render_kw={"accept": ".pdf,.png,.jpg,.jpeg,application/pdf,image/png,"
                                          "image/jpeg"})
