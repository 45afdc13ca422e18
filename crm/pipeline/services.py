"""The pipeline: filtering projects the way the board, the report and the API do, and
moving projects between stages with history."""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from sqlalchemy.orm import aliased, joinedload, selectinload

from crm import access, audit, lifecycle
from crm.errors import ValidationFailed
from crm.extensions import db
from crm.models import (Event, Meeting, Organization, PipelineStage, Project, ProjectParty,
                        ProjectStatus, StageChange, fold, meeting_projects, parse_id, stage_name)
from crm.models.base import column_length
from crm.postgresql import fixed_limit


@dataclass(frozen=True)
class PipelineFilters:
    """The filters of the board, the pipeline report and the projects list."""

    organization_id: int | None = None
    organization: str | None = None  # a name typed in the filter (any party matching it)
    country: str | None = None
    event_id: int | None = None
    status: ProjectStatus | None = None
    q: str | None = None

    @classmethod
    def from_args(cls, args) -> PipelineFilters:
        """From a query string (?organization_id=&organization=&country=&event_id=&status=&q=);
        values that are not well-formed are ignored rather than failing the page. A typed
        organization name counts only without an `organization_id`."""
        def integer(name):
            return parse_id(args.get(name))
        country = (args.get("country") or "").strip().upper()
        status = args.get("status") or None
        organization_id = integer("organization_id")
        return cls(
            organization_id=organization_id,
            organization=None if organization_id else
            ((args.get("organization") or "").strip()[:200] or None),
            country=country if len(country) == 2 and country.isalpha() else None,
            event_id=integer("event_id"),
            status=ProjectStatus(status) if status in set(ProjectStatus) else None,
            q=(args.get("q") or "").strip()[:200] or None,
        )

    def as_args(self) -> dict:
        return {k: (v.value if isinstance(v, ProjectStatus) else v)
                for k, v in self.__dict__.items() if v is not None}

    @property
    def active(self) -> bool:
        return bool(self.as_args())


def _has_party(condition, correlated: bool):
    """The project has a party whose organization meets `condition`: IN (…) builds the
    set of such projects once (best for counting or reading them all); a correlated
    EXISTS checks row by row (best under a LIMIT that walks an index and stops early)."""
    if correlated:
        return sa.exists().where(ProjectParty.project_id == Project.id,
                                 ProjectParty.organization_id == Organization.id, condition)
    return Project.id.in_(sa.select(ProjectParty.project_id).join(Organization).where(condition))


def filtered_projects(filters: PipelineFilters, stmt: sa.Select | None = None, *,
                      correlated: bool = False) -> sa.Select:
    """Visible, unarchived projects matching `filters` (the access layer adds the rest);
    `stmt` selects something else from projects (ids, counts) with the same filters;
    `correlated`: see `_has_party`."""
    stmt = sa.select(Project) if stmt is None else stmt
    if filters.organization_id:
        stmt = stmt.where(Project.id.in_(sa.select(ProjectParty.project_id).where(
            ProjectParty.organization_id == filters.organization_id)))
    if filters.organization:
        stmt = stmt.where(_has_party(
            Organization.search_text.contains(fold(filters.organization), autoescape=True),
            correlated))
    if filters.country:
        stmt = stmt.where(_has_party(Organization.country == filters.country, correlated))
    if filters.event_id:
        stmt = stmt.where(sa.or_(
            Project.origin_event_id == filters.event_id,
            Project.id.in_(sa.select(meeting_projects.c.project_id).join(Meeting)
                           .where(Meeting.event_id == filters.event_id))))
    if filters.status:
        stmt = stmt.where(Project.status == filters.status)
    if filters.q:
        stmt = stmt.where(Project.search_text.contains(fold(filters.q), autoescape=True))
    return stmt


def ordered_stages() -> list[PipelineStage]:
    return list(db.session.scalars(sa.select(PipelineStage).order_by(PipelineStage.position)))


def with_board_details(stmt: sa.Select) -> sa.Select:
    """Eager-load what a card or report row shows, in a constant number of queries (the
    stage is a many-to-one: joined; the parties' organizations too, without their
    spellings, which cards and rows do not show)."""
    return stmt.options(
        selectinload(Project.parties).joinedload(ProjectParty.organization)
        .load_only(Organization.name, Organization.local_name, Organization.country)
        .lazyload(Organization.aliases),
        joinedload(Project.stage),
    )


CARDS_PER_STAGE = 12
# What a card shows (not the notes, logline or search text of each project): rows, not records.
CARD_COLUMNS = (Project.id, Project.title, Project.stage_id, Project.status, Project.next_step,
                Project.next_step_due, Project.last_activity_at)


@dataclass
class BoardColumn:
    stage: sa.Row  # id, key, name
    count: int
    projects: list[sa.Row]  # CARD_COLUMNS

    @property
    def more(self) -> int:
        return self.count - len(self.projects)


@dataclass
class Board:
    columns: list[BoardColumn]
    countries: dict[int, list[str]]  # project id -> its parties' countries, in party order


def board(filters: PipelineFilters, cards_per_stage: int = CARDS_PER_STAGE) -> Board:
    """One column per stage with its count and its most recently active projects, in a
    fixed number of statements however many projects there are: the stages with their
    counts, then each stage's first cards (one LIMIT per stage, each walking the
    stage/activity index, in one UNION ALL), then the countries of those cards' parties."""
    stages = db.session.execute(_stage_counts(filters)).all()
    live = [stage for stage in stages if stage.n]
    cards = db.session.execute(
        _first_cards(filters, len(live), cards_per_stage),
        {f"stage_{i}": stage.id for i, stage in enumerate(live)}).all() if live else []
    by_stage: dict[int, list[sa.Row]] = {}
    for card in cards:
        by_stage.setdefault(card.stage_id, []).append(card)
    return Board([BoardColumn(stage, stage.n or 0, by_stage.get(stage.id, [])) for stage in stages],
                 party_countries([card.id for card in cards]))


# The board's two statements are built once per set of filters (and number of stages), not
# at every request: SQLAlchemy took longer to build the cards' UNION of ten LIMITed
# subqueries (~3 ms) than the database took to run it. The viewer's criteria are still
# added at each execution (crm.access.built_once).
BUILT_BOARDS = 64


@functools.lru_cache(maxsize=BUILT_BOARDS)
def _stage_counts(filters: PipelineFilters) -> sa.Select:
    counts = filtered_projects(
        filters, sa.select(Project.stage_id, sa.func.count().label("n")).group_by(Project.stage_id)
    ).subquery()
    return access.built_once(
        sa.select(PipelineStage.id, PipelineStage.key, stage_name().label("name"), counts.c.n)
        .outerjoin(counts, counts.c.stage_id == PipelineStage.id)
        .order_by(PipelineStage.position))


@functools.lru_cache(maxsize=BUILT_BOARDS)
def _first_cards(filters: PipelineFilters, stages: int, cards_per_stage: int) -> sa.Select:
    """The first cards of `stages` stages (their ids bound as stage_0, stage_1, …)."""
    # Each part reads its cards' columns itself: with only their ids, PostgreSQL found the
    # 120 cards again by hashing all 10,000 projects (3 ms).
    firsts = [
        sa.select(*top.c) for top in (
            filtered_projects(filters, sa.select(*CARD_COLUMNS), correlated=True)
            .where(Project.stage_id == sa.bindparam(f"stage_{i}", type_=sa.Integer))
            .order_by(Project.last_activity_at.desc(), Project.id.desc())
            .limit(fixed_limit(cards_per_stage)).subquery()
            for i in range(stages))]
    top = sa.union_all(*firsts).subquery()
    return access.built_once(
        sa.select(*top.c).order_by(top.c.last_activity_at.desc(), top.c.id.desc()))


def party_countries(project_ids: list[int]) -> dict[int, list[str]]:
    """project id -> the distinct countries of its parties, in party order (one statement;
    archived organizations still count, as the project page lists them)."""
    countries: dict[int, list[str]] = {}
    if not project_ids:
        return countries
    rows = db.session.execute(
        sa.select(ProjectParty.project_id, Organization.country)
        .join(Organization, Organization.id == ProjectParty.organization_id)
        .where(ProjectParty.project_id.in_(project_ids), Organization.country.is_not(None))
        .order_by(ProjectParty.project_id, ProjectParty.id)
        .execution_options(include_archived=True))
    for project_id, country in rows:
        codes = countries.setdefault(project_id, [])
        if country not in codes:
            codes.append(country)
    return countries


def filter_organization(filters: PipelineFilters) -> Organization | None:
    """The organization an `organization_id` filter names (to show its name in the box)."""
    if not filters.organization_id:
        return None
    return db.session.get(Organization, filters.organization_id)


def filter_choices(filters: PipelineFilters | None = None) -> dict:
    """What the filter selects offer: the countries of organizations that are party to a
    project, events (id, label). Organizations are typed (with suggestions from the type-ahead), not
    chosen from a list of thousands."""
    # Each country once, then whether one of its organizations is a party: a probe per
    # country (a few dozen), where "organizations that are parties" read every party
    # (PostgreSQL hashed all of them: 3 ms of the board's and the projects list's time).
    country = (sa.select(Organization.country).where(Organization.country.is_not(None))
               .distinct().subquery())
    member = aliased(Organization)
    has_party = (sa.exists().where(member.country == country.c.country)
                 .where(ProjectParty.organization_id == member.id))
    countries = db.session.scalars(
        sa.select(country.c.country).where(has_party).order_by(country.c.country)).all()
    events = db.session.execute(sa.select(Event.id, Event.label.label("label"))
                                .order_by(Event.start_date.desc().nulls_last())).all()
    return {"filter_organization": filter_organization(filters) if filters else None,
            "filter_countries": countries,
            "filter_events": events}


# --- stages (admin) ----------------------------------------------------------------------

STAGE_NAME_MAX = column_length(PipelineStage.name)


def _stage_errors(key: str | None, names: dict[str, str | None],
                  stage: PipelineStage | None = None) -> dict:
    errors = {}
    if stage is None:
        if not key or not re.fullmatch(r"[a-z][a-z0-9_]{1,39}", key):
            errors["key"] = [str(_l("Use 2–40 lower-case letters, digits or _, starting with a letter."))]
        elif db.session.scalar(sa.select(PipelineStage.id).where(PipelineStage.key == key)):
            errors["key"] = [str(_l("A stage with this key already exists."))]
    if not names["name"]:
        errors["name"] = [str(_l("A name is required."))]
    for field, name in names.items():
        if name and len(name) > STAGE_NAME_MAX:
            errors[field] = [str(_l("A stage name may be at most %(n)d characters.",
                                    n=STAGE_NAME_MAX))]
    return errors


def _stage_names(name: str | None, name_ru: str | None, name_kk: str | None) -> dict:
    """The English name (required) and the Russian and Kazakh ones (none: the English)."""
    return {field: (value or "").strip() or None
            for field, value in (("name", name), ("name_ru", name_ru), ("name_kk", name_kk))}


def add_stage(key: str, name: str, *, name_ru: str | None = None,
              name_kk: str | None = None) -> PipelineStage:
    names = _stage_names(name, name_ru, name_kk)
    errors = _stage_errors(key, names)
    if errors:
        raise ValidationFailed(errors)
    last = db.session.scalar(sa.select(sa.func.max(PipelineStage.position))) or 0
    return lifecycle.create(PipelineStage(key=key, position=last + 1, **names))


def rename_stage(stage: PipelineStage, name: str, *, name_ru: str | None = None,
                 name_kk: str | None = None, expected_version=None) -> dict:
    """The stage's names in the three languages (a language left empty shows English)."""
    names = _stage_names(name, name_ru, name_kk)
    errors = _stage_errors(None, names, stage)
    if errors:
        raise ValidationFailed(errors)
    return lifecycle.update(stage, names, expected_version)


def shift_stage(stage: PipelineStage, direction: int) -> None:
    """Swap a stage with its neighbour (direction -1: earlier, +1: later)."""
    stages = ordered_stages()
    index = stages.index(stage)
    other_index = index + direction
    if not 0 <= other_index < len(stages):
        return
    other = stages[other_index]
    stage.position, other.position = other.position, stage.position
    db.session.flush()
    audit.record("reorder", stage, {"position": [other.position, stage.position]})


def delete_stage(stage: PipelineStage) -> None:
    """Remove a stage no project is in or has been in (its history must stay readable)."""
    in_use = db.session.scalar(
        sa.select(sa.func.count()).select_from(Project).where(Project.stage_id == stage.id)
        .execution_options(include_archived=True))
    in_history = db.session.scalar(sa.select(sa.func.count()).select_from(StageChange).where(
        sa.or_(StageChange.from_stage_id == stage.id, StageChange.to_stage_id == stage.id)))
    if in_use or in_history:
        raise ValidationFailed({"stage": [ngettext(
            "“%(name)s” is in use by %(num)d project or its history and cannot be deleted; "
            "rename it instead.",
            "“%(name)s” is in use by %(num)d projects or their history and cannot be deleted; "
            "rename it instead.", in_use or in_history, name=stage.name)]})
    audit.record("delete", stage, {"key": [stage.key, None], "name": [stage.name, None]})
    db.session.delete(stage)
    db.session.flush()
