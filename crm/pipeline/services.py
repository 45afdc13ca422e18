"""The pipeline: filtering projects the way the board, the report and the API do, and
moving projects between stages with history."""
from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from crm.extensions import db
from crm.models import (Organization, PipelineStage, Project, ProjectParty, ProjectStatus,
                        meeting_projects, Meeting)


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
            value = args.get(name, "")
            return int(value) if str(value).isdigit() else None
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
    from crm.models import fold
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
