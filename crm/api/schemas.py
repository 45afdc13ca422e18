"""The API's bodies and query strings as marshmallow schemas. They validate what comes in
(types, formats, lengths the columns can hold), shape what goes out, and flask-smorest
generates the OpenAPI document from them, so the document and the checks cannot drift.

Domain rules (shares, dates in order, the memorandum workflow, uniqueness, references to
other records) are not repeated here: the services check them, for the pages and the API
alike, and their messages come back in the same `errors` {field: [messages]} shape.

Conventions: field names are the domain model's; references are `<thing>_id(s)`; a
project's `stage` is the stage key; decimals (shares, budgets) travel as JSON strings
("60.00") so no float rounding creeps in; dates are
ISO 8601 (YYYY-MM-DD); date-times ISO 8601 with an offset. Optional text sent as "" is
stored as null. Unknown fields in a body are an error.
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from crm import access
from crm.models import (CreditRole, Event, FollowUp, Meeting, MeetingOutcome, Memorandum,
                        MemorandumKind, MemorandumParty, MemorandumStatus, MemorandumTerm,
                        Organization, OrganizationKind, PartyRole, Person, PersonRole,
                        PipelineStage, Project, ProjectFormat, ProjectStatus, Role)
from crm.i18n import LANGUAGES
from crm.models.base import MAX_ID, column_length
from crm.projects.services import STAGE_NOTE_MAX
from crm.organizations.services import ALIAS_MAX, WEBSITE_PATTERN, alias_problem, website_problem
from crm.meetings.services import MAX_FOLLOW_UPS, MAX_LINKS
from crm.people.services import email_problem
from crm.reference import countries, currencies
from crm.text import (BLANK, NON_BLANK_LINE_PATTERN, NON_BLANK_TEXT_PATTERN, ONE_LINE_PATTERN,
                      clean_multiline, line_problem)

ID_MAX = MAX_ID  # ids are 32-bit on PostgreSQL
PER_PAGE_DEFAULT = 50
PER_PAGE_MAX = 200
LONG_TEXT_MAX = 20_000
EARLIEST_DAY = date(1900, 1, 1)
LATEST_DAY = date(2200, 12, 31)


def fits(model, name: str) -> validate.Length:
    """At most the length the model's column holds (one source: the model)."""
    return validate.Length(max=column_length(getattr(model, name)))


def rule(problem) -> callable:
    """A marshmallow validator from a service's rule (`problem(value)` -> message or None),
    so that the API refuses with the pages' words and for the pages' reasons."""
    def check(value):
        if value is not None and (message := problem(value)):
            raise ValidationError(message)
    return check


# --- field types ------------------------------------------------------------------------

class Text(fields.String):
    """Text as typed, in any script: surrounding space removed, NFC-normalised. NUL
    characters are refused (PostgreSQL cannot store them). One line, unless
    `multiline=True`: crm.text says what each may hold, as for the pages' forms."""

    default_error_messages = {"control": "Text may not contain NUL characters.",
                              "encoding": "Not valid Unicode text.",
                              "blank": _l("This may not be blank.")}

    #: What the OpenAPI document says a value must look like (the same rules, crm.text):
    #: a name or a title is one line with something in it; a required text, something.
    pattern: str | None = NON_BLANK_LINE_PATTERN
    multiline_pattern: str | None = NON_BLANK_TEXT_PATTERN
    may_be_blank = False

    def __init__(self, *, multiline: bool = False, **kwargs):
        super().__init__(**kwargs)
        self.multiline = multiline
        pattern = self.multiline_pattern if multiline else self.pattern
        if pattern:
            self.metadata = {"pattern": pattern, **self.metadata}

    def _deserialize(self, value, attr, data, **kwargs):
        value = super()._deserialize(value, attr, data, **kwargs)
        if "\x00" in value:
            raise self.make_error("control")
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:  # a lone surrogate (\ud800) from JSON
            raise self.make_error("encoding") from None
        for check in self.validators:  # the document's maxLength counts what was sent
            if isinstance(check, validate.Length) and check.max is not None:
                check(value)
        if self.multiline:
            value = clean_multiline(value)
        elif problem := line_problem(value):  # before the line break at its end is gone
            raise ValidationError(problem)
        value = unicodedata.normalize("NFC", value.strip())
        if not value and not self.may_be_blank:
            raise self.make_error("blank")
        return value


class OptionalText(Text):
    """Text that may be absent: null or "" (or only spaces) is stored as null."""

    pattern = ONE_LINE_PATTERN
    multiline_pattern = None
    may_be_blank = True

    def __init__(self, **kwargs):
        super().__init__(allow_none=True, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        return super()._deserialize(value, attr, data, **kwargs) or None

    def _validate(self, value):
        if value is not None:
            super()._validate(value)


class Code(fields.String):
    """An ISO code (country, currency) exactly as the standard writes it, or null: the
    OpenAPI document lists every code there is, and nothing else is taken."""

    def __init__(self, codes: Iterable[str], unknown: str, **kwargs):
        self.codes = tuple(codes)
        super().__init__(allow_none=True, validate=validate.OneOf(self.codes, error=unknown),
                         **kwargs)

    def _validate(self, value):
        if isinstance(value, str) and value not in self.codes and value.upper() in self.codes:
            raise ValidationError(_("Write the code in capitals: %(code)s.", code=value.upper()))
        super()._validate(value)


def CountryCode(**kwargs) -> Code:  # noqa: N802 - a field factory
    kwargs.setdefault("metadata", {"description": "ISO 3166-1 alpha-2 country code."})
    return Code(countries(), _l("Unknown country code."), **kwargs)


def CurrencyCode(**kwargs) -> Code:  # noqa: N802 - a field factory
    kwargs.setdefault("metadata", {"description": "ISO 4217 currency code."})
    return Code(currencies(), _l("Unknown currency code."), **kwargs)


class DecimalString(fields.Decimal):
    """A decimal number of 0 or more as a JSON string ("40.00"), exact, with at most
    `places` decimal places. Only digits with an optional fraction are taken: not a JSON
    number (a float may already be rounded), nor what Python's Decimal would also read
    ("1e3", " 7", "1_0", "1."). The field's validators say what range it has, and
    `pattern` says the same for the OpenAPI document."""

    SYNTAX = re.compile(r"[0-9]+(\.[0-9]+)?")

    default_error_messages = {"places": "At most {places} decimal places.",
                              "string": _l('Send the number as a string, e.g. "40.00".')}

    def __init__(self, *, places: int = 2, pattern: str | None = None, **kwargs):
        pattern = pattern or r"^[0-9]+(\.[0-9]{1,%d})?$" % places
        kwargs["metadata"] = {"pattern": pattern, "example": "40.00",
                              **kwargs.get("metadata", {})}
        super().__init__(as_string=True, allow_nan=False, **kwargs)
        self.max_places = places

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, str):
            raise self.make_error("string")
        if not self.SYNTAX.fullmatch(value):
            raise self.make_error("invalid")
        number = super()._deserialize(value, attr, data, **kwargs)
        if number is not None and number.as_tuple().exponent < -self.max_places:
            raise self.make_error("places", places=self.max_places)
        return number

    def _validate(self, value):
        if value is not None:
            super()._validate(value)


# The years 1900 to 2200, at the start of an ISO 8601 date or date-time (JSON Schema has no
# bounds for dates: the OpenAPI document says it with a pattern).
YEARS_PATTERN = "^(19[0-9]{2}|2[01][0-9]{2}|2200)-"


class StrictBoolean(fields.Boolean):
    """true or false, as JSON writes them (marshmallow would also take 1, "yes", "on")."""

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, bool):
            raise self.make_error("invalid")
        return value


class Day(fields.Date):
    """A date between 1900 and 2200 (anything else is a typing mistake)."""

    def __init__(self, **kwargs):
        kwargs["metadata"] = {"pattern": YEARS_PATTERN, **kwargs.get("metadata", {})}
        super().__init__(validate=validate.Range(EARLIEST_DAY, LATEST_DAY,
                                                 error="Enter a date between 1900 and 2200."),
                         **kwargs)

    def _validate(self, value):
        if value is not None:
            super()._validate(value)


def Id(**kwargs) -> fields.Integer:  # noqa: N802 - a field factory
    """A reference to a record by its id."""
    return fields.Integer(strict=True, validate=validate.Range(1, ID_MAX), **kwargs)


def Ids(**kwargs) -> fields.List:  # noqa: N802 - a field factory
    kwargs.setdefault("validate", validate.Length(max=200))
    return fields.List(Id(), **kwargs)


def LongText(**kwargs) -> OptionalText:  # noqa: N802 - a field factory
    return OptionalText(multiline=True, validate=validate.Length(max=LONG_TEXT_MAX), **kwargs)


def Choice(enum_cls, **kwargs) -> fields.Enum:  # noqa: N802 - a field factory
    return fields.Enum(enum_cls, by_value=fields.String, **kwargs)


class VisibleReference(fields.Integer):
    """A reference to one record (a many-to-one `relationship`), sent as its id: null when
    there is none, or when it is a record the reader may not see (crm.access.shown_id:
    never reveal existence)."""

    def __init__(self, relationship: str, **kwargs):
        super().__init__(dump_only=True, allow_none=True, **kwargs)
        self.relationship = relationship

    def get_value(self, obj, attr, accessor=None, default=None):
        return access.shown_id(obj, self.relationship)


class ById(Schema):
    id = fields.Integer()


def IdsOf(attribute: str, **kwargs) -> fields.Pluck:  # noqa: N802 - a field factory
    """Dump a to-many relationship as the list of its ids."""
    return fields.Pluck(ById, "id", many=True, attribute=attribute, dump_only=True, **kwargs)


# --- shared parts -----------------------------------------------------------------------

class PatchSchema(Schema):
    """A PATCH body: every top-level field optional (rows inside lists stay complete),
    plus the `version` that was read (or send it as `If-Match`)."""

    version = fields.Integer(strict=True, validate=validate.Range(1, ID_MAX), load_only=True,
                             metadata={"description": "The version you read (instead of "
                                                      "the If-Match header)."})

    def __init__(self, **kwargs):
        super().__init__(partial=tuple(self._declared_fields), **kwargs)


class RecordSchema(Schema):
    """What every record has."""

    id = fields.Integer(dump_only=True, required=True)
    version = fields.Integer(dump_only=True, required=True, metadata={
        "description": "Changes with every edit; send it back as If-Match when changing "
                       "the record."})


class TimestampsSchema(Schema):
    created_at = fields.DateTime(dump_only=True, required=True)
    updated_at = fields.DateTime(dump_only=True, required=True)


class ProblemSchema(Schema):
    """A problem document (RFC 9457)."""

    type = fields.String(required=True, metadata={"description": "A link to the explanation "
                                                                 "of this kind of problem."})
    title = fields.String(required=True)
    status = fields.Integer(required=True)
    detail = fields.String(required=True)
    errors = fields.Dict(keys=fields.String(), values=fields.List(fields.String()), metadata={
        "description": "For invalid input (422, and 409): messages by field; nested fields "
                       "as dotted paths, e.g. parties.0.share_percent."})


class ListQuery(Schema):
    q = OptionalText(validate=validate.Length(max=200),
             metadata={"description": "Search text (any script, case-insensitive)."})
    page = fields.Integer(load_default=1, validate=validate.Range(1, ID_MAX))
    per_page = fields.Integer(load_default=PER_PAGE_DEFAULT,
                              validate=validate.Range(1, PER_PAGE_MAX))


def FilterId(description: str) -> fields.Integer:  # noqa: N802 - a field factory
    return fields.Integer(validate=validate.Range(1, ID_MAX), metadata={"description": description})


def CountryFilter() -> Code:  # noqa: N802 - a field factory
    return CountryCode()


def page_of(item_schema: type[Schema], name: str) -> type[Schema]:
    """The schema of one page of a list: {items, page, per_page, total}."""
    return Schema.from_dict({
        "items": fields.List(fields.Nested(item_schema), required=True),
        "page": fields.Integer(required=True),
        "per_page": fields.Integer(required=True),
        "total": fields.Integer(required=True, metadata={"description": "Matching records "
                                                                          "on all pages."}),
    }, name=name)


# --- organizations ----------------------------------------------------------------------

class OrganizationCreateSchema(Schema):
    name = Text(required=True, validate=fits(Organization, "name"),
                metadata={"description": "The name in Latin script."})
    local_name = OptionalText(validate=fits(Organization, "local_name"), metadata={
        "description": "The name in its own script, e.g. Қазақфильм or 東京ニューシネマ."})
    kind = Choice(OrganizationKind, required=True)
    country = CountryCode()
    city = OptionalText(validate=fits(Organization, "city"))
    website = OptionalText(validate=[fits(Organization, "website"), rule(website_problem)],
                           metadata={"pattern": WEBSITE_PATTERN})
    # The length is the column's, shown in the OpenAPI document; the rule is the service's.
    aliases = fields.List(Text(validate=[validate.Length(1, ALIAS_MAX), rule(alias_problem)]),
                          validate=validate.Length(max=50),
                          metadata={"description": "Other spellings it is found by."})
    notes = LongText()


class OrganizationPatchSchema(PatchSchema, OrganizationCreateSchema):
    pass


class OrganizationSchema(RecordSchema, OrganizationCreateSchema, TimestampsSchema):
    aliases = fields.List(fields.String(), attribute="alias_names", required=True)


class OrganizationQuery(ListQuery):
    kind = Choice(OrganizationKind)
    country = CountryFilter()


OrganizationPage = page_of(OrganizationSchema, "OrganizationPage")


# --- people -----------------------------------------------------------------------------

class PersonCreateSchema(Schema):
    full_name = Text(required=True, validate=fits(Person, "full_name"),
                     metadata={"description": "The name in Latin script."})
    local_name = OptionalText(validate=fits(Person, "local_name"),
                              metadata={"description": "The name in its own script."})
    position = OptionalText(validate=fits(Person, "position"))
    role = Choice(PersonRole, required=True)
    organization_id = Id(allow_none=True, metadata={"description": "Current organization."})
    country = CountryCode()
    email = OptionalText(validate=[fits(Person, "email"), rule(email_problem)], metadata={
        # an address, or nothing ("" and blanks are stored as null, as for all optional text)
        "anyOf": [{"format": "email"}, {"pattern": f"^[{BLANK}]*$"}]})
    phone = OptionalText(validate=fits(Person, "phone"))
    notes = LongText()


class PersonPatchSchema(PatchSchema, PersonCreateSchema):
    pass


class PersonSchema(RecordSchema, PersonCreateSchema, TimestampsSchema):
    pass


class PersonQuery(ListQuery):
    organization_id = FilterId("People currently at this organization.")
    country = CountryFilter()
    role = Choice(PersonRole)


PersonPage = page_of(PersonSchema, "PersonPage")


# --- events -----------------------------------------------------------------------------

class EventCreateSchema(Schema):
    name = Text(required=True, validate=fits(Event, "name"))
    edition = fields.Integer(strict=True, allow_none=True, validate=validate.Range(1900, 2200),
                             metadata={"description": "The year, e.g. 2018."})
    city = OptionalText(validate=fits(Event, "city"))
    country = CountryCode()
    start_date = Day(allow_none=True)
    end_date = Day(allow_none=True)
    venue = OptionalText(validate=fits(Event, "venue"),
                         metadata={"description": "e.g. National Pavilion of Kazakhstan."})


class EventPatchSchema(PatchSchema, EventCreateSchema):
    pass


class EventSchema(RecordSchema, EventCreateSchema, TimestampsSchema):
    pass


class EventQuery(ListQuery):
    country = CountryFilter()
    year = fields.Integer(validate=validate.Range(1900, 2200),
                          metadata={"description": "The edition (year)."})


EventPage = page_of(EventSchema, "EventPage")


# --- projects ---------------------------------------------------------------------------

# Above 0 and at most 100, at most two decimal places (100, 40.5, 0.25; not 0, not 100.5).
SHARE_PATTERN = r"^0*(100(\.0{1,2})?|[1-9][0-9]?(\.[0-9]{1,2})?|0\.(0[1-9]|[1-9][0-9]?))$"


class ProjectPartySchema(Schema):
    organization_id = Id(required=True)
    role = Choice(PartyRole, required=True)
    share_percent = DecimalString(allow_none=True, pattern=SHARE_PATTERN, metadata={
        "description": "Share of the financing in percent, above 0 and at most 100; the "
                       "shares of a project add up to at most 100."})


class ProjectCreditSchema(Schema):
    person_id = Id(required=True)
    role = Choice(CreditRole, required=True)


class _StageKey(fields.String):
    """A stage (or null) dumped as its key: a string in the document, read straight from
    the stage (a nested schema per stage cost a fifth of a projects page)."""

    def _serialize(self, value, attr, obj, **kwargs):
        return None if value is None else value.key


def StageKey(attribute: str, **kwargs) -> fields.String:  # noqa: N802 - a field factory
    """Dump a stage (or null) as its key."""
    return _StageKey(attribute=attribute, dump_only=True, **kwargs)


class StageChangeSchema(Schema):
    from_stage = StageKey("from_stage", allow_none=True, required=True,
                          metadata={"description": "Stage key; null for the first."})
    to_stage = StageKey("to_stage", required=True)
    changed_by_id = fields.Integer(allow_none=True, required=True,
                                   metadata={"description": "The user who moved it."})
    changed_at = fields.DateTime(required=True)
    note = fields.String(allow_none=True, required=True)


class ProjectCreateSchema(Schema):
    title = Text(required=True, validate=fits(Project, "title"))
    original_title = OptionalText(validate=fits(Project, "original_title"))
    logline = LongText()
    format = Choice(ProjectFormat, required=True)
    genre = OptionalText(validate=fits(Project, "genre"))
    stage = Text(validate=fits(PipelineStage, "key"), metadata={
        "description": "Stage key (see /api/v1/stages). New projects default to the first "
                       "stage; to move a project later, POST to /api/v1/projects/{id}/stage."})
    status = Choice(ProjectStatus)
    budget_amount = DecimalString(
        allow_none=True, pattern=r"^0*[0-9]{1,12}(\.[0-9]{1,2})?$",
        validate=validate.Range(max=Decimal("999999999999.99"),
                                error="At most 999,999,999,999.99."),
        metadata={"description": "0 to 999,999,999,999.99, with its budget_currency."})
    budget_currency = CurrencyCode()
    origin_event_id = Id(allow_none=True, metadata={"description": "Where it was first "
                                                                   "discussed."})
    next_step = OptionalText(validate=fits(Project, "next_step"))
    next_step_due = Day(allow_none=True)
    notes = LongText()
    parties = fields.List(fields.Nested(ProjectPartySchema), validate=validate.Length(max=50))
    people = fields.List(fields.Nested(ProjectCreditSchema), validate=validate.Length(max=100))

    @validates_schema
    def _budget_has_its_currency(self, data, **_kwargs):
        """A budget amount comes with its currency, in the same body (BUDGET_RULE)."""
        if data.get("budget_amount") is not None and data.get("budget_currency") is None:
            raise ValidationError(str(_l("Give the currency of the budget.")), "budget_currency")


#: `_budget_has_its_currency` in JSON Schema, for the OpenAPI document (crm.api.init_app):
#: no amount (or null), or a currency that is not null.
BUDGET_RULE = {"anyOf": [
    {"properties": {"budget_amount": {"nullable": True, "enum": [None]}}},
    {"required": ["budget_currency"], "properties": {"budget_currency": {"type": "string"}}},
]}


class ProjectPatchSchema(PatchSchema, ProjectCreateSchema):
    class Meta:
        exclude = ("stage",)


class ProjectSchema(RecordSchema, ProjectCreateSchema, TimestampsSchema):
    stage = StageKey("stage", required=True, metadata={"description": "Stage key."})
    last_activity_at = fields.DateTime(dump_only=True, required=True)
    stage_history = fields.List(fields.Nested(StageChangeSchema), attribute="stage_changes",
                                dump_only=True, required=True,
                                metadata={"description": "Every stage move, newest first."})


class ProjectQuery(ListQuery):
    stage = Text(validate=fits(PipelineStage, "key"), metadata={"description": "Stage key."})
    status = Choice(ProjectStatus)
    country = CountryFilter()
    organization_id = FilterId("Projects this organization is party to.")
    event_id = FilterId("Projects first discussed at, or discussed in a meeting at, this event.")


class PipelineQuery(Schema):
    """The filters of the pipeline report (the board's: every stage is shown)."""

    q = OptionalText(validate=validate.Length(max=200),
             metadata={"description": "Search text (any script, case-insensitive)."})
    status = Choice(ProjectStatus)
    country = CountryFilter()
    organization_id = FilterId("Projects this organization is party to.")
    event_id = FilterId("Projects first discussed at, or discussed in a meeting at, this event.")


class StageMoveSchema(Schema):
    stage = Text(required=True, validate=fits(PipelineStage, "key"),
                 metadata={"description": "The key of the stage to move to."})
    note = OptionalText(multiline=True, validate=validate.Length(max=STAGE_NOTE_MAX),
                        metadata={"description": "Why, kept in the stage history."})
    version = fields.Integer(strict=True, validate=validate.Range(1, ID_MAX), load_only=True,
                             metadata={"description": "The version you read (optional)."})


ProjectPage = page_of(ProjectSchema, "ProjectPage")


# --- memoranda --------------------------------------------------------------------------

class MemorandumPartySchema(Schema):
    organization_id = Id(required=True)
    signatory_person_id = Id(allow_none=True)
    role = OptionalText(validate=fits(MemorandumParty, "role"))


class MemorandumTermSchema(Schema):
    heading = Text(required=True, validate=fits(MemorandumTerm, "heading"))
    text = Text(required=True, multiline=True, validate=validate.Length(max=LONG_TEXT_MAX))


class AttachmentSchema(Schema):
    id = fields.Integer(required=True)
    filename = fields.String(required=True)
    content_type = fields.String(required=True)
    size_bytes = fields.Integer(required=True)
    sha256 = fields.String(required=True)
    uploaded_at = fields.DateTime(required=True)


class MemorandumCreateSchema(Schema):
    reference = Text(validate=fits(Memorandum, "reference"), metadata={
        "description": "Unique, e.g. MOU-2018-001; when left out, the next free "
                       "MOU-<year>-<nnn> is given."})
    title = Text(required=True, validate=fits(Memorandum, "title"))
    kind = Choice(MemorandumKind, required=True)
    status = Choice(MemorandumStatus, metadata={
        "description": "draft → negotiating → signed → expired or terminated (see the docs "
                       "page for the workflow)."})
    project_id = Id(allow_none=True)
    signed_on = Day(allow_none=True)
    signed_place = OptionalText(validate=fits(Memorandum, "signed_place"))
    event_id = Id(allow_none=True)
    effective_from = Day(allow_none=True)
    expires_on = Day(allow_none=True)
    summary = LongText()
    parties = fields.List(fields.Nested(MemorandumPartySchema), validate=validate.Length(max=50))
    terms = fields.List(fields.Nested(MemorandumTermSchema), validate=validate.Length(max=200),
                        metadata={"description": "In order."})


class MemorandumPatchSchema(PatchSchema, MemorandumCreateSchema):
    pass


class MemorandumSchema(RecordSchema, MemorandumCreateSchema, TimestampsSchema):
    project_id = VisibleReference("project", required=True, metadata={
        "description": "The project; null when there is none, or when it is not shared "
                       "with you (a memorandum your organization signed may be about "
                       "another studio's project)."})
    attachments = fields.List(fields.Nested(AttachmentSchema), dump_only=True, required=True,
                              metadata={"description": "The signed scans (added on the "
                                                       "memorandum's page)."})


class MemorandumQuery(ListQuery):
    status = Choice(MemorandumStatus)
    kind = Choice(MemorandumKind)
    organization_id = FilterId("Memoranda this organization is party to.")
    project_id = FilterId("Memoranda of this project.")
    event_id = FilterId("Memoranda signed at this event.")
    expiring = fields.Boolean(metadata={"description": "Only signed memoranda expiring "
                                                       "within 60 days."})


MemorandumPage = page_of(MemorandumSchema, "MemorandumPage")


# --- meetings ---------------------------------------------------------------------------

class FollowUpSchema(Schema):
    id = Id(metadata={"description": "Give it to change an existing follow-up; leave it out "
                                     "to add one. Follow-ups not listed are removed."})
    description = Text(required=True, validate=fits(FollowUp, "description"))
    owner_id = Id(required=True,
                  metadata={"description": "A user id: an active staff member or admin."})
    due_date = Day(allow_none=True)
    done = StrictBoolean(load_default=False)
    done_at = fields.DateTime(dump_only=True, allow_none=True)


class AwareMoment(fields.AwareDateTime):
    """A date-time with its offset (2017-05-20T11:00:00+02:00), between 1900 and 2200."""

    def __init__(self, **kwargs):
        kwargs["metadata"] = {"pattern": YEARS_PATTERN, **kwargs.get("metadata", {})}
        super().__init__(**kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        moment = super()._deserialize(value, attr, data, **kwargs)
        if not EARLIEST_DAY.year <= moment.year <= LATEST_DAY.year:
            raise ValidationError("Enter a date between 1900 and 2200.")
        return moment


class MeetingCreateSchema(Schema):
    occurred_at = AwareMoment(required=True, metadata={
        "description": "When it took place, with its offset, e.g. 2017-05-20T11:00:00+02:00."})
    event_id = Id(allow_none=True)
    location = OptionalText(validate=fits(Meeting, "location"))
    summary = Text(required=True, multiline=True,
                   metadata={"description": "What was discussed."})
    outcome = Choice(MeetingOutcome)
    organization_ids = Ids(validate=validate.Length(max=MAX_LINKS))
    person_ids = Ids(validate=validate.Length(max=MAX_LINKS))
    project_ids = Ids(validate=validate.Length(max=MAX_LINKS),
                      metadata={"description": "Projects discussed."})
    follow_ups = fields.List(fields.Nested(FollowUpSchema),
                             validate=validate.Length(max=MAX_FOLLOW_UPS))


class MeetingPatchSchema(PatchSchema, MeetingCreateSchema):
    pass


class MeetingSchema(RecordSchema, MeetingCreateSchema, TimestampsSchema):
    organization_ids = IdsOf("organizations", required=True)
    person_ids = IdsOf("people", required=True)
    project_ids = IdsOf("projects", required=True, metadata={
        "description": "Projects discussed (those you may see)."})
    logged_by_id = fields.Integer(dump_only=True, allow_none=True, required=True)


class MeetingQuery(ListQuery):
    event_id = FilterId("Meetings at this event.")
    organization_id = FilterId("Meetings with this organization.")
    person_id = FilterId("Meetings with this person.")
    project_id = FilterId("Meetings about this project.")
    date_from = Day(metadata={"description": "On or after this day (UTC)."})
    date_to = Day(metadata={"description": "On or before this day (UTC)."})
    outcome = Choice(MeetingOutcome)


MeetingPage = page_of(MeetingSchema, "MeetingPage")


# --- stages -----------------------------------------------------------------------------

class StageSchema(RecordSchema):
    key = fields.String(required=True)
    name = fields.String(required=True, metadata={"description": "The name in English."})
    name_ru = fields.String(allow_none=True, metadata={
        "description": "The name in Russian (null: the English name is shown)."})
    name_kk = fields.String(allow_none=True, metadata={
        "description": "The name in Kazakh (null: the English name is shown)."})
    position = fields.Integer(required=True)


class StageQuery(Schema):
    page = fields.Integer(load_default=1, validate=validate.Range(1, ID_MAX))
    per_page = fields.Integer(load_default=PER_PAGE_DEFAULT,
                              validate=validate.Range(1, PER_PAGE_MAX))


StagePage = page_of(StageSchema, "StagePage")


# --- the caller -------------------------------------------------------------------------

class MeSchema(RecordSchema):
    email = fields.String(required=True, dump_only=True)
    name = fields.String(required=True, dump_only=True)
    role = fields.Enum(Role, by_value=True, required=True, dump_only=True)
    organization_id = fields.Integer(allow_none=True, dump_only=True)
    preferred_language = fields.String(required=True, validate=validate.OneOf(
        tuple(LANGUAGES)), metadata={"description": "The language of the user's pages, "
                                     "documents and e-mails: " + ", ".join(LANGUAGES) + "."})


class MePatchSchema(PatchSchema):
    preferred_language = fields.String(required=True, validate=validate.OneOf(tuple(LANGUAGES)))
