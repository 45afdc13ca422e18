"""The pipeline: filtering projects the way the board, the report and the API do, and
moving projects between stages with history."""
from __future__ import annotations

import re
from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

from crm import audit, lifecycle
from crm.errors import ValidationFailed
from crm.extensions import db
from crm.models import (Event, Meeting, Organization, PipelineStage, Project, ProjectParty,
                        ProjectStatus, StageChange, fold, meeting_projects, parse_id)


@dataclass(frozen=True)
class PipelineFilters:
    """The filters of the board, the pipeline report and the projects list."""

    organization_id: int | None = None
    country: str | None = None
    event_id: int | None = None
    status: ProjectStatus | None = None
    q: str | None = None

    @classmethod
    def from_args(cls, args) -> PipelineFilters:
        """From a query string (?organization_id=&country=&event_id=&status=&q=); values
        that are not well-formed are ignored rather than failing the page."""
        def integer(name):
            return parse_id(args.get(name))
        country = (args.get("country") or "").strip().upper()
        status = args.get("status") or None
        return cls(
            organization_id=integer("organization_id"),
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


def filtered_projects(filters: PipelineFilters) -> sa.Select:
    """Visible, unarchived projects matching `filters` (the access layer adds the rest)."""
    stmt = sa.select(Project)
    if filters.organization_id:
        stmt = stmt.where(Project.id.in_(sa.select(ProjectParty.project_id).where(
            ProjectParty.organization_id == filters.organization_id)))
    if filters.country:
        stmt = stmt.where(Project.id.in_(
            sa.select(ProjectParty.project_id).join(Organization)
            .where(Organization.country == filters.country)))
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
    """Eager-load what a card or report row shows, in a constant number of queries."""
    return stmt.options(
        selectinload(Project.parties).selectinload(ProjectParty.organization),
        selectinload(Project.stage),
    )


CARDS_PER_STAGE = 40


@dataclass
class BoardColumn:
    stage: PipelineStage
    count: int
    projects: list[Project]

    @property
    def more(self) -> int:
        return self.count - len(self.projects)


def board(filters: PipelineFilters, cards_per_stage: int = CARDS_PER_STAGE) -> list[BoardColumn]:
    """One column per stage with its count and its most recently active projects, in a
    fixed number of queries however many projects there are."""
    matching = filtered_projects(filters).subquery()
    counts = dict(db.session.execute(
        sa.select(matching.c.stage_id, sa.func.count()).group_by(matching.c.stage_id)).all())
    ranked = filtered_projects(filters).add_columns(
        sa.func.row_number().over(partition_by=Project.stage_id,
                                  order_by=(Project.last_activity_at.desc(), Project.id.desc()))
        .label("rank")).subquery()
    top = sa.select(ranked.c.id).where(ranked.c.rank <= cards_per_stage)
    projects = db.session.scalars(with_board_details(
        sa.select(Project).where(Project.id.in_(top))
        .order_by(Project.last_activity_at.desc(), Project.id.desc()))).all()
    by_stage: dict[int, list[Project]] = {}
    for project in projects:
        by_stage.setdefault(project.stage_id, []).append(project)
    return [BoardColumn(stage, counts.get(stage.id, 0), by_stage.get(stage.id, []))
            for stage in ordered_stages()]


def filter_choices() -> dict:
    """What the filter selects offer: organizations that are party to a project, the
    countries of those parties, events."""
    party_orgs = sa.select(ProjectParty.organization_id).distinct()
    organizations = db.session.execute(
        sa.select(Organization.id, Organization.name).where(Organization.id.in_(party_orgs))
        .order_by(Organization.name)).all()
    countries = db.session.scalars(
        sa.select(Organization.country).where(Organization.id.in_(party_orgs),
                                              Organization.country.is_not(None))
        .distinct().order_by(Organization.country)).all()
    events = db.session.scalars(sa.select(Event).order_by(Event.start_date.desc().nulls_last())).all()
    return {"filter_organizations": organizations, "filter_countries": countries,
            "filter_events": events}


# --- stages (admin) ----------------------------------------------------------------------

def _stage_errors(key: str | None, name: str | None, stage: PipelineStage | None = None) -> dict:
    errors = {}
    if stage is None:
        if not key or not re.fullmatch(r"[a-z][a-z0-9_]{1,39}", key):
            errors["key"] = [str(_l("Use 2–40 lower-case letters, digits or _, starting with a letter."))]
        elif db.session.scalar(sa.select(PipelineStage.id).where(PipelineStage.key == key)):
            errors["key"] = [str(_l("A stage with this key already exists."))]
    if not (name or "").strip():
        errors["name"] = [str(_l("A name is required."))]
    return errors


def add_stage(key: str, name: str) -> PipelineStage:
    errors = _stage_errors(key, name)
    if errors:
        raise ValidationFailed(errors)
    last = db.session.scalar(sa.select(sa.func.max(PipelineStage.position))) or 0
    return lifecycle.create(PipelineStage(key=key, name=name.strip(), position=last + 1))


def rename_stage(stage: PipelineStage, name: str, expected_version=None) -> dict:
    errors = _stage_errors(None, name, stage)
    if errors:
        raise ValidationFailed(errors)
    return lifecycle.update(stage, {"name": name.strip()}, expected_version)


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
        raise ValidationFailed({"stage": [str(_l(
            "“%(name)s” is in use by %(n)d projects or their history and cannot be deleted; "
            "rename it instead.", name=stage.name, n=in_use or in_history))]})
    audit.record("delete", stage, {"key": [stage.key, None], "name": [stage.name, None]})
    db.session.delete(stage)
    db.session.flush()
