"""The dashboard's panels and the one search box over every area. Every query goes
through the access layer, so an executive's dashboard and results hold only their deals."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from crm.extensions import db
from crm.models import (Event, Meeting, Memorandum, Organization, Person, PipelineStage,
                        Project, ProjectStatus, fold, meeting_projects, utcnow, stage_name)
from crm.notes import notes_contain
from crm.postgresql import fixed_limit
from crm.projects.services import STALE_AFTER

SEARCH_LIMIT = 20
# The search box shows meeting notes of the last year, a festival season (the meetings
# list searches all of them, page by page); both find them through their trigram index
# (crm.notes).
MEETING_SEARCH_WINDOW = timedelta(days=366)
PANEL_ROWS = 8


@dataclass
class StageCount:
    stage: sa.Row  # key, name
    count: int


def projects_per_stage() -> list[StageCount]:
    """Every stage with its number of projects (dropped ones aside), in one statement."""
    counts = (sa.select(Project.stage_id, sa.func.count().label("n"))
              .where(Project.status != ProjectStatus.DROPPED).group_by(Project.stage_id)
              .subquery())
    rows = db.session.execute(
        sa.select(PipelineStage.key, stage_name().label("name"), counts.c.n)
        .outerjoin(counts, counts.c.stage_id == PipelineStage.id)
        .order_by(PipelineStage.position)).all()
    return [StageCount(row, row.n or 0) for row in rows]


@dataclass
class RecentMeeting:
    id: int
    occurred_at: datetime
    summary: str
    event_label: str | None
    projects: list[str]  # titles


def recent_meetings() -> list[RecentMeeting]:
    """The newest meetings with their event and the titles of their projects: two
    statements, whether or not there are meetings (the second finds the same meetings)."""
    newest = (sa.select(Meeting.id).order_by(Meeting.occurred_at.desc(), Meeting.id.desc())
              .limit(fixed_limit(PANEL_ROWS)))
    meetings = db.session.execute(
        sa.select(Meeting.id, Meeting.occurred_at, Meeting.summary, Event.name, Event.edition)
        .outerjoin(Event, Event.id == Meeting.event_id)
        .order_by(Meeting.occurred_at.desc(), Meeting.id.desc())
        .limit(fixed_limit(PANEL_ROWS))).all()
    titles: dict[int, list[str]] = {}
    for meeting_id, title in db.session.execute(
            sa.select(meeting_projects.c.meeting_id, Project.title)
            .join(Project, Project.id == meeting_projects.c.project_id)
            .where(meeting_projects.c.meeting_id.in_(newest.scalar_subquery()))
            .order_by(Project.title)):
        titles.setdefault(meeting_id, []).append(title)
    return [RecentMeeting(m.id, m.occurred_at, m.summary,
                          (f"{m.name} {m.edition}" if m.edition else m.name) if m.name else None,
                          titles.get(m.id, [])) for m in meetings]


def stale_projects() -> list[sa.Row]:
    """Active projects with nothing for 30 days, longest quiet first (rows of id, title,
    stage_name, last_activity_at)."""
    return db.session.execute(
        sa.select(Project.id, Project.title, stage_name().label("stage_name"),
                  Project.last_activity_at)
        .join(PipelineStage, PipelineStage.id == Project.stage_id)
        .where(Project.status == ProjectStatus.ACTIVE,
               Project.last_activity_at < utcnow() - STALE_AFTER)
        .order_by(Project.last_activity_at).limit(fixed_limit(PANEL_ROWS))).all()


def search_everything(q: str) -> dict[str, list]:
    """Records whose names (Latin, own script, other spellings), titles or references
    contain `q`, case-insensitively in every script: rows of the columns the results
    show, in a fixed number of statements."""
    needle = fold(q)
    if not needle:
        return {}

    def matching(model, *columns):
        return sa.select(*columns).where(*model.criteria(needle))

    results = {
        "projects": matching(Project, Project.id, Project.title, Project.original_title,
                             stage_name().label("stage"))
        .join(PipelineStage, PipelineStage.id == Project.stage_id).order_by(Project.title),
        "memoranda": matching(Memorandum, Memorandum.id, Memorandum.reference, Memorandum.title)
        .order_by(Memorandum.reference),
        "people": matching(Person, Person.id, Person.full_name, Person.local_name,
                           Organization.name.label("organization"))
        .outerjoin(Organization, Organization.id == Person.organization_id)
        .order_by(Person.full_name),
        "events": matching(Event, Event.id, Event.label.label("label"))
        .order_by(Event.start_date.desc()),
    }
    results = {key: db.session.execute(stmt.limit(fixed_limit(SEARCH_LIMIT))).all()
               for key, stmt in results.items()}
    # With their other spellings (loaded with them, in one more statement).
    results["organizations"] = db.session.scalars(
        sa.select(Organization).where(*Organization.criteria(needle))
        .order_by(Organization.name).limit(fixed_limit(SEARCH_LIMIT))).all()
    # Meeting notes are free text: matched as typed, whatever the case, through their
    # trigram index (crm.notes).
    in_notes = notes_contain(q.strip())
    results["meetings"] = db.session.execute(
        sa.select(Meeting.id, Meeting.occurred_at, Meeting.summary, Event.label.label("event"))
        .outerjoin(Event, Event.id == Meeting.event_id)
        .where(Meeting.occurred_at >= utcnow() - MEETING_SEARCH_WINDOW, in_notes)
        .order_by(Meeting.occurred_at.desc(), Meeting.id.desc())
        .limit(fixed_limit(SEARCH_LIMIT))).all()
    return results
