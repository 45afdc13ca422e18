"""Creating and changing co-production projects, their parties and people, and moving
them through the pipeline. The same code serves the pages, the API and the CLI.

Rules (checked here, before anything is written, so every path enforces them):
- a title, a known stage and format; budget 0 or more with an ISO 4217 currency;
- each party's share is above 0 and at most 100, the shares sum to at most 100, and an
  organization is a party at most once;
- every stage move is kept as history (from, to, who, when, note).
"""
from __future__ import annotations

import functools
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import NamedTuple

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from crm import access, audit, lifecycle
from crm.errors import ValidationFailed
from crm.extensions import db
from crm.formatting import format_number
from crm.models import (CreditRole, Event, Organization, PartyRole, Person,
                        PipelineStage, Project, ProjectParty, ProjectPerson, ProjectStatus,
                        StageChange, utcnow, stage_name)
from crm.reference import is_currency, with_codes_normalized
from crm.timeline import MemorandumLine, TimelineEntry, project_history
from crm.postgresql import fixed_limit

STAGE_NOTE_MAX = 2000  # why a project moved, kept in its stage history

STALE_AFTER = timedelta(days=30)


def _validate(values: dict, parties: list[dict] | None, people: list[dict] | None,
              project: Project | None = None) -> None:
    errors: dict[str, list[str]] = {}

    def add(field, message):
        errors.setdefault(field, []).append(str(message))

    if "title" in values and not (values["title"] or "").strip():
        add("title", _l("A title is required."))
    if "stage_id" in values and db.session.get(PipelineStage, values["stage_id"] or 0) is None:
        add("stage_id", _l("Choose a stage."))
    amount = values.get("budget_amount", project.budget_amount if project else None)
    currency = values.get("budget_currency", project.budget_currency if project else None)
    if amount is not None and Decimal(amount) < 0:
        add("budget_amount", _l("Enter an amount of 0 or more."))
    if currency and not is_currency(currency):
        add("budget_currency", _l("Unknown currency code."))
    if amount is not None and not currency:
        add("budget_currency", _l("Give the currency of the budget."))
    event_id = values.get("origin_event_id")
    if event_id is not None and db.session.get(Event, event_id) is None:
        add("origin_event_id", _l("No such event."))

    if parties is not None:
        seen, total = set(), Decimal(0)
        for i, party in enumerate(parties):
            row = party.get("row", i)
            if party.get("role") not in set(PartyRole):
                add(f"parties.{row}.role", _l("Unknown role."))
            if db.session.get(Organization, party["organization_id"]) is None:
                add(f"parties.{row}.organization_id", _l("No such organization."))
            elif party["organization_id"] in seen:
                add(f"parties.{row}.organization_id", _l("This organization is already a party."))
            seen.add(party["organization_id"])
            share = party.get("share_percent")
            if share is not None:
                share = Decimal(share)
                if not Decimal(0) < share <= Decimal(100):
                    add(f"parties.{row}.share_percent", _l("A share is above 0 and at most 100."))
                else:
                    total += share
        if total > 100:
            add("parties", _l("The shares add up to %(total)s %%; they may not exceed 100 %%.",
                              total=format_number(total)))
    if people is not None:
        seen_credits = set()
        for i, credit in enumerate(people):
            row = credit.get("row", i)
            if credit.get("role") not in set(CreditRole):
                add(f"people.{row}.role", _l("Unknown credit."))
            if db.session.get(Person, credit["person_id"]) is None:
                add(f"people.{row}.person_id", _l("No such person."))
            key = (credit["person_id"], str(credit.get("role")))
            if key in seen_credits:
                add(f"people.{row}.person_id", _l("This person already has this credit."))
            seen_credits.add(key)
    if errors:
        raise ValidationFailed(errors)


def _set_parties(project: Project, parties: list[dict]) -> dict:
    before = [(p.organization_id, p.role.value, str(p.share_percent) if p.share_percent else None)
              for p in project.parties]
    current = {p.organization_id: p for p in project.parties}
    rows = []
    for party in parties:
        row = current.get(party["organization_id"]) or ProjectParty(
            organization_id=party["organization_id"])
        row.role = PartyRole(party["role"])
        row.share_percent = Decimal(party["share_percent"]) if party.get("share_percent") is not None else None
        rows.append(row)
    project.parties = rows
    after = [(p.organization_id, p.role.value, str(p.share_percent) if p.share_percent else None)
             for p in rows]
    return {"parties": [before, after]} if before != after else {}


def _set_people(project: Project, people: list[dict]) -> dict:
    before = [(c.person_id, c.role.value) for c in project.people]
    current = {(c.person_id, c.role): c for c in project.people}
    project.people = [current.get((c["person_id"], CreditRole(c["role"]))) or
                      ProjectPerson(person_id=c["person_id"], role=CreditRole(c["role"]))
                      for c in people]
    after = [(c.person_id, c.role.value) for c in project.people]
    return {"people": [before, after]} if before != after else {}


def create_project(values: dict, parties: list[dict] = (), people: list[dict] = (),
                   *, actor=None) -> Project:
    """A new project in its first stage, with that first stage recorded as history."""
    values = with_codes_normalized(values, "budget_currency")
    if not values.get("stage_id"):
        values["stage_id"] = db.session.scalar(
            sa.select(PipelineStage.id).order_by(PipelineStage.position).limit(fixed_limit(1)))
    _validate({"title": None, **values}, list(parties), list(people))
    project = Project(**values)
    _set_parties(project, list(parties))
    _set_people(project, list(people))
    project.stage_changes = [StageChange(to_stage_id=values["stage_id"],
                                         changed_by_id=getattr(actor, "id", None),
                                         note=str(_l("Project created")))]
    project.last_activity_at = utcnow()
    return lifecycle.create(project)


def update_project(project: Project, values: dict, parties: list[dict] | None = None,
                   people: list[dict] | None = None, expected_version=None) -> dict:
    """Change a project's fields (not its stage: see `move_to_stage`)."""
    values = with_codes_normalized({k: v for k, v in values.items() if k != "stage_id"},
                                   "budget_currency")
    _validate(values, parties, people, project)
    lifecycle.check_version(project, expected_version)
    extra = {}
    if parties is not None:
        extra.update(_set_parties(project, parties))
    if people is not None:
        extra.update(_set_people(project, people))
    if extra:
        project.last_activity_at = utcnow()
    if "budget_amount" in values and values["budget_amount"] != project.budget_amount and \
            values.get("budget_currency", project.budget_currency) == project.budget_currency:
        # the history says "US$1,500,000.00", not a bare number: the unchanged currency too
        extra["budget_currency"] = [project.budget_currency, project.budget_currency]
    return lifecycle.update(project, values, extra_changes=extra)


def move_to_stage(project: Project, stage: PipelineStage, note: str | None = None, *,
                  actor=None, expected_version=None) -> StageChange | None:
    """Move `project` to `stage` and keep the move in its history. Moving to the stage it
    is already in changes nothing and returns None."""
    lifecycle.check_version(project, expected_version)
    if note is not None and len(note) > STAGE_NOTE_MAX:
        raise ValidationFailed({"note": [str(_l("A note may be at most %(n)d characters.",
                                                n=STAGE_NOTE_MAX))]})
    if stage.id == project.stage_id:
        return None
    old_key = project.stage.key
    change = StageChange(from_stage_id=project.stage_id, to_stage_id=stage.id,
                         changed_by_id=getattr(actor, "id", None), note=note or None)
    project.stage_changes.append(change)
    project.stage = stage
    project.last_activity_at = utcnow()
    db.session.flush()
    audit.record("stage_move", project, {"stage": [old_key, stage.key],
                                         **({"note": [None, note]} if note else {})}, actor=actor)
    return change


_PROJECT_ID = sa.bindparam("project_id", type_=sa.Integer())


class Party(NamedTuple):
    organization_id: int
    role: PartyRole
    share_percent: Decimal | None
    name: str
    local_name: str | None
    country: str | None


class Credit(NamedTuple):
    person_id: int
    role: CreditRole
    full_name: str
    local_name: str | None


class StageChoice(NamedTuple):
    id: int
    name: str


@functools.cache
def _project_statement() -> sa.Select:
    """The project's own columns, read as a row (no ORM object: building objects and
    their collections was most of the page's time), through the access layer and built
    once per process."""
    return access.built_once(
        sa.select(Project.id, Project.title, Project.original_title, Project.logline,
                  Project.format, Project.genre, Project.stage_id, Project.status,
                  Project.budget_amount, Project.budget_currency, Project.next_step,
                  Project.next_step_due, Project.notes, Project.last_activity_at,
                  Project.version, stage_name().label("stage_name"),
                  Event.id.label("event_id"), Event.name.label("event_name"),
                  Event.edition.label("event_edition"))
        .join(PipelineStage, PipelineStage.id == Project.stage_id)
        .outerjoin(Event, Event.id == Project.origin_event_id)
        .where(Project.id == _PROJECT_ID))


@functools.cache
def _lists_statement(with_stages: bool) -> sa.CompoundSelect:
    """The page's short lists in one statement (a UNION ALL of light rows): the parties,
    the people and (`with_stages`, for the move form) the stages in board order. Parties
    and credits name their organization or person even once archived (the deal stands),
    hence `include_archived`; none of these tables is restricted by viewer (the project
    itself is, and is read first), and stages are never archived."""
    text, number = sa.String(), sa.Integer()

    def part(kind, ref, seq, role, name, local_name=None, country=None, share=None):
        return sa.select(
            sa.literal(kind, text).label("kind"), ref.label("ref"), seq.label("seq"),
            # as text: two enum types in one column would not match on PostgreSQL
            (sa.cast(role, text) if role is not None else sa.null()).label("role"),
            name.label("name"),
            sa.type_coerce(local_name if local_name is not None else sa.null(), text)
            .label("local_name"),
            sa.type_coerce(country if country is not None else sa.null(), text).label("country"),
            sa.type_coerce(share if share is not None else sa.null(),
                           ProjectParty.share_percent.type).label("share"))

    parts = [
        part("party", ProjectParty.organization_id, ProjectParty.id, ProjectParty.role,
             Organization.name, Organization.local_name, Organization.country,
             ProjectParty.share_percent)
        .join(Organization, Organization.id == ProjectParty.organization_id)
        .where(ProjectParty.project_id == _PROJECT_ID),
        part("credit", ProjectPerson.person_id, ProjectPerson.id, ProjectPerson.role,
             Person.full_name, Person.local_name)
        .join(Person, Person.id == ProjectPerson.person_id)
        .where(ProjectPerson.project_id == _PROJECT_ID),
    ]
    if with_stages:
        parts.append(part("stage", PipelineStage.id, PipelineStage.position, None,
                          stage_name()))
    union = sa.union_all(*parts)
    return (union.order_by(union.selected_columns.kind, union.selected_columns.seq)
            .execution_options(include_archived=True))


@dataclass
class ProjectPage:
    """A project as its page shows it: the project's columns (with `stage_name` and its
    origin event's `event_id`, `event_name`, `event_edition`), its parties, people and
    memoranda, its timeline, and the stages to move it to (empty unless asked for)."""

    project: sa.Row
    parties: list[Party]
    people: list[Credit]
    memoranda: list[MemorandumLine]
    timeline: list[TimelineEntry]
    stages: list[StageChoice]

    @property
    def warning(self) -> str | None:
        return financing_warning(self.project, self.parties)

    @property
    def stale(self) -> bool:
        return is_stale(self.project)


def project_page(project_id: int, *, with_stages: bool = False) -> ProjectPage | None:
    """The project page's content in three statements however much happened on the
    project (its row, its short lists, its history); None if there is no such project or
    the viewer may not see it. `with_stages`: the stages too, for the move form."""
    project_id_param = {"project_id": project_id}
    project = db.session.execute(_project_statement(), project_id_param).first()
    if project is None:
        return None
    parties, people, stages = [], [], []
    for kind, ref, _seq, role, name, local_name, country, share in db.session.execute(
            _lists_statement(with_stages), project_id_param):
        if kind == "party":
            parties.append(Party(ref, PartyRole(role), share, name, local_name, country))
        elif kind == "credit":
            people.append(Credit(ref, CreditRole(role), name, local_name))
        else:
            stages.append(StageChoice(ref, name))
    timeline, memoranda = project_history(project_id)
    return ProjectPage(project, parties, people, memoranda, timeline, stages)


@dataclass
class ProjectListItem:
    """A row of the projects list: the columns it shows and its parties' names and
    distinct countries (in party order)."""

    id: int
    title: str
    original_title: str | None
    stage_name: str
    status: ProjectStatus
    next_step: str | None
    next_step_due: date | None
    last_activity_at: datetime
    party_names: list[str] = field(default_factory=list)
    countries: list[str] = field(default_factory=list)

    @property
    def stale(self) -> bool:
        return is_stale(self)


def list_page_items(project_ids: list[int]) -> list[ProjectListItem]:
    """The projects list's rows for one page of ids (already in page order), in two
    statements. Paging over ids first lets a deep page skip its thousands of earlier
    rows in the title index alone, without reading each row and its stage."""
    rows = db.session.execute(
        sa.select(Project.id, Project.title, Project.original_title,
                  stage_name().label("stage_name"), Project.status, Project.next_step,
                  Project.next_step_due, Project.last_activity_at)
        .join(PipelineStage, PipelineStage.id == Project.stage_id)
        .where(Project.id.in_(project_ids))).all()
    items = {row.id: ProjectListItem(*row) for row in rows}
    for project_id, name, country in db.session.execute(
            sa.select(ProjectParty.project_id, Organization.name, Organization.country)
            .join(Organization, Organization.id == ProjectParty.organization_id)
            .where(ProjectParty.project_id.in_(project_ids)).order_by(ProjectParty.id)
            .execution_options(include_archived=True)):
        item = items.get(project_id)
        if item is None:
            continue
        item.party_names.append(name)
        if country and country not in item.countries:
            item.countries.append(country)
    return [items[i] for i in project_ids if i in items]


def financing_warning(project, parties=None) -> str | None:
    """A visible warning when an active project's shares are given but do not make 100 %.
    `parties`: anything with `share_percent` (the project's own parties if not given)."""
    parties = project.parties if parties is None else parties
    shares = [p.share_percent for p in parties if p.share_percent is not None]
    if project.status != ProjectStatus.ACTIVE or not shares:
        return None
    total = sum(shares, Decimal(0))
    if total != 100:
        return str(_l("The financing shares add up to %(total)s %%, not 100 %%.",
                      total=format_number(total)))
    return None


def is_stale(project, now=None) -> bool:
    """Nothing happened on an active project for 30 days."""
    now = now or utcnow()
    return project.status == ProjectStatus.ACTIVE and project.last_activity_at is not None \
        and now - project.last_activity_at > STALE_AFTER
